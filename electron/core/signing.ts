/**
 * The signed preset file: a clinic's Ed25519 signature over a canonical form of the preset,
 * so the receiving clinic knows who made it and that nothing changed on the way. Pure: this
 * module defines the wrapper format and the exact bytes that are signed; node:crypto does the
 * signing in `services/sharing/sign.ts`.
 *
 * Why a wrapper instead of a field in the preset: the preset schema is strict and versioned
 * (`stillroom.preset/1`), and a signature cannot sign itself. The wrapper carries the preset
 * untouched, plus (for bundles) the audio files' hashes, plus the signature.
 */
import { z } from 'zod';

export const SIGNED_FORMAT = 'stillroom.signed-preset/1';
const SIGNED_FORMAT_RE = /^stillroom\.signed-preset\/(\d+)$/;
/** Domain separation: these bytes can never be mistaken for a signature over something else. */
const SIGNING_CONTEXT = 'stillroom.signed-preset/1\n';
const MAX_DEPTH = 64;

/** Thrown for values that have no canonical JSON form (too deep, non-finite numbers…). */
export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'CanonicalJsonError';
  }
}

/**
 * Canonical JSON (in the spirit of RFC 8785): object keys sorted by UTF-16 code units, no
 * whitespace, numbers and strings as `JSON.stringify` writes them. The same preset always
 * gives the same bytes, whatever order or spacing the file used, so insignificant formatting
 * does not break a signature while any change of content does.
 */
export function canonicalJson(value: unknown): string {
  return canon(value, '', 0);
}

function canon(value: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new CanonicalJsonError(path || '(top level)', `nested deeper than ${MAX_DEPTH} levels`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path || '(top level)', 'not a finite number');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => canon(v, `${path}[${i}]`, depth + 1)).join(',')}]`;
      const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const parts: string[] = [];
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(k)}:${canon(v, path ? `${path}.${k}` : k, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(path || '(top level)', `a ${typeof value} has no JSON form`);
  }
}

/** An audio file inside a bundle, pinned by its hash so the signature covers the music too. */
export const AttachmentSchema = z
  .object({
    file: z.string().regex(/^audio\/[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/, 'attachment names look like audio/001-name.flac'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lower-case hex digits'),
    bytes: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 40),
  })
  .strict();
export type Attachment = z.infer<typeof AttachmentSchema>;

const B64URL = /^[A-Za-z0-9_-]+$/;

export const SignatureSchema = z
  .object({
    algorithm: z.literal('Ed25519'),
    /** The signing clinic's name as it calls itself (shown only if the key is trusted under it). */
    clinic: z.string().trim().min(1).max(200),
    /** Raw 32-byte Ed25519 public key, base64url. */
    publicKey: z.string().length(43).regex(B64URL, 'base64url'),
    signedAt: z.string().max(40),
    /** 64-byte signature, base64url. */
    value: z.string().length(86).regex(B64URL, 'base64url'),
  })
  .strict();
export type Signature = z.infer<typeof SignatureSchema>;

export const SignedPresetSchema = z
  .object({
    format: z.literal(SIGNED_FORMAT),
    /** Validated separately with `parsePreset`, after the signature is checked over it as written. */
    preset: z.unknown(),
    attachments: z.array(AttachmentSchema).max(6000).optional(),
    signature: SignatureSchema,
  })
  .strict();
export type SignedPreset = z.infer<typeof SignedPresetSchema>;

/** Whether parsed JSON claims to be a signed preset (of any version). */
export function looksSigned(raw: unknown): raw is { format: string } {
  return (
    typeof raw === 'object' &&
    raw !== null &&
    !Array.isArray(raw) &&
    typeof (raw as { format?: unknown }).format === 'string' &&
    SIGNED_FORMAT_RE.test((raw as { format: string }).format)
  );
}

/** For a signed file of another version: the message telling the person what to do, or null. */
export function signedVersionProblem(format: string): string | null {
  const m = SIGNED_FORMAT_RE.exec(format);
  if (!m || format === SIGNED_FORMAT) return null;
  return Number(m[1]) > 1
    ? `format: "${format}" is newer than this version of Stillroom understands (${SIGNED_FORMAT}); please update Stillroom`
    : `format: "${format}" is not a signed-preset format this version of Stillroom understands (${SIGNED_FORMAT})`;
}

/** Exactly the bytes that are signed and verified. */
export function signingBytes(content: {
  preset: unknown;
  attachments?: readonly Attachment[];
  clinic: string;
  publicKey: string;
  signedAt: string;
}): Uint8Array {
  const payload = canonicalJson({
    attachments: content.attachments ?? [],
    clinic: content.clinic,
    preset: content.preset,
    publicKey: content.publicKey,
    signedAt: content.signedAt,
  });
  return new TextEncoder().encode(SIGNING_CONTEXT + payload);
}
