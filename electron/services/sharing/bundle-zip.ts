/**
 * Reading a bundle zip someone else made, defensively. Before a single byte is extracted the
 * whole central directory is checked: entry count, names (no absolute paths, no `..`, no
 * backslashes, no NUL, only the names a bundle uses), no symlinks, no encryption, sizes and
 * compression ratios under caps. While extracting, bytes are counted and a stream that
 * produces more than it declared is cut off. Extraction only ever writes names this module
 * builds itself, inside the folder it was given, with exclusive-create.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { resolve, sep } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { ImportError, ioWords } from './errors';

/** Caps that make a zip bomb or a flood of entries harmless. */
export interface BundleLimits {
  /** The zip file itself. */
  maxZipBytes: number;
  maxEntries: number;
  /** Uncompressed size of any one entry. */
  maxEntryBytes: number;
  /** Uncompressed size of all entries together. */
  maxTotalBytes: number;
  /** Uncompressed ÷ compressed, checked for entries over 1 MiB (audio barely compresses). */
  maxRatio: number;
  /** The JSON entries (preset, manifest). */
  maxJsonBytes: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxZipBytes: 4 * 1024 ** 3,
  maxEntries: 2000,
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 4 * 1024 ** 3,
  maxRatio: 100,
  maxJsonBytes: 4 * 1024 * 1024,
};

export const MANIFEST_ENTRY = 'bundle.json';
export const PRESET_ENTRY = 'preset.stillroom.json';
export const AUDIO_DIR = 'audio/';
/** Audio names inside a bundle: `audio/` + a plain file name with an audio extension. */
export const AUDIO_ENTRY_RE = /^audio\/[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.(mp3|flac|m4a|aac|mp4|ogg|oga|opus|wav)$/;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const RATIO_FLOOR_BYTES = 1024 * 1024;

function shown(name: string): string {
  // Names that are empty or start/end with spaces are quoted, so "<where>: <what>" stays readable.
  if (name.trim() !== name || name === '') return JSON.stringify(name.length > 120 ? `${name.slice(0, 117)}…` : name);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are shown escaped
  const safe = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return safe.length > 120 ? `${safe.slice(0, 117)}…` : safe;
}

/** Why an entry name is unsafe or unexpected, or null when it is fine. */
export function entryNameProblem(name: string): string | null {
  if (name.length === 0) return 'an entry with an empty name';
  if (name.includes('\u0000')) return 'the name contains a NUL character';
  if (name.includes('\\')) return 'the name uses backslashes (a Windows path), which bundles never contain';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an absolute path: it would be written outside the bundle folder';
  const segments = name.split('/');
  if (segments.some((s) => s === '..')) return 'the path climbs out of the bundle folder with ".."';
  if (segments.slice(0, -1).some((s) => s === '' || s === '.')) return 'the path has empty or "." segments';
  if (name === MANIFEST_ENTRY || name === PRESET_ENTRY || name === AUDIO_DIR) return null;
  if (name.startsWith(AUDIO_DIR)) {
    return AUDIO_ENTRY_RE.test(name)
      ? null
      : 'audio names use letters, digits, . _ - and an audio extension (mp3, flac, m4a, aac, ogg, opus, wav)';
  }
  return 'not part of a Stillroom bundle (only bundle.json, preset.stillroom.json and audio/… belong there)';
}

export interface CheckedEntry {
  name: string;
  entry: yauzl.Entry;
  size: number;
}

/** An opened, fully checked bundle zip. Close it when done. */
export class BundleZip {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: ReadonlyMap<string, CheckedEntry>,
    private readonly source: string,
    private readonly limits: BundleLimits,
  ) {}

  /** Opens and checks every entry; throws `ImportError` listing each problem found. */
  static async open(path: string, fileSize: number, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS): Promise<BundleZip> {
    if (fileSize > limits.maxZipBytes) {
      throw new ImportError(path, [`(file): ${fileSize} bytes, over the ${limits.maxZipBytes} byte limit for a bundle`], 'too-large');
    }
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.openPromise(path, {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: false,
        validateEntrySizes: true,
        strictFileNames: false,
      });
    } catch {
      throw new ImportError(path, ['(file): not a zip file, or a damaged one — Stillroom cannot read its list of contents'], 'invalid');
    }
    // A late error from the reader must never become an unhandled 'error' event.
    zip.on('error', () => undefined);
    try {
      const entries = await checkEntries(zip, path, limits);
      return new BundleZip(zip, entries, path, limits);
    } catch (err) {
      zip.close();
      throw err;
    }
  }

  close(): void {
    try {
      this.zip.close();
    } catch {
      // already closed
    }
  }

  private async stream(c: CheckedEntry): Promise<Readable> {
    try {
      return await this.zip.openReadStreamPromise(c.entry);
    } catch {
      throw new ImportError(this.source, [`${shown(c.name)}: cannot be read from the zip (damaged); ask for a fresh copy`], 'invalid');
    }
  }

  /** Reads a small entry into memory (capped), as UTF-8 text. */
  async readText(name: string): Promise<string> {
    const c = this.entries.get(name);
    if (!c) throw new ImportError(this.source, [`${name}: missing from the bundle`], 'invalid');
    if (c.size > this.limits.maxJsonBytes)
      throw new ImportError(this.source, [`${name}: ${c.size} bytes, over the ${this.limits.maxJsonBytes} byte limit`], 'too-large');
    const chunks: Buffer[] = [];
    const counter = byteCap(c.size, name, this.source);
    const sink = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    try {
      await pipeline(await this.stream(c), counter, sink);
    } catch (err) {
      throw asImportError(err, this.source, name);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return text;
  }

  /**
   * Extracts one audio entry to `dest` (which must lie inside `folder`), hashing as it goes.
   * Exclusive create: an existing file (or a planted symlink) at `dest` makes this fail.
   */
  async extract(name: string, folder: string, dest: string): Promise<{ sha256: string; bytes: number }> {
    const c = this.entries.get(name);
    if (!c) throw new ImportError(this.source, [`${name}: missing from the bundle`], 'invalid');
    const root = resolve(folder);
    const target = resolve(dest);
    if (!target.startsWith(root + sep))
      throw new ImportError(this.source, [`${shown(name)}: would be written outside the import folder`], 'unsafe');
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        bytes += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      await pipeline(
        await this.stream(c),
        byteCap(c.size, name, this.source),
        tap,
        createWriteStream(target, { flags: 'wx', mode: 0o644 }),
      );
    } catch (err) {
      throw asImportError(err, this.source, name);
    }
    return { sha256: hash.digest('hex'), bytes };
  }
}

