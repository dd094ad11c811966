import { afterEach, describe, expect, it } from 'vitest';
import { LightingDirector } from '../../../electron/services/lighting/director';
import type { Result } from '../../../electron/services/lighting/driver';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { WizNetwork } from '../../../electron/services/lighting/wiz';
import { advanceUntil, FakeClock } from '../../fixtures/peers/clock';
import { FakeWizBulb } from '../../fixtures/peers/wiz-bulb';

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});
function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

async function setup(clock?: FakeClock) {
  const bulb = await new FakeWizBulb('a8bb50e1c2d3').start();
  if (clock) bulb.now = () => clock.now();
  const net = unwrap(
    await WizNetwork.open({
      bindAddress: '127.0.0.1',
      broadcast: [{ address: '127.0.0.1', port: bulb.port }],
      scheduler: new Scheduler(clock),
      ...(clock ? { timers: clock } : {}),
      resendMs: [0, 60, 180],
      timeoutMs: 400,
    }),
  );
  open.push(bulb, net);
  const light = unwrap(net.light({ mac: bulb.mac, address: '127.0.0.1', port: bulb.port }));
  return { bulb, net, light };
}

describe('WiZ over UDP JSON', () => {
  it('discovers a bulb with a registration message to an injected broadcast address', async () => {
    const { bulb, net } = await setup();
    const found = await net.discover(100);
    expect(found).toEqual([
      { protocol: 'wiz', id: 'wiz:a8bb50e1c2d3', name: 'WiZ e1c2d3', address: '127.0.0.1', mac: 'a8bb50e1c2d3', port: bulb.port },
    ]);
  });

  it('sends setPilot with whole-percent dimming and kelvin; never turns a low level off; reads getPilot', async () => {
    const { bulb, light } = await setup();
    expect(light.capabilities).toMatchObject({ nativeTransition: false, kelvinRange: [2200, 6500] });
    expect(await light.apply({ level: 40, kelvin: 2700 }, 0)).toEqual({ ok: true });
    expect(bulb.commands.at(-1)?.params).toEqual({ state: true, dimming: 11, temp: 2700 });
    expect(await light.apply({ level: 0.2, kelvin: 1000 }, 0)).toEqual({ ok: true });
    expect(bulb.commands.at(-1)?.params).toEqual({ state: true, dimming: 1, temp: 2200 });
    expect(await light.apply({ level: 0, kelvin: 2700 }, 0)).toEqual({ ok: true });
    expect(bulb.commands.at(-1)?.params).toEqual({ state: false });
    const n = bulb.commands.length;
    await light.apply({ level: 0, kelvin: 2700 }, 0); // same pilot: nothing to send
    expect(bulb.commands.length).toBe(n);
    expect(unwrap(await light.readState())).toEqual({ on: false, level: 0, kelvin: 2200, reachable: true });
  });

  it('re-sends on the schedule when datagrams are lost; gives up clearly when the bulb is silent', async () => {
    const { bulb, light } = await setup();
    bulb.dropNext = 2;
    expect(await light.apply({ level: 50, kelvin: 2700 }, 0)).toEqual({ ok: true });
    expect(bulb.received).toBe(3);
    bulb.silent = true;
    expect(await light.apply({ level: 45, kelvin: 2700 }, 0)).toEqual({ ok: false, error: 'no answer from the bulb within 0.4 s' });
    bulb.silent = false;
    bulb.garbage = true;
    expect((await light.apply({ level: 44, kelvin: 2700 }, 0)).ok).toBe(false);
    bulb.garbage = false;
    bulb.oversized = true;
    expect((await light.readState()).ok).toBe(false);
  });

  it('a bulb that refuses colour temperature keeps dimming without it', async () => {
    const { bulb, light } = await setup();
    bulb.rejectsTemp = true;
    expect(await light.apply({ level: 30, kelvin: 2700 }, 0)).toEqual({ ok: true });
    expect(light.capabilities.kelvin).toBe(false);
    expect(bulb.commands.at(-1)?.params).toEqual({ state: true, dimming: 6 });
  });

  it('under the director, a fade reaches the bulb one dimming step at a time', async () => {
    const clock = new FakeClock(0);
    const { bulb, light } = await setup(clock);
    bulb.dimming = 18; // where the room already is (L* ≈ 50)
    const d = new LightingDirector([light], { level: 50, kelvin: 2700 }, 1000, { timers: clock });
    d.setKeyframes([{ at: 0, level: 50, kelvin: 2700, durationMs: 0, cause: 'phase' }], { level: 50, kelvin: 2700 });
    let next = 0;
    const tick = () => {
      if (clock.now() >= next) {
        d.tick(clock.now());
        next = clock.now() + 1000;
      }
      return false;
    };
    await advanceUntil(clock, tick, { maxMs: 3_000, stepMs: 50, ioMs: 2 }).catch(() => {});
    const start = clock.now();
    d.setKeyframes(
      [
        { at: 0, level: 50, kelvin: 2700, durationMs: 0, cause: 'phase' },
        { at: start, level: 35, kelvin: 2700, durationMs: 1500, cause: 'phase' },
      ],
      { level: 50, kelvin: 2700 },
    );
    next = start;
    await advanceUntil(clock, tick, { maxMs: 4_000, stepMs: 50, ioMs: 2 }).catch(() => {});
    const dims = bulb.commands.filter((c) => c.at >= start).map((c) => Number(c.params.dimming));
    expect(dims.at(-1)).toBe(8);
    for (let i = 1; i < dims.length; i++) expect(Math.abs((dims[i] ?? 0) - (dims[i - 1] ?? 0))).toBeLessThanOrEqual(1);
    d.close();
  });
});
