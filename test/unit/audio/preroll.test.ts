import { describe, expect, it } from 'vitest';
import { alignedDelayMs, initialDelayMs, MAX_DELAY_MS, PREROLL_MS } from '../../../renderer/src/audio/preroll';

describe('the pre-roll puts an element started early exactly on its plan', () => {
  it('delays the music by exactly how early the element really started', () => {
    // Asked 250 ms early; play() took 18 ms: the element runs 232 ms ahead of the plan.
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
    // The element is 232 ms early with a 250 ms delay: its first sample comes out at plan + 18 ms.
    expect(alignedDelayMs(-232, PREROLL_MS, 0)).toBeNull();
    expect(alignedDelayMs(-232, PREROLL_MS, -5)).toBeNull(); // inside the margin
    expect(alignedDelayMs(-232, PREROLL_MS, -60)).toBe(232);
  });

  it('starts with the pre-roll as its delay (the learned play() latency beyond it is the element’s own)', () => {
    expect(initialDelayMs(PREROLL_MS + 40)).toBe(PREROLL_MS);
    expect(initialDelayMs(100)).toBe(100); // asked late: only what is left
    expect(initialDelayMs(-20)).toBe(0);
  });
});
