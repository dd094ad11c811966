/**
 * What the presets module asks of the music library — the scanned tracks, a wait for a running
 * scan, the hand fixes shared with session start — behind one small class, so export, import
 * and audition ask the same way.
 */
import type { ManualFixes, MatchIndex } from '../../core/matching';
import type { TrackRef } from '../../core/preset';
import { loadManualFixes, saveManualFixes } from '../../services/library/fixes';
import type { LibraryTrack } from '../../services/library/index-file';

/** What this module needs of the music library (electron/host/library `HostLibrary`). */
export interface SharingLibrary {
  /** The scanned library: match tables for resolving, tracks by id. */
  music?(): { matchIndex(): MatchIndex; get(id: string): LibraryTrack | undefined } | null;
  /** Resolves once a running scan has finished (so a resolution report sees every file). */
  whenIdle?(): Promise<unknown>;
  /** The hand fixes in force (reference key → track id), shared with session start. */
  manualFixes?(): ReadonlyMap<string, string>;
  /** Remembers a hand fix (`<data>/track-fixes.json`) where session start will see it too. */
  setManualFix?(ref: TrackRef, trackId: string | null): Promise<void>;
  /** Adds a music folder (an imported bundle's audio folder, so sessions find it). */
  addMusicFolder?(path: string): Promise<unknown>;
}

/** How long an import or export waits for a library scan to finish before answering with what is known. */
const IDLE_WAIT_MS = 4000;

export class LibraryAccess {
  /** Hand fixes read from disk when the library does not share its own (tests, a library not yet open). */
  private fixes: Map<string, string> | null = null;

  constructor(
    private readonly library: SharingLibrary,
    private readonly dataDir: string,
  ) {}

  music(): { matchIndex(): MatchIndex; get(id: string): LibraryTrack | undefined } | null {
    return this.library.music?.() ?? null;
  }

  /**
   * Waits for a running scan to finish, but not for long: a reply must come back well inside
   * the browser bridge's 10 s; a report made mid-scan simply finds fewer files.
   */
  async idle(): Promise<void> {
    const idle = this.library.whenIdle?.();
    if (!idle) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([idle.catch(() => undefined), new Promise((ok) => (timer = setTimeout(ok, IDLE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  async manualFixes(): Promise<ManualFixes> {
    const shared = this.library.manualFixes?.();
    if (shared) return shared;
    this.fixes ??= await loadManualFixes(this.dataDir);
    return this.fixes;
  }

  /** Remembers a hand fix: through the library where it shares them, else in this module's own file. */
  async rememberFix(ref: TrackRef | undefined, trackId: string, all: Map<string, string>): Promise<void> {
    if (this.library.setManualFix && ref) await this.library.setManualFix(ref, trackId);
    else {
      this.fixes = all;
      await saveManualFixes(this.dataDir, all);
    }
  }

  /** Adds an imported bundle's audio folder to the library (scanned in the background). */
  async addMusicFolder(path: string): Promise<void> {
    await this.library.addMusicFolder?.(path);
  }
}
