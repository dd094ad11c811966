/**
 * Sample-accurate starts for `<audio>` elements. An element cannot be started at an
 * audio-clock time, and how long `play()` takes to sound varies by tens of ms. So an on-time
 * start sets its element going `PREROLL_MS` early, into a delay line of `PREROLL_MS`, behind a
 * fade gain still at 0. Shortly after, the element's position is read against the audio clock
 * (as one pair: see `Voice.offPlanMs`) and the delay is set to exactly how early it really is;
 * the delay line has not let a sample out yet, so the change is never heard, and the music
 * then reaches the fade — which runs on the audio clock — where the plan puts it.
 *
 * The pre-roll is 400 ms because the readings must be done before the delay line lets music
 * out: on a fresh audio stream the audio clock's alarms fire 40–65 ms late for about the first
 * half-minute, and at 250 ms the readings of a start then often came too late to set anything.
 */

/** How early an on-time start sets its element going (ms). */
export const PREROLL_MS = 400;
/** The delay line's length (ms): room for the pre-roll and a start that came unusually early. */
export const MAX_DELAY_MS = 1000;
/** A delay is changed only while its output is at least this far off (ms): one render quantum and a buffer. */
const UNHEARD_MARGIN_MS = 30;

/**
 * The delay (ms) that puts the music where the plan wants it, or null when the delay can no
 * longer change unheard (its output has begun, or is about to).
 * - `elementErrMs`: where the element is against the plan (ms, + = behind / late).
 * - `delayMs`: the delay set now.
 * - `nowFromPlanMs`: now, against the segment's planned start (ms, − = before it).
 */
export function alignedDelayMs(elementErrMs: number, delayMs: number, nowFromPlanMs: number): number | null {
  const wanted = Math.max(0, Math.min(MAX_DELAY_MS, -elementErrMs));
  // The element's first sample leaves the delay line at plan + error + delay (whichever is sooner).
  const outputFromPlanMs = elementErrMs + Math.min(delayMs, wanted);
  if (nowFromPlanMs + UNHEARD_MARGIN_MS >= outputFromPlanMs) return null;
  return wanted;
}

/**
 * The delay to set when an on-time start is asked `earlyMs` before its plan: the pre-roll (or
 * less, when asked later than that). The rest of how early it was asked is the learned play()
 * latency, which the element itself takes up; so, unaligned, the music would sound off by just
 * what that latency misjudged — the error the engine learns from.
 */
export function initialDelayMs(earlyMs: number): number {
  return Math.max(0, Math.min(PREROLL_MS, earlyMs));
}

/**
 * The reading that counts among several of one start (ms): the median (the lower middle of an
 * even count). A reading taken from an older render reads tens of ms late; one taken just
 * across a render quantum reads a quantum off either way; the median ignores both.
 */
export function settledReadingMs(readings: readonly number[]): number | null {
  if (readings.length === 0) return null;
  const sorted = [...readings].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

/**
 * Whether a start can wait for one more reading: one taken `nextInMs` from now (the gap plus
 * how late the reading timers are firing) must still find the delay changeable unheard.
 * Otherwise the readings so far are used at once.
 */
export function timeForAnotherReading(elementErrMs: number, delayMs: number, nowFromPlanMs: number, nextInMs: number): boolean {
  return alignedDelayMs(elementErrMs, delayMs, nowFromPlanMs + nextInMs) !== null;
}
