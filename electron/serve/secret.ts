/**
 * The browser host's secret, as Jupyter's token: a random string without which no one reaches
 * the session (the WebSocket bridge, the session's media). It is printed once, inside the
 * address the therapist opens; the page keeps it for its session.
 *
 * One per data folder, kept beside the data key in a 0600 file, so a host restarted on the
 * same folder — by hand or by the launcher — accepts the pages already open and they
 * reconnect by themselves. `--new-secret` replaces it (pages opened before are then refused).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** 32 random bytes, base64url: 43 characters that survive a URL unescaped. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The secret's file: beside the data key, with the key file's name and `.secret` for `.key`. */
export function secretFileFor(keyFile: string): string {
  return join(dirname(keyFile), `${basename(keyFile).replace(/\.key$/, '')}.secret`);
}

export interface LoadedSecret {
  secret: string;
  /** What was done, in words for the terminal (null: an existing secret was read). */
  note: string | null;
}

/**
 * Reads the secret at `file`, or makes a new one (when there is none, when `replace` is set,
 * or when the file is unusable: not a secret, or readable by other accounts — then it may
 * have been read, and a new one is safer than a warning).
 */
export function loadOrCreateSecret(file: string, replace = false): LoadedSecret {
  if (!replace) {
    let existing: string | null = null;
    let problem: string | null = null;
    try {
      const st = statSync(file);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) problem = 'it was readable by other accounts';
      else {
        existing = readFileSync(file, 'utf8').trim();
        if (!SECRET_PATTERN.test(existing)) problem = 'it was not a Stillroom secret';
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problem = `it could not be read (${(err as Error).message})`;
    }
    if (existing && !problem) return { secret: existing, note: null };
    const secret = writeSecret(file);
    return { secret, note: problem ? `made a new secret in ${file}: ${problem}` : `made a secret for this data folder in ${file}` };
  }
  const secret = writeSecret(file);
  return { secret, note: `replaced the secret in ${file}: pages opened before must be opened again with the new address` };
}

/** Writes a fresh secret atomically (temp file 0600, fsync, rename, fsync the folder). */
function writeSecret(file: string): string {
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${secret}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  try {
    const dir = openSync(dirname(file), 'r');
    fsyncSync(dir);
    closeSync(dir);
  } catch {
    // Windows cannot open a folder for fsync; the rename is durable enough there.
  }
  return secret;
}

/** Constant-time check of a presented secret (no timing hints to a local attacker guessing it). */
export function secretMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
