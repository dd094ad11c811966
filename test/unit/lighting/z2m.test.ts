import { afterEach, describe, expect, it } from 'vitest';
import { LightingDirector } from '../../../electron/services/lighting/director';
import type { Result } from '../../../electron/services/lighting/driver';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { parseDevices, Z2mBridge, type Z2mLight, z2mAdapter } from '../../../electron/services/lighting/z2m';
import { advanceUntil, FakeClock } from '../../fixtures/peers/clock';
import { MqttBroker, simDevice, Z2mSimulator } from '../../fixtures/peers/z2m';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

async function setup() {
  const broker = await new MqttBroker().start();
  cleanup.push(() => broker.close());
  const sim = await new Z2mSimulator(broker.url, [simDevice(1), simDevice(2), simDevice(3, null)]).start();
  cleanup.push(() => sim.close());
  const bridge = unwrap(
    await Z2mBridge.connect({
      url: broker.url,
      scheduler: new Scheduler(),
      confirmTimeoutMs: 400,
      username: 'stillroom',
      password: 'mqtt-Secret-pw-42',
    }),
  );
  cleanup.push(() => bridge.close());
  const lights = unwrap(await bridge.lights());
  // The retained availability messages follow the device list; start from a known state.
  while (lights.some((l) => bridge.availability(l.name) === 'unknown')) await new Promise((r) => setTimeout(r, 5));
  return { broker, sim, bridge, lights };
}

