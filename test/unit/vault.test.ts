/**
 * The data key for encryption at rest: created once with mode 0600 (folder 0700), reused on the
 * next start, never silently replaced; a key that cannot be unlocked or is damaged is a clear
 * error; sealed text opens only with its own key and refuses alteration.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultKeyFile, isInside, type KeyProtector, Vault, VaultError } from '../../electron/services/vault';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-vault-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Stands in for Electron safeStorage: XOR with a fixed pad, and refuses blobs it did not make. */
const fakeKeychain = (pad: number): KeyProtector => ({
  kind: 'os-keychain',
  protect: (k) => Buffer.concat([Buffer.from([pad]), Buffer.from(k.map((b) => b ^ pad))]),
  unprotect: (b) => {
    if (b[0] !== pad) throw new Error('the keychain refused to decrypt this item');
    return Buffer.from(b.subarray(1).map((x) => x ^ pad));
  },
});

describe('Vault', () => {
  it('creates the key file with mode 0600 in a 0700 folder and reuses it on the next start', () => {
    const keyFile = join(dir, 'keys', 'data.key');
    const a = Vault.open(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const sealed = a.seal('BP 142/91, tearful');
    expect(sealed.startsWith('sr1:')).toBe(true);
    expect(sealed).not.toContain('tearful');
    const b = Vault.open(keyFile);
    expect(b.open(sealed)).toBe('BP 142/91, tearful');
    expect(b.protection).toBe('key-file');
  });

  it('seals the same text differently each time (fresh IV) and round-trips Unicode', () => {
    const v = Vault.ephemeral();
    const one = v.seal('Ängstlich — “ok” 🙂');
    expect(v.seal('Ängstlich — “ok” 🙂')).not.toBe(one);
    expect(v.open(one)).toBe('Ängstlich — “ok” 🙂');
  });

  it('refuses sealed text from another key and altered text with a clear VaultError', () => {
    const v = Vault.ephemeral();
    const other = Vault.ephemeral();
    const sealed = v.seal('{"note":"secret"}');
    expect(() => other.open(sealed)).toThrow(VaultError);
    expect(() => other.open(sealed)).toThrow(/does not open with this data key/);
    const raw = Buffer.from(sealed.slice(4), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 1;
    expect(() => v.open(`sr1:${raw.toString('base64')}`)).toThrow(/altered, or written with another key/);
    expect(() => v.open('sr1:AAAA')).toThrow(/too short/);
    expect(() => v.open('{"plain":true}')).toThrow(/not sealed/);
  });

  it('wraps the key with an OS keychain protector: the file does not hold the raw key', () => {
    const keyFile = join(dir, 'data.key');
    const kc = fakeKeychain(0x5a);
    const v = Vault.open(keyFile, kc);
    expect(v.protection).toBe('os-keychain');
    const sealed = v.seal('x');
    expect(Vault.open(keyFile, kc).open(sealed)).toBe('x');
    // Read as a plain key file, the wrapped blob is the wrong size: refused, never replaced.
    expect(() => Vault.open(keyFile)).toThrow(/damaged \(33 bytes, expected 32\)/);
    expect(readFileSync(keyFile)).toHaveLength(33);
  });

  it('a key the keychain cannot unlock is an error naming the file, and the file is left as it is', () => {
    const keyFile = join(dir, 'data.key');
    Vault.open(keyFile, fakeKeychain(1));
    const before = readFileSync(keyFile);
    expect(() => Vault.open(keyFile, fakeKeychain(2))).toThrow(`cannot unlock the data key at ${keyFile}: the keychain refused`);
    expect(readFileSync(keyFile).equals(before)).toBe(true);
  });

  it('a truncated key file is refused as damaged', () => {
    const keyFile = join(dir, 'data.key');
    writeFileSync(keyFile, Buffer.alloc(7));
    expect(() => Vault.open(keyFile)).toThrow(/damaged \(7 bytes, expected 32\)/);
  });
});

describe('where the browser host keeps the key', () => {
  it('outside the data folder, one key per folder (by its real path), overridable by STILLROOM_KEY_FILE', () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    symlinkSync(data, join(dir, 'link'));
    const env = { XDG_CONFIG_HOME: join(dir, 'config') };
    const key = defaultKeyFile(data, env);
    expect(key).toMatch(new RegExp(`^${join(dir, 'config', 'stillroom', 'keys')}/[0-9a-f]{16}\\.key$`));
    expect(isInside(key, data)).toBe(false);
    expect(defaultKeyFile(join(dir, 'link'), env)).toBe(key);
    expect(defaultKeyFile(join(dir, 'other'), env)).not.toBe(key);
    expect(defaultKeyFile(data, { ...env, STILLROOM_KEY_FILE: 'rel/my.key' })).toBe(join(process.cwd(), 'rel', 'my.key'));
  });

  it('tells a key file inside the data folder from one beside it', () => {
    expect(isInside('/d/data/keys/k.key', '/d/data')).toBe(true);
    expect(isInside('/d/data.key', '/d/data')).toBe(false);
    expect(isInside('/d/data', '/d/data')).toBe(false);
  });
});
