/**
 * Imports a playlist the therapist already has (M3U/M3U8, PLS, XSPF): each entry is found in
 * the library by path, then by the path's tail (a library that moved), then by tags; the
 * matched tracks become preset track references (metadata only, never paths).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Resolution } from '../../core/matching';
import { resolvePlaylistEntry } from '../../core/playlist-match';
import {
  interpretLocation,
  PLAYLIST_LIMITS,
  type PlaylistEntry,
  PlaylistError,
  type PlaylistFormat,
  parsePlaylist,
} from '../../core/playlists';
import type { TrackRef } from '../../core/preset';
import type { LibraryTrack } from './index-file';
import type { MusicLibrary } from './library';
import { isAudioFile } from './tags';

export interface ImportedEntry {
  entry: PlaylistEntry;
  resolution: Resolution;
}

export interface ImportedPlaylist {
  file: string;
  format: PlaylistFormat;
  /** The playlist's own title, or its file name. */
  title: string;
  entries: ImportedEntry[];
  /** Matched entries as preset track references, in playlist order. */
  trackRefs: TrackRef[];
  matched: number;
  ambiguous: number;
  missing: number;
  /** Lines the parser skipped, with where and why. */
  problems: string[];
}

const ISRC_RE = /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A library track as a preset reference: metadata that travels, no path. */
export function trackRefFromLibrary(track: LibraryTrack): TrackRef {
  const ref: TrackRef = {
    title: track.title.slice(0, 200) || 'Untitled',
    artist: track.artist.slice(0, 200),
    durationS: Math.min(track.durationS ?? 1, 4 * 3600),
  };
  if (track.album) ref.album = track.album.slice(0, 200);
  if (track.isrc && ISRC_RE.test(track.isrc)) ref.isrc = track.isrc;
  if (track.musicbrainzId && UUID_RE.test(track.musicbrainzId)) ref.musicbrainzId = track.musicbrainzId;
  return ref;
}

/** Decodes playlist bytes: UTF-8 when valid (always for .m3u8), else Windows-1252/Latin-1 (old .m3u). */
export function decodePlaylistBytes(bytes: Buffer, fileName: string): string {
  const utf8 = bytes.toString('utf8');
  if (fileName.toLowerCase().endsWith('.m3u8') || !utf8.includes('\uFFFD')) return utf8;
  return bytes.toString('latin1');
}

export interface PlaylistImportOptions {
  /**
   * Entries whose file exists on disk but is not in the library yet are added to the library
   * (as single files) before resolving. Default true: the therapist pointed at this playlist.
   */
  addFoundFiles?: boolean;
}

/** Reads, parses and resolves a playlist file. Throws `PlaylistError` if it can't be read at all. */
export async function importPlaylistFile(file: string, library: MusicLibrary, opts: PlaylistImportOptions = {}): Promise<ImportedPlaylist> {
  const path = resolve(file);
  let bytes: Buffer;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new PlaylistError(path, 'not a file');
    if (st.size > PLAYLIST_LIMITS.maxChars) throw new PlaylistError(path, `larger than ${PLAYLIST_LIMITS.maxChars / 1024 / 1024} MiB`);
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof PlaylistError) throw err;
    throw new PlaylistError(path, `could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parsed = parsePlaylist(decodePlaylistBytes(bytes, path), path);
  const style = process.platform === 'win32' ? 'win32' : 'posix';

  if (opts.addFoundFiles ?? true) {
    const unknown: string[] = [];
    for (const e of parsed.entries) {
      if (!e.location) continue;
      const m = interpretLocation(e.location, path, style);
      if (m.kind === 'path' && isAudioFile(m.path) && !library.byPath(m.path)) unknown.push(m.path);
    }
    const existing: string[] = [];
    for (const p of new Set(unknown)) {
      if (
        await stat(p).then(
          (s) => s.isFile(),
          () => false,
        )
      )
        existing.push(p);
    }
    if (existing.length > 0) await library.addFiles(existing);
  }

  const index = library.matchIndex();
  const entries = parsed.entries.map((entry) => ({ entry, resolution: resolvePlaylistEntry(entry, path, index) }));
  const trackRefs: TrackRef[] = [];
  let matched = 0;
  let ambiguous = 0;
  for (const { resolution } of entries) {
    if (resolution.status === 'matched') {
      matched++;
      const t = library.get(resolution.track.id);
      if (t) trackRefs.push(trackRefFromLibrary(t));
    } else if (resolution.status === 'ambiguous') ambiguous++;
  }
  return {
    file: path,
    format: parsed.format,
    title: parsed.title ?? basename(path).replace(/\.[^.]+$/, ''),
    entries,
    trackRefs,
    matched,
    ambiguous,
    missing: entries.length - matched - ambiguous,
    problems: parsed.problems,
  };
}
