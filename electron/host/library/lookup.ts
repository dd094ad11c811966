/** How a preset's metadata-only track reference finds its library file (see `HostLibrary.lookup`). */
import { type MatchHow, type Resolution, resolveRef } from '../../core/matching';
import type { TrackRef } from '../../core/preset';
import type { MusicLibrary } from '../../services/library/library';

/** How a track reference was resolved to a library file. */
export type RefHow = 'isrc' | 'mbid' | 'tags' | 'manual' | 'none';

export interface ResolvedRef {
  file: string | null;
  how: RefHow;
  trackId: string | null;
}

const HOW: Record<MatchHow, RefHow> = {
  isrc: 'isrc',
  musicbrainz: 'mbid',
  tags: 'tags',
  manual: 'manual',
  path: 'tags',
  'path-tail': 'tags',
  bundle: 'tags',
};

const _TITLE_ORDER = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** A hand fix first, then ISRC / MusicBrainz id, then title + artist within ±3 s; missing files never match. */
export function resolveInLibrary(ref: TrackRef, lib: MusicLibrary, fixes: ReadonlyMap<string, string>): ResolvedRef {
  const r: Resolution = resolveRef(ref, lib.matchIndex(), fixes);
  if (r.status !== 'matched') return { file: null, how: 'none', trackId: null };
  return { file: r.track.path, how: HOW[r.how], trackId: r.track.id };
}