function asImportError(err: unknown, source: string, name: string): ImportError {
  if (err instanceof ImportError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code && /^E[A-Z]+$/.test(e.code) && e.code !== 'ERR_STREAM_PREMATURE_CLOSE') {
    return new ImportError(source, [`${shown(name)}: could not be written — ${ioWords(e.code)}`], 'io');
  }
  return new ImportError(source, [`${shown(name)}: the data inside the zip is damaged; ask for a fresh copy`], 'invalid');
}

/** Passes bytes through and fails as soon as more than `declared` arrive (a lying header). */
function byteCap(declared: number, name: string, source: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > declared) {
        cb(new ImportError(source, [`${shown(name)}: holds more data than its header declares (${declared} bytes)`], 'unsafe'));
        return;
      }
      cb(null, chunk);
    },
  });
}

async function checkEntries(zip: yauzl.ZipFile, source: string, limits: BundleLimits): Promise<Map<string, CheckedEntry>> {
  if (zip.entryCount > limits.maxEntries) {
    throw new ImportError(source, [`(zip): ${zip.entryCount} entries, over the limit of ${limits.maxEntries}`], 'too-large');
  }
  const problems: string[] = [];
  let kind: 'invalid' | 'unsafe' | 'too-large' = 'invalid';
  const flag = (k: typeof kind, message: string) => {
    if (k === 'unsafe' || (k === 'too-large' && kind === 'invalid')) kind = k;
    if (problems.length < 20) problems.push(message);
  };
  const out = new Map<string, CheckedEntry>();
  const lowerSeen = new Set<string>();
  let total = 0;
  let count = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      count++;
      if (count > limits.maxEntries) {
        flag('too-large', `(zip): more than ${limits.maxEntries} entries`);
        break;
      }
      const utf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
      const rawName = entry.fileNameRaw ?? Buffer.from(String(entry.fileName));
      const name = utf8 ? rawName.toString('utf8') : rawName.toString('latin1');
      const nameProblem = entryNameProblem(name);
      if (nameProblem) {
        flag(/outside|climbs|absolute|backslash|NUL/.test(nameProblem) ? 'unsafe' : 'invalid', `${shown(name)}: ${nameProblem}`);
        continue;
      }
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) {
        flag('unsafe', `${shown(name)}: a symbolic link; bundles contain only regular files`);
        continue;
      }
      const isDir = name.endsWith('/');
      if ((isDir && mode !== 0 && mode !== S_IFDIR) || (!isDir && mode !== 0 && mode !== S_IFREG)) {
        flag('unsafe', `${shown(name)}: not a regular file (special file type ${mode.toString(8)})`);
        continue;
      }
      if (entry.isEncrypted()) {
        flag('unsafe', `${shown(name)}: encrypted entries are not accepted`);
        continue;
      }
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        flag('invalid', `${shown(name)}: compression method ${entry.compressionMethod} is not supported (store or deflate only)`);
        continue;
      }
      const key = name.toLowerCase();
      if (lowerSeen.has(key)) {
        flag('unsafe', `${shown(name)}: appears twice in the zip (or differs only in letter case)`);
        continue;
      }
      lowerSeen.add(key);
      if (isDir) continue;
      const size = entry.uncompressedSize;
      if (size > limits.maxEntryBytes) {
        flag('too-large', `${shown(name)}: ${size} bytes uncompressed, over the ${limits.maxEntryBytes} byte limit per file`);
        continue;
      }
      if (size > RATIO_FLOOR_BYTES && size / Math.max(1, entry.compressedSize) > limits.maxRatio) {
        flag(
          'too-large',
          `${shown(name)}: compressed ${Math.round(size / Math.max(1, entry.compressedSize))}:1, over the ${limits.maxRatio}:1 limit (a zip bomb?)`,
        );
        continue;
      }
      total += size;
      if (total > limits.maxTotalBytes) {
        flag('too-large', `(zip): more than ${limits.maxTotalBytes} bytes uncompressed in all`);
        break;
      }
      out.set(name, { name, entry, size });
    }
  } catch {
    flag('invalid', '(zip): its list of contents is damaged (sizes or entries do not add up); ask for a fresh copy');
  }
  if (problems.length > 0) throw new ImportError(source, problems, kind);
  return out;
}
