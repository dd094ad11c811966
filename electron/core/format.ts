/**
 * The one place times are written for people. Durations carry their unit in the function's
 * name (a count of seconds is never read as milliseconds), and clock times have one format
 * everywhere — the panel, the record, the reports — following the therapist's setting
 * (24-hour by default outside the US). Pure: the time zone and the format are passed in.
 */

/** How clock times read: "14:05" or "2:05 PM". */
export type ClockFormat = '24h' | '12h';

/** "m:ss" under an hour, "h:mm:ss" from an hour on. */
function hms(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const ss = String(totalSeconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * A span in milliseconds as "m:ss" / "h:mm:ss", counted down to the whole second (a clock
 * never shows a second that has not passed). Negative spans read as 0:00.
 */
export function formatDurationMs(ms: number): string {
  return hms(Math.max(0, Math.floor(ms / 1000)));
}

/** A length in seconds (a track, a file) as "m:ss" / "h:mm:ss", rounded to the nearest second. */
export function formatDurationS(seconds: number): string {
  return hms(Math.max(0, Math.round(seconds)));
}

/** The setting's default: 12-hour in the US, 24-hour elsewhere. */
export function defaultClockFormat(locale: string | undefined): ClockFormat {
  if (!locale) return '24h';
  try {
    const region = new Intl.Locale(locale).maximize().region;
    return region === 'US' ? '12h' : '24h';
  } catch {
    return '24h';
  }
}

/** The format in effect for a setting ('auto' follows the locale: 12-hour only in the US). */
export function clockFormatFor(setting: 'auto' | ClockFormat | undefined, locale?: string): ClockFormat {
  if (setting === '24h' || setting === '12h') return setting;
  return defaultClockFormat(locale ?? Intl.DateTimeFormat().resolvedOptions().locale);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(format: ClockFormat, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${format}|${timeZone ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    // Fixed locales: the digits and the AM/PM words must read the same on every machine.
    f =
      format === '24h'
        ? new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone })
        : new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', timeZone });
    formatters.set(key, f);
  }
  return f;
}

export interface ClockOptions {
  format?: ClockFormat;
  /** IANA zone; the machine's when left out. */
  timeZone?: string;
}

/** A moment as a time of day: "14:05" (24-hour, the default) or "2:05 PM". */
export function formatClock(ms: number, opts: ClockOptions = {}): string {
  return formatterFor(opts.format ?? '24h', opts.timeZone).format(ms);
}
