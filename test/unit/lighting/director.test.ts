import { describe, expect, it } from 'vitest';
import type { LightKeyframe } from '../../../electron/core/timeline';
import { LightingDirector } from '../../../electron/services/lighting/director';
import type { LightDriver, LightTarget } from '../../../electron/services/lighting/driver';
import { courseOf, RESYNC_MAX_MS, RESYNC_MIN_MS, SEGMENT_LEVEL } from '../../../electron/services/lighting/fade';
import { VirtualLamp } from '../../../electron/services/lighting/virtual';
import { FakeClock } from '../../fixtures/peers/clock';
import { SimLight } from '../../fixtures/peers/sim-light';

const MIN = 60_000;
const base: LightTarget = { level: 60, kelvin: 2700 };
const kf = (at: number, level: number, durationMs: number, cause: LightKeyframe['cause'] = 'phase'): LightKeyframe => ({
  at,
  level,
  kelvin: 2700,
  durationMs,
  cause,
});

async function run(d: LightingDirector, clock: FakeClock, untilMs: number, each?: (t: number) => void): Promise<void> {
  while (clock.now() < untilMs) {
    each?.(clock.now());
    d.tick(clock.now());
    await clock.advance(1000);
  }
}

describe('lighting director', () => {
  it('plays a 20-minute dim on a native light as a few dozen segments that keep it on the timeline', async () => {
    const clock = new FakeClock(0);
    const light = new SimLight('hue-1', clock, {}, 'Hue', 20, 60);
    const d = new LightingDirector([light], base, 1000, { timers: clock });
    const frames = [kf(0, 60, 0), kf(10_000, 10, 20 * MIN)];
    d.setKeyframes(frames, base);
    const course = courseOf(frames, base);
    let worst = 0;
    await run(d, clock, 22 * MIN, (t) => {
      if (t > 15_000) worst = Math.max(worst, Math.abs(light.levelAt(t) - course.at(t).level));
    });
    const fadeCmds = light.commands.filter((c) => c.at >= 10_000);
    expect(fadeCmds.length).toBeGreaterThan(10);
    expect(fadeCmds.length).toBeLessThan(40); // not one per tick
    for (const c of fadeCmds) expect(Math.abs(c.target.level - c.before)).toBeLessThanOrEqual(SEGMENT_LEVEL + 0.5);
    expect(worst).toBeLessThan(1);
    expect(light.levelAt(clock.now())).toBeCloseTo(10, 1);
    expect(d.status().find((s) => s.id === 'hue-1')).toMatchObject({ health: 'online', lastError: null });
  });

  it('steps a light without transitions by at most ~1 L* at a time', async () => {
    const clock = new FakeClock(0);
    const wiz = new SimLight('wiz-1', clock, { nativeTransition: false, maxTransitionMs: 0, minIntervalMs: 50 }, 'WiZ', 5, 60);
    const d = new LightingDirector([wiz], base, 1000, { timers: clock });
    d.setKeyframes([kf(0, 60, 0), kf(5000, 20, 5 * MIN)], base);
    await run(d, clock, 6 * MIN);
    const cmds = wiz.commands.filter((c) => c.at >= 5000);
    expect(cmds.length).toBeGreaterThan(35);
    for (const c of cmds) expect(Math.abs(c.target.level - c.before)).toBeLessThanOrEqual(1.0001);
    expect(wiz.levelAt(clock.now())).toBeCloseTo(20, 5);
  });

  it('safe state reaches every light within 3 s, native or stepped', async () => {
    const clock = new FakeClock(0);
    const hue = new SimLight('hue', clock, {}, 'Hue', 20, 15);
    const wiz = new SimLight('wiz', clock, { nativeTransition: false, maxTransitionMs: 0, minIntervalMs: 50 }, 'WiZ', 5, 15);
    const d = new LightingDirector([hue, wiz], base, 1000, { timers: clock });
    const frames = [kf(0, 15, 0)];
    d.setKeyframes(frames, base);
    await run(d, clock, 60_000);
    const at = clock.now();
    d.setSafe(true, at, { level: 60, kelvin: 2700 });
    d.tick(at);
    await clock.advance(3000);
    expect(hue.levelAt(clock.now())).toBeCloseTo(60, 3);
    expect(wiz.levelAt(clock.now())).toBeGreaterThan(59);
  });

  it('a light that drops off is retried with backoff and, when back, eased to the current target — never to full', async () => {
    const clock = new FakeClock(0);
    const light = new SimLight('lamp', clock, {}, 'Lamp', 20, 70);
    let down = false;
    light.offline = () => down;
    const d = new LightingDirector([light], base, 1000, { timers: clock });
    const frames = [kf(0, 70, 0), kf(10_000, 10, 20 * MIN)];
    d.setKeyframes(frames, base);
    await run(d, clock, 2 * MIN);
    down = true;
    const dropAt = clock.now();
    await run(d, clock, 12 * MIN);
    const st = d.status().find((s) => s.id === 'lamp');
    expect(st?.health).toBe('offline');
    expect(st?.lastError).toBe('no answer from the light');
    // Backoff: 2, 4, 8, then every 15 s — about forty attempts in 10 minutes, not 600.
    expect(light.reads).toBeLessThan(45);
    const before = light.commands.length;
    down = false;
    const backAt = clock.now();
    await run(d, clock, 13 * MIN);
    const resync = light.commands[before];
    expect(resync).toBeDefined();
    if (!resync) return;
    expect(resync.at - backAt).toBeLessThanOrEqual(30_000);
    expect(resync.transitionMs).toBeGreaterThanOrEqual(RESYNC_MIN_MS);
    expect(resync.transitionMs).toBeLessThanOrEqual(RESYNC_MAX_MS);
    expect(resync.before).toBeGreaterThan(60); // it was left at its level from before the outage
    const course = courseOf(frames, base);
    expect(resync.target.level).toBeLessThan(course.at(dropAt).level); // straight to now, no replay
    expect(resync.target.level).toBeCloseTo(course.at(resync.at + resync.transitionMs).level, 0);
    expect(Math.max(...light.commands.slice(before).map((c) => c.target.level))).toBeLessThanOrEqual(course.at(backAt).level);
    await run(d, clock, 16 * MIN);
    expect(Math.abs(light.levelAt(clock.now()) - course.at(clock.now()).level)).toBeLessThan(1);
    expect(d.status().find((s) => s.id === 'lamp')?.health).toBe('online');
  });

  it('notices a bulb that came back from a power cut at full, and eases it down gently', async () => {
    const clock = new FakeClock(0);
    const light = new SimLight('lamp', clock, {}, 'Lamp', 20, 20);
    const d = new LightingDirector([light], base, 1000, { timers: clock });
    d.setKeyframes([kf(0, 20, 0)], base);
    await run(d, clock, 2 * MIN);
    light.force(100);
    const n = light.commands.length;
    await run(d, clock, 3 * MIN);
    const fix = light.commands[n];
    expect(fix?.before).toBe(100);
    expect(fix?.target.level).toBeCloseTo(20, 3);
    expect(fix?.transitionMs).toBeGreaterThanOrEqual(RESYNC_MIN_MS);
  });

  it('an announced return (availability) is tried at once instead of waiting for the backoff', async () => {
    const clock = new FakeClock(0);
    const light = new SimLight('z', clock, {}, 'Z', 20, 50);
    let down = false;
    light.offline = () => down;
    const listeners: Array<(e: 'reachable' | 'unreachable') => void> = [];
    const notify = (e: 'reachable' | 'unreachable') => {
      for (const l of listeners) l(e);
    };
    const withEvents: LightDriver = Object.assign(light, {
      subscribe: (l: (e: 'reachable' | 'unreachable') => void) => {
        listeners.push(l);
        return () => {};
      },
    });
    const d = new LightingDirector([withEvents], base, 1000, { timers: clock });
    d.setKeyframes([kf(0, 50, 0)], base);
    await run(d, clock, 10_000);
    down = true;
    notify('unreachable');
    await run(d, clock, 3 * MIN);
    expect(d.status()[0]?.health).toBe('offline');
    down = false;
    const n = light.commands.length;
    const t = clock.now();
    notify('reachable');
    await run(d, clock, t + 3000);
    expect(light.commands.length).toBeGreaterThan(n);
  });

  it('refuses duplicate ids with a clear message and carries on; a throwing driver never escapes', async () => {
    const clock = new FakeClock(0);
    const a = new SimLight('same', clock, {}, 'First');
    const b = new SimLight('same', clock, {}, 'Second');
    const broken: LightDriver = {
      id: 'broken',
      name: 'Broken',
      capabilities: a.capabilities,
      apply: () => Promise.reject(new Error('driver bug')),
      read: () => {
        throw new Error('sync bug');
      },
    };
    const logs: string[] = [];
    const d = new LightingDirector([a, b, broken], base, 1000, { timers: clock, log: (l) => logs.push(l) });
    expect(d.problems()).toEqual(['two lights share the id "same"; "Second" was left out']);
    d.setKeyframes([kf(0, 40, 1000)], base);
    await run(d, clock, 20_000);
    expect(a.commands.length).toBeGreaterThan(0);
    expect(b.commands.length).toBe(0);
    const st = d.status().find((s) => s.id === 'broken');
    expect(st?.health).toBe('offline');
    expect(st?.lastError).toBe('sync bug');
    expect(logs.some((l) => l.includes('Broken'))).toBe(true);
  });

  it('the on-screen lamp still mirrors the timeline tick by tick', async () => {
    const seen: LightTarget[] = [];
    const lamp = new VirtualLamp(base, (s) => seen.push(s));
    const d = new LightingDirector([lamp], base, 1000);
    d.setKeyframes([kf(0, 60, 0), kf(1000, 20, 10_000)], base);
    for (let t = 0; t <= 12_000; t += 1000) {
      d.tick(t);
      await new Promise((r) => setImmediate(r));
    }
    expect(seen.length).toBeGreaterThan(5);
    expect(d.now.level).toBeCloseTo(20, 5);
    expect(d.targetAt(6000)).toMatchObject({ moving: true });
    expect(d.status()[0]).toMatchObject({ id: 'virtual', health: 'online' });
  });
});
