import { describe, expect, it } from 'vitest';
import {
  alignedDelayMs,
  initialDelayMs,
  MAX_DELAY_MS,
  PREROLL_MS,
  settledReadingMs,
  timeForAnotherReading,
} from '../../../renderer/src/audio/preroll';

describe('the pre-roll puts an element started early exactly on its plan', () => {
  it('delays the music by exactly how early the element really started', () => {
    // play() took 18 ms longer than the element needed to run 232 ms ahead of the plan.
    expect(alignedDelayMs(-232, PREROLL_MS, -130)).toBe(232);
    // It took 40 ms less than the learned latency: 290 ms ahead.
    expect(alignedDelayMs(-290, PREROLL_MS, -180)).toBe(290);
  });

  it('never delays a late element (nothing can bring it earlier) and never beyond the line', () => {
    expect(alignedDelayMs(12, 0, 200)).toBeNull(); // already sounding
    expect(alignedDelayMs(12, PREROLL_MS, -100)).toBe(0);
    expect(alignedDelayMs(-5000, PREROLL_MS, -4900)).toBe(MAX_DELAY_MS);
  });

  it('leaves the delay alone once its output has begun or is about to (a change would be heard as a jump)', () => {
    // The element is 232 ms early and the delay already 232 ms: its first sample comes out at the plan.
    expect(alignedDelayMs(-232, PREROLL_MS, 0)).toBeNull();
    expect(alignedDelayMs(-232, PREROLL_MS, -5)).toBeNull(); // inside the margin
    expect(alignedDelayMs(-232, PREROLL_MS, -60)).toBe(232);
  });

  it('starts with the pre-roll as its delay (the learned play() latency beyond it is the element’s own)', () => {
    expect(initialDelayMs(PREROLL_MS + 40)).toBe(PREROLL_MS);
    expect(initialDelayMs(100)).toBe(100); // asked late: only what is left
    expect(initialDelayMs(-20)).toBe(0);
  });

  it('counts the median reading: one from an older render (late) or across a quantum (either way) is ignored', () => {
    expect(settledReadingMs([])).toBeNull();
    expect(settledReadingMs([-231])).toBe(-231);
    // One reading from an older render, 38 ms "late", among four that agree.
    expect(settledReadingMs([-232.1, -194, -231.8, -232.4, -229.5])).toBe(-231.8);
    // An even count takes the lower middle: the earlier of the two agreeing readings.
    expect(settledReadingMs([-229.5, -232.4])).toBe(-232.4);
  });

  it('takes another reading only while one taken that late could still set the delay unheard', () => {
    // 232 ms early with the whole pre-roll as delay, 300 ms before the plan: time for plenty.
    expect(timeForAnotherReading(-232, PREROLL_MS, -300, 20)).toBe(true);
    // The alarms fire 60 ms late: a reading 80 ms from now, at plan + 20 ms, comes after the
    // music would have left the line (at the plan, once the delay is 232 ms).
    expect(timeForAnotherReading(-232, PREROLL_MS, -60, 80)).toBe(false);
    // The same start with alarms on time still has room for one more (at plan − 40 ms).
    expect(timeForAnotherReading(-232, PREROLL_MS, -60, 20)).toBe(true);
  });
});
