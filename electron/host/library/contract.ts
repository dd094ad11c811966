/**
 * The library part of the host contract: command schemas, what each command answers, and the
 * `library` part of the snapshot. Spread into contract.ts.
 */
import { z } from 'zod';
import type { TrackRef } from '../../core/preset';
import { command } from '../command';

/** Longest path accepted from the panel (Windows long paths fit; nothing absurd). */
export const MAX_PATH_CHARS = 4096;

/** An absolute path on this machine: `/…` (macOS, Linux), `C:\…` or `\\server\share\…` (Windows). */
export function isAbsolutePath(path: string): boolean {
  return /^\//.test(path) || /^[A-Za-z]:[\\/]/.test(path) || /^\\\\[^\\]+\\[^\\]+/.test(path);
}

/** Most folders and files added in one go (a drop or a picker choice). */
export const MAX_ADD_PATHS = 1000;

const AbsolutePath = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what}: enter a path`)
    .max(MAX_PATH_CHARS, `${what}: longer than ${MAX_PATH_CHARS} characters`)
    .refine((p) => !p.includes('\0'), `${what}: contains a NUL character`)
    .refine(isAbsolutePath, `${what}: give the full path, starting with / (or a drive letter such as C:\\ on Windows)`);

export const libraryCommands = {
  /** Adds a music folder and scans it in the background (the reply comes at once). */
  addLibraryFolder: command(z.object({ path: AbsolutePath('the folder') }).strict()),
  /**
   * Adds what the therapist picked or dropped: folders are scanned in the background like
   * `addLibraryFolder`, music files are read on their own; anything else is skipped with a reason.
   */
  addToLibrary: command(
    z
      .object({
        paths: z
          .array(AbsolutePath('a dropped or chosen item'))
          .min(1, 'nothing to add')
          .max(MAX_ADD_PATHS, `at most ${MAX_ADD_PATHS} items at once`),
      })
      .strict(),
  ).answers<AddedToLibrary>(),
  /** Forgets a music file that was added on its own (the file itself is untouched). */
  removeLibraryFile: command(z.object({ path: AbsolutePath('the file') }).strict()),
  /** Forgets a music folder and its tracks (the files themselves are untouched). */
  removeLibraryFolder: command(z.object({ path: AbsolutePath('the folder') }).strict()),
  /** Checks every folder again in the background; only files whose size or date changed are read. */
  rescanLibrary: command(z.object({}).strict()),
  /** Title/artist/album search; an empty query lists the library by title. */
  searchLibrary: command(z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(500).default(50) }).strict()).answers<{
    tracks: LibraryTrackSummary[];
    total: number;
  }>(),
  /** Reads an M3U/M3U8/PLS/XSPF playlist and resolves its entries against the library (path, then tags). */
  importPlaylistFile: command(z.object({ path: AbsolutePath('the playlist file') }).strict(), {
    slow: true,
  }).answers<ImportedPlaylistData>(),
};

export interface LibraryTrackSummary {
  id: string;
  title: string;
  artist: string;
  album: string;
  /** Duration read from the file (null when it could not be read). */
  durationSec: number | null;
  /**
   * Integrated loudness: measured (the loudness cache) when the file was analysed as it is now,
   * else estimated from a ReplayGain tag (−18 LUFS reference); null when neither is known.
   */
  loudnessLufs: number | null;
  /** Where `loudnessLufs` came from. */
  loudnessFrom: 'measured' | 'replaygain' | null;
  /** The file was in the library and is gone now (moved, deleted, drive not connected). */
  missing: boolean;
  /** Why the file is there but cannot be read as audio; null when it is fine. */
  problem: string | null;
  path: string;
}

/** One entry of an imported playlist and what it became. */
export interface ImportedPlaylistEntry {
  /** The entry as the playlist wrote it: its location, or "artist – title" when it has none. */
  line: string;
  /** The track as a preset reference (metadata only): from the library file when matched, else from the playlist's own tags when it has a title and duration. */
  ref: TrackRef | null;
  /** How it was found: by path (absolute, relative, file URL or the path's tail), by tags/identifiers, or not at all. */
  how: 'path' | 'tags' | 'none';
  trackId: string | null;
  /** Why it was not matched (or which files compete), as a sentence; null when matched. */
  problem: string | null;
}

export interface ImportedPlaylistData {
  /** The playlist's own title, or its file name. */
  name: string;
  entries: ImportedPlaylistEntry[];
}

/** What `addToLibrary` did with each item. */
export interface AddedToLibrary {
  /** Folders now being scanned. */
  folders: string[];
  /** Music files now being read. */
  files: string[];
  /** Items left out, each with the reason in a sentence. */
  skipped: Array<{ path: string; reason: string }>;
}

/** Small, always-current library facts (never the whole index: that is searched by command). */
export interface LibrarySnapshot {
  folders: string[];
  /** Music files added on their own (not inside one of the folders). */
  files: string[];
  /** Tracks known, missing and unreadable ones included. */
  trackCount: number;
  /** Tracks whose files are gone. */
  missingCount: number;
  /** Files that are there but could not be read as audio. */
  unreadableCount: number;
  /** While a scan runs: files checked so far of those found (`stage` listing: still finding files). */
  scanning: { done: number; total: number; stage: 'listing' | 'reading' } | null;
  /** What the last scan found, in words ("3 added, 1 missing."), or null before the first one. */
  lastScan: string | null;
  /** A problem the therapist should read (an unreadable folder, a damaged index set aside). */
  problem: string | null;
  /** Changes every time the library's content changes (search results may be stale when it moves). */
  revision: number;
}
