/** How the library view writes numbers: durations as m:ss (core/format.ts), loudness in LUFS, counts with separators. */
import { formatDurationS } from '@core/format';
import type { LibraryTrackSummary } from '@host/library/contract';

/** A track's length as the library lists it: "1:35", or "unknown" when it could not be read. */
export function lengthText(sec: number | null): string {
  return sec === null || !Number.isFinite(sec) || sec < 0 ? 'unknown' : formatDurationS(sec);
}

/** "−14.2 LUFS", "−14.2 LUFS (ReplayGain)" for an estimate from tags, or "not measured". */
export function formatLoudness(t: Pick<LibraryTrackSummary, 'loudnessLufs' | 'loudnessFrom'>): string {
  if (t.loudnessLufs === null) return 'not measured';
  const value = `${t.loudnessLufs < 0 ? '−' : ''}${Math.abs(t.loudnessLufs).toFixed(1)} LUFS`;
  return t.loudnessFrom === 'replaygain' ? `${value} (ReplayGain)` : value;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

/** The state of a file in words (never only a colour). */
export function trackState(t: Pick<LibraryTrackSummary, 'missing' | 'problem'>): string {
  if (t.missing) return 'Missing';
  if (t.problem) return 'Not readable';
  return 'Present';
}