describe('Zigbee2MQTT through a real MQTT broker', () => {
  it('reads lights from the retained bridge/devices with ranges from exposes (coordinator skipped)', async () => {
    const { lights } = await setup();
    expect(lights.map((l) => [l.id, l.name])).toEqual([
      ['z2m:0x001788010001a1b2', 'Lamp 1'],
      ['z2m:0x001788010002a1b2', 'Lamp 2'],
      ['z2m:0x001788010003a1b2', 'Lamp 3'],
    ]);
    expect(lights[0]?.capabilities).toMatchObject({
      nativeTransition: true,
      maxTransitionMs: 6_553_000,
      kelvin: true,
      kelvinRange: [2203, 6536],
    });
    expect(lights[2]?.capabilities.kelvin).toBe(false);
  });

  it('publishes /set with brightness, colour temperature and transition in seconds; confirmed by the state echo', async () => {
    const { broker, sim, lights } = await setup();
    const l = lights[0] as Z2mLight;
    expect(await l.apply({ level: 40, kelvin: 2700 }, 1_800_000)).toEqual({ ok: true });
    const set = broker.seen.filter((m) => m.topic === 'zigbee2mqtt/Lamp 1/set').at(-1);
    expect(JSON.parse(set?.payload ?? '{}')).toEqual({ state: 'ON', brightness: 29, transition: 1800, color_temp: 370 });
    expect(sim.devices[0]).toMatchObject({ state: 'ON', brightness: 29, colorTemp: 370 });
    expect(await l.apply({ level: 30, kelvin: 2700 }, 9_000_000)).toEqual({ ok: true });
    expect(sim.sets.at(-1)?.body.transition).toBe(6553);
    expect(await l.apply({ level: 0, kelvin: 2700 }, 0)).toEqual({ ok: true });
    expect(sim.sets.at(-1)?.body).toEqual({ state: 'OFF', transition: 0 });
    expect(unwrap(await l.readState())).toMatchObject({ on: false, reachable: true });
    const dimmable = lights[2] as Z2mLight;
    await dimmable.apply({ level: 50, kelvin: 2700 }, 1000);
    expect(sim.sets.at(-1)?.body).not.toHaveProperty('color_temp');
  });

  it('follows availability: offline fails fast and reads unreachable; online is announced', async () => {
    const { sim, lights } = await setup();
    const l = lights[1] as Z2mLight;
    const events: string[] = [];
    l.subscribe((e) => events.push(e));
    await sim.setOnline('Lamp 2', false);
    await new Promise((r) => setTimeout(r, 50));
    expect(await l.apply({ level: 20, kelvin: 2700 }, 1000)).toEqual({ ok: false, error: 'Zigbee2MQTT reports the light offline' });
    expect(unwrap(await l.readState()).reachable).toBe(false);
    await sim.setOnline('Lamp 2', true);
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['unreachable', 'reachable']);
    expect(await l.apply({ level: 20, kelvin: 2700 }, 1000)).toEqual({ ok: true });
  });

  it('a bulb that stops answering times out clearly; odd, duplicate and oversized messages are reported, not fatal', async () => {
    const { sim, bridge, lights } = await setup();
    const d = sim.devices[0];
    if (d) d.mute = true;
    expect(await (lights[0] as Z2mLight).apply({ level: 20, kelvin: 2700 }, 1000)).toEqual({
      ok: false,
      error: 'no state reply from Zigbee2MQTT for this light',
    });
    await sim.publishDevices([sim.definition(simDevice(1)), 'not a device']);
    await sim.publishRaw('zigbee2mqtt/Lamp 3', Buffer.alloc(5 << 20, 32));
    await sim.publishRaw('zigbee2mqtt/Lamp 3', '{not json');
    for (let i = 0; i < 50 && !bridge.problems.some((p) => p.startsWith('ignored an oversized')); i++)
      await new Promise((r) => setTimeout(r, 50));
    const again = unwrap(await bridge.lights());
    expect(again).toHaveLength(3);
    expect(bridge.problems).toContain('two Zigbee devices are called "Lamp 1"; the second was left out');
    expect(bridge.problems.some((p) => p.startsWith('ignored an oversized message'))).toBe(true);
    expect(parseDevices({})).toEqual({ lights: [], problems: ['bridge/devices is not a list'] });
  });

  it('a command is confirmed only by a state that shows it: an unrelated state message does not hide a missed change', async () => {
    const { sim, lights } = await setup();
    const l = lights[0] as Z2mLight;
    const d = sim.devices[0];
    if (!d) throw new Error('fixture');
    d.mute = true; // the bulb misses the command…
    const pending = l.apply({ level: 60, kelvin: 2700 }, 1000);
    await new Promise((r) => setTimeout(r, 20)); // real loopback: let the /set reach the broker
    // …while Zigbee2MQTT publishes the light's old state for another reason (a re-read, a report).
    await sim.publishRaw('zigbee2mqtt/Lamp 1', JSON.stringify({ state: 'ON', brightness: 254, color_temp: 370 }));
    expect(await pending).toEqual({ ok: false, error: 'no state reply from Zigbee2MQTT for this light' });
    // A read answers from what Zigbee2MQTT published (no /get radio read).
    const gets = sim.gets;
    expect(unwrap(await l.readState())).toMatchObject({ on: true, level: 100 });
    expect(sim.gets).toBe(gets);
  });

  it('a group list that arrives after the device list still gives the connection its groups (safe state by groupcast)', async () => {
    const broker = await new MqttBroker().start();
    cleanup.push(() => broker.close());
    const sim = new Z2mSimulator(broker.url, [simDevice(1), simDevice(2)]);
    sim.groups = [{ id: 1, name: 'Therapy room', members: ['Lamp 1', 'Lamp 2'] }];
    sim.groupsLateMs = 150;
    // Zigbee2MQTT (re)starting while Stillroom connects: the device list is there, the groups come a moment later.
    const starting = sim.start();
    cleanup.push(() => sim.close());
    const opened = await z2mAdapter({ url: broker.url, scheduler: new Scheduler() }).open();
    await starting;
    if (!opened.ok) throw new Error(opened.fault.kind);
    cleanup.push(() => opened.value.close());
    expect(opened.value.groups?.map((g) => [g.driver.name, g.members.length])).toEqual([['Therapy room', 2]]);
  });

  it('refuses a broker that is not on the local network or not a URL, and says when nothing answers', async () => {
    const far = await Z2mBridge.connect({ url: 'mqtt://203.0.113.10:1883' });
    expect(far.ok ? '' : far.error).toMatch(/not on the local network/);
    const bad = await Z2mBridge.connect({ url: 'http://127.0.0.1' });
    expect(bad.ok ? '' : bad.error).toMatch(/mqtt:\/\//);
    const none = await Z2mBridge.connect({ url: 'mqtt://127.0.0.1:1', connectTimeoutMs: 500 });
    expect(none.ok ? '' : none.error).toBe('cannot reach the MQTT broker');
    expect(none.ok ? '' : none.error).not.toContain('Secret');
  });

  it('a light that drops off the mesh and returns is eased to the current target over 10–30 s', async () => {
    const clock = new FakeClock(1_000_000);
    const broker = await new MqttBroker(() => clock.now()).start();
    cleanup.push(() => broker.close());
    const sim = await new Z2mSimulator(broker.url, [simDevice(1)], 'zigbee2mqtt', () => clock.now()).start();
    cleanup.push(() => sim.close());
    const bridge = unwrap(
      await Z2mBridge.connect({ url: broker.url, timers: clock, scheduler: new Scheduler(clock), confirmTimeoutMs: 400 }),
    );
    cleanup.push(() => bridge.close());
    const [l] = unwrap(await bridge.lights());
    if (!l) throw new Error('fixture');
    const base = { level: 50, kelvin: 2700 };
    const d = new LightingDirector([l], base, 1000, { timers: clock });
    const t0 = clock.now();
    d.setKeyframes([{ at: t0, level: 50, kelvin: 2700, durationMs: 0, cause: 'phase' }], base);
    let next = 0;
    const tick = () => {
      if (clock.now() >= next) {
        d.tick(clock.now());
        next = clock.now() + 1000;
      }
      return false;
    };
    const run = (ms: number) => advanceUntil(clock, tick, { maxMs: ms, stepMs: 100, ioMs: 2 }).catch(() => 0);
    const until = (done: () => boolean) => () => {
      tick();
      return done();
    };
    await run(3_000);
    const dev = sim.devices[0];
    if (!dev) throw new Error('fixture');
    dev.mute = true;
    await sim.setOnline('Lamp 1', false);
    d.setKeyframes(
      [
        { at: t0, level: 50, kelvin: 2700, durationMs: 0, cause: 'phase' },
        { at: clock.now(), level: 20, kelvin: 2700, durationMs: 600_000, cause: 'phase' },
      ],
      base,
    );
    await advanceUntil(
      clock,
      until(() => d.status()[0]?.health === 'offline'),
      { maxMs: 5_000, stepMs: 100, ioMs: 2 },
    );
    const n = sim.sets.length;
    dev.mute = false;
    dev.brightness = 120; // where it was left
    await sim.setOnline('Lamp 1', true); // announced: tried at once, not after the backoff
    await advanceUntil(
      clock,
      until(() => sim.sets.length > n),
      { maxMs: 1_500, stepMs: 50, ioMs: 2 },
    );
    const resync = sim.sets.slice(n)[0];
    const tr = Number(resync?.body.transition);
    expect(tr).toBeGreaterThanOrEqual(10);
    expect(tr).toBeLessThanOrEqual(30);
    expect(Number(resync?.body.brightness)).toBeLessThan(120);
    await advanceUntil(
      clock,
      until(() => d.status()[0]?.health === 'online'),
      { maxMs: 3_000, stepMs: 100, ioMs: 3 },
    );
    d.close();
  });
});
