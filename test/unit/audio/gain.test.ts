/**
 * The player's gain math (renderer/src/audio/gain.ts is pure): equal-power segment plans,
 * fades that start from whatever is sounding, ramps in decibels and to silence, the volume
 * slider's scale, and how plans become AudioParam automation (checked against a recording
 * fake param, then against Web Audio's own rules: no overlapping curves).
 */
import { describe, expect, it } from 'vitest';
import type { AudioSegment } from '../../../electron/core/timeline';
import { fixedMapping } from '../../../renderer/src/audio/clock';
import {
  type AutomatableParam,
  applyPlan,
  BLEND_MS,
  blendFrom,
  constantPlan,
  dbRampPlan,
  dbToSlider,
  fadeOutPlan,
  type GainPlan,
  leaveFadeMs,
  MIN_LEAVE_FADE_MS,
  mergeStretches,
  RESUME_FADE_MS,
  rampPlan,
  SLIDER_FLOOR_DB,
  sampleCurve,
  segmentPlan,
  sliderToDb,
  TRIM_RAMP_MS,
  valueAt,
} from '../../../renderer/src/audio/gain';

const T = 1_000_000;
const seg = (over: Partial<AudioSegment> = {}): AudioSegment => ({
  id: 's',
  trackId: 't',
  phaseIndex: 0,
  start: T,
  fadeInMs: 4000,
  offsetS: 0,
  fadeOutStart: T + 60_000,
  end: T + 68_000,
  gain: 0.8,
  ...over,
});

/** Samples a plan every `step` ms over [a, b]. */
const sample = (p: GainPlan, a: number, b: number, step = 10): number[] => {
  const out: number[] = [];
  for (let t = a; t <= b; t += step) out.push(p.fn(t));
  return out;
};
const maxStep = (xs: number[]): number => Math.max(...xs.slice(1).map((x, i) => Math.abs(x - (xs[i] as number))));
const db = (g: number) => 20 * Math.log10(g);

describe('segment plans', () => {
  it('are silent before the start, rise equal-power to the phase level, and fall to silence at the end', () => {
    const p = segmentPlan(seg(), null);
    expect(p.fn(T - 1)).toBe(0);
    expect(p.fn(T)).toBe(0);
    expect(p.fn(T + 2000)).toBeCloseTo(0.8 * Math.SQRT1_2, 6);
    expect(p.fn(T + 4000)).toBeCloseTo(0.8, 9);
    expect(p.fn(T + 30_000)).toBeCloseTo(0.8, 9);
    expect(p.fn(T + 64_000)).toBeCloseTo(0.8 * Math.SQRT1_2, 6);
    expect(p.fn(T + 68_000)).toBe(0);
    expect(p.moving).toEqual([
      [T, T + 4000],
      [T + 60_000, T + 68_000],
    ]);
  });

  it('two crossfading segments keep the power constant (g1² + g2² = level²)', () => {
    const a = segmentPlan(seg({ fadeOutStart: T + 60_000, end: T + 68_000 }), null);
    const b = segmentPlan(seg({ start: T + 60_000, fadeInMs: 8000, fadeOutStart: T + 120_000, end: T + 128_000 }), null);
    for (let t = T + 60_000; t <= T + 68_000; t += 250) expect(a.fn(t) ** 2 + b.fn(t) ** 2).toBeCloseTo(0.64, 6);
  });

  it('even a gapless (0 ms) fade gets a 40 ms ramp, so nothing clicks', () => {
    const p = segmentPlan(seg({ fadeInMs: 0, fadeOutStart: T + 60_000, end: T + 60_000 }), null);
    expect(p.fn(T + 20)).toBeGreaterThan(0);
    expect(p.fn(T + 20)).toBeLessThan(0.8);
    expect(p.fn(T + 59_990)).toBeGreaterThan(0);
    expect(p.fn(T + 59_990)).toBeLessThan(0.8);
  });

  it('a late join (reload mid-track) rises from silence over the resume fade', () => {
    const joined = T + 30_000;
    const p = segmentPlan(seg(), joined);
    expect(p.fn(joined)).toBe(0);
    expect(p.fn(joined + RESUME_FADE_MS / 2)).toBeCloseTo(0.8 * Math.SQRT1_2, 6);
    expect(p.fn(joined + RESUME_FADE_MS)).toBeCloseTo(0.8, 9);
    expect(maxStep(sample(p, joined, joined + RESUME_FADE_MS, 20))).toBeLessThan(0.03);
  });
});

