/**
 * The therapist's music library: folders and files they added, what each file is (tags,
 * duration, identifiers), which files went missing, and search. Files are referenced, never
 * copied. The index persists in the data folder; a rescan only reads files whose size or
 * modification time changed; a watcher follows the folders and applies changes as they happen.
 *
 * Operations run one at a time (a queue), so a watcher event never races a rescan.
 */
import { resolve, sep } from 'node:path';
import { buildMatchIndex, type MatchIndex } from '../../core/matching';
import { emptyLibraryFile, type LibraryFile, type LibraryTrack, loadLibraryFile, saveLibraryFile } from './index-file';
import { type ReadTags, readFiles, type ScanProgress, walkAudioFiles, Yielder } from './scan';
import { SearchIndex, type SearchResult } from './search';
import { isAudioFile, readTrackTags } from './tags';
import type { FolderWatcher, WatchEvent, WatchFactory } from './watch';

export type { LibraryTrack } from './index-file';
export type { ScanProgress } from './scan';

export interface LibraryOptions {
  dataDir: string;
  /** Follows added folders for changes when given (chokidarWatchFactory in the app). */
  watchFactory?: WatchFactory;
  /** Reads one file's tags (music-metadata by default; injectable for tests and the bench). */
  readTags?: ReadTags;
  /** Files read at once (default 8: reading is mostly waiting on the disk). */
  concurrency?: number;
  /** How long watcher events are gathered before they are applied (default 750 ms). */
  debounceMs?: number;
  /** Poll instead of native events (network drives). */
  usePolling?: boolean;
}

export interface ScanOptions {
  onProgress?: (p: ScanProgress) => void;
  signal?: AbortSignal;
}

/** What a scan did, for the status line and for tests. */
export interface ScanSummary {
  added: number;
  updated: number;
  unchanged: number;
  /** Files known before and not found now. */
  missing: number;
  /** Files that are there but could not be read as audio. */
  unreadable: number;
  /** Added folders that could not be read at all (drive not connected, permissions). */
  offlineFolders: string[];
  aborted: boolean;
  durationMs: number;
}

export type LibraryChange = { reason: 'scan' | 'watch' | 'edit'; summary: ScanSummary | null };

/** Approximate loudness from ReplayGain (its reference is −18 LUFS); null when untagged. */
export function loudnessLufs(track: Pick<LibraryTrack, 'replayGainDb'>): number | null {
  return track.replayGainDb == null ? null : -18 - track.replayGainDb;
}

