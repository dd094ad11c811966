/**
 * The desktop app's data key for encryption at rest. The key lives in `userData/keys/data.key`,
 * wrapped by Electron `safeStorage` (the OS keychain: Keychain on macOS, DPAPI on Windows,
 * libsecret or KWallet on Linux), so the file alone — in a copied or backed-up data folder —
 * opens nothing. Where no keychain is there (or Linux would only offer its fixed-password
 * `basic_text` store), the key is kept in a 0600 key file *outside* the data folder instead, at
 * the same place the browser host uses for this folder, and the log says so.
 *
 * Known limit: the browser host (plain Node) cannot ask the OS keychain, so on a machine with a
 * keychain it does not share this key. Sessions recorded in the desktop app are then not
 * readable by `npm run serve` on the same folder (it says so and leaves them alone), and the
 * other way round. Where there is no keychain both use the same key file.
 */
import { join } from 'node:path';
import { safeStorage } from 'electron';
import { defaultKeyFile, type KeyProtector, Vault } from '../services/vault';

const keychain: KeyProtector = {
  kind: 'os-keychain',
  protect: (key) => safeStorage.encryptString(key.toString('base64')),
  unprotect: (blob) => Buffer.from(safeStorage.decryptString(blob), 'base64'),
};

function keychainUsable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
}

/** Opens (or creates) the data key of `userData`; throws VaultError with a clear message when it cannot. */
export function openDataVault(userData: string, log: (line: string) => void): Vault {
  if (keychainUsable()) {
    const file = join(userData, 'keys', 'data.key');
    const vault = Vault.open(file, keychain, { dataDir: userData });
    log(`journal encrypted at rest; data key in ${file}, wrapped by the OS keychain`);
    return vault;
  }
  const file = defaultKeyFile(userData);
  const vault = Vault.open(file, undefined, { dataDir: userData });
  log(`no OS keychain is available: the data key is kept in the key file ${file} (mode 0600, outside the data folder)`);
  return vault;
}
