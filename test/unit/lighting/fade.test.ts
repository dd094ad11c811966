import { describe, expect, it } from 'vitest';
import { kelvinToMired, levelToLuminance, luminanceToLevel } from '../../../electron/core/curves';
import type { LightCapabilities } from '../../../electron/services/lighting/driver';
import {
  courseOf,
  gentleMs,
  MAX_LEVEL_RATE,
  MAX_STEP_INTERVAL_MS,
  NEAR_OFF,
  PERCEPTUAL_STEP,
  planFade,
  planResync,
  planSegment,
  planSteps,
  RESYNC_MAX_MS,
  RESYNC_MIN_MS,
  SEGMENT_LEVEL,
  splitNative,
  TRANSITION_CAPS_MS,
} from '../../../electron/services/lighting/fade';

const caps = (over: Partial<LightCapabilities> = {}): LightCapabilities => ({
  nativeTransition: true,
  maxTransitionMs: TRANSITION_CAPS_MS.hueV1,
  minIntervalMs: 110,
  color: false,
  kelvinRange: [2000, 6500],
  ...over,
});

/** Simulates a native device: linear in its own (luminance-linear) units within each segment. */
function renderNative(steps: ReturnType<typeof planFade>, from: number, sampleMs: number, end: number): number[] {
  const out: number[] = [];
  let seg = 0;
  let segFromY = levelToLuminance(from);
  for (let t = 0; t <= end; t += sampleMs) {
    while (steps[seg + 1] && (steps[seg + 1]?.at ?? 0) <= t) {
      const s = steps[seg];
      if (s) segFromY = levelToLuminance(s.target.level);
      seg++;
    }
    const s = steps[seg];
    if (!s) break;
    const x = s.transitionMs > 0 ? Math.min(1, (t - s.at) / s.transitionMs) : 1;
    out.push(luminanceToLevel(segFromY + (levelToLuminance(s.target.level) - segFromY) * x));
  }
  return out;
}

describe('native fades', () => {
  it('splits a 20-minute dim into segments of ≤ SEGMENT_LEVEL L* that the device glides through, on the perceptual curve', () => {
    const steps = planFade({ level: 70, kelvin: 2700 }, { level: 10, kelvin: 2200 }, 20 * 60_000, caps());
    expect(steps.length).toBeGreaterThan(10);
    let prev = 70;
    for (const s of steps) {
      expect(Math.abs(s.target.level - prev)).toBeLessThanOrEqual(SEGMENT_LEVEL + 1e-6);
      prev = s.target.level;
    }
    expect(steps.at(-1)?.target.level).toBeCloseTo(10, 6);
    const shown = renderNative(steps, 70, 1000, 20 * 60_000);
    // Compared with the ideal straight line in L*, the device's glide never strays visibly.
    shown.forEach((l, i) => {
      const ideal = 70 - (60 * i * 1000) / (20 * 60_000);
      expect(Math.abs(l - ideal)).toBeLessThan(0.6);
    });
  });

  it('splits at the protocol ceiling: Hue v1 transitiontime (uint16 × 100 ms), ZCL/HA 6553 s', () => {
    expect(splitNative(3 * 3600_000, TRANSITION_CAPS_MS.hueV1)).toEqual([5_400_000, 5_400_000]);
    expect(splitNative(7200_000, TRANSITION_CAPS_MS.zigbee).every((p) => p <= 6_553_000)).toBe(true);
    expect(splitNative(0, 1000)).toEqual([0]);
    // A tiny change over two hours is still sent in pieces within the device ceiling.
    const steps = planFade(
      { level: 50, kelvin: 2700 },
      { level: 48, kelvin: 2700 },
      2 * 3600_000,
      caps({ maxTransitionMs: TRANSITION_CAPS_MS.zigbee }),
    );
    expect(steps.length).toBe(2);
    expect(steps.every((s) => s.transitionMs <= TRANSITION_CAPS_MS.zigbee)).toBe(true);
  });

  it('never moves faster than MAX_LEVEL_RATE, even when the timeline jumps', () => {
    const course = courseOf([{ at: 0, level: 90, kelvin: 2700, durationMs: 0, cause: 'phase' }], { level: 10, kelvin: 2700 });
    const seg = planSegment(0, { level: 10, kelvin: 2700 }, course, caps());
    expect(seg?.target.level).toBe(90);
    expect(seg?.transitionMs).toBeGreaterThanOrEqual((80 / MAX_LEVEL_RATE) * 1000);
    expect(gentleMs({ level: 0, kelvin: 2000 }, { level: 0, kelvin: 6500 })).toBe(0); // colour of a dark light is free
    expect(gentleMs({ level: 10, kelvin: 2000 }, { level: 10, kelvin: 6500 })).toBeGreaterThan(3000);
  });

  it('fades to dark by gliding to the smallest step, then switching off from there', () => {
    const course = courseOf([{ at: 0, level: 0, kelvin: 2700, durationMs: 60_000, cause: 'phase' }], { level: 30, kelvin: 2700 });
    let from = { level: 30, kelvin: 2700 };
    let now = 0;
    const levels: Array<{ level: number; t: number }> = [];
    for (let i = 0; i < 100; i++) {
      const seg = planSegment(now, from, course, caps());
      if (!seg) break;
      levels.push({ level: seg.target.level, t: seg.transitionMs });
      from = seg.target;
      now = Math.max(seg.endAt, now + 1);
    }
    const offIndex = levels.findIndex((l) => l.level === 0);
    expect(offIndex).toBeGreaterThan(0);
    expect(levels[offIndex - 1]?.level).toBe(NEAR_OFF);
    expect(levels[offIndex]?.t).toBeLessThanOrEqual(1);
    expect(levels.slice(0, offIndex).every((l) => l.level > 0)).toBe(true);
  });

  it('holds without commands once the device is where the timeline rests', () => {
    const course = courseOf([], { level: 40, kelvin: 2700 });
    expect(planSegment(5000, { level: 40, kelvin: 2700 }, course, caps())).toBeNull();
    expect(planSegment(5000, { level: 40.1, kelvin: 2705 }, course, caps())).toBeNull();
  });
});

