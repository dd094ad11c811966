/**
 * Encryption at rest for what must not sit on disk in clear: the session journal's notes and
 * vitals (health information) and device secrets (Hue application keys, Home Assistant tokens).
 *
 * AES-256-GCM with one random 32-byte data key per data folder. The data key itself is kept
 * wrapped by a `KeyProtector`:
 * - the desktop app wraps it with Electron `safeStorage` (the OS keychain: Keychain on macOS,
 *   DPAPI on Windows, libsecret/kwallet on Linux) — see electron/main;
 * - the browser host and tests keep it in a key file *outside* the data folder (mode 0600),
 *   so a copied, synced or backed-up data folder carries no readable notes.
 * Node's built-in crypto does the work; there is nothing to hand-roll beyond the framing.
 *
 * Sealed text is one line: `sr1:` + base64(iv 12 B | tag 16 B | ciphertext), or `sr2:` + the same
 * when it is bound to associated data (a context string) given to both `seal` and `open`.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { hasSealedJournals, isKeyId, KEY_ID_FILE, keyCheck, newKeyId, readKeyId, writeKeyId } from './data-key-id';
import { fsyncFolder, writeDurably } from './durable';

const PREFIX = 'sr1:';
/** Same framing, sealed with associated data (see `seal`). */
const BOUND_PREFIX = 'sr2:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Wraps and unwraps the data key (OS keychain in Electron, identity for a 0600 key file). */
export interface KeyProtector {
  readonly kind: 'os-keychain' | 'key-file';
  protect(key: Buffer): Buffer;
  unprotect(blob: Buffer): Buffer;
}

/** The key file itself is the protection (mode 0600, outside the data folder). */
export const keyFileProtector: KeyProtector = {
  kind: 'key-file',
  protect: (k) => Buffer.from(k),
  unprotect: (b) => Buffer.from(b),
};

/**
 * Where the browser host keeps the data key of a data folder when not told otherwise:
 * `${XDG_CONFIG_HOME or ~/.config}/stillroom/keys/<id>.key` — outside the data folder, one key
 * per folder. The id is the one the folder keeps in `data-key.json` (see data-key-id.ts), so a
 * moved or restored folder still names its key; a folder without one (new, or from before the
 * id was kept) gets the first 16 hex of sha256(its real path), as before. `STILLROOM_KEY_FILE`
 * overrides it (and `--key-file` overrides both, in electron/serve/cli.ts).
 */
export function defaultKeyFile(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.STILLROOM_KEY_FILE) return resolve(env.STILLROOM_KEY_FILE);
  const keys = join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'stillroom', 'keys');
  const kept = readKeyId(dataDir);
  if (kept) return join(keys, `${kept.id}.key`);
  let real = resolve(dataDir);
  try {
    real = realpathSync(real);
  } catch {
    /* not created yet: the resolved path names it */
  }
  return join(keys, `${createHash('sha256').update(real).digest('hex').slice(0, 16)}.key`);
}

/** True when `file` lies inside `dir` (a key file there would travel with a copied data folder). */
export function isInside(file: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export class VaultError extends Error {
  override name = 'VaultError';
}

/** The key file's id: its name when that is an id (`keys/<id>.key`), else a new random one. */
function idFromKeyFile(keyFile: string): string {
  const name = basename(keyFile).replace(/\.key$/, '');
  return isKeyId(name) ? name : newKeyId();
}

/** A key file others can read is a key others have: refuse it, and say how to fix it. */
function refuseIfShared(keyFile: string): void {
  if (process.platform === 'win32') return; // permissions are ACLs there, not mode bits
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new VaultError(
      `The data key file ${keyFile} can be read by other users of this computer (permissions ${mode.toString(8).padStart(4, '0')}). ` +
        `Make it private with: chmod 600 "${keyFile}" — then start Stillroom again.`,
    );
  }
}

function missingKeyMessage(keyFile: string, dataDir: string, id: string | null, kind: KeyProtector['kind']): string {
  const where = kind === 'key-file' ? ' (or start Stillroom with --key-file, or STILLROOM_KEY_FILE, pointing at where the file is)' : '';
  return (
    `The data key for the data folder ${dataDir} is missing: Stillroom expected it at ${keyFile}${id ? ` (key ${id})` : ''}. ` +
    `The sessions in this folder are sealed with that key and cannot be read without it, so Stillroom will not make a new one. ` +
    `Restore the key file from your backup to ${keyFile}${where}, then start Stillroom again. ` +
    `To start afresh without those sessions instead, move the folder's "sessions" folder and ${KEY_ID_FILE} somewhere else first.`
  );
}

