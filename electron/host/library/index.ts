/**
 * (About 460 lines: one class, because adding, removing, scanning, watching and publishing the
 * folders share their state — the queue, the aborts, the batch; its pure parts are beside it.)
 *
 * The host's side of the music library: the folders the therapist added, scanning in the
 * background with progress in the snapshot, search, playlist import, and looking tracks up
 * for presets (ISRC / MusicBrainz id, then title + artist with the duration within ±3 s,
 * honouring the therapist's hand fixes). Results too large for the snapshot (search hits,
 * imported playlists) come back as the command's reply.
 *
 * Nothing here holds the host's command queue: adding a folder or rescanning answers at once
 * and the scan continues in the background (the MusicLibrary runs its own operations one at a
 * time). The snapshot is republished at most four times a second while a scan runs.
 */
import { stat } from 'node:fs/promises';
import { basename, extname, resolve, sep } from 'node:path';
import { refKey } from '../../core/match-text';
import { PLAYLIST_EXTENSIONS } from '../../core/playlists';
import type { TrackRef } from '../../core/preset';
import { loadManualFixes, saveManualFixes } from '../../services/library/fixes';
import { MusicLibrary, type ScanProgress, type ScanSummary } from '../../services/library/library';
import type { ReadTags } from '../../services/library/scan';
import { AUDIO_EXTENSIONS, isAudioFile } from '../../services/library/tags';
import { chokidarWatchFactory, type WatchFactory } from '../../services/library/watch';
import type { Settings } from '../../services/settings';
import type { Handlers } from '../command';
import { Refusal } from '../refusal';
import type { AddedToLibrary, ImportedPlaylistData, LibrarySnapshot, LibraryTrackSummary, libraryCommands } from './contract';
import { type ResolvedRef, resolveInLibrary } from './lookup';
import { importPlaylistView } from './playlist';
import { SearchView } from './search';
import { describeScan, folderProblem, mergeScans } from './words';

export interface HostLibraryOptions {
  dataDir: string;
  appRoot: string;
  settings: Settings;
  clock: () => number;
  log: (line: string) => void;
  /** Something in the snapshot changed. */
  onChange: () => void;
  /** The user's presets changed on disk (an import or a saved preset): reload the catalog. */
  reloadPresets: () => void;
  /** For tests: how folders are followed (chokidar by default; null: not followed). */
  watchFactory?: WatchFactory | null;
  /** For tests and the bench: how one file's tags are read (music-metadata by default). */
  readTags?: ReadTags;
  /** Shortest time between two snapshot publications caused by scan progress (default 250 ms). */
  publishMs?: number;
}

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

export class HostLibrary {
  private fixes = new Map<string, string>();
  private scanning: LibrarySnapshot['scanning'] = null;
  private lastScan: string | null = null;
  private problem: string | null = null;
  private revision = 0;
  private counts = { tracks: 0, missing: 0, unreadable: 0 };
  /** Folders being added or removed (the library applies them when its queue gets there). */
  private adding = new Set<string>();
  private removing = new Set<string>();
  /** Background operations still running (whenIdle waits for them). */
  private work: Promise<unknown> = Promise.resolve();
  private running = 0;
  /** What the scans of a still-running batch found so far (their summaries add up). */
  private batch: ScanSummary | null = null;
  /** A rescan is queued and has not started yet. */
  private rescanQueued = false;
  private readonly aborts = new Set<AbortController>();
  private lastPublish = 0;
  private publishTimer: ReturnType<typeof setTimeout> | null = null;
  private warmTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Search and its loudness figures. */
  private readonly searchView: SearchView;
  private unsubscribe: () => void = () => undefined;

  private constructor(
    private readonly opts: HostLibraryOptions,
    private readonly lib: MusicLibrary,
  ) {
    this.searchView = new SearchView(lib, opts.dataDir);
    this.unsubscribe = lib.onChange(() => this.changed());
    this.recount();
    if (lib.loadProblem) {
      this.problem = lib.loadProblem;
      opts.log(`library: ${lib.loadProblem}`);
    }
  }

  /** Opens the library in the data folder and starts an incremental rescan in the background. */
  static async open(opts: HostLibraryOptions): Promise<HostLibrary> {
    const watchFactory = opts.watchFactory === undefined ? chokidarWatchFactory : opts.watchFactory;
    const lib = await MusicLibrary.open({
      dataDir: opts.dataDir,
      ...(watchFactory ? { watchFactory } : {}),
      ...(opts.readTags ? { readTags: opts.readTags } : {}),
    });
    const host = new HostLibrary(opts, lib);
    host.fixes = await loadManualFixes(opts.dataDir);
    if (lib.folders.length > 0 || lib.files.length > 0) host.rescanSoon();
    return host;
  }

