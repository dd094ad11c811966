/**
 * A playlist file the therapist already has, read and resolved against the library for the
 * preset editor.
 */
import { resolve } from 'node:path';
import { PlaylistError } from '../../core/playlists';
import { TrackRefSchema } from '../../core/preset';
import type { MusicLibrary } from '../../services/library/library';
import { importPlaylistFile, trackRefFromLibrary } from '../../services/library/playlist-import';
import { Refusal } from '../refusal';
import type { ImportedPlaylistData, ImportedPlaylistEntry } from './contract';

/** What a playlist entry said, in one line. */
function entryLine(e: { location: string | null; title: string | null; artist: string | null; line: number }): string {
  if (e.location) return e.location;
  const text = [e.artist, e.title].filter(Boolean).join(' – ');
  return text || `entry ${e.line}`;
}

/**
 * Reads a playlist file (M3U/M3U8, PLS, XSPF) and resolves each entry against the library:
 * by path (absolute, relative to the playlist, file URL, then the path's last two
 * segments), then by tags. Only the playlist file itself is read; files it names that are
 * not in the library are reported, never read.
 */
export async function importPlaylistView(path: string, lib: MusicLibrary): Promise<ImportedPlaylistData> {
  let imported: Awaited<ReturnType<typeof importPlaylistFile>>;
  try {
    imported = await importPlaylistFile(resolve(path), lib, { addFoundFiles: false });
  } catch (err) {
    if (err instanceof PlaylistError) throw new Refusal(`The playlist ${err.source} could not be imported: ${err.problem}.`);
    throw err;
  }
  const entries: ImportedPlaylistEntry[] = imported.entries.map(({ entry, resolution }) => {
    const line = entryLine(entry);
    if (resolution.status === 'matched') {
      const t = lib.get(resolution.track.id);
      const how = resolution.how === 'path' || resolution.how === 'path-tail' ? 'path' : 'tags';
      return { line, ref: t ? trackRefFromLibrary(t) : null, how, trackId: resolution.track.id, problem: null };
    }
    const own = TrackRefSchema.safeParse({
      title: entry.title ?? '',
      artist: entry.artist ?? '',
      ...(entry.album ? { album: entry.album } : {}),
      durationS: entry.durationS ?? 0,
      ...(entry.isrc ? { isrc: entry.isrc } : {}),
      ...(entry.musicbrainzId ? { musicbrainzId: entry.musicbrainzId } : {}),
    });
    const problem =
      resolution.status === 'ambiguous'
        ? `several files fit: ${resolution.candidates
            .slice(0, 3)
            .map((c) => `${c.track.title} (${c.why})`)
            .join('; ')}; choose one by hand`
        : resolution.reason;
    return { line, ref: own.success ? own.data : null, how: 'none', trackId: null, problem: `${problem}.`.replace(/\.\.$/, '.') };
  });
  return { name: imported.title, entries };
}
