/**
 * This machine's clinic signing key (Ed25519, sealed by the vault at rest) and the keys of
 * clinics the therapist trusts: naming the clinic once (never silently a second key), sharing
 * the public key as a file, trusting and forgetting others' keys.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { slug } from '../../core/slug';
import { writeFileAtomic } from '../../services/library/atomic';
import {
  type ClinicKey,
  fingerprint,
  generateClinicKey,
  loadClinicKeySealed,
  parsePublicKeyFile,
  publicKeyFileText,
  saveClinicKeySealed,
  TrustedKeys,
} from '../../services/sharing/keys';
import type { Vault } from '../../services/vault';
import type { SavedFile } from '../command';
import { Refusal } from '../refusal';
import type { SharingSnapshot } from './contract';
import { refusalFrom } from './errors';
import { savedFile } from './exporting';

export class ClinicIdentity {
  readonly trusted: TrustedKeys;
  private identity: ClinicKey | null = null;
  private problem: string | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly vault: Vault | null,
    private readonly log: (line: string) => void,
  ) {
    try {
      this.trusted = TrustedKeys.loadSync(dataDir);
    } catch (err) {
      // A damaged trust list: trust nothing (signed presets show as unknown keys) and say so.
      log(`trusted keys unreadable: ${(err as Error).message}`);
      this.trusted = TrustedKeys.inMemory();
    }
  }

  /** Reads this machine's key; one that exists but cannot be opened is a problem shown, never replaced. */
  async load(): Promise<void> {
    try {
      this.identity = await loadClinicKeySealed(this.dataDir, this.vault);
    } catch (err) {
      this.problem = `This machine's signing key cannot be read: ${(err as Error).message}`;
      this.log(this.problem);
    }
  }

  /** The key to sign with, when asked to sign. */
  signingKey(sign: boolean): ClinicKey | undefined {
    if (!sign) return undefined;
    if (!this.identity) throw new Refusal('Name your clinic first: signing needs this machine’s clinic key.');
    return this.identity;
  }

  async create(clinic: string): Promise<{ clinic: string; fingerprint: string }> {
    if (this.identity) {
      throw new Refusal(
        `This machine already signs as “${this.identity.clinic}”. A new key would make clinics that trust it distrust your presets.`,
      );
    }
    if (this.problem) {
      // Never overwrite a key that exists but cannot be opened just now: clinics may trust it.
      throw new Refusal(`${this.problem}. To make a new key anyway, move clinic-key.json out of the data folder first.`);
    }
    const key = generateClinicKey(clinic);
    try {
      await saveClinicKeySealed(this.dataDir, key, this.vault);
    } catch (err) {
      throw refusalFrom(err, 'The clinic key was not saved');
    }
    this.identity = key;
    this.problem = null;
    return { clinic: key.clinic, fingerprint: fingerprint(key.publicKey) };
  }

  async exportPublicKey(exportsDir: string): Promise<SavedFile> {
    if (!this.identity) throw new Refusal('Name your clinic first: there is no key to share yet.');
    const name = `${slug(this.identity.clinic, { fallback: 'clinic' })}.stillroom-key.json`;
    const path = join(exportsDir, name);
    const text = publicKeyFileText(this.identity);
    await mkdir(exportsDir, { recursive: true });
    await writeFileAtomic(path, text);
    return savedFile(path, name, 'application/json', Buffer.from(text, 'utf8'), true);
  }

  async trust(text: string, clinic: string): Promise<{ clinic: string; fingerprint: string }> {
    let parsed: { clinic: string; publicKey: string };
    try {
      parsed = parsePublicKeyFile(text, 'The key file');
    } catch (err) {
      throw new Refusal(`Not trusted: ${(err as Error).message}`);
    }
    if (this.identity && parsed.publicKey === this.identity.publicKey) throw new Refusal('That is this machine’s own key.');
    const entry = await this.trusted.trust(parsed.publicKey, clinic || parsed.clinic);
    return { clinic: entry.clinic, fingerprint: entry.fingerprint };
  }

  async untrust(publicKey: string): Promise<void> {
    const had = await this.trusted.revoke(publicKey);
    if (!had) throw new Refusal('That key is not in the trusted list.');
  }

  snapshot(): Pick<SharingSnapshot, 'identityProblem' | 'identity' | 'trusted'> {
    return {
      identityProblem: this.problem,
      identity: this.identity ? { clinic: this.identity.clinic, fingerprint: fingerprint(this.identity.publicKey) } : null,
      trusted: this.trusted
        .list()
        .map((k) => ({ clinic: k.clinic, publicKey: k.publicKey, fingerprint: k.fingerprint, addedAt: k.addedAt })),
    };
  }
}
