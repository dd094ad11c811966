/** How the library view writes numbers: durations as m:ss, loudness in LUFS, counts with separators. */
import type { LibraryTrackSummary } from '../../../../electron/host/library/contract';

/** 95.4 → "1:35"; an hour or more → "1:02:03"; unknown → "unknown". */
export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec) || sec < 0) return 'unknown';
  const total = Math.round(sec);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
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
