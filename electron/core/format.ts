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

/** A moment's date in words, the same on every machine: "15 January 2025". */
export function formatDay(ms: number, timeZone?: string): string {
  const key = `day|${timeZone ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone });
    formatters.set(key, f);
  }
  return f.format(ms);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A length in milliseconds in words, for records, reports and plans: to the second ("45 s",
 * "1 min 30 s", "1 h 05 min 12 s") or, where seconds do not matter, rounded to the minute
 * ("40 s", "12 min", "1 h 05 min"). Zero parts at the end are left out ("2 h", "3 min").
 */
export function formatDurationWordsMs(ms: number, to: 'second' | 'minute' = 'second'): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return `${total} s`;
  const minutes = to === 'minute' ? Math.round(total / 60) : Math.floor(total / 60);
  const s = to === 'minute' ? 0 : total % 60;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min${s ? ` ${s} s` : ''}`;
  if (m === 0 && s === 0) return `${h} h`;
  return `${h} h ${pad2(m)} min${s ? ` ${pad2(s)} s` : ''}`;
}