describe('re-planning never jumps', () => {
  it('blendFrom glides from the level sounding now onto the new plan within BLEND_MS', () => {
    const next = constantPlan(0.3);
    const p = blendFrom(next, T, 0.8);
    expect(p.fn(T)).toBeCloseTo(0.8, 9);
    expect(p.fn(T + BLEND_MS)).toBeCloseTo(0.3, 9);
    expect(maxStep(sample(p, T, T + BLEND_MS, 20))).toBeLessThan(0.03);
  });

  it('fadeOutPlan fades whatever was planned to silence (equal-power), and stays silent', () => {
    const p = fadeOutPlan(segmentPlan(seg(), null), T + 30_000, 1500);
    expect(p.fn(T + 30_000)).toBeCloseTo(0.8, 9);
    expect(p.fn(T + 30_750)).toBeCloseTo(0.8 * Math.SQRT1_2, 6);
    expect(p.fn(T + 31_500)).toBe(0);
    expect(p.fn(T + 64_000)).toBe(0);
  });
});

describe('level ramps (duck, volume, loudness trim, mute)', () => {
  it('between audible levels they move evenly in decibels, easing in and out', () => {
    const p = rampPlan(1, 10 ** (-12 / 20), T, 2000);
    expect(db(p.fn(T))).toBeCloseTo(0, 9);
    expect(db(p.fn(T + 1000))).toBeCloseTo(-6, 6);
    expect(db(p.fn(T + 2000))).toBeCloseTo(-12, 9);
    const steps = sample(p, T, T + 2000, 100).map(db);
    // Slow at the ends, fastest in the middle: a raised cosine in dB.
    expect(Math.abs((steps[1] as number) - (steps[0] as number))).toBeLessThan(Math.abs((steps[11] as number) - (steps[10] as number)));
  });

  it('a measured loudness trim arriving mid-track glides over several seconds', () => {
    expect(TRIM_RAMP_MS).toBeGreaterThanOrEqual(3000);
    const p = rampPlan(10 ** (-13 / 20), 10 ** (-4 / 20), T, TRIM_RAMP_MS);
    // Never more than 0.5 dB per 100 ms: a gentle rise, not a jump.
    const dbs = sample(p, T, T + TRIM_RAMP_MS, 100).map(db);
    expect(maxStep(dbs)).toBeLessThan(0.5);
    expect(dbs.at(-1)).toBeCloseTo(-4, 6);
  });

  it('to and from silence (a mute) they move in amplitude and end exactly at 0 or the level', () => {
    const down = rampPlan(1, 0, T, 1500);
    expect(down.fn(T + 1500)).toBe(0);
    expect(down.fn(T + 750)).toBeCloseTo(0.5, 6);
    expect(maxStep(sample(down, T, T + 1500, 20))).toBeLessThan(0.03);
    const up = rampPlan(0, 1, T, 2000);
    expect(up.fn(T)).toBe(0);
    expect(up.fn(T + 2000)).toBe(1);
  });

  it('dbRampPlan (safe state) ends exactly on its target', () => {
    expect(dbRampPlan(1, -12, T, 2500).fn(T + 2500)).toBeCloseTo(10 ** (-12 / 20), 12);
  });

  it('a pressed move (safe state down) is heard at once and still lands softly; an unasked one starts softly', () => {
    const db = (g: number) => 20 * Math.log10(g);
    const pressed = dbRampPlan(1, -12, T, 2500, 'out');
    const gentle = dbRampPlan(1, -12, T, 2500);
    // 100 ms after the press the pressed move is already over 0.5 dB down; the gentle one under 0.1 dB.
    expect(db(pressed.fn(T + 100))).toBeLessThan(-0.5);
    expect(db(gentle.fn(T + 100))).toBeGreaterThan(-0.1);
    // Both are monotone and land on −12 dB with the last 100 ms moving under 0.1 dB.
    for (const p of [pressed, gentle]) {
      for (let t = T; t < T + 2500; t += 20) expect(p.fn(t + 20)).toBeLessThanOrEqual(p.fn(t));
      expect(db(p.fn(T + 2400)) - db(p.fn(T + 2500))).toBeLessThan(0.1);
    }
  });
});

describe('the music volume slider', () => {
  it('is even in decibels: 100 = as planned, 50 = −20 dB, 0 = the floor (mute silences)', () => {
    expect(sliderToDb(100)).toBe(0);
    expect(sliderToDb(50)).toBe(-20);
    expect(sliderToDb(0)).toBe(SLIDER_FLOOR_DB);
    expect(sliderToDb(150)).toBe(0);
    for (const v of [0, 13, 50, 77, 100]) expect(dbToSlider(sliderToDb(v))).toBe(v);
    expect(dbToSlider(-60)).toBe(0);
  });
});

