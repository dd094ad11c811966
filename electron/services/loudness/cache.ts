/**
 * Loudness measurements remembered between runs (`<data>/loudness-cache.json`), so each file
 * is measured once. An entry belongs to a file identity: absolute path + size + modification
 * time; a file that was replaced or re-tagged has a new identity and is measured again.
 *
 * Files that are bad in themselves (corrupt, truncated, silent…) are remembered too, so a
 * broken file in a big folder isn't decoded again at every start; passing problems (a missing
 * drive, a cancelled batch, a fault of ours) are not.
 *
 * It is only a cache: a damaged or foreign file is reported and replaced, never trusted.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ANALYSER_VERSION, type LoudnessErrorCode, type LoudnessOutcome } from './types';

export const LOUDNESS_CACHE_FILE = 'loudness-cache.json';
export const LOUDNESS_CACHE_FORMAT = 'stillroom.loudness-cache/1';
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/** Outcomes that depend on the file's content, and so stay true while the file is unchanged. */
const LASTING_ERRORS: ReadonlySet<LoudnessErrorCode> = new Set(['empty', 'unrecognised', 'corrupt', 'truncated', 'silent', 'too-short']);

/** What identifies one version of a file. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const ResultSchema = z.object({
  file: z.string().min(1),
  integratedLufs: finite,
  loudnessRangeLu: finite,
  truePeakDbtp: finite,
  cueInS: finite,
  cueOutS: finite,
  durationS: finite,
  sampleRate: z.number().positive(),
  channels: z.number().int().positive(),
  replayGain: z.object({ trackGainDb: finite, trackPeak: finite.nullable() }).nullable(),
  replayGainIgnored: z.string().max(500).optional(),
  decodeWarnings: z.number().int().nonnegative(),
  envelope: z
    .object({
      windowS: z.number().positive(),
      lufs: z.array(finite).max(100_000),
      peaks: z.object({ windowS: z.number().positive(), dbtp: z.array(finite).max(100_000) }).optional(),
    })
    .optional(),
});

const EntrySchema = z.object({
  size: z.number().nonnegative(),
  mtimeMs: z.number(),
  outcome: z.union([
    z.object({ ok: z.literal(true), result: ResultSchema }),
    z.object({
      ok: z.literal(false),
      error: z.object({
        code: z.enum(['empty', 'unrecognised', 'corrupt', 'truncated', 'silent', 'too-short']),
        message: z.string().max(1000),
      }),
    }),
  ]),
});
type Entry = z.infer<typeof EntrySchema>;

const CacheFileSchema = z.object({
  format: z.literal(LOUDNESS_CACHE_FORMAT),
  analyser: z.number().int(),
  entries: z.record(z.string(), EntrySchema),
});

const encode = (entries: Map<string, Entry>): string =>
  JSON.stringify({ format: LOUDNESS_CACHE_FORMAT, analyser: ANALYSER_VERSION, entries: Object.fromEntries(entries) });

/** The identity of a file on disk now, or null when it can't be stat'ed. */
export async function identityOf(file: string): Promise<FileIdentity | null> {
  try {
    const st = await stat(file);
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  } catch {
    return null;
  }
}

/** Writes via a temp file in the same folder, fsync, rename: readers see the old file or the new one. */
async function writeAtomically(target: string, text: string): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  const fh = await open(temp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export class LoudnessCache {
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    /** Where the cache lives on disk. */
    readonly path: string,
    private readonly entries: Map<string, Entry>,
  ) {}

  /**
   * Opens the cache in `dataDir`. A missing file is an empty cache; an unreadable, damaged or
   * older-analyser file starts empty too, with `problem` saying why (for the log).
   */
  static async open(dataDir: string): Promise<{ cache: LoudnessCache; problem: string | null }> {
    const path = join(dataDir, LOUDNESS_CACHE_FILE);
    const empty = (problem: string | null) => ({ cache: new LoudnessCache(path, new Map()), problem });
    let text: string;
    try {
      const st = await stat(path);
      if (st.size > MAX_CACHE_BYTES) return empty(`${path} is larger than ${MAX_CACHE_BYTES >> 20} MiB; measuring again`);
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return empty(null);
      return empty(`${path} could not be read (${(err as Error).message}); measuring again`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      return empty(`${path} is not valid JSON (${(err as Error).message}); measuring again`);
    }
    if ((data as { analyser?: unknown } | null)?.analyser !== ANALYSER_VERSION) {
      return empty(null); // Measured by another analyser version: quietly measure again.
    }
    const parsed = CacheFileSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return empty(`${path}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}; measuring again`);
    }
    return { cache: new LoudnessCache(path, new Map(Object.entries(parsed.data.entries))), problem: null };
  }

  /** How many files are remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** The remembered outcome for this version of the file, or null (unknown or changed). */
  lookup(file: string, identity: FileIdentity): LoudnessOutcome | null {
    const key = resolve(file);
    const e = this.entries.get(key);
    if (!e || e.size !== identity.size || e.mtimeMs !== identity.mtimeMs) return null;
    return e.outcome.ok ? { file: key, ok: true, result: e.outcome.result } : { file: key, ok: false, error: e.outcome.error };
  }

  /**
   * Remembers an outcome for the identity the file had *before* it was measured, so a file
   * that changed during the measurement is measured again next time. Passing problems are
   * not remembered, and replace nothing.
   */
  store(outcome: LoudnessOutcome, identity: FileIdentity): void {
    const key = resolve(outcome.file);
    if (outcome.ok) {
      // Only what the schema will accept back (JSON would turn a non-finite number into null).
      if (!ResultSchema.safeParse(outcome.result).success) return;
      this.entries.set(key, { ...identity, outcome: { ok: true, result: outcome.result } });
    } else if (LASTING_ERRORS.has(outcome.error.code)) {
      const code = outcome.error.code as Exclude<LoudnessErrorCode, 'not-found' | 'unreadable' | 'cancelled' | 'internal'>;
      this.entries.set(key, { ...identity, outcome: { ok: false, error: { code, message: outcome.error.message } } });
    } else {
      return;
    }
    this.dirty = true;
  }

  /** Forgets a file (e.g. removed from the library). */
  forget(file: string): void {
    if (this.entries.delete(resolve(file))) this.dirty = true;
  }

  /** Writes the cache if anything changed; calls are serialised, so the last write wins whole. */
  save(): Promise<void> {
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        if (!this.dirty) return;
        this.dirty = false;
        try {
          await mkdir(dirname(this.path), { recursive: true });
          await writeAtomically(this.path, encode(this.entries));
        } catch (err) {
          this.dirty = true;
          throw err;
        }
      });
    return this.saving;
  }
}
