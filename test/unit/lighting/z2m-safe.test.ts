/**
 * Safe state on twelve Zigbee2MQTT lights through a real MQTT broker: every light at the safe
 * level within 3 s of the press — one groupcast when a Zigbee2MQTT group holds the room, else
 * commands timed so that they all arrive together (not 50 ms apart, each with the full 2.5 s).
 * The director's and the driver's timers on a fake clock; the broker on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LightingDirector } from '../../../electron/services/lighting/director';
import { levelToUnits, SCALES } from '../../../electron/services/lighting/levels';
import { DeviceLink } from '../../../electron/services/lighting/link';
import { RoomGroupSync, STILLROOM_GROUP, z2mGroupHost } from '../../../electron/services/lighting/room-group';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { type Z2mLight, z2mAdapter } from '../../../electron/services/lighting/z2m';
import { advanceUntil, FakeClock } from '../../fixtures/peers/clock';
import { MqttBroker, simDevice, Z2mSimulator } from '../../fixtures/peers/z2m';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const base = { level: 60, kelvin: 2700 };
const safe = { level: 60, kelvin: 2700 };

async function room(withGroup: boolean) {
  const clock = new FakeClock(0);
  const broker = await new MqttBroker(() => clock.now()).start();
  cleanup.push(() => broker.close());
  const devices = Array.from({ length: 12 }, (_, i) => ({ ...simDevice(i + 1), brightness: 6 }));
  const sim = new Z2mSimulator(broker.url, devices, 'zigbee2mqtt', () => clock.now());
  if (withGroup) sim.groups = [{ id: 1, name: 'Therapy room', members: devices.map((d) => d.name) }];
  await sim.start();
  cleanup.push(() => sim.close());
  const link = new DeviceLink(z2mAdapter({ url: broker.url, timers: clock, scheduler: new Scheduler(clock), confirmTimeoutMs: 2_000 }), {
    timers: clock,
  }).start();
  cleanup.push(() => link.close());
  await advanceUntil(clock, () => link.connected, { maxMs: 5_000 });
  const d = new LightingDirector(link.lights(), base, 1000, { timers: clock });
  cleanup.push(() => d.close());
  d.setGroups(link.groups());
  d.setKeyframes([{ at: 0, level: 12, kelvin: 2200, durationMs: 0, cause: 'phase' }], base);
  let next = 0;
  const tick = () => {
    if (clock.now() >= next) {
      d.tick(clock.now());
      next = clock.now() + 1000;
    }
    return false;
  };
  await advanceUntil(clock, tick, { maxMs: 40_000, stepMs: 100, ioMs: 2 }).catch(() => {});
  return { clock, sim, d, tick, link };
}

describe('safe state on twelve Zigbee2MQTT lights', () => {
  for (const withGroup of [false, true]) {
    it(withGroup
      ? 'one groupcast to the Zigbee2MQTT group, every light at level within 3 s'
      : 'no group: all twelve arrive together within 3 s', async () => {
      const { clock, sim, d, tick } = await room(withGroup);
      const units = Math.round(levelToUnits(safe.level, SCALES.z2m).value);
      const n = sim.sets.length;
      const press = clock.now();
      d.setSafe(true, press, safe);
      d.tick(press);
      await advanceUntil(clock, tick, { maxMs: 4_000, stepMs: 50, ioMs: 2 }).catch(() => {});
      const sent = sim.sets.slice(n);
      if (withGroup) {
        expect(sent.map((s) => s.name)).toEqual(['Therapy room']);
        expect(Number(sent[0]?.body.transition) * 1000).toBeLessThanOrEqual(2_500);
      } else {
        expect(new Set(sent.map((s) => s.name)).size).toBe(12);
        const arrivals = sent.filter((s) => s.body.brightness === units).map((s) => s.at + Number(s.body.transition) * 1000);
        expect(arrivals).toHaveLength(12);
        for (const a of arrivals) expect(a - press).toBeLessThanOrEqual(3_000);
        expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThanOrEqual(250); // together
      }
      for (const dev of sim.devices) expect(dev.brightness).toBe(units);
    }, 30_000);
  }

  it('Stillroom makes its own Zigbee2MQTT group once the room settles, safe state uses it, and it goes when the room leaves', async () => {
    const { clock, sim, d, tick, link } = await room(false);
    const until = (done: () => boolean) => () => {
      tick();
      return done();
    };
    const api = () => {
      const b = link.api;
      return b ? { api: b, lights: link.lights().map((l) => l.current as Z2mLight) } : null;
    };
    const sync = new RoomGroupSync(z2mGroupHost(api), { timers: clock, adopt: (g) => link.adoptGroups(g) });
    cleanup.push(() => sync.close());
    const ids = link.lights().map((l) => l.id);
    for (let i = 1; i <= ids.length; i++) {
      sync.setRoom(ids.slice(0, i));
      await advanceUntil(clock, tick, { maxMs: 1_000, stepMs: 100, ioMs: 1 }).catch(() => {});
    }
    // Thirteen broker round trips one after another: small fake steps, so the bound below is about
    // the 3 s settle and the requests, not about how long loopback I/O takes on a busy machine.
    await advanceUntil(
      clock,
      until(() => sync.status().state !== 'settling'),
      { maxMs: 20_000, stepMs: 20, ioMs: 2 },
    );
    expect(sync.status().state).toBe('stillroom-group');
    expect(sim.groups.find((g) => g.name === STILLROOM_GROUP)?.members).toHaveLength(12);
    expect(sim.groupWrites).toBe(13); // one group, twelve members: once, not once per tick
    const group = sync.status().group;
    if (!group) throw new Error('no group');
    d.setGroups([group]);
    const n = sim.sets.length;
    const press = clock.now();
    d.setSafe(true, press, safe);
    d.tick(press);
    await advanceUntil(clock, tick, { maxMs: 4_000, stepMs: 50, ioMs: 2 }).catch(() => {});
    expect(sim.sets.slice(n).map((s) => s.name)).toEqual([STILLROOM_GROUP]);
    sync.setRoom([]);
    await advanceUntil(
      clock,
      until(() => sync.status().state === 'none'),
      { maxMs: 20_000, stepMs: 100, ioMs: 2 },
    );
    expect(sim.groups.some((g) => g.name === STILLROOM_GROUP)).toBe(false);
  }, 30_000);
});
