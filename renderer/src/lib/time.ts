/**
 * Clock times as the panel shows them: the one formatter (`core/format.ts`) with the
 * therapist's clock setting. Durations come straight from `core/format.ts`
 * (`formatDurationMs`, `formatDurationS`).
 */
import { type ClockFormat, clockFormatFor, formatClock } from '@core/format';
import { useStore } from '../stores';

/** The clock format in effect: the therapist's setting (Settings), else this machine's locale (12-hour only in the US). */
export function clockFormat(): ClockFormat {
  return clockFormatFor(useStore.getState().snapshot?.prefs.clockFormat, typeof navigator === 'undefined' ? undefined : navigator.language);
}

/** Wall-clock time of day, "14:05" (or "2:05 PM" where the setting says so). */
export function clockTime(ms: number): string {
  return formatClock(ms, { format: clockFormat() });
}
