/**
 * The one wall-clock → audio-clock mapping (renderer/src/audio/clock.ts), fed by fake clocks:
 * an audio clock that advances in device-buffer steps (as Chromium's `currentTime` does, read
 * from the page), a sound card that drifts against the system clock, a context that stops and
 * starts again.
 */
import { describe, expect, it } from 'vitest';
import { AudioClockMap, fixedMapping } from '../../../renderer/src/audio/clock';

/**
 * A fake audio clock: true audio time = (wall − wall0) × (1 + ppm·1e-6) / 1000 + ctx0, but a
 * page only ever sees it in steps of `bufferMs` (it jumps when the audio thread renders a buffer).
 */
function steppedClock(opts: { bufferMs: number; ppm?: number; wall0?: number; ctx0?: number }) {
  const { bufferMs, ppm = 0, wall0 = 1_000_000, ctx0 = 5 } = opts;
  const trueCtx = (wall: number): number => ctx0 + ((wall - wall0) * (1 + ppm * 1e-6)) / 1000;
  const read = (wall: number): number => {
    const t = trueCtx(wall);
    const step = bufferMs / 1000;
    return Math.floor(t / step) * step;
  };
  return { trueCtx, read, wall0 };
}

/** Page timers fire at uneven moments: `base` ms apart plus up to `spread` ms of (seeded) lateness. */
function timerGaps(base: number, spread: number, seed = 7): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return base + (x / 2_147_483_648) * spread;
  };
}

describe('the wall-clock → audio-clock mapping', () => {
  it('starts from the first reading and says so', () => {
    const map = new AudioClockMap();
    expect(map.offsetMs).toBeNull();
    expect(map.observe(1000, 2)).toBe('first');
    expect(map.toCtx(1000)).toBeCloseTo(2, 9);
    expect(map.toWall(2.5)).toBeCloseTo(1500, 9);
  });

  it('settles on the true offset within a millisecond although readings lag by up to a whole buffer', () => {
    const clock = steppedClock({ bufferMs: 21.3 });
    const map = new AudioClockMap();
    // Readings at uneven moments, as a page's timers fire: 200–1000 ms apart.
    let wall = clock.wall0;
    const changes: string[] = [];
    const gap = timerGaps(200, 800);
    for (let i = 0; i < 40; i++) {
      wall += gap();
      const c = map.observe(wall, clock.read(wall));
      if (c) changes.push(c);
    }
    const errorMs = (map.toCtx(wall) - clock.trueCtx(wall)) * 1000;
    expect(Math.abs(errorMs)).toBeLessThan(1.5);
    // The first reading was up to a buffer behind: it was corrected, a few times at most.
    expect(changes[0]).toBe('first');
    expect(changes.length).toBeLessThanOrEqual(1 + Math.ceil(21.3 / 1));
  });

  it('does not move for noise within a buffer: curves are not laid again for nothing', () => {
    const clock = steppedClock({ bufferMs: 10 });
    const map = new AudioClockMap();
    let wall = clock.wall0;
    const gap = timerGaps(200, 30);
    const read = (): ReturnType<AudioClockMap['observe']> => {
      wall += gap();
      return map.observe(wall, clock.read(wall));
    };
    for (let i = 0; i < 30; i++) read();
    let moved = 0;
    for (let i = 0; i < 300; i++) if (read()) moved++;
    expect(moved).toBeLessThanOrEqual(1);
  });

  it('follows a sound card that drifts against the system clock, re-mapping once the drift passes a few ms', () => {
    // 200 ppm: 12 ms a minute, an extreme card (slow, then fast).
    for (const ppm of [-200, 200]) {
      const clock = steppedClock({ bufferMs: 10, ppm });
      const map = new AudioClockMap();
      let wall = clock.wall0;
      let remaps = 0;
      let worst = 0;
      const gap = timerGaps(500, 20);
      for (let i = 0; i < 600; i++) {
        wall += gap();
        if (map.observe(wall, clock.read(wall)) === 'remapped') remaps++;
        if (i > 20) worst = Math.max(worst, Math.abs((map.toCtx(wall) - clock.trueCtx(wall)) * 1000));
      }
      // 5 minutes × 12 ms/min = 60 ms of drift, followed in steps of a millisecond or two.
      expect(remaps).toBeGreaterThanOrEqual(20);
      expect(remaps).toBeLessThanOrEqual(70);
      // Fast: new highest readings lead (a reading's own lag, and the 1 ms step); slow: the highest
      // readings age out of the 30 s window (6 ms at 200 ppm) before the 2 ms limit moves it.
      expect(worst).toBeLessThanOrEqual(ppm > 0 ? 4 : 2 + 6 + 1);
    }
  });

  it('stays within a few milliseconds of a common card (±30 ppm)', () => {
    for (const ppm of [-30, 30]) {
      const clock = steppedClock({ bufferMs: 10, ppm });
      const map = new AudioClockMap();
      let wall = clock.wall0;
      let worst = 0;
      const gap = timerGaps(200, 800, 3);
      for (let i = 0; i < 600; i++) {
        wall += gap();
        map.observe(wall, clock.read(wall));
        if (i > 20) worst = Math.max(worst, Math.abs((map.toCtx(wall) - clock.trueCtx(wall)) * 1000));
      }
      expect(worst).toBeLessThanOrEqual(ppm > 0 ? 2.5 : 3.5);
    }
  });

  it('starts again at once when the audio clock stood still (a suspended context) and runs on', () => {
    const map = new AudioClockMap();
    let wall = 0;
    const at = (ctxOf: (wall: number) => number): ReturnType<AudioClockMap['observe']> => {
      wall += 500;
      return map.observe(wall, ctxOf(wall));
    };
    for (let i = 0; i < 10; i++) at((w) => 10 + w / 1000);
    const frozenAt = 10 + wall / 1000;
    // Suspended for 3 s: the clock reads the same, the wall runs on.
    let change = null;
    for (let i = 0; i < 6 && change === null; i++) change = at(() => frozenAt);
    expect(change).toBe('remapped');
    // Running again from where it stood: the new mapping holds, with no stale reading pulling it back.
    const resumedAt = wall;
    for (let i = 0; i < 10; i++) at((w) => frozenAt + (w - resumedAt) / 1000);
    expect(map.toCtx(wall)).toBeCloseTo(frozenAt + (wall - resumedAt) / 1000, 3);
  });

  it('a fixed mapping turns host ms into audio seconds and back', () => {
    const m = fixedMapping(-999_000);
    expect(m.toCtx(1_000_000)).toBe(1);
    expect(m.toWall(2)).toBe(1_001_000);
  });
});
