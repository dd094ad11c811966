/** The one clock and duration formatter: units in the names, one clock format following the setting. */
import { describe, expect, it } from 'vitest';
import {
  defaultClockFormat,
  formatClock,
  formatDay,
  formatDurationMs,
  formatDurationS,
  formatDurationWordsMs,
} from '../../../electron/core/format';

describe('durations', () => {
  it('milliseconds count down to whole seconds; seconds round', () => {
    expect(formatDurationMs(59_999)).toBe('0:59');
    expect(formatDurationMs(60_000)).toBe('1:00');
    expect(formatDurationMs(3_600_000 + 5 * 60_000 + 7_000)).toBe('1:05:07');
    expect(formatDurationMs(-5_000)).toBe('0:00');
    expect(formatDurationS(95.4)).toBe('1:35');
    expect(formatDurationS(95.6)).toBe('1:36');
    expect(formatDurationS(3723)).toBe('1:02:03');
  });

  it('the same span reads the same in either unit', () => {
    for (const s of [0, 1, 59, 61, 3599, 3600, 7384]) expect(formatDurationS(s)).toBe(formatDurationMs(s * 1000));
  });
});

describe('lengths in words', () => {
  const S = 1000;
  const MIN = 60 * S;
  it('to the second, for the record: hours pad their minutes, zero parts at the end are left out', () => {
    expect(formatDurationWordsMs(45 * S)).toBe('45 s');
    expect(formatDurationWordsMs(90 * S)).toBe('1 min 30 s');
    expect(formatDurationWordsMs(12 * MIN)).toBe('12 min');
    expect(formatDurationWordsMs(65 * MIN + 12 * S)).toBe('1 h 05 min 12 s');
    expect(formatDurationWordsMs(60 * MIN + 7 * S)).toBe('1 h 00 min 07 s');
    expect(formatDurationWordsMs(65 * MIN)).toBe('1 h 05 min');
    expect(formatDurationWordsMs(120 * MIN)).toBe('2 h');
    expect(formatDurationWordsMs(-5 * S)).toBe('0 s');
  });

  it('to the minute, where seconds do not matter (a plan, a light change): rounded, under a minute in seconds', () => {
    expect(formatDurationWordsMs(40 * S, 'minute')).toBe('40 s');
    expect(formatDurationWordsMs(90 * S, 'minute')).toBe('2 min');
    expect(formatDurationWordsMs(38 * MIN + 10 * S, 'minute')).toBe('38 min');
    expect(formatDurationWordsMs(147 * MIN, 'minute')).toBe('2 h 27 min');
    expect(formatDurationWordsMs(65 * MIN, 'minute')).toBe('1 h 05 min');
    expect(formatDurationWordsMs(59 * MIN + 50 * S, 'minute')).toBe('1 h');
  });
});

describe('dates', () => {
  it('read the same on every machine, in the zone given', () => {
    expect(formatDay(Date.UTC(2025, 0, 15, 9), 'UTC')).toBe('15 January 2025');
    expect(formatDay(Date.UTC(2025, 0, 15, 23, 30), 'Europe/Berlin')).toBe('16 January 2025');
  });
});

describe('clock times', () => {
  const t = Date.UTC(2026, 0, 10, 14, 5, 0);
  it('24-hour by default, 12-hour when set', () => {
    expect(formatClock(t, { timeZone: 'UTC' })).toBe('14:05');
    expect(formatClock(Date.UTC(2026, 0, 10, 9, 5), { timeZone: 'UTC' })).toBe('09:05');
    expect(formatClock(Date.UTC(2026, 0, 10, 0, 30), { timeZone: 'UTC' })).toBe('00:30');
    expect(formatClock(t, { format: '12h', timeZone: 'UTC' }).replace(/\s/g, ' ')).toBe('2:05 PM');
    expect(formatClock(Date.UTC(2026, 0, 10, 0, 30), { format: '12h', timeZone: 'UTC' }).replace(/\s/g, ' ')).toBe('12:30 AM');
  });

  it('follows the time zone it is given', () => {
    expect(formatClock(t, { timeZone: 'Europe/Berlin' })).toBe('15:05');
  });

  it('defaults to 12-hour only in the US', () => {
    expect(defaultClockFormat('en-US')).toBe('12h');
    expect(defaultClockFormat('en')).toBe('12h');
    expect(defaultClockFormat('en-GB')).toBe('24h');
    expect(defaultClockFormat('de-DE')).toBe('24h');
    expect(defaultClockFormat('fr-CA')).toBe('24h');
    expect(defaultClockFormat(undefined)).toBe('24h');
    expect(defaultClockFormat('not a locale!')).toBe('24h');
  });
});
