/**
 * Signing and checking presets with Ed25519 (node:crypto). A check has three outcomes the
 * therapist sees: "Signed by <clinic>" (a key they trust), a clear warning (signed with a key
 * they have not trusted — shown with its fingerprint), or a refusal (the content was changed
 * after signing: not imported at all).
 */
import { sign as edSign, verify as edVerify } from 'node:crypto';
import { type Attachment, SIGNED_FORMAT, type SignedPreset, signingBytes } from '../../core/signing';
import { ImportError } from './errors';
import { type ClinicKey, fingerprint, publicKeyObject, type TrustedKeys } from './keys';

/** Where a preset came from, as far as this machine can tell. */
export type Provenance =
  | { status: 'unsigned'; message: string }
  | { status: 'trusted'; clinic: string; claimedClinic: string; fingerprint: string; signedAt: string; message: string }
  | { status: 'unknown-key'; claimedClinic: string; publicKey: string; fingerprint: string; signedAt: string; message: string };

export const UNSIGNED: Provenance = {
  status: 'unsigned',
  message: 'Not signed: Stillroom cannot tell who made this preset or whether it was changed.',
};

/** Wraps a preset (already stripped for sharing) in a signed envelope. */
export function signPreset(preset: unknown, key: ClinicKey, attachments?: readonly Attachment[], now: Date = new Date()): SignedPreset {
  const signedAt = now.toISOString();
  const bytes = signingBytes({ preset, attachments, clinic: key.clinic, publicKey: key.publicKey, signedAt });
  const value = edSign(null, bytes, key.privateKey).toString('base64url');
  const envelope: SignedPreset = {
    format: SIGNED_FORMAT,
    preset,
    signature: { algorithm: 'Ed25519', clinic: key.clinic, publicKey: key.publicKey, signedAt, value },
  };
  if (attachments) envelope.attachments = [...attachments];
  return envelope;
}

/**
 * Checks an envelope's signature over its content as written. Throws `ImportError('tampered')`
 * when the content does not match; otherwise says whose key it is.
 */
export function verifySigned(envelope: SignedPreset, trusted: TrustedKeys, source: string): Provenance {
  const sig = envelope.signature;
  let ok = false;
  try {
    const bytes = signingBytes({
      preset: envelope.preset,
      attachments: envelope.attachments,
      clinic: sig.clinic,
      publicKey: sig.publicKey,
      signedAt: sig.signedAt,
    });
    ok = edVerify(null, bytes, publicKeyObject(sig.publicKey), Buffer.from(sig.value, 'base64url'));
  } catch {
    throw new ImportError(source, ['signature: could not be checked — the signature or its public key is malformed'], 'invalid');
  }
  const fp = fingerprint(sig.publicKey);
  if (!ok) {
    throw new ImportError(
      source,
      [
        `signature: the content does not match its signature — it was changed after “${sig.clinic}” signed it (key ${fp}). Not imported; ask the clinic for a fresh copy.`,
      ],
      'tampered',
    );
  }
  const known = trusted.find(sig.publicKey);
  if (known) {
    const alias = known.clinic === sig.clinic ? '' : ` (the file calls itself “${sig.clinic}”)`;
    return {
      status: 'trusted',
      clinic: known.clinic,
      claimedClinic: sig.clinic,
      fingerprint: fp,
      signedAt: sig.signedAt,
      message: `Signed by ${known.clinic}${alias}`,
    };
  }
  return {
    status: 'unknown-key',
    claimedClinic: sig.clinic,
    publicKey: sig.publicKey,
    fingerprint: fp,
    signedAt: sig.signedAt,
    message: `Signed with a key you have not trusted. It says it is from “${sig.clinic}” — check the fingerprint ${fp} with that clinic before trusting it.`,
  };
}
