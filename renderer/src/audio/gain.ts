/**
 * Gain over wall-clock time, and how to hand it to an AudioParam.
 *
 * A `GainPlan` is a pure function of host wall time plus the stretches where it changes;
 * between those stretches it is constant. `applyPlan` turns the changing stretches into
 * `setValueCurveAtTime` curves on the audio clock, so fades are sample-accurate and never stepped,
 * and remembers what it scheduled so the next plan can start from exactly the level that is
 * sounding (no jump when the host re-plans mid-fade).
 */
import { fadeInGain, fadeOutGain } from '@core/curves';
import { type AudioSegment, segmentEnvelope } from '@core/timeline';
import type { ClockMapping } from './clock';

export type GainFn = (wallMs: number) => number;

export interface GainPlan {
  fn: GainFn;
  /** [from, to] wall-time stretches where `fn` changes. */
  moving: Array<readonly [number, number]>;
}

/** A plan as scheduled on one param: where wall time and the audio clock were paired. */
export interface ScheduledGain {
  plan: GainPlan;
  wall0: number;
  ctx0: number;
}

/** Equal-power fade-in added when a segment is joined part-way (reload, late start). */
export const RESUME_FADE_MS = 1500;
/** Fade-out of a voice the timeline no longer has, or one that failed. */
export const LEAVE_FADE_MS = 1500;
/** Shortest fade-out, even when almost nothing is left to play: never a click. */
export const MIN_LEAVE_FADE_MS = 40;
/** A fade-out ends this long before the buffered audio runs out (the output's own latency, and margin). */
const RUNWAY_MARGIN_MS = 150;

/**
 * How long a voice that must go (its track failed, its file changed) fades out: the usual
 * `wantedMs`, unless less than that is buffered ahead of where it plays — then it fades out
 * over what is left, so it is never cut by running dry mid-fade. `bufferedMs` null: unknown,
 * take the usual fade.
 */
export function leaveFadeMs(wantedMs: number, bufferedMs: number | null): number {
  if (bufferedMs === null || !Number.isFinite(bufferedMs)) return wantedMs;
  return Math.max(MIN_LEAVE_FADE_MS, Math.min(wantedMs, bufferedMs - RUNWAY_MARGIN_MS));
}

/** How long a re-planned gain takes to glide from what is sounding to the new plan. */
export const BLEND_MS = 1000;
/** Even a "gapless" start or end gets this much ramp, so nothing clicks. */
const DECLICK_MS = 40;
/** Curve resolution: the audio thread interpolates linearly between points. */
const STEP_MS = 20;
const MAX_POINTS = 8192;

/** The voice's gain for a segment: its envelope × phase level, times a resume fade when joined late. */
export function segmentPlan(seg: AudioSegment, resumeAt: number | null): GainPlan {
  const fadeInMs = Math.max(seg.fadeInMs, DECLICK_MS);
  const s: AudioSegment = { ...seg, fadeInMs, fadeOutStart: Math.min(seg.fadeOutStart, seg.end - DECLICK_MS) };
  const moving: Array<readonly [number, number]> = [
    [s.start, s.start + fadeInMs],
    [s.fadeOutStart, s.end],
  ];
  if (resumeAt !== null) moving.push([resumeAt, resumeAt + RESUME_FADE_MS]);
  const fn: GainFn = (t) => {
    const resume = resumeAt === null ? 1 : t < resumeAt ? 0 : fadeInGain((t - resumeAt) / RESUME_FADE_MS);
    return segmentEnvelope(s, t) * s.gain * resume;
  };
  return { fn, moving };
}

/** The same plan, faded out (equal-power) from `from` over `ms`, silent after. */
export function fadeOutPlan(plan: GainPlan, from: number, ms: number): GainPlan {
  const until = from + ms;
  return {
    fn: (t) => (t < from ? plan.fn(t) : t >= until ? 0 : plan.fn(t) * fadeOutGain((t - from) / ms)),
    moving: [...plan.moving.filter(([a]) => a < until).map(([a, b]) => [a, Math.min(b, until)] as const), [from, until]],
  };
}

/** Starts `plan` from the level `v0` sounding at `from`, gliding onto it over BLEND_MS. */
export function blendFrom(plan: GainPlan, from: number, v0: number): GainPlan {
  const gap = v0 - plan.fn(from);
  if (Math.abs(gap) < 1e-3) return plan;
  const until = from + BLEND_MS;
  return {
    fn: (t) => {
      if (t < from || t >= until) return plan.fn(t);
      const w = Math.cos(((t - from) / BLEND_MS) * (Math.PI / 2)) ** 2;
      return Math.max(0, plan.fn(t) + gap * w);
    },
    moving: [...plan.moving, [from, until]],
  };
}

/**
 * How a move is eased: `inOut` (raised cosine) starts and ends softly, for changes nobody asked
 * for this instant; `out` (quarter sine) starts moving at once and lands softly, for a move the
 * therapist pressed for (safe state), so the room hears the answer within a fraction of a second.
 */
export type Ease = 'inOut' | 'out';

const eased = (u: number, ease: Ease): number => (ease === 'out' ? Math.sin((u * Math.PI) / 2) : (1 - Math.cos(u * Math.PI)) / 2);

