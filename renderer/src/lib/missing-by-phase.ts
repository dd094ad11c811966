/**
 * The pre-session music check, said per phase. A route template describes its music by
 * metadata only, so on a machine without that music every track is missing: forty lines of
 * "not found" would bury the one thing the therapist needs ("none of this is here yet").
 * These pure helpers fold the host's per-track problems into one line per phase
 * ("Deep rest: 4 of 5 tracks not in your library"); the track list stays one click away.
 */
import type { TrackProblem } from '@core/playback';
import type { TrackRef } from '@core/preset';

/** Why a track will be skipped, in words a therapist can act on. */
export type SkipReason = 'library' | 'not-found' | 'unplayable';

const REASON_WORDS: Record<SkipReason, string> = {
  library: 'not in your library',
  'not-found': 'not found',
  unplayable: 'cannot be played',
};

/** One phase's share of the skipped tracks. `total` is null while the preset itself is unknown. */
export interface PhaseSkips {
  phase: string;
  skipped: number;
  total: number | null;
  reasons: Record<SkipReason, number>;
  tracks: TrackProblem[];
}

/** A library reference the library could not match, a missing file, or a file that will not play. */
export function reasonOf(p: TrackProblem): SkipReason {
  if (p.kind === 'unplayable') return 'unplayable';
  return /library/i.test(p.problem) ? 'library' : 'not-found';
}

/** A phase's music as the preset file lists it (from `getPreset`). */
export interface PhaseTracks {
  name: string;
  playlist: readonly TrackRef[];
  fallback?: readonly TrackRef[] | undefined;
}

/** The identity the host gives a track when it is not found (services/tracks.ts), as near as a reference says it. */
const refKey = (ref: TrackRef): string => (ref.asset ? `asset:${ref.asset}` : `ref:${ref.artist}|${ref.title}|${ref.durationS}`);

const emptyGroup = (phase: string): PhaseSkips => ({
  phase,
  skipped: 0,
  total: null,
  reasons: { library: 0, 'not-found': 0, unplayable: 0 },
  tracks: [],
});

/**
 * The problems grouped by phase, in the preset's phase order.
 *
 * The host names each track once, under the first phase that uses it; a template reuses
 * tracks, so its last phase would read "1 of 1 track" while all eight of its tracks are
 * missing. Given the preset's phases, each phase instead counts its own tracks (playlist and
 * fallback bed, each once) and lists every one of them that will be skipped. Without them
 * (while `getPreset` is on its way) the host's grouping is used, with no totals.
 */
export function skipsByPhase(
  problems: readonly TrackProblem[],
  phaseOrder: readonly string[],
  phases?: readonly PhaseTracks[],
): PhaseSkips[] {
  const groups = new Map<string, PhaseSkips>();
  const groupFor = (name: string): PhaseSkips => {
    let g = groups.get(name);
    if (!g) {
      g = emptyGroup(name);
      groups.set(name, g);
    }
    return g;
  };
  const add = (g: PhaseSkips, p: TrackProblem): void => {
    g.skipped++;
    g.reasons[reasonOf(p)]++;
    g.tracks.push(p);
  };
  for (const name of phaseOrder) groupFor(name);

  const unplaced = new Set(problems);
  if (phases) {
    const byFirstUse = new Map<string, TrackProblem>();
    for (const p of problems) byFirstUse.set(`${p.phase}\u0000${p.title}`, p);
    const firstPhase = new Map<string, string>();
    for (const phase of phases) {
      const g = groupFor(phase.name);
      const here = new Set<string>();
      for (const ref of [...phase.playlist, ...(phase.fallback ?? [])]) {
        const key = refKey(ref);
        if (here.has(key)) continue;
        here.add(key);
        g.total = (g.total ?? 0) + 1;
        if (!firstPhase.has(key)) firstPhase.set(key, phase.name);
        const problem = byFirstUse.get(`${firstPhase.get(key)}\u0000${ref.title}`);
        if (!problem) continue;
        unplaced.delete(problem);
        add(g, { ...problem, phase: phase.name });
      }
    }
  }
  // Whatever the preset walk did not place (or all of it, without the preset) goes by the host's phase.
  for (const p of unplaced) add(groupFor(p.phase), p);

  const out: PhaseSkips[] = [];
  for (const g of groups.values()) {
    // Never "6 of 4": the skipped count wins if the two ever disagree.
    if (g.skipped > 0) out.push({ ...g, total: g.total === null ? null : Math.max(g.total, g.skipped) });
  }
  return out;
}

/** "Deep rest: 4 of 5 tracks not in your library"; mixed reasons are spelled out in brackets. */
export function phaseLine(s: PhaseSkips): string {
  const plural = (s.total ?? s.skipped) === 1 ? 'track' : 'tracks';
  const count = s.total === null ? `${s.skipped} ${plural}` : `${s.skipped} of ${s.total} ${plural}`;
  const present = (Object.keys(REASON_WORDS) as SkipReason[]).filter((r) => s.reasons[r] > 0);
  const [only] = present;
  if (present.length === 1 && only) return `${s.phase}: ${count} ${REASON_WORDS[only]}`;
  return `${s.phase}: ${count} will be skipped (${present.map((r) => `${s.reasons[r]} ${REASON_WORDS[r]}`).join(', ')})`;
}

/** Whether any skipped track is one the music library could have supplied. */
export function anyFromLibrary(problems: readonly TrackProblem[]): boolean {
  return problems.some((p) => reasonOf(p) === 'library');
}