  /** The library itself (for the preset editor and sharing: matchIndex, get, tracks). */
  music(): MusicLibrary {
    return this.lib;
  }

  /** Adds a music folder as `addLibraryFolder` does (for an imported bundle's audio). */
  addMusicFolder(path: string): Promise<unknown> {
    return Promise.resolve(this.commands.addLibraryFolder({ path }));
  }

  /** The library's command handlers (see `library/contract.ts`). */
  readonly commands: Handlers<typeof libraryCommands> = {
    addLibraryFolder: async (a) => {
      this.startAddFolder(await this.checkFolder(resolve(a.path)));
      this.publish(true);
      return undefined;
    },
    addToLibrary: async (a) => {
      const added = await this.addPaths(a.paths);
      this.publish(true);
      return { data: added };
    },
    removeLibraryFile: (a) => {
      const path = resolve(a.path);
      if (!this.lib.files.includes(path)) throw new Refusal(`${path} is not one of the files added on their own.`);
      this.background('remove', () =>
        this.lib.removeFiles([path]).then(() => {
          this.lastScan = `Removed ${basename(path)} from the library; the file itself is untouched.`;
        }),
      );
      this.publish(true);
      return undefined;
    },
    removeLibraryFolder: (a) => {
      const path = resolve(a.path);
      if (!this.folders().includes(path)) throw new Refusal(`${path} is not one of the library's folders.`);
      // A scan of everything would hold the removal up: stop it, remove, then finish the rest.
      const interrupted = this.running > 0;
      for (const a of this.aborts) a.abort();
      // An aborted rescan that had not started yet does nothing: queue a fresh one below.
      this.rescanQueued = false;
      this.adding.delete(path);
      this.removing.add(path);
      this.background('remove', () =>
        this.lib
          .removeFolder(path)
          .then(() => {
            this.lastScan = `Removed ${path} from the library; the files themselves are untouched.`;
            if (this.problem?.includes(path)) this.problem = null;
          })
          .finally(() => this.removing.delete(path)),
      );
      if (interrupted) this.rescanSoon();
      this.publish(true);
      return undefined;
    },
    rescanLibrary: () => {
      if (this.folders().length === 0 && this.lib.files.length === 0)
        throw new Refusal('There are no folders to scan yet. Add a folder first.');
      this.rescanSoon();
      this.publish(true);
      return undefined;
    },
    searchLibrary: async (a) => {
      const { query, limit } = a;
      return { data: await this.search(query, limit) };
    },
    importPlaylistFile: async (a) => {
      return { data: await this.importPlaylist(a.path) };
    },
  };

  /** The folder, resolved, when it can join the library; a Refusal saying why not otherwise. */
  private async checkFolder(path: string): Promise<string> {
    const holder = this.folders().find((f) => under(path, f));
    if (holder === path) throw new Refusal(`${path} is already in the library.`);
    if (holder) throw new Refusal(`${path} is already part of the library, inside ${holder}.`);
    const problem = await folderProblem(path);
    if (problem) throw new Refusal(problem);
    return path;
  }

  /** Adds a checked folder and scans it in the background; folders inside it become part of it. */
  private startAddFolder(path: string): void {
    const inside = this.folders().filter((f) => under(f, path));
    this.adding.add(path);
    this.removing.delete(path);
    for (const f of inside) this.removing.add(f);
    this.background('add', async (o) => {
      try {
        const summary = await this.lib.addFolders([path], o);
        for (const f of inside) await this.lib.removeFolder(f);
        return summary;
      } finally {
        this.adding.delete(path);
        for (const f of inside) this.removing.delete(f);
      }
    });
  }