/** A level change in decibels, eased so it never jumps. */
export function dbRampPlan(fromGain: number, toDb: number, from: number, ms: number, ease: Ease = 'inOut'): GainPlan {
  const fromDb = 20 * Math.log10(Math.max(fromGain, 1e-6));
  const until = from + ms;
  const toGain = 10 ** (toDb / 20);
  return {
    fn: (t) => {
      if (t <= from) return fromGain;
      if (t >= until) return toGain;
      const x = eased((t - from) / ms, ease);
      return 10 ** ((fromDb + (toDb - fromDb) * x) / 20);
    },
    moving: [[from, until]],
  };
}

/** A constant level. */
export const constantPlan = (g: number): GainPlan => ({ fn: () => g, moving: [] });

/** Sorted, merged stretches clipped to start at `from`. */
export function mergeStretches(stretches: ReadonlyArray<readonly [number, number]>, from: number): Array<[number, number]> {
  const clipped = stretches
    .map(([a, b]): [number, number] => [Math.max(a, from), b])
    .filter(([a, b]) => b - a >= 1)
    .sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const s of clipped) {
    const last = out.at(-1);
    if (last && s[0] <= last[1] + 1) last[1] = Math.max(last[1], s[1]);
    else out.push(s);
  }
  return out;
}

/** Samples `fn` over [a, b] at STEP_MS resolution (both ends included). */
export function sampleCurve(fn: GainFn, a: number, b: number): Float32Array<ArrayBuffer> {
  const n = Math.min(MAX_POINTS, Math.max(8, Math.ceil((b - a) / STEP_MS) + 1));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = fn(a + ((b - a) * i) / (n - 1));
  return out;
}

/** The part of an AudioParam a plan is laid on (structural, so this file needs no DOM and tests can record it). */
export interface AutomatableParam {
  cancelScheduledValues(cancelTime: number): unknown;
  setValueAtTime(value: number, startTime: number): unknown;
  setValueCurveAtTime(values: Float32Array<ArrayBuffer>, startTime: number, duration: number): unknown;
}

/** The level a scheduled plan has at audio-clock time `ctxTime`. */
export function valueAt(s: ScheduledGain, ctxTime: number): number {
  return s.plan.fn(s.wall0 + (ctxTime - s.ctx0) * 1000);
}

/**
 * Replaces whatever `param` was doing with `plan`, from now on. Wall time is laid on the audio
 * clock by the engine's one `clock` mapping (`clock.ts`), so every curve of every voice sits on
 * the same time line; each changing stretch becomes one value curve. All calls happen in one
 * task, so the audio thread never renders the moment between the cancel and the new level.
 */
export function applyPlan(param: AutomatableParam, clock: ClockMapping, nowWall: number, plan: GainPlan): ScheduledGain {
  // Never before the audio clock's zero: just after a (re)load the clock reads a few ms, and the
  // host's time can map a hair below it; the param would throw and leave every stage where it was.
  const ctx0 = clock.toCtx(nowWall);
  const toCtx = (t: number): number => Math.max(0, clock.toCtx(t));
  param.cancelScheduledValues(0);
  param.setValueAtTime(plan.fn(nowWall), Math.max(0, ctx0));
  for (const [a, b] of mergeStretches(plan.moving, nowWall)) {
    try {
      param.setValueCurveAtTime(sampleCurve(plan.fn, a, b), toCtx(a), (b - a) / 1000);
    } catch (err) {
      // Should not happen (stretches are merged and cancelled first); hold the level rather than jump.
      console.warn('audio: could not schedule a fade', err);
    }
  }
  return { plan, wall0: nowWall, ctx0 };
}

/** A measured loudness gain that changes while a track plays is glided over this long (never a jump). */
export const TRIM_RAMP_MS = 6000;

/** Below this a level counts as off (−80 dB): ramps to or from it move in amplitude, not decibels. */
const OFF_GAIN = 1e-4;

/**
 * A smooth move from one gain to another over `ms` (raised cosine, so it starts and ends
 * softly). Between two audible levels it moves evenly in decibels, which is how a level
 * change is heard; to or from silence (a mute) it moves in amplitude, since −∞ dB has no middle.
 */
export function rampPlan(fromGain: number, toGain: number, from: number, ms: number, ease: Ease = 'inOut'): GainPlan {
  if (ms <= 0 || Math.abs(fromGain - toGain) < 1e-6) return constantPlan(toGain);
  if (fromGain > OFF_GAIN && toGain > OFF_GAIN) return dbRampPlan(fromGain, 20 * Math.log10(toGain), from, ms, ease);
  const until = from + ms;
  return {
    fn: (t) => {
      if (t <= from) return fromGain;
      if (t >= until) return toGain;
      const x = eased((t - from) / ms, ease);
      return fromGain + (toGain - fromGain) * x;
    },
    moving: [[from, until]],
  };
}

/** The "Music volume" slider (0–100) is even in decibels: 100 = as planned (0 dB), 0 = −40 dB (mute silences). */
export const SLIDER_FLOOR_DB = -40;

export function sliderToDb(value: number): number {
  const v = Math.max(0, Math.min(100, value));
  return Math.round((v / 100 - 1) * -SLIDER_FLOOR_DB * 10) / 10;
}

export function dbToSlider(db: number): number {
  const d = Math.max(SLIDER_FLOOR_DB, Math.min(0, db));
  return Math.round(100 + (d / -SLIDER_FLOOR_DB) * 100);
}
