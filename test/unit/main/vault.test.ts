/**
 * Where the desktop app keeps its data key (electron/main/vault.ts), with a stand-in for
 * Electron's safeStorage whose Linux keyring comes and goes between starts: the place is
 * chosen once and kept, an existing key is used before a new one is made, and a keyring that
 * is closed now is an error that says so — never a silent second key.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseKeyLocation, openDataVault } from '../../../electron/main/vault';
import { VaultError } from '../../../electron/services/vault';
import { FakeSafeStorage } from '../../fixtures/fake-electron';

let root: string;
let userData: string;
let env: NodeJS.ProcessEnv;
let logs: string[];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'stillroom-dvault-'));
  userData = join(root, 'Stillroom');
  env = { XDG_CONFIG_HOME: join(root, 'config') };
  logs = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const open = (safe: FakeSafeStorage, platform: NodeJS.Platform = 'linux') =>
  openDataVault(userData, { safeStorage: safe, platform, env, log: (l) => logs.push(l) });
const recorded = () => JSON.parse(readFileSync(join(userData, 'keys', 'location.json'), 'utf8')).location as string;

describe('the data key on Linux when the keyring comes and goes', () => {
  it('keeps the key-file place chosen at the first start even when a keyring answers later', () => {
    const safe = new FakeSafeStorage('login-keyring', 'basic_text');
    const sealed = open(safe).seal('note from the first session');
    expect(recorded()).toBe('key-file');
    safe.backend = 'gnome_libsecret'; // the keyring unlocked this time
    const again = open(safe);
    expect(again.open(sealed)).toBe('note from the first session');
    expect(existsSync(join(userData, 'keys', 'data.key'))).toBe(false); // no second key
  });

  it('refuses to start, saying why, when the keychain key’s keyring is closed — and makes no new key', () => {
    const safe = new FakeSafeStorage('login-keyring');
    const sealed = open(safe).seal('peak: calm');
    expect(recorded()).toBe('os-keychain');
    for (const closed of [() => (safe.backend = 'basic_text'), () => (safe.available = false)]) {
      closed();
      expect(() => open(safe)).toThrow(VaultError);
      expect(() => open(safe)).toThrow(/keyring .* is not available now.*Unlock it/);
    }
    expect(recorded()).toBe('os-keychain');
    safe.available = true;
    safe.backend = 'gnome_libsecret';
    expect(open(safe).open(sealed)).toBe('peak: calm');
  });

  it('uses a key file left by an earlier version (no record) instead of making a keychain key', () => {
    const before = new FakeSafeStorage('k', 'basic_text');
    const sealed = open(before).seal('old');
    rmSync(join(userData, 'keys', 'location.json'));
    const vault = open(new FakeSafeStorage('k'));
    expect(vault.open(sealed)).toBe('old');
    expect(recorded()).toBe('key-file');
  });

  it('where two keys already exist (made by the old start-up), uses the older and names both in the log', () => {
    const safe = new FakeSafeStorage('k', 'basic_text');
    const first = open(safe).seal('first');
    const keyFile = logs.at(-1)?.match(/key file (\S+)/)?.[1] as string;
    // The old start-up kept no record of where the key was, nor the folder's key id.
    const forgetRecords = () => {
      rmSync(join(userData, 'keys', 'location.json'));
      rmSync(join(userData, 'data-key.json'), { force: true });
    };
    forgetRecords();
    renameSync(keyFile, `${keyFile}.aside`);
    safe.backend = 'gnome_libsecret';
    open(safe).seal('second'); // the old code's second key, in the keychain
    forgetRecords();
    renameSync(`${keyFile}.aside`, keyFile);
    const past = new Date(Date.now() - 86_400_000);
    utimesSync(keyFile, past, past);
    expect(open(safe).open(first)).toBe('first');
    expect(logs.some((l) => l.includes('two data keys exist') && l.includes(keyFile) && l.includes('data.key'))).toBe(true);
    expect(recorded()).toBe('key-file');
  });
});

describe('chooseKeyLocation', () => {
  const places = { keychainFile: '/u/keys/data.key', keyFile: '/c/stillroom/keys/abc.key' };
  it('decides every case without making a second key', () => {
    const base = { recorded: null, keychainUsable: true, keychainKey: null, fileKey: null } as const;
    expect(chooseKeyLocation(base, places)).toEqual({ location: 'os-keychain', create: true });
    expect(chooseKeyLocation({ ...base, keychainUsable: false }, places)).toEqual({ location: 'key-file', create: true });
    expect(chooseKeyLocation({ ...base, fileKey: 1 }, places)).toEqual({ location: 'key-file', create: false });
    expect(chooseKeyLocation({ ...base, keychainKey: 1, keychainUsable: false }, places)).toHaveProperty('error');
    expect(chooseKeyLocation({ ...base, recorded: 'key-file', fileKey: 1 }, places)).toEqual({ location: 'key-file', create: false });
    expect(chooseKeyLocation({ ...base, recorded: 'key-file' }, places)).toEqual({
      error: 'The data key file /c/stillroom/keys/abc.key is missing. Restore it from your backup.',
    });
    expect(chooseKeyLocation({ ...base, recorded: 'os-keychain' }, places)).toHaveProperty('error');
    expect(chooseKeyLocation({ ...base, keychainKey: 5, fileKey: 2 }, places)).toMatchObject({ location: 'key-file', create: false });
    expect(chooseKeyLocation({ ...base, keychainKey: 2, fileKey: 5 }, places)).toMatchObject({ location: 'os-keychain' });
  });
});

describe('other systems', () => {
  it('macOS and Windows use the keychain whatever backend name Linux would report', () => {
    const safe = new FakeSafeStorage('keychain', 'basic_text');
    open(safe, 'darwin');
    expect(recorded()).toBe('os-keychain');
    expect(existsSync(join(userData, 'keys', 'data.key'))).toBe(true);
  });
});
