/**
 * Planning fades for real devices. Pure.
 *
 * The timeline moves light linearly in L* (and in mired), but a device with a native transition
 * moves linearly in its own units. So a long fade is sent as segments of a few L* each: the
 * device glides through each one, and together they follow the perceptual curve. Devices
 * without transitions are stepped at most ~1 L* at a time. Nothing ever moves faster than
 * `MAX_LEVEL_RATE`, however abruptly the timeline changes.
 */
import { kelvinToMired, miredToKelvin } from '../../core/curves';
import { type LightKeyframe, lightAt } from '../../core/timeline';
import type { LightCapabilities, LightTarget } from './driver';

/** Largest change per stepped command, L*: about one just-noticeable difference. */
export const PERCEPTUAL_STEP = 1;
/** Largest colour-temperature change per stepped command, mired. */
export const MIRED_STEP = 5;
/** Fastest any light may change, L* per second (safe state: 50 L* in 2.5 s). */
export const MAX_LEVEL_RATE = 20;
/** Fastest colour-temperature change, mired per second. */
export const MAX_MIRED_RATE = 100;
/**
 * Fastest change in safe state, L* per second: any level reaches the safe level within its
 * 2.5 s (100 L* at most), so lights sent a little later still arrive together. Still a glide,
 * never a flash.
 */
export const SAFE_LEVEL_RATE = 40;
/** The safe transition: how long a light takes to reach the safe level (also a light that returns during safe state). */
export const SAFE_MS = 2_500;
/** Level covered by one native segment, L*: short enough that a device's linear glide stays on the curve. */
export const SEGMENT_LEVEL = 4;
/** Shortest native segment (fewer commands; the bridge budgets stay free). */
export const MIN_SEGMENT_MS = 2_000;
/** Longest pause between stepped commands: slower fades use smaller steps instead. */
export const MAX_STEP_INTERVAL_MS = 2_000;
/** A level just above off: fades to 0 end at the device's smallest step, then turn off from there. */
export const NEAR_OFF = 0.01;

/** Protocol ceilings for one native transition. */
export const TRANSITION_CAPS_MS = {
  /** Hue v1 `transitiontime`: uint16 in 100 ms units. */
  hueV1: 65_535 * 100,
  /** ZCL transition time: uint16 tenths of a second (Zigbee2MQTT, and assumed for Hue v2). */
  zigbee: 6_553_000,
  /** Home Assistant's `VALID_TRANSITION`: 0–6553 s. */
  homeassistant: 6_553_000,
  /** LIFX duration: uint32 ms. */
  lifx: 0xffffffff,
} as const;

const mired = (k: number) => kelvinToMired(Math.max(1, k));

/** Shortest duration that moves `from` → `to` within the rate limits, ms. */
export function gentleMs(from: LightTarget, to: LightTarget, rate = MAX_LEVEL_RATE): number {
  const dl = Math.abs(to.level - from.level) / rate;
  const dm = from.level > 0 || to.level > 0 ? Math.abs(mired(to.kelvin) - mired(from.kelvin)) / MAX_MIRED_RATE : 0;
  return Math.ceil(Math.max(dl, dm) * 1000);
}

/** Linear blend of two targets (level in L*, colour in mired). */
export function blend(from: LightTarget, to: LightTarget, x: number): LightTarget {
  const t = Math.min(1, Math.max(0, x));
  return {
    level: from.level + (to.level - from.level) * t,
    kelvin: miredToKelvin(mired(from.kelvin) + (mired(to.kelvin) - mired(from.kelvin)) * t),
  };
}

/** Whether two targets look the same (within a fraction of a step). */
export function sameLook(a: LightTarget, b: LightTarget, levelTol = 0.25, miredTol = 2): boolean {
  if (Math.abs(a.level - b.level) > levelTol) return false;
  if (a.level <= 0 && b.level <= 0) return true;
  return Math.abs(mired(a.kelvin) - mired(b.kelvin)) <= miredTol;
}

/** The timeline seen by the planner: where the light should be, and when the current linear piece ends. */
export interface Course {
  at(t: number): LightTarget;
  /** End of the linear piece containing `t` (fade end or next keyframe), or null while holding. */
  pieceEnd(t: number): number | null;
}

