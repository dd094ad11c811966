/**
 * The slow part of the library: walking folders and reading files. Written so the host stays
 * responsive while 20,000 files are read — everything is async, a few files are read at a
 * time, and the loop hands the event loop back at least every few milliseconds.
 */
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LibraryTrack } from './index-file';
import { isAudioFile, type TrackTags } from './tags';

/** What the therapist sees while a scan runs. */
export interface ScanProgress {
  stage: 'listing' | 'reading' | 'done';
  /** Audio files found so far (listing) or in all (reading). */
  found: number;
  /** Files checked so far (unchanged ones count too). */
  done: number;
  /** The file being read, for the status line. */
  current: string | null;
}

export type ReadTags = (path: string) => Promise<TrackTags>;

/** Hands the event loop back when the current turn has run for more than `budgetMs`. */
export class Yielder {
  private last = performance.now();
  constructor(private readonly budgetMs = 8) {}
  async maybe(): Promise<void> {
    if (performance.now() - this.last < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}

/** A stable id for a file: the same path gets the same id on every scan. */
export function trackIdFor(path: string): string {
  return createHash('sha256').update(path).digest('base64url').slice(0, 16);
}

export interface WalkResult {
  files: string[];
  /** Folders that could not be read at all (offline drive, permissions), with the reason. */
  unreadable: Array<{ path: string; reason: string }>;
}

const MAX_DEPTH = 32;

/**
 * Lists audio files under `root`. Hidden entries are skipped; symlinked folders are not
 * followed (no loops), symlinked files are.
 */
export async function walkAudioFiles(
  root: string,
  onFound: (count: number) => void,
  yielder: Yielder,
  signal?: AbortSignal,
): Promise<WalkResult> {
  const files: string[] = [];
  const unreadable: WalkResult['unreadable'] = [];
  const stack: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
  while (stack.length > 0) {
    if (signal?.aborted) break;
    const { dir, depth } = stack.pop() as { dir: string; depth: number };
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      unreadable.push({ path: dir, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
      continue;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH) stack.push({ dir: full, depth: depth + 1 });
      } else if ((e.isFile() || e.isSymbolicLink()) && isAudioFile(e.name)) {
        files.push(full);
      }
    }
    onFound(files.length);
    await yielder.maybe();
  }
  files.sort();
  return { files, unreadable };
}

export interface ReadOutcome {
  path: string;
  /** null when the file vanished between listing and reading. */
  track: LibraryTrack | null;
  changed: boolean;
}

/**
 * Checks each file against what the library already knows: unchanged size + mtime keeps the
 * old entry, anything else is read again. Runs `concurrency` reads at a time.
 */
export async function readFiles(
  paths: readonly string[],
  known: ReadonlyMap<string, LibraryTrack>,
  readTags: ReadTags,
  opts: { concurrency: number; yielder: Yielder; signal?: AbortSignal; onEach: (done: number, current: string) => void },
): Promise<ReadOutcome[]> {
  const out: ReadOutcome[] = new Array(paths.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < paths.length && !opts.signal?.aborted) {
      const i = next++;
      const path = paths[i] as string;
      out[i] = await readOne(path, known.get(path), readTags);
      done++;
      opts.onEach(done, path);
      await opts.yielder.maybe();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  return out.filter((o): o is ReadOutcome => o !== undefined);
}

async function readOne(path: string, old: LibraryTrack | undefined, readTags: ReadTags): Promise<ReadOutcome> {
  let size: number;
  let mtimeMs: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) return { path, track: null, changed: old !== undefined };
    size = st.size;
    mtimeMs = st.mtimeMs;
  } catch {
    return { path, track: null, changed: old !== undefined };
  }
  if (old && old.size === size && old.mtimeMs === mtimeMs) {
    return old.missing ? { path, track: { ...old, missing: false }, changed: true } : { path, track: old, changed: false };
  }
  const base = { id: trackIdFor(path), path, size, mtimeMs, missing: false };
  try {
    const tags = await readTags(path);
    return { path, track: { ...base, ...tags, problem: tags.durationS == null ? 'no duration could be read' : null }, changed: true };
  } catch (err) {
    const name = path.split(/[\\/]/).pop() ?? path;
    return {
      path,
      track: {
        ...base,
        title: name.slice(0, 200),
        titleFromFileName: true,
        artist: '',
        album: '',
        durationS: null,
        isrc: null,
        musicbrainzId: null,
        replayGainDb: null,
        container: '',
        problem: `not a readable audio file (${String((err as Error).message).slice(0, 300)})`,
      },
      changed: true,
    };
  }
}
