/**
 * The data key for encryption at rest: created once with mode 0600 (folder 0700), reused on the
 * next start, never silently replaced — a missing or wrong key for a folder with sealed data is
 * an error naming the key file and how to restore it, and the folder keeps its key's id so a
 * moved folder finds it; a key that cannot be unlocked, is damaged or readable by others is a
 * clear error; sealed text opens only with its own key (and context) and refuses alteration.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, readJournal } from '../../electron/services/journal';
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

  it('text sealed with a context opens only with that same context', () => {
    const v = Vault.ephemeral();
    const sealed = v.seal('entry 3', 'session a / 3');
    expect(sealed.startsWith('sr2:')).toBe(true);
    expect(v.open(sealed, 'session a / 3')).toBe('entry 3');
    expect(() => v.open(sealed, 'session a / 4')).toThrow(/does not open with this data key/);
    expect(() => v.open(sealed)).toThrow(/bound to a context, opened without one/);
    expect(() => v.open(v.seal('plain'), 'session a / 3')).toThrow(/carries no context/);
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
    writeFileSync(keyFile, Buffer.alloc(7), { mode: 0o600 });
    expect(() => Vault.open(keyFile)).toThrow(/damaged \(7 bytes, expected 32\)/);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file other users can read, saying how to make it private', () => {
    const keyFile = join(dir, 'data.key');
    const sealed = Vault.open(keyFile).seal('x');
    chmodSync(keyFile, 0o644);
    expect(() => Vault.open(keyFile)).toThrow(
      `The data key file ${keyFile} can be read by other users of this computer (permissions 0644). Make it private with: chmod 600 "${keyFile}" — then start Stillroom again.`,
    );
    chmodSync(keyFile, 0o600);
    expect(Vault.open(keyFile).open(sealed)).toBe('x');
  });
});

describe('the data key is never silently replaced', () => {
  const env = () => ({ XDG_CONFIG_HOME: join(dir, 'config') });
  /** A data folder with one sealed journal, as the host leaves it. */
  function sealedFolder(data: string): { keyFile: string; vault: Vault } {
    mkdirSync(data, { recursive: true });
    const keyFile = defaultKeyFile(data, env());
    const vault = Vault.open(keyFile, undefined, { dataDir: data });
    const j = Journal.create(join(data, 'sessions'), 's1', vault);
    j.append({ type: 'NoteAdded', at: 1, id: 'n1', text: 'kept safe' });
    j.close();
    return { keyFile, vault };
  }

  it('a new key is made for an empty folder, durably, and the folder keeps its id and check', () => {
    const data = join(dir, 'data');
    const { keyFile } = sealedFolder(data);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const kept = JSON.parse(readFileSync(join(data, 'data-key.json'), 'utf8'));
    expect(kept).toMatchObject({ format: 'stillroom.data-key/1', id: basename(keyFile, '.key') });
    expect(kept.check).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(data, 'data-key.json'), 'utf8')).not.toContain(readFileSync(keyFile).toString('hex'));
  });

  it('a moved folder still finds its key (the id lives in the folder, not in its path)', () => {
    const data = join(dir, 'data');
    const { keyFile } = sealedFolder(data);
    const moved = join(dir, 'restored', 'elsewhere');
    mkdirSync(join(dir, 'restored'));
    renameSync(data, moved);
    expect(defaultKeyFile(moved, env())).toBe(keyFile);
    const v = Vault.open(defaultKeyFile(moved, env()), undefined, { dataDir: moved });
    expect(readJournal(join(moved, 'sessions', 's1.jsonl'), v).events).toHaveLength(1);
  });

  it('a missing key while sealed journals exist is an error naming the key file and how to restore it; no key is made', () => {
    const data = join(dir, 'data');
    const { keyFile } = sealedFolder(data);
    const id = basename(keyFile, '.key');
    rmSync(keyFile);
    expect(() => Vault.open(keyFile, undefined, { dataDir: data })).toThrow(
      `The data key for the data folder ${data} is missing: Stillroom expected it at ${keyFile} (key ${id}). ` +
        'The sessions in this folder are sealed with that key and cannot be read without it, so Stillroom will not make a new one. ' +
        `Restore the key file from your backup to ${keyFile} (or start Stillroom with --key-file, or STILLROOM_KEY_FILE, pointing at where the file is), then start Stillroom again. ` +
        'To start afresh without those sessions instead, move the folder\'s "sessions" folder and data-key.json somewhere else first.',
    );
    expect(existsSync(keyFile)).toBe(false);
    // The same when only the folder's id says a key was made (the journals went elsewhere).
    rmSync(join(data, 'sessions'), { recursive: true });
    expect(() => Vault.open(keyFile, undefined, { dataDir: data })).toThrow(/is missing: Stillroom expected it at/);
    // And when journals are sealed but the id file is gone (a folder from before ids were kept).
    const other = join(dir, 'other');
    const second = sealedFolder(other);
    rmSync(join(other, 'data-key.json'));
    rmSync(second.keyFile);
    expect(() => Vault.open(second.keyFile, undefined, { dataDir: other })).toThrow(
      /is missing: Stillroom expected it at .*\.key\. The sessions/,
    );
  });

  it('another key for a sealed folder is refused, naming the key the folder expects', () => {
    const data = join(dir, 'data');
    const { keyFile } = sealedFolder(data);
    const id = basename(keyFile, '.key');
    const before = readFileSync(keyFile);
    const stranger = join(dir, 'stranger.key');
    Vault.open(stranger);
    expect(() => Vault.open(stranger, undefined, { dataDir: data })).toThrow(
      `The key file ${stranger} is not the data key of the data folder ${data}: the folder was sealed with key ${id}, and this file holds another. ` +
        `Stillroom will not use it. Restore the key file that belongs with this folder (key ${id}) from your backup to ${stranger}, then start Stillroom again.`,
    );
    expect(readFileSync(keyFile).equals(before)).toBe(true);
  });

  it('a folder from before ids were kept adopts the key it has been using, and can then move', () => {
    const data = join(dir, 'data');
    const { keyFile } = sealedFolder(data);
    rmSync(join(data, 'data-key.json'));
    expect(defaultKeyFile(data, env())).toBe(keyFile); // the old path-derived name
    Vault.open(keyFile, undefined, { dataDir: data });
    expect(existsSync(join(data, 'data-key.json'))).toBe(true);
    const moved = join(dir, 'moved');
    renameSync(data, moved);
    expect(defaultKeyFile(moved, env())).toBe(keyFile);
  });

  it('a hostile id file cannot point the key outside the keys folder', () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'data-key.json'), JSON.stringify({ format: 'stillroom.data-key/1', id: '../../evil', check: 'x' }));
    expect(defaultKeyFile(data, env())).toMatch(new RegExp(`^${join(dir, 'config', 'stillroom', 'keys')}/[0-9a-f]{16}\\.key$`));
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
