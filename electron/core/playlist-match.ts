/**
 * Finds an imported playlist's entries (M3U, PLS, XSPF…) in the library: the location as a path
 * on this machine, then its last two segments (a library that moved), then the tags the
 * playlist carried (`resolveMusic`). Pure.
 */
import { type MatchIndex, pathKey, type Resolution, resolveMusic } from './matching';
import type { PlaylistEntry } from './playlists';
import { interpretLocation } from './playlists';

/**
 * Resolves one imported playlist entry: the location as a path on this machine, then the
 * location's last two segments (a library that moved: `Artist/01 Song.flac`), then the tags
 * the playlist carried.
 */
export function resolvePlaylistEntry(entry: PlaylistEntry, playlistPath: string, index: MatchIndex): Resolution {
  let pathNote: string | null = null;
  let tailSegments: string[] | null = null;
  if (entry.location) {
    const meaning = interpretLocation(entry.location, playlistPath, index.pathStyle);
    if (meaning.kind === 'path') {
      const hit = index.byPath.get(pathKey(meaning.path, index.pathStyle));
      if (hit) return { status: 'matched', how: 'path', track: hit, note: null };
      pathNote = `${meaning.path} is not in the library`;
      tailSegments = meaning.path.split(/[\\/]+/);
    } else if (meaning.kind === 'foreign-path') {
      pathNote = 'a path from another kind of computer';
      tailSegments = meaning.segments;
    } else {
      pathNote = meaning.reason;
    }
  }
  if (tailSegments && tailSegments.length >= 2) {
    const tail = tailSegments.slice(-2).join('/').toLowerCase();
    const hits = index.byTail2.get(tail) ?? [];
    if (hits.length === 1 && hits[0]) return { status: 'matched', how: 'path-tail', track: hits[0], note: 'found under another folder' };
  }
  const fallbackTitle = entry.title ?? titleFromLocation(entry.location);
  const r = resolveMusic(
    { title: fallbackTitle, artist: entry.artist, durationS: entry.durationS, isrc: entry.isrc, musicbrainzId: entry.musicbrainzId },
    index,
  );
  if (r.status === 'missing' && pathNote) return { ...r, reason: `${pathNote}; ${r.reason}` };
  return r;
}

/** "…/03 - Gymnopédie No. 1.flac" → "Gymnopédie No. 1" (a last resort when a playlist has no titles). */
export function titleFromLocation(location: string | null): string | null {
  if (!location) return null;
  const name = location.split(/[\\/]/).pop() ?? '';
  let stem = name.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  try {
    stem = decodeURIComponent(stem);
  } catch {
    // keep as written
  }
  stem = stem.replace(/^\d{1,3}[\s._-]+(-\s+)?/, '').trim();
  return stem || null;
}
