/** Time as the panel shows it: tabular, short, unambiguous. */

/** "m:ss" under an hour, "h:mm:ss" from an hour on. Negative durations read as 0. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Wall-clock time of day, "14:05". */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

/** Whole minutes, "95 min". */
export const minutes = (m: number): string => `${Math.round(m)} min`;
