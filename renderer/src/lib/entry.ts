/** Turning what the therapist typed into values: numbers, and clock times of today. */

/** A number from a field, null when empty; NaN when it is not a number (so the form can say so). */
export function numberOrNull(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

/**
 * "HH:MM" typed in a time field → host time in ms, on the day of `now` (or the day before when
 * that would be in the future, for a session that runs over midnight). Empty → undefined (now).
 */
export function timeOfDay(text: string, now: number): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(now);
  d.setHours(Number(m[1]), Number(m[2]), 0, 0);
  let t = d.getTime();
  if (t > now + 60_000) t -= 24 * 3_600_000;
  return t;
}

/** "HH:MM" of a host time, for a time field's value. */
export function hhmm(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