  /**
   * What was picked or dropped: folders join like `addLibraryFolder`, music files are read on
   * their own, the rest is skipped with a reason. Refuses (saying why for each) when nothing
   * could be added.
   */
  private async addPaths(raw: readonly string[]): Promise<AddedToLibrary> {
    const result: AddedToLibrary = { folders: [], files: [], skipped: [] };
    const seen = new Set<string>();
    for (const p of raw) {
      const path = resolve(p);
      if (seen.has(path)) continue;
      seen.add(path);
      const st = await stat(path).catch((err: NodeJS.ErrnoException) => err);
      if (st instanceof Error) {
        const code = st.code;
        result.skipped.push({
          path,
          reason:
            code === 'ENOENT' || code === 'ENOTDIR'
              ? 'not found (moved, deleted, or the drive is not connected)'
              : code === 'EACCES' || code === 'EPERM'
                ? 'permission denied'
                : `could not be read (${code ?? st.message})`,
        });
        continue;
      }
      if (st.isDirectory()) {
        try {
          // Folders chosen together may nest: the outer one takes the inner one in.
          if (result.folders.some((f) => under(path, f))) continue;
          this.startAddFolder(await this.checkFolder(path));
          result.folders.push(path);
        } catch (err) {
          if (!(err instanceof Refusal)) throw err;
          result.skipped.push({ path, reason: err.message.replace(`${path} is `, '').replace(/\.$/, '') });
        }
        continue;
      }
      const ext = extname(path).toLowerCase();
      const holder = this.folders().find((f) => under(path, f));
      if (PLAYLIST_EXTENSIONS.includes(ext)) {
        result.skipped.push({ path, reason: 'a playlist: import it in Presets, in a phase of a preset (Import playlist)' });
      } else if (!isAudioFile(path)) {
        result.skipped.push({ path, reason: `not a music file Stillroom plays (${AUDIO_EXTENSIONS.join(' ')})` });
      } else if (holder) {
        result.skipped.push({ path, reason: `already in the library, inside ${holder}` });
      } else if (this.lib.files.includes(path)) {
        result.skipped.push({ path, reason: 'already in the library' });
      } else {
        result.files.push(path);
      }
    }
    if (result.files.length > 0) {
      const files = [...result.files];
      this.background('add', (o) => this.lib.addFiles(files, o));
    }
    if (result.folders.length === 0 && result.files.length === 0) {
      const why = result.skipped.map((s) => `${basename(s.path)}: ${s.reason}`);
      throw new Refusal(`Nothing was added. ${why.slice(0, 5).join('; ')}${why.length > 5 ? `; and ${why.length - 5} more` : ''}.`);
    }
    return result;
  }

  /** Title/artist/album search; an empty query lists the whole library by title (first `limit`). */
  search(query: string, limit = 50): Promise<{ tracks: LibraryTrackSummary[]; total: number }> {
    return this.searchView.search(query, limit);
  }

  /** Reads a playlist file and resolves each entry against the library (see `library/playlist.ts`). */
  importPlaylist(path: string): Promise<ImportedPlaylistData> {
    return importPlaylistView(path, this.lib);
  }

  /**
   * The library file for a track referenced by metadata, or null: a hand fix first, then
   * ISRC / MusicBrainz id, then normalised title + artist with the duration within ±3 s.
   * Synchronous (lookup tables are built once per library change); missing files never match.
   */
  lookup(ref: TrackRef): string | null {
    return this.resolveOne(ref).file;
  }

  /** Resolves many references at once, saying how each was found (see `lookup`). */
  resolveRefs(refs: readonly TrackRef[]): ResolvedRef[] {
    return refs.map((r) => this.resolveOne(r));
  }

  private resolveOne(ref: TrackRef): ResolvedRef {
    return resolveInLibrary(ref, this.lib, this.fixes);
  }

  /**
   * The therapist's hand fix: from now on `ref` (any reference with the same `refKey`: ISRC,
   * MusicBrainz id, normalised title, artists and rounded duration) is the library track
   * `trackId`; null forgets the fix. Remembered in `<data>/track-fixes.json`. Refuses a
   * track id the library does not know.
   */
  async setManualFix(ref: TrackRef, trackId: string | null): Promise<void> {
    const key = refKey(ref);
    if (trackId === null) this.fixes.delete(key);
    else {
      if (!this.lib.get(trackId)) throw new Refusal('That track is no longer in the library; search again and choose another.');
      this.fixes.set(key, trackId);
    }
    await saveManualFixes(this.opts.dataDir, this.fixes);
  }

  /** The hand fixes now in force (reference key → track id). */
  manualFixes(): ReadonlyMap<string, string> {
    return this.fixes;
  }

