/**
 * Clinic identity for signing: this clinic's Ed25519 key pair, the public-key file it hands
 * to other clinics, and the list of other clinics' keys this machine trusts. Key files are
 * small JSON documents, written atomically; the private key file is readable by its owner only.
 *
 * The private key is stored unencrypted (mode 0600) in the data folder; wrapping it with the
 * OS keychain (Electron safeStorage) belongs with the encryption-at-rest work.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { jsonProblem, plainErrorMap, plainIssues } from '../../core/plain-errors';
import { writeFileAtomic } from '../library/atomic';

export const CLINIC_KEY_FILE = 'clinic-key.json';
export const TRUSTED_KEYS_FILE = 'trusted-keys.json';
const PUBLIC_KEY_FORMAT = 'stillroom.public-key/1';
const MAX_KEY_FILE_BYTES = 1024 * 1024;

const ClinicName = z.string().trim().min(1).max(200);
const RawKey = z
  .string()
  .length(43)
  .regex(/^[A-Za-z0-9_-]+$/, 'a base64url Ed25519 public key');

/** This clinic's signing identity. */
export interface ClinicKey {
  clinic: string;
  /** Raw public key, base64url (what other clinics trust). */
  publicKey: string;
  privateKey: KeyObject;
}

/** A short, comparable fingerprint of a public key, to read out over the phone: "3f2a 9c01 …". */
export function fingerprint(publicKey: string): string {
  const hex = createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex').slice(0, 32);
  return hex.match(/.{4}/g)?.join(' ') ?? hex;
}

/** The Node key object for a raw base64url Ed25519 public key; throws for malformed keys. */
export function publicKeyObject(publicKey: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
}

/** Makes a new key pair for this clinic. */
export function generateClinicKey(clinic: string): ClinicKey {
  const name = ClinicName.parse(clinic);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { clinic: name, publicKey: String(jwk.x), privateKey };
}

const ClinicKeyFileSchema = z
  .object({ format: z.literal('stillroom.clinic-key/1'), clinic: ClinicName, publicKey: RawKey, privateKeyPkcs8: z.string().max(400) })
  .strict();

export async function saveClinicKey(dataDir: string, key: ClinicKey): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const pkcs8 = key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const doc = { format: 'stillroom.clinic-key/1', clinic: key.clinic, publicKey: key.publicKey, privateKeyPkcs8: pkcs8 };
  await writeFileAtomic(join(dataDir, CLINIC_KEY_FILE), JSON.stringify(doc, null, 2), 0o600);
}

