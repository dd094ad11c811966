/**
 * Finds a preset's music in this clinic's library. A shared preset names tracks by metadata
 * (ISRC, MusicBrainz id, title, artist, duration), never by path, so every machine resolves
 * them against its own files: identifiers first, then normalised title + artist with the
 * duration within ±3 s. The answer is a report per track — matched (and how), ambiguous
 * (with the candidates), or missing (with near misses) — that the therapist can fix by hand.
 *
 * Pure: the library's tracks come in as data; lookups use Maps (never plain objects), so a
 * title like "constructor" or "__proto__" is just a title. How text compares is
 * `match-text.ts`; playlist entries are found by `playlist-match.ts`.
 */
import { normaliseText, normaliseTitle, refKey, sameArtist } from './match-text';
import type { PathStyle } from './playlists';
import { pathTail } from './playlists';
import type { Preset, TrackRef } from './preset';

/** The duration window for a tag match, in seconds. */
export const DURATION_TOLERANCE_S = 3;

/** What matching needs to know about a file in the library. */
export interface MatchableTrack {
  id: string;
  path: string;
  title: string;
  artist: string;
  album: string;
  durationS: number | null;
  isrc: string | null;
  musicbrainzId: string | null;
  /** Files that are gone are kept in the library (reported as missing) but never matched. */
  missing?: boolean;
}