function under(path: string, root: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function emptySummary(): ScanSummary {
  return { added: 0, updated: 0, unchanged: 0, missing: 0, unreadable: 0, offlineFolders: [], aborted: false, durationMs: 0 };
}

export class MusicLibrary {
  private folderList: string[];
  private fileList: string[];
  private readonly byPathMap = new Map<string, LibraryTrack>();
  private byIdMap: Map<string, LibraryTrack> | null = null;
  private searchIndex: SearchIndex<LibraryTrack> | null = null;
  private matchIdx: MatchIndex | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: FolderWatcher | null = null;
  private pending = new Map<string, WatchEvent['kind']>();
  private debounce: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(c: LibraryChange) => void>();
  private closed = false;
  /** A problem met while loading the index (damaged file set aside), for the UI to show once. */
  readonly loadProblem: string | null;
  /** Watcher errors, newest last (kept short); the library keeps working without the watcher. */
  readonly watchProblems: string[] = [];

  private constructor(
    private readonly opts: LibraryOptions,
    file: LibraryFile,
    loadProblem: string | null,
  ) {
    this.folderList = [...file.folders];
    this.fileList = [...file.files];
    for (const t of file.tracks) this.byPathMap.set(t.path, t);
    this.loadProblem = loadProblem;
  }

  /** Opens the library stored in `dataDir` (an empty one if there is none) and starts watching. */
  static async open(opts: LibraryOptions): Promise<MusicLibrary> {
    const { file, problem } = await loadLibraryFile(opts.dataDir);
    const lib = new MusicLibrary(opts, file, problem);
    await lib.restartWatcher();
    return lib;
  }

  get folders(): readonly string[] {
    return this.folderList;
  }

  get files(): readonly string[] {
    return this.fileList;
  }

  /** Every known track, missing and unreadable ones included. */
  tracks(): LibraryTrack[] {
    return [...this.byPathMap.values()];
  }

  get(id: string): LibraryTrack | undefined {
    if (!this.byIdMap) this.byIdMap = new Map([...this.byPathMap.values()].map((t) => [t.id, t]));
    return this.byIdMap.get(id);
  }

  byPath(path: string): LibraryTrack | undefined {
    return this.byPathMap.get(resolve(path));
  }

  /** Tracks whose files are gone (moved, deleted, drive not connected). */
  missing(): LibraryTrack[] {
    return this.tracks().filter((t) => t.missing);
  }

  /** Tracks whose files are there but cannot be read as audio. */
  unreadable(): LibraryTrack[] {
    return this.tracks().filter((t) => !t.missing && t.problem !== null);
  }

  /** Prefix search on title, artist and album; missing files rank last. */
  search(query: string, limit = 50): SearchResult<LibraryTrack> {
    if (!this.searchIndex) this.searchIndex = new SearchIndex(this.tracks());
    return this.searchIndex.search(query, limit);
  }

  /** Lookup tables for resolving presets and playlists (playable files only). */
  matchIndex(): MatchIndex {
    if (!this.matchIdx) {
      const playable = this.tracks().filter((t) => !t.missing && t.problem === null);
      this.matchIdx = buildMatchIndex(playable, process.platform === 'win32' ? 'win32' : 'posix');
    }
    return this.matchIdx;
  }

  /** Called after every change (scan, watcher, edit); returns an unsubscribe function. */
  onChange(listener: (c: LibraryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds folders (picker or drag-and-drop) and scans them. */
  addFolders(paths: readonly string[], opts: ScanOptions = {}): Promise<ScanSummary> {
    return this.enqueue(async () => {
      const roots = paths.map((p) => resolve(p));
      for (const r of roots) if (!this.folderList.includes(r)) this.folderList.push(r);
      const summary = await this.scan(roots, [], opts);
      await this.restartWatcher();
      return summary;
    });
  }

  /** Adds single files (drag-and-drop) and reads them. Non-audio files are ignored. */
  addFiles(paths: readonly string[], opts: ScanOptions = {}): Promise<ScanSummary> {
    return this.enqueue(async () => {
      const files = paths.map((p) => resolve(p)).filter(isAudioFile);
      for (const f of files) if (!this.fileList.includes(f)) this.fileList.push(f);
      return this.scan([], files, opts);
    });
  }

  /** Forgets a folder and its tracks (the files are untouched). */
  removeFolder(path: string): Promise<void> {
    return this.enqueue(async () => {
      const root = resolve(path);
      this.folderList = this.folderList.filter((f) => f !== root);
      for (const p of [...this.byPathMap.keys()]) {
        if (under(p, root) && !this.fileList.includes(p) && !this.folderList.some((f) => under(p, f))) this.byPathMap.delete(p);
      }
      await this.commit('edit', null);
      await this.restartWatcher();
    });
  }

  /** Forgets single files added on their own (the files are untouched); tracks inside a library folder stay. */
  removeFiles(paths: readonly string[]): Promise<void> {
    return this.enqueue(async () => {
      const gone = new Set(paths.map((p) => resolve(p)));
      this.fileList = this.fileList.filter((f) => !gone.has(f));
      for (const p of gone) if (!this.folderList.some((f) => under(p, f))) this.byPathMap.delete(p);
      await this.commit('edit', null);
    });
  }

  /** Forgets tracks whose files are gone; returns how many. */
  forgetMissing(): Promise<number> {
    return this.enqueue(async () => {
      let n = 0;
      for (const [p, t] of this.byPathMap) {
        if (t.missing) {
          this.byPathMap.delete(p);
          this.fileList = this.fileList.filter((f) => f !== p);
          n++;
        }
      }
      await this.commit('edit', null);
      return n;
    });
  }

  /** Checks every folder and file again; only changed files are read. */
  rescan(opts: ScanOptions = {}): Promise<ScanSummary> {
    return this.enqueue(() => this.scan(this.folderList, this.fileList, opts));
  }

  /** Stops the watcher and waits for running work; the library can't be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    await this.watcher?.close();
    this.watcher = null;
    await this.queue.catch(() => undefined);
  }

  // -------------------------------------------------------------------------------------------

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the music library is closed'));
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async scan(
    roots: readonly string[],
    files: readonly string[],
    opts: ScanOptions,
    reason: LibraryChange['reason'] = 'scan',
  ): Promise<ScanSummary> {
    const started = performance.now();
    const yielder = new Yielder();
    const summary = emptySummary();
    const report = (p: ScanProgress) => opts.onProgress?.(p);
    let lastReport = 0;
    const found = new Set<string>();
    const offline: string[] = [];
    for (const root of roots) {
      const walk = await walkAudioFiles(
        root,
        (count) => {
          const now = performance.now();
          if (now - lastReport > 100) {
            lastReport = now;
            report({ stage: 'listing', found: found.size + count, done: 0, current: null });
          }
        },
        yielder,
        opts.signal,
      );
      if (walk.unreadable.some((u) => u.path === root)) offline.push(root);
      for (const f of walk.files) found.add(f);
    }
    for (const f of files) found.add(f);
    const paths = [...found];
    report({ stage: 'reading', found: paths.length, done: 0, current: null });
    const outcomes = await readFiles(paths, this.byPathMap, this.opts.readTags ?? readTrackTags, {
      concurrency: this.opts.concurrency ?? 8,
      yielder,
      signal: opts.signal,
      onEach: (done, current) => {
        const now = performance.now();
        if (now - lastReport > 50 || done === paths.length) {
          lastReport = now;
          report({ stage: 'reading', found: paths.length, done, current });
        }
      },
    });
    const seen = new Set<string>();
    for (const o of outcomes) {
      seen.add(o.path);
      const old = this.byPathMap.get(o.path);
      if (o.track) {
        if (!o.changed) summary.unchanged++;
        else if (old && !old.missing) summary.updated++;
        else summary.added++;
        if (o.track.problem && !o.track.missing) summary.unreadable++;
        this.byPathMap.set(o.path, o.track);
      } else if (old && !old.missing) {
        this.byPathMap.set(o.path, { ...old, missing: true });
        summary.missing++;
      }
    }
    summary.aborted = opts.signal?.aborted ?? false;
    if (!summary.aborted) {
      // Known files under a scanned folder (or scanned single files) that were not found: gone.
      const scannedFiles = new Set(files);
      for (const [p, t] of this.byPathMap) {
        if (t.missing || seen.has(p)) continue;
        if (roots.some((r) => under(p, r)) || scannedFiles.has(p)) {
          this.byPathMap.set(p, { ...t, missing: true });
          summary.missing++;
        }
      }
    }
    summary.offlineFolders = offline;
    summary.durationMs = performance.now() - started;
    await this.commit(reason, summary);
    report({ stage: 'done', found: paths.length, done: outcomes.length, current: null });
    return summary;
  }

  private async commit(reason: LibraryChange['reason'], summary: ScanSummary | null): Promise<void> {
    this.byIdMap = null;
    this.searchIndex = null;
    this.matchIdx = null;
    const file: LibraryFile = { ...emptyLibraryFile(), folders: this.folderList, files: this.fileList, tracks: this.tracks() };
    await saveLibraryFile(this.opts.dataDir, file);
    for (const l of this.listeners) {
      try {
        l({ reason, summary });
      } catch {
        // a listener's failure is not the library's
      }
    }
  }

  private async restartWatcher(): Promise<void> {
    await this.watcher?.close();
    this.watcher = null;
    const factory = this.opts.watchFactory;
    if (!factory || this.closed || this.folderList.length === 0) return;
    this.watcher = factory(
      this.folderList,
      (e) => this.onWatchEvent(e),
      (err) => {
        this.watchProblems.push(err.message);
        if (this.watchProblems.length > 20) this.watchProblems.shift();
      },
      { usePolling: this.opts.usePolling, fileFilter: isAudioFile },
    );
  }

  private onWatchEvent(e: WatchEvent): void {
    if (this.closed) return;
    if ((e.kind === 'add' || e.kind === 'change' || e.kind === 'unlink') && !isAudioFile(e.path)) return;
    this.pending.set(resolve(e.path), e.kind);
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      const batch = this.pending;
      this.pending = new Map();
      this.enqueue(() => this.applyWatchBatch(batch)).catch((err) => this.watchProblems.push((err as Error).message));
    }, this.opts.debounceMs ?? 750);
  }

  /** Applies gathered watcher events as a small scan of just the paths that changed. */
  private async applyWatchBatch(batch: Map<string, WatchEvent['kind']>): Promise<ScanSummary> {
    const dirs: string[] = [];
    const files: string[] = [];
    for (const [path, kind] of batch) {
      if (kind === 'addDir' || kind === 'unlinkDir') dirs.push(path);
      else files.push(path);
    }
    return this.scan(dirs, files, {}, 'watch');
  }
}