/** This clinic's key, or null if none was made yet. Throws if the file is damaged. */
export async function loadClinicKey(dataDir: string): Promise<ClinicKey | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, CLINIC_KEY_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const doc = ClinicKeyFileSchema.parse(JSON.parse(text));
  const privateKey = createPrivateKey({ key: Buffer.from(doc.privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' });
  const derived = String(createPublicKey(privateKey).export({ format: 'jwk' }).x);
  if (derived !== doc.publicKey) throw new Error(`${CLINIC_KEY_FILE}: the public key does not belong to the private key`);
  return { clinic: doc.clinic, publicKey: doc.publicKey, privateKey };
}

/** The file a clinic hands to others so they can trust its presets (`*.stillroom-key.json`). */
export function publicKeyFileText(key: Pick<ClinicKey, 'clinic' | 'publicKey'>): string {
  return `${JSON.stringify({ format: PUBLIC_KEY_FORMAT, clinic: key.clinic, publicKey: key.publicKey }, null, 2)}\n`;
}

const PublicKeyFileSchema = z.object({ format: z.literal(PUBLIC_KEY_FORMAT), clinic: ClinicName, publicKey: RawKey }).strict();

/** Reads another clinic's public-key file; throws a readable Error when it is not one. */
export function parsePublicKeyFile(text: string, source: string): { clinic: string; publicKey: string } {
  if (text.length > MAX_KEY_FILE_BYTES) throw new Error(`${source}: too large for a key file`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: ${jsonProblem(err, text)}`);
  }
  const r = PublicKeyFileSchema.safeParse(raw, { error: plainErrorMap });
  if (!r.success) throw new Error(`${source}: ${plainIssues(r.error.issues).join('; ')}`);
  publicKeyObject(r.data.publicKey); // throws if the bytes are not a valid key
  return { clinic: r.data.clinic, publicKey: r.data.publicKey };
}

export interface TrustedKey {
  clinic: string;
  publicKey: string;
  fingerprint: string;
  addedAt: string;
}

const TrustedFileSchema = z
  .object({
    format: z.literal('stillroom.trusted-keys/1'),
    keys: z.array(z.object({ clinic: ClinicName, publicKey: RawKey, addedAt: z.string().max(40) }).strict()).max(10_000),
  })
  .strict();

/** The clinics this machine trusts: public key → the name the therapist gave it. */
export class TrustedKeys {
  private readonly keys = new Map<string, TrustedKey>();

  private constructor(private readonly dataDir: string | null) {}

  /** An in-memory store (tests, or before a data folder exists). */
  static inMemory(keys: ReadonlyArray<{ clinic: string; publicKey: string }> = []): TrustedKeys {
    const store = new TrustedKeys(null);
    for (const k of keys) store.keys.set(k.publicKey, { ...k, fingerprint: fingerprint(k.publicKey), addedAt: new Date(0).toISOString() });
    return store;
  }

  /** Loads `<data>/trusted-keys.json`; a missing file is an empty store, a damaged one throws. */
  static async load(dataDir: string): Promise<TrustedKeys> {
    const store = new TrustedKeys(dataDir);
    let text: string;
    try {
      text = await readFile(join(dataDir, TRUSTED_KEYS_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw err;
    }
    const doc = TrustedFileSchema.parse(JSON.parse(text));
    for (const k of doc.keys) store.keys.set(k.publicKey, { ...k, fingerprint: fingerprint(k.publicKey) });
    return store;
  }

  /** Like `load`, synchronously (the preset catalog is built synchronously). */
  static loadSync(dataDir: string): TrustedKeys {
    const store = new TrustedKeys(dataDir);
    let text: string;
    try {
      text = readFileSync(join(dataDir, TRUSTED_KEYS_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw err;
    }
    const doc = TrustedFileSchema.parse(JSON.parse(text));
    for (const k of doc.keys) store.keys.set(k.publicKey, { ...k, fingerprint: fingerprint(k.publicKey) });
    return store;
  }

  list(): TrustedKey[] {
    return [...this.keys.values()];
  }

  find(publicKey: string): TrustedKey | undefined {
    return this.keys.get(publicKey);
  }

  /** Trusts a clinic's key under the name the therapist chooses. */
  async trust(publicKey: string, clinic: string): Promise<TrustedKey> {
    const key = RawKey.parse(publicKey);
    publicKeyObject(key);
    const entry: TrustedKey = {
      clinic: ClinicName.parse(clinic),
      publicKey: key,
      fingerprint: fingerprint(key),
      addedAt: new Date().toISOString(),
    };
    this.keys.set(key, entry);
    await this.save();
    return entry;
  }

  async revoke(publicKey: string): Promise<boolean> {
    const had = this.keys.delete(publicKey);
    if (had) await this.save();
    return had;
  }

  private async save(): Promise<void> {
    if (!this.dataDir) return;
    await mkdir(this.dataDir, { recursive: true });
    const doc = {
      format: 'stillroom.trusted-keys/1',
      keys: this.list().map((k) => ({ clinic: k.clinic, publicKey: k.publicKey, addedAt: k.addedAt })),
    };
    await writeFileAtomic(join(this.dataDir, TRUSTED_KEYS_FILE), JSON.stringify(doc, null, 2));
  }
}

/** What sealing the private key needs (electron/services/vault.ts `Vault`). */
export interface KeySealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

const SealedClinicKeyFileSchema = z
  .object({
    format: z.literal('stillroom.clinic-key/1'),
    clinic: ClinicName,
    publicKey: RawKey,
    /** The PKCS#8 private key, sealed with the data folder's vault (`sr1:…`). */
    privateKeySealed: z.string().max(1000),
  })
  .strict();

/**
 * Saves this clinic's key with the private half sealed by the vault (encryption at rest);
 * without a vault it falls back to the owner-only plain file of `saveClinicKey`.
 */
export async function saveClinicKeySealed(dataDir: string, key: ClinicKey, vault: KeySealer | null): Promise<void> {
  if (!vault) return saveClinicKey(dataDir, key);
  await mkdir(dataDir, { recursive: true });
  const pkcs8 = key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const doc = { format: 'stillroom.clinic-key/1', clinic: key.clinic, publicKey: key.publicKey, privateKeySealed: vault.seal(pkcs8) };
  await writeFileAtomic(join(dataDir, CLINIC_KEY_FILE), JSON.stringify(doc, null, 2), 0o600);
}

/** Loads this clinic's key, sealed or plain; null when none was made. Throws a readable Error when damaged. */
export async function loadClinicKeySealed(dataDir: string, vault: KeySealer | null): Promise<ClinicKey | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, CLINIC_KEY_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${CLINIC_KEY_FILE}: ${jsonProblem(err, text)}`);
  }
  const sealed = SealedClinicKeyFileSchema.safeParse(raw);
  if (!sealed.success) return loadClinicKey(dataDir);
  if (!vault) throw new Error(`${CLINIC_KEY_FILE}: the signing key is sealed and no vault is open to unseal it`);
  const privateKey = createPrivateKey({
    key: Buffer.from(vault.open(sealed.data.privateKeySealed), 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  const derived = String(createPublicKey(privateKey).export({ format: 'jwk' }).x);
  if (derived !== sealed.data.publicKey) throw new Error(`${CLINIC_KEY_FILE}: the public key does not belong to the private key`);
  return { clinic: sealed.data.clinic, publicKey: sealed.data.publicKey, privateKey };
}
