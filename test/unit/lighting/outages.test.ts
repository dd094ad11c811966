/**
 * The reconnect promise as a property, per driver, against loopback peers: for random outage
 * patterns (a broker, bridge, Home Assistant or bulb going away and coming back), the device's
 * link is connected again within the backoff bound after every return, no peer ever sees
 * commands above its rate limit, and no light ever flashes (raised above what the room was
 * told, or changed faster than the perceptual limits). The code's own timers run on a fake
 * clock; the peers answer over real loopback sockets between fake steps.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { LightKeyframe } from '../../../electron/core/timeline';
import { LightingDirector } from '../../../electron/services/lighting/director';
import { MAX_LEVEL_RATE } from '../../../electron/services/lighting/fade';
import { LINK_BACKOFF, OPEN_TIMEOUT_MS } from '../../../electron/services/lighting/link';
import { advanceUntil, FakeClock, ioTurn } from '../../fixtures/peers/clock';
import { rigs, type Seen } from '../../fixtures/peers/rigs';

/** Fake time one connection attempt may take (see the reconnect check). */
const ATTEMPT_MS = 3_000;
const TOP = 50;
/** The room dims from 50 to 20 over ten minutes: no command may ever ask for more than 50. */
const frames: LightKeyframe[] = [
  { at: 0, level: TOP, kelvin: 2700, durationMs: 0, cause: 'phase' },
  { at: 20_000, level: 20, kelvin: 2700, durationMs: 600_000, cause: 'phase' },
];

const outage = fc.record({ gapS: fc.integer({ min: 5, max: 40 }), lengthS: fc.integer({ min: 1, max: 150 }) });

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c();
});

async function scenario(name: string, outages: Array<{ gapS: number; lengthS: number }>): Promise<void> {
  const clock = new FakeClock(0);
  const rig = await rigs[name]?.(clock);
  if (!rig) throw new Error(name);
  open.push(() => rig.close());
  await advanceUntil(clock, () => rig.link.connected, { maxMs: 5_000, what: `${name} first connection` });
  const director = new LightingDirector(rig.link.lights(), { level: TOP, kelvin: 2700 }, 1000, { timers: clock });
  director.setKeyframes(frames, { level: TOP, kelvin: 2700 });
  let nextTick = 0;
  const tick = () => {
    if (clock.now() >= nextTick) {
      director.tick(clock.now());
      nextTick = clock.now() + 1000;
    }
    return false;
  };
  const spend = async (ms: number) => {
    await advanceUntil(clock, tick, { maxMs: ms, stepMs: 250, ioMs: 1 }).catch(() => {});
  };
  await spend(10_000);
  for (const o of outages) {
    await spend(o.gapS * 1000);
    await rig.down();
    await spend(o.lengthS * 1000);
    await rig.up();
    const backAt = clock.now();
    // The next attempt is due within the backoff ceiling of the return...
    const status = rig.link.status();
    const due = status.nextTryAt ?? backAt;
    expect(due - backAt, `${name}: next try after ${o.lengthS} s away`).toBeLessThanOrEqual(LINK_BACKOFF.maxMs);
    // ...unless an attempt is already under way: it may have sent its last request while the
    // device was away (a WiZ request re-sends until 11.25 s, then waits), so it can still fail
    // after the return (within the open watchdog) and the next one come a backoff later.
    const inFlight = status.state !== 'connected' && status.nextTryAt === null;
    const bound = inFlight ? OPEN_TIMEOUT_MS + LINK_BACKOFF.maxMs + ATTEMPT_MS : Math.max(0, due - backAt) + ATTEMPT_MS;
    const took = await advanceUntil(
      clock,
      () => {
        tick();
        return rig.link.connected;
      },
      {
        maxMs: bound + 2_000,
        // Finer steps while reconnecting: a connection attempt needs a few real round trips.
        stepMs: 100,
        ioMs: 3,
        what: `${name} back after an outage of ${o.lengthS} s`,
      },
    );
    // ...and that attempt connects (it may take up to ATTEMPT_MS of the fake clock: the real
    // round trips of a connection, stretched by the fake steps taken meanwhile).
    expect(took, `${name}: reconnect after ${o.lengthS} s away`).toBeLessThanOrEqual(bound);
  }
  await spend(40_000); // every light back on the timeline
  director.close();
  await ioTurn(5);
  const seen = rig.seen();
  expect(seen.length).toBeGreaterThan(0);
  const byLight = new Map<string, Seen[]>();
  for (const s of seen) byLight.set(s.light, [...(byLight.get(s.light) ?? []), s]);
  for (const [light, list] of byLight) {
    let prev: Seen | null = null;
    for (const s of list) {
      // Never raised above what the room was told (no flash to full after a return); a light found
      // brighter at first contact is only ever eased down from where it was.
      expect(s.level, `${name} ${light} at ${s.at}`).toBeLessThanOrEqual(Math.max(TOP, prev?.level ?? 100) + rig.rounding);
      if (prev) {
        // Rate limit: one light's commands at least the peer's gap apart.
        expect(s.at - prev.at, `${name} ${light}: commands ${prev.at} → ${s.at}`).toBeGreaterThanOrEqual(rig.perLightGapMs);
        // No jump: the change from the last command fits the slowest allowed glide.
        const allowed = Math.max(1, (MAX_LEVEL_RATE * s.transitionMs) / 1000) + 2 * rig.rounding;
        expect(Math.abs(s.level - prev.level), `${name} ${light}: ${prev.level} → ${s.level} in ${s.transitionMs} ms`).toBeLessThanOrEqual(
          allowed,
        );
      }
      prev = s;
    }
  }
  // Peer-wide: never more than its documented commands per second.
  const times = seen.map((s) => s.at).sort((a, b) => a - b);
  for (let i = rig.perSecond; i < times.length; i++) {
    expect(
      (times[i] ?? 0) - (times[i - rig.perSecond] ?? 0),
      `${name}: more than ${rig.perSecond} commands in a second`,
    ).toBeGreaterThanOrEqual(1000);
  }
}

describe('every driver comes back by itself after random outages', () => {
  for (const name of Object.keys(rigs)) {
    it(`${name}: reconnects within the backoff bound after every return; no command above the rate limit; no flash`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(outage, { minLength: 1, maxLength: 2 }), async (outages) => {
          try {
            await scenario(name, outages);
          } finally {
            for (const c of open.splice(0)) await c();
          }
        }),
        { numRuns: 4, endOnFailure: true },
      );
    }, 120_000);
  }
});