/** The course of a keyframe list (the timeline's light track) from a resting `base`. */
export function courseOf(frames: readonly LightKeyframe[], base: LightTarget): Course {
  return {
    at(t) {
      if (frames.length === 0) return { level: base.level, kelvin: base.kelvin };
      const v = lightAt(frames, t, base);
      return { level: v.level, kelvin: v.kelvin };
    },
    pieceEnd(t) {
      let cur: LightKeyframe | null = null;
      let next: LightKeyframe | null = null;
      for (const kf of frames) {
        if (kf.at <= t) cur = kf;
        else {
          next = kf;
          break;
        }
      }
      const fadeEnd = cur && cur.at + cur.durationMs > t ? cur.at + cur.durationMs : null;
      const nextAt = next ? next.at : null;
      if (fadeEnd === null) return null; // holding until the next keyframe, whenever it comes
      return nextAt === null ? fadeEnd : Math.min(fadeEnd, nextAt);
    },
  };
}

/** Longest single command a device takes (devices that are stepped have no ceiling: the stepper paces them). */
const ceiling = (caps: LightCapabilities): number => (caps.nativeTransition ? caps.maxTransitionMs : Number.POSITIVE_INFINITY);

export interface Segment {
  target: LightTarget;
  transitionMs: number;
  /** When the device should arrive. */
  endAt: number;
}

/**
 * The next command for a device that is (believed to be) at `from` now: glide along the course
 * for a few L*, or catch up gently when the device is off the course. Null when nothing to do.
 */
export function planSegment(
  now: number,
  from: LightTarget,
  course: Course,
  caps: LightCapabilities,
  rate = MAX_LEVEL_RATE,
): Segment | null {
  const here = course.at(now);
  const end = course.pieceEnd(now);
  let t2 = now;
  if (end !== null && end > now) {
    const ahead = course.at(end);
    const rate = Math.abs(ahead.level - here.level) / (end - now);
    const mrate = Math.abs(mired(ahead.kelvin) - mired(here.kelvin)) / (end - now);
    const byLevel = rate > 0 ? SEGMENT_LEVEL / rate : Number.POSITIVE_INFINITY;
    const byMired = mrate > 0 ? (SEGMENT_LEVEL * 5) / mrate : Number.POSITIVE_INFINITY;
    const len = Math.min(byLevel, byMired, ceiling(caps));
    t2 = Math.min(end, now + Math.max(MIN_SEGMENT_MS, Math.max(caps.minIntervalMs, len)));
    if (end - t2 < MIN_SEGMENT_MS / 2 && end - now <= ceiling(caps)) t2 = end; // no tiny tail
  } else if (sameLook(from, here) && from.level > 0 === here.level > 0) {
    return null;
  }
  let target = course.at(t2);
  let duration = Math.max(t2 - now, gentleMs(from, target, rate));
  // A fade to dark ends at the smallest step; "off" itself is sent once the device is there.
  if (target.level <= 0 && from.level > NEAR_OFF * 2) target = { ...target, level: NEAR_OFF };
  if (target.level <= 0 && duration > 0 && from.level > 0) duration = Math.max(duration, gentleMs(from, target, rate));
  if (duration > ceiling(caps)) {
    target = blend(from, target, ceiling(caps) / duration);
    duration = ceiling(caps);
  }
  return { target, transitionMs: Math.round(duration), endAt: now + Math.round(duration) };
}

/** Resync after a device comes back: gentle (10–30 s), to where the course will be when it arrives. */
export const RESYNC_MIN_MS = 10_000;
export const RESYNC_MAX_MS = 30_000;
/** Level rate used to size a resync, L* per second (60 L* away takes 20 s; the span stays within 10–30 s). */
export const RESYNC_RATE = 3;

/**
 * A light that returns while safe state wants the room lit: to where the course will be in
 * SAFE_MS, over SAFE_MS (not the gentle 10–30 s re-sync).
 */
export function planSafeReturn(now: number, from: LightTarget | null, course: Course, caps: LightCapabilities): Segment {
  const target = course.at(now + SAFE_MS);
  const start = from ?? target;
  const duration = Math.min(ceiling(caps), Math.max(SAFE_MS, gentleMs(start, target, SAFE_LEVEL_RATE)));
  return { target, transitionMs: Math.round(duration), endAt: now + Math.round(duration) };
}