/** A stand-in for an AudioParam that records what is scheduled, and enforces Web Audio's overlap rule. */
class FakeParam {
  events: Array<{ kind: string; at: number; value?: number; curve?: Float32Array; duration?: number }> = [];
  value = 1;
  cancelScheduledValues(at: number): void {
    this.events = this.events.filter((e) => e.at < at);
  }
  setValueAtTime(value: number, at: number): void {
    if (!(at >= 0)) throw new RangeError('Time must be a finite non-negative number');
    for (const e of this.events) {
      if (e.kind === 'curve' && at > e.at && at < e.at + (e.duration ?? 0))
        throw new Error('NotSupportedError: overlaps setValueCurveAtTime');
    }
    this.events.push({ kind: 'set', at, value });
  }
  setValueCurveAtTime(curve: Float32Array, at: number, duration: number): void {
    if (!(at >= 0)) throw new RangeError('Time must be a finite non-negative number');
    for (const e of this.events) {
      const end = e.at + (e.duration ?? 0);
      if (e.kind === 'curve' && at < end && at + duration > e.at) throw new Error('NotSupportedError: curves overlap');
    }
    this.events.push({ kind: 'curve', at, curve, duration });
  }
}

describe('scheduling a plan on an AudioParam', () => {
  // Host time T is audio-clock time 100 s.
  const ctx = fixedMapping(100_000 - T);

  it('just after a reload, when the host’s now maps a hair below the clock’s zero, the level is still set (a ducked reload stays ducked)', () => {
    const param = new FakeParam();
    const justLoaded = fixedMapping(-T - 3); // T maps to −0.003 s
    const s = applyPlan(param as AutomatableParam, justLoaded, T, rampPlan(1, 0.25, T, 2000));
    expect(param.events[0]).toMatchObject({ kind: 'set', at: 0, value: 1 });
    expect(param.events.filter((e) => e.kind === 'curve')).toHaveLength(1);
    expect(valueAt(s, justLoaded.toCtx(T + 2000))).toBeCloseTo(0.25, 6);
  });

  it('sets the current level now and one curve per changing stretch, mapped to the audio clock', () => {
    const param = new FakeParam();
    const s = applyPlan(param as AutomatableParam, ctx, T, segmentPlan(seg(), null));
    expect(param.events[0]).toMatchObject({ kind: 'set', at: 100, value: 0 });
    const curves = param.events.filter((e) => e.kind === 'curve');
    expect(curves.map((c) => [c.at, c.duration])).toEqual([
      [100, 4],
      [160, 8],
    ]);
    // The curve's first and last points are the plan's values at the stretch ends.
    const first = curves[0]?.curve as Float32Array;
    expect(first[0]).toBe(0);
    expect(first.at(-1)).toBeCloseTo(0.8, 6);
    // What the plan says at an audio-clock time.
    expect(valueAt(s, 102)).toBeCloseTo(0.8 * Math.SQRT1_2, 6);
  });

  it('re-planning mid-fade cancels first, so curves never overlap (Web Audio would throw)', () => {
    const param = new FakeParam();
    let s = applyPlan(param as AutomatableParam, ctx, T, segmentPlan(seg(), null));
    const now = T + 2000; // two seconds into the fade-in: the host re-plans (a skip)
    const v0 = valueAt(s, ctx.toCtx(now));
    expect(() => {
      s = applyPlan(param as AutomatableParam, ctx, now, blendFrom(fadeOutPlan(s.plan, now, 4000), now, v0));
    }).not.toThrow();
    expect(valueAt(s, 102)).toBeCloseTo(v0, 6);
    expect(valueAt(s, 106.1)).toBe(0);
  });

  it('merges overlapping stretches and drops the past', () => {
    expect(
      mergeStretches(
        [
          [0, 10],
          [5, 20],
          [30, 40],
          [100, 100.5],
        ],
        8,
      ),
    ).toEqual([
      [8, 20],
      [30, 40],
    ]);
  });

  it('samples curves at 20 ms (both ends included), capped in size', () => {
    expect(sampleCurve(() => 1, 0, 1000)).toHaveLength(51);
    expect(sampleCurve(() => 1, 0, 10_000_000).length).toBeLessThanOrEqual(8192);
  });
});

describe('a voice that must go fades out over what it still has', () => {
  it('takes the usual fade when enough is buffered, or when the element cannot say', () => {
    expect(leaveFadeMs(1500, 60_000)).toBe(1500);
    expect(leaveFadeMs(1500, null)).toBe(1500);
  });

  it('fades faster when less is buffered than the fade needs, ending before the data does', () => {
    expect(leaveFadeMs(1500, 1000)).toBe(850);
    expect(leaveFadeMs(1500, 400)).toBe(250);
  });

  it('still fades (never a click) when almost nothing is left', () => {
    expect(leaveFadeMs(1500, 100)).toBe(MIN_LEAVE_FADE_MS);
    expect(leaveFadeMs(1500, 0)).toBe(MIN_LEAVE_FADE_MS);
  });
});