function wrongKeyMessage(keyFile: string, dataDir: string, id: string): string {
  return (
    `The key file ${keyFile} is not the data key of the data folder ${dataDir}: the folder was sealed with key ${id}, and this file holds another. ` +
    `Stillroom will not use it. Restore the key file that belongs with this folder (key ${id}) from your backup to ${keyFile}, then start Stillroom again.`
  );
}

export class Vault {
  private constructor(
    private readonly key: Buffer,
    readonly protection: KeyProtector['kind'],
    /** Where the key is kept (null for an in-memory key), so messages can name it. */
    readonly keyFile: string | null = null,
  ) {}

  /**
   * Opens the data key at `keyFile`. Never silently replaced: a key file that cannot be unwrapped
   * or is damaged is an error, and so is a key file readable by other users (key-file
   * protection only).
   *
   * With `dataDir` (both shells pass it) the data folder is asked too: the key must match the
   * check the folder keeps, and when the key file is missing a new key is made only for a folder
   * that holds nothing sealed — otherwise the error names the key file expected and how to
   * restore it. A new key is written durably (file and folder fsynced) and the folder keeps its
   * id. Without `dataDir` (tests) a missing key is simply created.
   */
  static open(keyFile: string, protector: KeyProtector = keyFileProtector, opts: { dataDir?: string } = {}): Vault {
    const kept = opts.dataDir ? readKeyId(opts.dataDir) : null;
    if (existsSync(keyFile)) {
      if (protector.kind === 'key-file') refuseIfShared(keyFile);
      let key: Buffer;
      try {
        key = protector.unprotect(readFileSync(keyFile));
      } catch (err) {
        throw new VaultError(`cannot unlock the data key at ${keyFile}: ${(err as Error).message}`);
      }
      if (key.length !== KEY_BYTES)
        throw new VaultError(`the data key at ${keyFile} is damaged (${key.length} bytes, expected ${KEY_BYTES})`);
      if (opts.dataDir) {
        if (kept && kept.check !== keyCheck(key)) throw new VaultError(wrongKeyMessage(keyFile, opts.dataDir, kept.id));
        // A folder from before ids were kept adopts the key it has been using.
        if (!kept) writeKeyId(opts.dataDir, { id: idFromKeyFile(keyFile), check: keyCheck(key) });
      }
      return new Vault(key, protector.kind, keyFile);
    }
    if (opts.dataDir && (kept || hasSealedJournals(opts.dataDir)))
      throw new VaultError(missingKeyMessage(keyFile, opts.dataDir, kept?.id ?? null, protector.kind));
    const key = randomBytes(KEY_BYTES);
    const keyDir = dirname(keyFile);
    const made = mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    writeDurably(keyFile, protector.protect(key), 0o600);
    chmodSync(keyFile, 0o600); // whatever the umask
    if (made) fsyncFolder(dirname(made));
    if (opts.dataDir) writeKeyId(opts.dataDir, { id: idFromKeyFile(keyFile), check: keyCheck(key) });
    return new Vault(key, protector.kind, keyFile);
  }

  /** A vault whose key lives only in memory (tests). */
  static ephemeral(): Vault {
    return new Vault(randomBytes(KEY_BYTES), 'key-file');
  }

  /** True for text this class sealed (`sr1:` plain, `sr2:` bound to associated data). */
  static isSealed(text: string): boolean {
    return text.startsWith(PREFIX) || text.startsWith(BOUND_PREFIX);
  }

  /**
   * Encrypts UTF-8 text to one line of ASCII. With `context`, the text is bound to it as
   * associated data (`sr2:`): it opens only when the same context is given again — the journal
   * binds each line to its session and sequence number, so a line moved, copied or renumbered
   * does not open.
   */
  seal(plain: string, context?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return (context !== undefined ? BOUND_PREFIX : PREFIX) + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
  }

  /** Decrypts a sealed line (with the context it was sealed with, if any); throws VaultError when it is not ours or was altered. */
  open(sealed: string, context?: string): string {
    const bound = sealed.startsWith(BOUND_PREFIX);
    if (!bound && !sealed.startsWith(PREFIX)) throw new VaultError('not sealed text');
    if (bound !== (context !== undefined))
      throw new VaultError(bound ? 'sealed text bound to a context, opened without one' : 'sealed text carries no context');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new VaultError('sealed text is too short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError('sealed text does not open with this data key (altered, or written with another key)');
    }
  }
}
