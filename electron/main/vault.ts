/**
 * The desktop app's data key for encryption at rest, and *where it lives*. Two places:
 * - `os-keychain`: `userData/keys/data.key`, wrapped by Electron `safeStorage` (Keychain on
 *   macOS, DPAPI on Windows, libsecret or KWallet on Linux), so the file alone — in a copied
 *   or backed-up data folder — opens nothing;
 * - `key-file`: a 0600 key file *outside* the data folder, where the browser host keeps the key
 *   of this folder (services/vault.ts `defaultKeyFile`), used where there is no keychain (or
 *   Linux would only offer its fixed-password `basic_text` store).
 *
 * The place is chosen once and written down (`userData/keys/location.json`). Choosing it again
 * at every start from whether a keyring answers made a second key on Linux when the keyring
 * came and went (a cancelled unlock prompt was enough), and the earlier journal no longer
 * opened. Now: a recorded place is used as it is; a keychain that is not available is an error
 * that says so (never a new key); with no record, an existing key in either place is used (and
 * recorded) before a new one is made; where both exist, the older one is used and the log names
 * both.
 *
 * Known limit: the browser host (plain Node) cannot ask the OS keychain, so on a machine with a
 * keychain it does not share this key; where there is no keychain both use the same key file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultKeyFile, type KeyProtector, Vault, VaultError } from '../services/vault';

export type KeyLocation = 'os-keychain' | 'key-file';

/** Electron's `safeStorage`, the part used here. */
export interface SafeStorageApi {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** What is on disk and what the system offers, as `chooseKeyLocation` reads it. */
export interface KeySituation {
  recorded: KeyLocation | null;
  keychainUsable: boolean;
  /** Modification times of the existing keys (null: none there). */
  keychainKey: number | null;
  fileKey: number | null;
}

export type KeyChoice = { location: KeyLocation; create: boolean; note?: string } | { error: string };

/** Where the data key is to be read (or, for an empty folder, made). Pure. */
export function chooseKeyLocation(s: KeySituation, places: { keychainFile: string; keyFile: string }): KeyChoice {
  const keychainClosed =
    `The data key is kept in the system keyring (${places.keychainFile}), and the keyring is not available now — ` +
    'it may be locked, or the desktop session was started without it. Unlock it (or log in to the desktop normally) and open Stillroom again. ' +
    'Stillroom does not make a new key: the sessions already recorded would no longer open.';
  if (s.recorded === 'os-keychain') {
    if (s.keychainKey === null)
      return { error: `The data key ${places.keychainFile} is missing. Restore it (with the keyring it was made with) from a backup.` };
    return s.keychainUsable ? { location: 'os-keychain', create: false } : { error: keychainClosed };
  }
  if (s.recorded === 'key-file') {
    if (s.fileKey === null) return { error: `The data key file ${places.keyFile} is missing. Restore it from your backup.` };
    return { location: 'key-file', create: false };
  }
  if (s.keychainKey !== null && s.fileKey !== null) {
    const older: KeyLocation = s.fileKey <= s.keychainKey ? 'key-file' : 'os-keychain';
    if (older === 'os-keychain' && !s.keychainUsable) return { error: keychainClosed };
    const note = `two data keys exist (${places.keychainFile} and ${places.keyFile}); using the older, ${older === 'key-file' ? places.keyFile : places.keychainFile}`;
    return { location: older, create: false, note };
  }
  if (s.keychainKey !== null) return s.keychainUsable ? { location: 'os-keychain', create: false } : { error: keychainClosed };
  if (s.fileKey !== null) return { location: 'key-file', create: false };
  return { location: s.keychainUsable ? 'os-keychain' : 'key-file', create: true };
}

export function keychainUsable(safe: SafeStorageApi, platform: NodeJS.Platform): boolean {
  if (!safe.isEncryptionAvailable()) return false;
  return platform !== 'linux' || safe.getSelectedStorageBackend?.() !== 'basic_text';
}

function keychainProtector(safe: SafeStorageApi): KeyProtector {
  return {
    kind: 'os-keychain',
    protect: (key) => safe.encryptString(key.toString('base64')),
    unprotect: (blob) => Buffer.from(safe.decryptString(blob), 'base64'),
  };
}

function modified(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function readRecord(file: string): KeyLocation | null {
  try {
    const v = (JSON.parse(readFileSync(file, 'utf8')) as { location?: unknown }).location;
    return v === 'os-keychain' || v === 'key-file' ? v : null;
  } catch {
    return null;
  }
}

function writeRecord(file: string, location: KeyLocation, keyFile: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ location, keyFile: location === 'key-file' ? keyFile : undefined }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export interface DataVaultOptions {
  safeStorage: SafeStorageApi;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  log(line: string): void;
}

/** Opens (or, for a new data folder, creates) the data key of `userData`; throws VaultError with a clear message when it cannot. */
export function openDataVault(userData: string, opts: DataVaultOptions): Vault {
  const platform = opts.platform ?? process.platform;
  const places = { keychainFile: join(userData, 'keys', 'data.key'), keyFile: defaultKeyFile(userData, opts.env ?? process.env) };
  const recordFile = join(userData, 'keys', 'location.json');
  const usable = keychainUsable(opts.safeStorage, platform);
  const choice = chooseKeyLocation(
    {
      recorded: readRecord(recordFile),
      keychainUsable: usable,
      keychainKey: modified(places.keychainFile),
      fileKey: modified(places.keyFile),
    },
    places,
  );
  if ('error' in choice) throw new VaultError(choice.error);
  if (choice.note) opts.log(choice.note);
  const vault =
    choice.location === 'os-keychain'
      ? Vault.open(places.keychainFile, keychainProtector(opts.safeStorage), { dataDir: userData })
      : Vault.open(places.keyFile, undefined, { dataDir: userData });
  if (!existsSync(recordFile) || readRecord(recordFile) !== choice.location) writeRecord(recordFile, choice.location, places.keyFile);
  opts.log(
    choice.location === 'os-keychain'
      ? `journal encrypted at rest; data key in ${places.keychainFile}, wrapped by the OS keychain`
      : `the data key is kept in the key file ${places.keyFile} (mode 0600, outside the data folder)${usable ? '' : ': no OS keychain is available'}`,
  );
  return vault;
}