  /** Resolves when no scan started here is running (watcher updates included once they began). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const w = this.work;
      await w.catch(() => undefined);
      if (w === this.work) return;
    }
  }

  snapshot(): LibrarySnapshot {
    return {
      folders: this.folders(),
      files: [...this.lib.files],
      trackCount: this.counts.tracks,
      missingCount: this.counts.missing,
      unreadableCount: this.counts.unreadable,
      scanning: this.scanning,
      lastScan: this.lastScan,
      problem: this.problem ?? this.watchProblem(),
      revision: this.revision,
    };
  }

  /** Stops scans and the watcher; the index is saved by the library as each operation ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const a of this.aborts) a.abort();
    if (this.publishTimer) clearTimeout(this.publishTimer);
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.publishTimer = null;
    this.warmTimer = null;
    this.unsubscribe();
    this.lib.close().catch((err: unknown) => this.opts.log(`library: not closed cleanly (${(err as Error).message})`));
  }

  // -------------------------------------------------------------------------------------------

  private watchProblem(): string | null {
    const last = this.lib.watchProblems.at(-1);
    return last ? `Changes in the folders are not followed right now (${last}); Rescan picks them up.` : null;
  }

  private folders(): string[] {
    const list = this.lib.folders.filter((f) => !this.removing.has(f));
    for (const f of this.adding) if (!list.includes(f)) list.push(f);
    return list;
  }

  /** Queues one rescan of everything; asking again before it has started adds nothing. */
  private rescanSoon(): void {
    if (this.rescanQueued) return;
    this.rescanQueued = true;
    this.background('rescan', (o) =>
      this.lib
        .rescan({
          signal: o.signal,
          onProgress: (p) => {
            this.rescanQueued = false;
            o.onProgress(p);
          },
        })
        .finally(() => {
          this.rescanQueued = false;
        }),
    );
  }

  /** Runs a library operation in the background with progress into the snapshot. */
  private background(what: string, op: (o: { onProgress: (p: ScanProgress) => void; signal: AbortSignal }) => Promise<unknown>): void {
    if (this.closed) return;
    const abort = new AbortController();
    this.aborts.add(abort);
    this.running++;
    const onProgress = (p: ScanProgress) => {
      if (this.closed) return;
      this.scanning = p.stage === 'done' ? null : { done: p.done, total: p.found, stage: p.stage === 'listing' ? 'listing' : 'reading' };
      this.publish(false);
    };
    const run = op({ onProgress, signal: abort.signal }).then(
      (result) => {
        if (result && typeof result === 'object' && 'offlineFolders' in result) {
          // Scans that overlap (a folder and files dropped together) are told as one.
          const s = mergeScans(this.batch, result as ScanSummary);
          this.batch = this.running > 1 ? s : null;
          this.lastScan = describeScan(s);
          this.problem =
            s.offlineFolders.length > 0
              ? `${s.offlineFolders.join(', ')} could not be read (drive not connected, moved, or no permission); ${
                  s.offlineFolders.length === 1 ? 'its' : 'their'
                } tracks are marked missing.`
              : null;
        }
      },
      (err: unknown) => {
        if (this.closed) return;
        this.problem = `The library could not ${what === 'remove' ? 'remove the folder' : 'finish the scan'}: ${(err as Error).message}`;
        this.opts.log(`library: ${what} failed: ${(err as Error).stack ?? String(err)}`);
      },
    );
    const settled = run.finally(() => {
      this.aborts.delete(abort);
      this.running--;
      if (this.running === 0) this.scanning = null;
      this.publish(true);
    });
    this.work = Promise.all([this.work, settled]);
  }

  /** The library's content changed (scan, watcher, removal). */
  private changed(): void {
    this.searchView.invalidate();
    this.revision++;
    this.recount();
    this.publish(true);
    // Build the lookup and search tables soon, while nothing waits on them, rather than at a
    // session start or a keystroke (about 0.1–0.3 s each for 20,000 tracks).
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.warmTimer = setTimeout(() => {
      this.warmTimer = null;
      if (this.closed || this.running > 0) return;
      this.lib.matchIndex();
      this.lib.search('a', 1);
    }, 1000);
    this.warmTimer.unref?.();
  }

  private recount(): void {
    let missing = 0;
    let unreadable = 0;
    const all = this.lib.tracks();
    for (const t of all) {
      if (t.missing) missing++;
      else if (t.problem !== null) unreadable++;
    }
    this.counts = { tracks: all.length, missing, unreadable };
  }

  /** Republishes the snapshot, at most every `publishMs` for progress; `now` for changes that matter. */
  private publish(now: boolean): void {
    if (this.closed) return;
    const gap = this.opts.publishMs ?? 250;
    const elapsed = performance.now() - this.lastPublish;
    if (now || elapsed >= gap) {
      if (this.publishTimer) clearTimeout(this.publishTimer);
      this.publishTimer = null;
      this.lastPublish = performance.now();
      try {
        this.opts.onChange();
      } catch (err) {
        // The host may still be opening (a rescan started at open reports early); it publishes when ready.
        this.opts.log(`library: snapshot not published (${(err as Error).message})`);
      }
      return;
    }
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      this.publish(true);
    }, gap - elapsed);
    this.publishTimer.unref?.();
  }
}
