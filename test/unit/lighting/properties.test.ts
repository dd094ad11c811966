/**
 * The lighting promise as a property: for any scene sequence and any outage pattern, no command
 * ever makes a light brighter than max(previous target, new target, safe level), and no light
 * ever changes faster than the perceptual limits (stepped lights ≤ ~1 L* per command; native
 * transitions no faster than MAX_LEVEL_RATE — SAFE_LEVEL_RATE while safe state wants the room
 * lit — and never an instant change above 1 L*).
 *
 * "Previous target" is the level the room was at when the current keyframe began. A light that
 * came back from an outage higher than that may be eased *down* through levels above the bound
 * (it is already there; jumping down would be the jump we forbid) — so the bound is checked as
 * "never raises a light above it".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LightKeyframe } from '../../../electron/core/timeline';
import { LightingDirector } from '../../../electron/services/lighting/director';
import type { LightTarget } from '../../../electron/services/lighting/driver';
import { courseOf, MAX_LEVEL_RATE, PERCEPTUAL_STEP, SAFE_LEVEL_RATE } from '../../../electron/services/lighting/fade';
import { FakeClock } from '../../fixtures/peers/clock';
import { SimLight } from '../../fixtures/peers/sim-light';

const event = fc.record({
  gapS: fc.integer({ min: 5, max: 300 }),
  kind: fc.constantFrom('phase', 'phase', 'phase', 'safe-on', 'safe-off'),
  level: fc.oneof(fc.constant(0), fc.constant(100), fc.double({ min: 0, max: 100, noNaN: true })),
  kelvin: fc.integer({ min: 1800, max: 6500 }),
  transitionS: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600 })),
});
const outage = fc.record({ startS: fc.integer({ min: 0, max: 1500 }), lengthS: fc.integer({ min: 1, max: 600 }) });

interface Known {
  at: number;
  frames: LightKeyframe[];
}

/** Whether safe state wanted the room lit at `at` (on, or pressed in the last 30 s): it may glide at SAFE_LEVEL_RATE. */
function safeAt(frames: LightKeyframe[], at: number): boolean {
  const last = frames.filter((f) => f.at <= at && (f.cause === 'safe-on' || f.cause === 'safe-off')).at(-1);
  const on = frames.filter((f) => f.at <= at && f.cause === 'safe-on').at(-1);
  return last?.cause === 'safe-on' || (on !== undefined && at - on.at <= 30_000);
}

/** The bound for a command issued while `frames` were known. */
function boundFor(frames: LightKeyframe[], at: number, base: LightTarget, safe: number): number {
  const cur = frames.filter((f) => f.at <= at).at(-1);
  if (!cur) return Math.max(base.level, safe);
  const before = frames.filter((f) => f !== cur && (f.at < cur.at || (f.at === cur.at && frames.indexOf(f) < frames.indexOf(cur))));
  const startLevel = courseOf(before, base).at(cur.at).level;
  return Math.max(startLevel, cur.level, safe);
}

describe('lighting properties', () => {
  it('no light is ever raised above max(previous, new, safe) and no step exceeds the perceptual limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 1, maxLength: 6 }),
        fc.double({ min: 30, max: 90, noNaN: true }),
        fc.array(fc.array(outage, { maxLength: 3 }), { minLength: 3, maxLength: 3 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        async (events, safeLevel, outages, startLevel) => {
          const clock = new FakeClock(0);
          const base = { level: startLevel, kelvin: 2700 };
          const lights = [
            new SimLight('native', clock, {}, 'native', 15, startLevel),
            new SimLight('short', clock, { maxTransitionMs: 30_000, minIntervalMs: 110 }, 'short', 60, startLevel),
            new SimLight('stepped', clock, { nativeTransition: false, maxTransitionMs: 0, minIntervalMs: 50 }, 'stepped', 5, startLevel),
          ];
          lights.forEach((l, i) => {
            const windows = outages[i] ?? [];
            l.offline = (t) => windows.some((w) => t >= w.startS * 1000 && t < (w.startS + w.lengthS) * 1000);
          });
          const director = new LightingDirector(lights, base, 1000, { timers: clock });
          // Keyframes appear when they happen, as the host adds them; safe state hides later phase scenes.
          const schedule: Array<{ at: number; frame: LightKeyframe | null }> = [];
          let t = 0;
          let safeOn = false;
          let lastPhase = { level: startLevel, kelvin: 2700 };
          for (const e of events) {
            t += e.gapS * 1000;
            if (e.kind === 'phase') {
              lastPhase = { level: e.level, kelvin: e.kelvin };
              schedule.push({
                at: t,
                frame: safeOn ? null : { at: t, level: e.level, kelvin: e.kelvin, durationMs: e.transitionS * 1000, cause: 'phase' },
              });
            } else if (e.kind === 'safe-on' && !safeOn) {
              safeOn = true;
              schedule.push({ at: t, frame: { at: t, level: safeLevel, kelvin: 2700, durationMs: 2500, cause: 'safe-on' } });
            } else if (e.kind === 'safe-off' && safeOn) {
              safeOn = false;
              schedule.push({
                at: t,
                frame: { at: t, level: lastPhase.level, kelvin: lastPhase.kelvin, durationMs: 60_000, cause: 'safe-off' },
              });
            }
          }
          const end = t + 11 * 60_000;
          const frames: LightKeyframe[] = [];
          const known: Known[] = [{ at: 0, frames: [] }];
          director.setKeyframes(frames, base);
          while (clock.now() < end) {
            const now = clock.now();
            let changed = false;
            for (const s of schedule) {
              if (s.at <= now && s.at > now - 1000 && s.frame) {
                frames.push(s.frame);
                changed = true;
                // Safe state reaches the director as its mode, as the host sets it (the frames stay for the oracle).
                if (s.frame.cause === 'safe-on') director.setSafe(true, s.frame.at, { level: safeLevel, kelvin: 2700 });
                if (s.frame.cause === 'safe-off') director.setSafe(false, s.frame.at);
              }
            }
            if (changed) {
              director.setKeyframes([...frames], base);
              known.push({ at: now, frames: [...frames] });
            }
            director.tick(now);
            await clock.advance(1000);
          }
          for (const light of lights) {
            const native = light.capabilities.nativeTransition;
            for (const c of light.commands) {
              // Frames known just before and at the command (a change and a command can share a millisecond).
              const sets = known.filter((k) => k.at <= c.at).slice(-2);
              const bound = Math.max(...sets.map((k) => boundFor(k.frames, c.at, base, safeLevel)));
              expect(c.target.level, `${light.id} at ${c.at}: bound ${bound}, was ${c.before}`).toBeLessThanOrEqual(
                Math.max(bound, c.before) + 1e-6,
              );
              const delta = Math.abs(c.target.level - c.before);
              if (native) {
                const rate = sets.some((k) => safeAt(k.frames, c.at)) ? SAFE_LEVEL_RATE : MAX_LEVEL_RATE;
                const allowed = Math.max(PERCEPTUAL_STEP, (rate * c.transitionMs) / 1000) * (1 + 1e-9);
                expect(delta, `${light.id} at ${c.at}: ${c.before} → ${c.target.level} in ${c.transitionMs} ms`).toBeLessThanOrEqual(
                  allowed + 1e-6,
                );
              } else {
                expect(delta, `${light.id} at ${c.at}: ${c.before} → ${c.target.level}`).toBeLessThanOrEqual(PERCEPTUAL_STEP + 1e-6);
              }
            }
          }
          director.close();
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