describe('stepped fades (no native transition)', () => {
  it('steps at most ~1 L* and 5 mired, at least minInterval apart, with short pauses on slow fades', () => {
    const steps = planSteps({ level: 70, kelvin: 2700 }, { level: 10, kelvin: 2200 }, 20 * 60_000, 50);
    let prev = { level: 70, kelvin: 2700 };
    let prevAt = -Infinity;
    for (const s of steps) {
      expect(Math.abs(s.target.level - prev.level)).toBeLessThanOrEqual(PERCEPTUAL_STEP + 1e-9);
      expect(Math.abs(kelvinToMired(s.target.kelvin) - kelvinToMired(prev.kelvin))).toBeLessThanOrEqual(5 + 1e-9);
      expect(s.at - prevAt).toBeGreaterThanOrEqual(50);
      if (prevAt >= 0) expect(s.at - prevAt).toBeLessThanOrEqual(MAX_STEP_INTERVAL_MS + 1);
      prev = s.target;
      prevAt = s.at;
    }
    expect(steps.at(-1)?.target).toEqual({ level: 10, kelvin: 2200 });
  });

  it('a fast change is stretched rather than jumped when the device is slow', () => {
    const steps = planSteps({ level: 10, kelvin: 2700 }, { level: 60, kelvin: 2700 }, 1000, 50);
    expect(steps.length).toBe(50);
    expect(steps.at(-1)?.at).toBeGreaterThanOrEqual(49 * 50 - 50);
  });

  it('planFade chooses steps for a device without transitions', () => {
    const steps = planFade(
      { level: 50, kelvin: 2700 },
      { level: 45, kelvin: 2700 },
      10_000,
      caps({ nativeTransition: false, minIntervalMs: 50 }),
    );
    expect(steps.every((s) => s.transitionMs === 0)).toBe(true);
    expect(steps.length).toBeGreaterThanOrEqual(5);
  });
});

describe('resync after an outage', () => {
  it('eases to where the timeline will be, over 10–30 s, never replaying the missed fade', () => {
    // A 20-minute dim from 80 to 20; the device dropped at 80 and returns 15 minutes in.
    const course = courseOf([{ at: 0, level: 20, kelvin: 2700, durationMs: 20 * 60_000, cause: 'phase' }], { level: 80, kelvin: 2700 });
    const now = 15 * 60_000;
    const seg = planResync(now, { level: 80, kelvin: 2700 }, course, caps());
    expect(seg.transitionMs).toBeGreaterThanOrEqual(RESYNC_MIN_MS);
    expect(seg.transitionMs).toBeLessThanOrEqual(RESYNC_MAX_MS);
    expect(seg.target.level).toBeCloseTo(course.at(now + seg.transitionMs).level, 1);
    expect(seg.target.level).toBeLessThan(80);
    // Holding timeline: the target is the resting level.
    const held = planResync(0, null, courseOf([], { level: 33, kelvin: 2700 }), caps());
    expect(held.target.level).toBe(33);
    expect(held.transitionMs).toBe(RESYNC_MIN_MS);
  });
});
