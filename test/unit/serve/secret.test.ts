import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret, secretFileFor, secretMatches } from '../../../electron/serve/secret';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-secret-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the browser host's secret", () => {
  it('lives beside the data key, named after it', () => {
    expect(secretFileFor('/home/t/.config/stillroom/keys/59c1.key')).toBe('/home/t/.config/stillroom/keys/59c1.secret');
    expect(secretFileFor('/tmp/data.key')).toBe('/tmp/data.secret');
    expect(secretFileFor('/tmp/mykey')).toBe('/tmp/mykey.secret');
  });

  it('is made once, random, readable by this account only, and the same on the next start', () => {
    const file = join(dir, 'keys', 'a.secret');
    const first = loadOrCreateSecret(file);
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.note).toContain('made a secret');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadOrCreateSecret(file);
    expect(again).toEqual({ secret: first.secret, note: null });
    expect(loadOrCreateSecret(join(dir, 'b.secret')).secret).not.toBe(first.secret);
  });

  it('is replaced on request (--new-secret), and the old one no longer matches', () => {
    const file = join(dir, 'a.secret');
    const old = loadOrCreateSecret(file).secret;
    const replaced = loadOrCreateSecret(file, true);
    expect(replaced.secret).not.toBe(old);
    expect(replaced.note).toContain('pages opened before must be opened again');
    expect(readFileSync(file, 'utf8').trim()).toBe(replaced.secret);
    expect(secretMatches(replaced.secret, old)).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('is replaced, saying why, when other accounts could read it or it is not a secret', () => {
    const file = join(dir, 'a.secret');
    writeFileSync(file, `${'x'.repeat(43)}\n`, { mode: 0o644 });
    const loose = loadOrCreateSecret(file);
    expect(loose.secret).not.toBe('x'.repeat(43));
    expect(loose.note).toContain('readable by other accounts');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    writeFileSync(file, 'hello\n', { mode: 0o600 });
    const junk = loadOrCreateSecret(file);
    expect(junk.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(junk.note).toContain('not a Stillroom secret');
  });

  it('matches only the exact secret', () => {
    const s = 'A'.repeat(43);
    expect(secretMatches(s, s)).toBe(true);
    expect(secretMatches(s, `${s}A`)).toBe(false);
    expect(secretMatches(s, 'A'.repeat(42))).toBe(false);
    expect(secretMatches(s, '')).toBe(false);
    expect(secretMatches(s, null)).toBe(false);
    expect(secretMatches(s, undefined)).toBe(false);
  });
});
