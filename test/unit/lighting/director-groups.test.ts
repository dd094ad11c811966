/**
 * Safe state by group (one command for a whole bridge room) and holding a light for a test
 * pulse: the director's side, on a fake clock.
 */
import { describe, expect, it } from 'vitest';
import type { LightKeyframe } from '../../../electron/core/timeline';
import { LightingDirector } from '../../../electron/services/lighting/director';
import type { DriverResult, LightDriver, LightTarget } from '../../../electron/services/lighting/driver';
import { RESYNC_MAX_MS } from '../../../electron/services/lighting/fade';
import { FakeClock } from '../../fixtures/peers/clock';
import { SimLight } from '../../fixtures/peers/sim-light';

const base: LightTarget = { level: 60, kelvin: 2700 };
const kf = (at: number, level: number, durationMs: number, cause: LightKeyframe['cause'] = 'phase'): LightKeyframe => ({
  at,
  level,
  kelvin: 2700,
  durationMs,
  cause,
});

/** A group that moves its members (SimLights) when it is commanded, or fails on request. */
class SimGroup implements LightDriver {
  readonly id = 'group';
  readonly name = 'Room';
  readonly capabilities = {
    nativeTransition: true,
    maxTransitionMs: 6_553_000,
    minIntervalMs: 1100,
    color: false,
    kelvinRange: [2000, 6500] as [number, number],
  };
  commands: Array<{ target: LightTarget; transitionMs: number }> = [];
  fail = false;
  constructor(private readonly members: SimLight[]) {}
  async apply(target: LightTarget, transitionMs: number): Promise<DriverResult> {
    this.commands.push({ target, transitionMs });
    if (this.fail) return { ok: false, error: 'the bridge refused the command' };
    for (const m of this.members) await m.apply(target, transitionMs);
    return { ok: true };
  }
  async read(): Promise<LightTarget | null> {
    return null;
  }
}

async function settle(d: LightingDirector, clock: FakeClock, untilMs: number): Promise<void> {
  while (clock.now() < untilMs) {
    d.tick(clock.now());
    await clock.advance(100);
  }
}

describe('safe state by group', () => {
  const setup = async () => {
    const clock = new FakeClock(0);
    const lights = [1, 2, 3].map((i) => new SimLight(`l${i}`, clock, {}, `Lamp ${i}`, 20, 30));
    const group = new SimGroup(lights);
    const d = new LightingDirector(lights, base, 1000, { timers: clock });
    d.setGroups([{ driver: group, members: lights.map((l) => l.id) }]);
    const frames = [kf(0, 30, 0)];
    d.setKeyframes(frames, base);
    await settle(d, clock, 5_000);
    return { clock, lights, group, d, frames };
  };

  it('sends one group command and no single-light commands; every light is at the safe level in time', async () => {
    const { clock, lights, group, d } = await setup();
    const before = lights.map((l) => l.commands.length);
    d.setSafe(true, 5_000, { level: 60, kelvin: 2700 });
    await settle(d, clock, 9_000);
    expect(group.commands).toHaveLength(1);
    expect(group.commands[0]?.target.level).toBeCloseTo(60, 5);
    expect(group.commands[0]?.transitionMs).toBeLessThanOrEqual(2500);
    for (const [i, l] of lights.entries()) {
      // The only command each light saw is the one the group relayed.
      expect(l.commands.length - (before[i] ?? 0)).toBe(1);
      expect(l.levelAt(7_600)).toBeCloseTo(60, 1);
    }
  });

  it('falls back to light-by-light commands when the group command fails', async () => {
    const { clock, lights, group, d } = await setup();
    group.fail = true;
    d.setSafe(true, 5_000, { level: 60, kelvin: 2700 });
    await settle(d, clock, 12_000);
    expect(group.commands).toHaveLength(1);
    for (const l of lights) expect(l.levelAt(clock.now())).toBeCloseTo(60, 1);
  });

  it('does not use a group while one of its lights is held for a test pulse', async () => {
    const { clock, lights, group, d } = await setup();
    expect(d.hold('l2')).toBe(true);
    d.setSafe(true, 5_000, { level: 60, kelvin: 2700 });
    await settle(d, clock, 9_000);
    expect(group.commands).toHaveLength(0);
    expect(lights[0]?.levelAt(clock.now())).toBeCloseTo(60, 1);
    expect(lights[1]?.levelAt(clock.now())).toBeCloseTo(30, 1); // held: left alone
    d.release('l2');
    await settle(d, clock, 9_000 + RESYNC_MAX_MS + 2_000);
    expect(lights[1]?.levelAt(clock.now())).toBeCloseTo(60, 1);
  });
});

describe('holding a light', () => {
  it('leaves a held light alone, then eases it back gently (never a jump)', async () => {
    const clock = new FakeClock(0);
    const light = new SimLight('l1', clock, {}, 'Lamp', 20, 60);
    const d = new LightingDirector([light], base, 1000, { timers: clock });
    d.setKeyframes([kf(0, 60, 0)], base);
    await settle(d, clock, 3_000);
    d.hold('l1');
    void light.apply({ level: 75, kelvin: 2700 }, 2000); // a pulse, sent by someone else
    const n = light.commands.length;
    await settle(d, clock, 40_000);
    expect(light.commands.length).toBe(n); // nothing from the timeline while held
    d.release('l1');
    await settle(d, clock, 41_000);
    const back = light.commands[n];
    expect(back?.target.level).toBeCloseTo(60, 0);
    expect(back?.transitionMs).toBeGreaterThanOrEqual(2_000);
    await settle(d, clock, 75_000);
    expect(light.levelAt(clock.now())).toBeCloseTo(60, 1);
  });
});