export function planResync(now: number, from: LightTarget | null, course: Course, caps: LightCapabilities): Segment {
  const here = course.at(now);
  const start = from ?? here;
  const span = (Math.abs(here.level - start.level) / RESYNC_RATE) * 1000;
  let duration = Math.min(RESYNC_MAX_MS, Math.max(RESYNC_MIN_MS, span), ceiling(caps));
  const end = course.pieceEnd(now);
  let t2 = now + duration;
  if (end !== null && end > now) t2 = Math.min(t2, end);
  else if (end === null) t2 = now; // holding: the target is simply where the course rests
  let target = course.at(Math.max(now, t2));
  if (target.level <= 0 && start.level > 0) target = { ...target, level: NEAR_OFF };
  duration = Math.max(duration, gentleMs(start, target));
  return { target, transitionMs: Math.round(duration), endAt: now + Math.round(duration) };
}

export interface FadeStep {
  /** Offset from the fade's start, ms. */
  at: number;
  target: LightTarget;
  transitionMs: number;
}

/** Splits a native transition into pieces no longer than the device's ceiling. */
export function splitNative(durationMs: number, maxTransitionMs: number): number[] {
  if (durationMs <= 0) return [0];
  const n = Math.ceil(durationMs / maxTransitionMs);
  const out: number[] = [];
  let left = durationMs;
  for (let i = 0; i < n; i++) {
    const piece = Math.round(left / (n - i));
    out.push(piece);
    left -= piece;
  }
  return out;
}

/**
 * Steps for a device without transitions: each ≤ PERCEPTUAL_STEP L* and ≤ MIRED_STEP mired,
 * at least `minIntervalMs` apart; slow fades use smaller steps rather than long pauses.
 */
export function planSteps(from: LightTarget, to: LightTarget, durationMs: number, minIntervalMs: number): FadeStep[] {
  const dl = Math.abs(to.level - from.level);
  const dm = from.level > 0 || to.level > 0 ? Math.abs(mired(to.kelvin) - mired(from.kelvin)) : 0;
  const needed = Math.max(1, Math.ceil(dl / PERCEPTUAL_STEP - 1e-9), Math.ceil(dm / MIRED_STEP - 1e-9));
  const interval = Math.max(minIntervalMs, 1);
  const wanted = Math.ceil(durationMs / MAX_STEP_INTERVAL_MS); // keeps pauses short on slow fades
  const byDevice = Math.max(1, Math.floor(durationMs / interval));
  const useful = Math.max(1, Math.ceil(dl / 0.05) + Math.ceil(dm / 0.5)); // finer steps vanish in rounding
  const n = Math.max(needed, Math.min(wanted, byDevice, useful));
  const span = Math.max(durationMs, n * interval);
  const steps: FadeStep[] = [];
  for (let i = 1; i <= n; i++) {
    steps.push({ at: Math.round(((i - 1) * span) / n), target: blend(from, to, i / n), transitionMs: 0 });
  }
  const last = steps[steps.length - 1];
  if (last) last.target = { ...to };
  return steps;
}

/**
 * A whole fade for one device from `from` to `to` over `durationMs`: native segments (each a few
 * L*, each within the device's ceiling) or sub-threshold steps. Used by the bench and tests to
 * check evenness; the director plans the same way, one segment at a time, against the live timeline.
 */
export function planFade(from: LightTarget, to: LightTarget, durationMs: number, caps: LightCapabilities): FadeStep[] {
  const frames: LightKeyframe[] = [{ at: 0, level: to.level, kelvin: to.kelvin, durationMs, cause: 'phase' }];
  const course = courseOf(frames, from);
  if (!caps.nativeTransition) return planSteps(from, to, Math.max(durationMs, gentleMs(from, to)), caps.minIntervalMs);
  const out: FadeStep[] = [];
  let now = 0;
  let at = from;
  for (let guard = 0; guard < 100_000; guard++) {
    const seg = planSegment(now, at, course, caps);
    if (!seg) break;
    out.push({ at: now, target: seg.target, transitionMs: seg.transitionMs });
    now = seg.endAt;
    at = seg.target;
    if (seg.transitionMs === 0 && sameLook(at, course.at(now))) break;
  }
  return out;
}