/** A file known only through a preset's reference (the app's own audio, a bundle's audio) as a match candidate. */
export function trackFromRef(
  id: string,
  path: string,
  ref: Pick<TrackRef, 'title' | 'artist' | 'album' | 'durationS' | 'isrc' | 'musicbrainzId'>,
): MatchableTrack {
  return {
    id,
    path,
    title: ref.title,
    artist: ref.artist,
    album: ref.album ?? '',
    durationS: ref.durationS,
    isrc: ref.isrc ?? null,
    musicbrainzId: ref.musicbrainzId ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Index
// ---------------------------------------------------------------------------------------------

/** Lookup tables over the library, built once per resolution run. */
export interface MatchIndex {
  readonly byId: ReadonlyMap<string, MatchableTrack>;
  readonly byIsrc: ReadonlyMap<string, MatchableTrack[]>;
  readonly byMbid: ReadonlyMap<string, MatchableTrack[]>;
  readonly byTitle: ReadonlyMap<string, MatchableTrack[]>;
  readonly byPath: ReadonlyMap<string, MatchableTrack>;
  readonly byTail2: ReadonlyMap<string, MatchableTrack[]>;
  readonly pathStyle: PathStyle;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  if (!key) return;
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** How paths compare on a machine: Windows paths are case-insensitive and use either slash. */
export function pathKey(path: string, style: PathStyle): string {
  return style === 'win32' ? path.replace(/\//g, '\\').toLowerCase() : path;
}

/** Builds the lookup tables; files marked missing are left out. */
export function buildMatchIndex(tracks: Iterable<MatchableTrack>, pathStyle: PathStyle = 'posix'): MatchIndex {
  const byId = new Map<string, MatchableTrack>();
  const byIsrc = new Map<string, MatchableTrack[]>();
  const byMbid = new Map<string, MatchableTrack[]>();
  const byTitle = new Map<string, MatchableTrack[]>();
  const byPath = new Map<string, MatchableTrack>();
  const byTail2 = new Map<string, MatchableTrack[]>();
  for (const t of tracks) {
    if (t.missing) continue;
    byId.set(t.id, t);
    if (t.isrc) push(byIsrc, t.isrc.toUpperCase(), t);
    if (t.musicbrainzId) push(byMbid, t.musicbrainzId.toLowerCase(), t);
    push(byTitle, normaliseTitle(t.title), t);
    byPath.set(pathKey(t.path, pathStyle), t);
    push(byTail2, pathTail(t.path, 2), t);
  }
  return { byId, byIsrc, byMbid, byTitle, byPath, byTail2, pathStyle };
}

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

export type MatchHow = 'manual' | 'isrc' | 'musicbrainz' | 'path' | 'path-tail' | 'tags' | 'bundle';

export interface Candidate {
  track: MatchableTrack;
  /** Why it is offered: "same title and artist, 7.2 s longer", "same ISRC"… */
  why: string;
}

export type Resolution =
  | { status: 'matched'; how: MatchHow; track: MatchableTrack; note: string | null }
  | { status: 'ambiguous'; candidates: Candidate[] }
  | { status: 'missing'; reason: string; near: Candidate[] };

/** What is known about a piece of music when looking for it (a TrackRef, or a playlist entry). */
export interface MusicQuery {
  title: string | null;
  artist: string | null;
  durationS: number | null;
  isrc: string | null;
  musicbrainzId: string | null;
}

const FORMAT_RANK: Record<string, number> = { flac: 0, wav: 1, m4a: 2, ogg: 3, opus: 3, mp3: 4, aac: 5 };

function extRank(path: string): number {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return Object.hasOwn(FORMAT_RANK, ext) ? (FORMAT_RANK[ext] ?? 9) : 9;
}

function delta(t: MatchableTrack, durationS: number | null): number {
  return durationS == null || t.durationS == null ? 0 : Math.abs(t.durationS - durationS);
}

function describeDelta(t: MatchableTrack, durationS: number | null): string {
  if (durationS == null || t.durationS == null) return '';
  const d = t.durationS - durationS;
  if (Math.abs(d) < 0.05) return '';
  return `, ${Math.abs(d).toFixed(1)} s ${d > 0 ? 'longer' : 'shorter'}`;
}

/** Copies of one recording (same title, artist, album, duration within 1 s): any will do. */
function sameRecording(list: readonly MatchableTrack[]): boolean {
  const first = list[0];
  if (!first) return false;
  const album = normaliseText(first.album);
  return list.every(
    (t) =>
      normaliseTitle(t.title) === normaliseTitle(first.title) &&
      sameArtist(t.artist, first.artist) &&
      normaliseText(t.album) === album &&
      (t.durationS == null || first.durationS == null || Math.abs(t.durationS - first.durationS) <= 1),
  );
}

/** Picks among identical copies deterministically: lossless first, then the shortest path. */
function pickCopy(list: readonly MatchableTrack[], durationS: number | null): MatchableTrack {
  // Whole seconds of difference first (sub-second differences are encoder padding), then format.
  const bucket = (t: MatchableTrack) => Math.floor(delta(t, durationS));
  return [...list].sort(
    (a, b) => bucket(a) - bucket(b) || extRank(a.path) - extRank(b.path) || a.path.length - b.path.length || (a.path < b.path ? -1 : 1),
  )[0] as MatchableTrack;
}

function byIdentifier(list: readonly MatchableTrack[] | undefined, how: 'isrc' | 'musicbrainz', q: MusicQuery): Resolution | null {
  if (!list || list.length === 0) return null;
  const chosen = pickCopy(list, q.durationS);
  const d = delta(chosen, q.durationS);
  const notes: string[] = [];
  if (list.length > 1) notes.push(`${list.length} files share this ${how === 'isrc' ? 'ISRC' : 'MusicBrainz id'}; chose the closest`);
  if (d > DURATION_TOLERANCE_S) notes.push(`the file is ${d.toFixed(1)} s off the expected duration`);
  return { status: 'matched', how, track: chosen, note: notes.length ? notes.join('; ') : null };
}

/** Resolves one piece of music by identifiers, then tags. Never throws. */
export function resolveMusic(q: MusicQuery, index: MatchIndex): Resolution {
  if (q.isrc) {
    const r = byIdentifier(index.byIsrc.get(q.isrc.toUpperCase()), 'isrc', q);
    if (r) return r;
  }
  if (q.musicbrainzId) {
    const r = byIdentifier(index.byMbid.get(q.musicbrainzId.toLowerCase()), 'musicbrainz', q);
    if (r) return r;
  }
  if (!q.title) return { status: 'missing', reason: 'no title to look for', near: [] };
  const titleKey = normaliseTitle(q.title);
  const sameTitle = index.byTitle.get(titleKey) ?? [];
  const artist = q.artist ?? '';
  const artistOk = (t: MatchableTrack) => !artist || sameArtist(t.artist, artist);
  const fits = sameTitle.filter((t) => artistOk(t) && delta(t, q.durationS) <= DURATION_TOLERANCE_S);
  if (fits.length === 1 || (fits.length > 1 && sameRecording(fits))) {
    const track = pickCopy(fits, q.durationS);
    const notes: string[] = [];
    if (!artist) notes.push('matched by title and duration only (no artist given)');
    if (q.durationS == null || track.durationS == null) notes.push('duration not compared (unknown)');
    return { status: 'matched', how: 'tags', track, note: notes.length ? notes.join('; ') : null };
  }
  if (fits.length > 1) {
    return {
      status: 'ambiguous',
      candidates: fits
        .slice(0, 10)
        .map((t) => ({ track: t, why: `same title and artist${t.album ? ` (album “${t.album}”)` : ''}${describeDelta(t, q.durationS)}` })),
    };
  }
  const near: Candidate[] = [];
  for (const t of sameTitle) {
    if (near.length >= 5) break;
    if (!artistOk(t)) near.push({ track: t, why: `same title, artist “${t.artist}”${describeDelta(t, q.durationS)}` });
    else near.push({ track: t, why: `same title and artist${describeDelta(t, q.durationS)}` });
  }
  const reason =
    near.length > 0
      ? 'no file with this title, artist and a duration within ±3 s'
      : `no file titled “${q.title}”${artist ? ` by ${artist}` : ''} in the library`;
  return { status: 'missing', reason, near };
}

function queryOfRef(ref: TrackRef): MusicQuery {
  return {
    title: ref.title,
    artist: ref.artist,
    durationS: ref.durationS,
    isrc: ref.isrc ?? null,
    musicbrainzId: ref.musicbrainzId ?? null,
  };
}

/** Manual fixes: reference key (see `refKey`) → library track id. */
export type ManualFixes = ReadonlyMap<string, string>;

/** One track of a preset and what became of it. */
export interface TrackResolution {
  phaseIndex: number;
  trackIndex: number;
  ref: TrackRef;
  key: string;
  resolution: Resolution;
}

export interface ResolutionReport {
  tracks: TrackResolution[];
  matched: number;
  ambiguous: number;
  missing: number;
}

/** A report's counts, from its tracks. */
export function tally(tracks: TrackResolution[]): ResolutionReport {
  let matched = 0;
  let ambiguous = 0;
  let missing = 0;
  for (const t of tracks) {
    if (t.resolution.status === 'matched') matched++;
    else if (t.resolution.status === 'ambiguous') ambiguous++;
    else missing++;
  }
  return { tracks, matched, ambiguous, missing };
}

/** Resolves a single reference, honouring a manual fix when its file is still there. */
export function resolveRef(ref: TrackRef, index: MatchIndex, fixes: ManualFixes = new Map()): Resolution {
  const fixed = fixes.get(refKey(ref));
  if (fixed !== undefined) {
    const track = index.byId.get(fixed);
    if (track) return { status: 'matched', how: 'manual', track, note: null };
  }
  return resolveMusic(queryOfRef(ref), index);
}

/**
 * Resolves every track of every phase. `preResolved` (e.g. audio that came inside a bundle)
 * wins over the library; then manual fixes; then identifiers and tags.
 */
export function resolvePreset(
  preset: Pick<Preset, 'phases'>,
  index: MatchIndex,
  fixes: ManualFixes = new Map(),
  preResolved: ReadonlyMap<string, MatchableTrack> = new Map(),
): ResolutionReport {
  const out: TrackResolution[] = [];
  preset.phases.forEach((phase, phaseIndex) => {
    phase.playlist.forEach((ref, trackIndex) => {
      const key = refKey(ref);
      const pre = preResolved.get(`${phaseIndex}:${trackIndex}`);
      const resolution: Resolution = pre ? { status: 'matched', how: 'bundle', track: pre, note: null } : resolveRef(ref, index, fixes);
      out.push({ phaseIndex, trackIndex, ref, key, resolution });
    });
  });
  return tally(out);
}

/**
 * The therapist's hand fix: this reference is that file. Returns the new report and the new
 * fixes map (to persist), and applies the fix to every other reference with the same key.
 */
export function applyManualFix(
  report: ResolutionReport,
  fixes: ManualFixes,
  at: { phaseIndex: number; trackIndex: number },
  track: MatchableTrack,
): { report: ResolutionReport; fixes: Map<string, string> } {
  const target = report.tracks.find((t) => t.phaseIndex === at.phaseIndex && t.trackIndex === at.trackIndex);
  if (!target) throw new RangeError(`no track ${at.trackIndex + 1} in phase ${at.phaseIndex + 1}`);
  const nextFixes = new Map(fixes);
  nextFixes.set(target.key, track.id);
  const tracks = report.tracks.map((t) =>
    t.key === target.key ? { ...t, resolution: { status: 'matched', how: 'manual', track, note: null } as Resolution } : t,
  );
  return { report: tally(tracks), fixes: nextFixes };
}

/** Forgets a hand fix so the reference is looked up again. */
export function clearManualFix(fixes: ManualFixes, ref: TrackRef): Map<string, string> {
  const next = new Map(fixes);
  next.delete(refKey(ref));
  return next;
}
