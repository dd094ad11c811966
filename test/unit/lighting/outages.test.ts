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
import { haAdapter } from '../../../electron/services/lighting/homeassistant';
import { hueAdapter } from '../../../electron/services/lighting/hue';
import { type LevelScale, SCALES, unitsToLevel } from '../../../electron/services/lighting/levels';
import { LifxNetwork, lifxAdapter } from '../../../electron/services/lighting/lifx';
import { DeviceLink, LINK_BACKOFF } from '../../../electron/services/lighting/link';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { WizNetwork, wizAdapter } from '../../../electron/services/lighting/wiz';
import { z2mAdapter } from '../../../electron/services/lighting/z2m';
import { advanceUntil, FakeClock, ioTurn } from '../../fixtures/peers/clock';
import { FakeHomeAssistant } from '../../fixtures/peers/home-assistant';
import { FakeHueBridge } from '../../fixtures/peers/hue-bridge';
import { FakeLifxNetwork } from '../../fixtures/peers/lifx-bulbs';
import { FakeWizBulb } from '../../fixtures/peers/wiz-bulb';
import { MqttBroker, simDevice, Z2mSimulator } from '../../fixtures/peers/z2m';

/** One command as the peer saw it, in Stillroom's levels. */
interface Seen {
  at: number;
  light: string;
  level: number;
  transitionMs: number;
}

interface Rig {
  link: DeviceLink;
  down(): Promise<void>;
  up(): Promise<void>;
  seen(): Seen[];
  /** Shortest gap between two commands to one light the peer tolerates, ms. */
  perLightGapMs: number;
  /** At most this many light commands in any second, peer-wide (Hue: 10). */
  perSecond: number;
  /** Largest level error from the protocol's units (rounding), L*. */
  rounding: number;
  close(): Promise<void>;
}

const level = (units: number, scale: LevelScale): number => unitsToLevel(units, scale);

const rigs: Record<string, (clock: FakeClock) => Promise<Rig>> = {
  async z2m(clock) {
    const broker = await new MqttBroker(() => clock.now()).start();
    const sim = await new Z2mSimulator(broker.url, [simDevice(1), simDevice(2), simDevice(3)], 'zigbee2mqtt', () => clock.now()).start();
    const link = new DeviceLink(z2mAdapter({ url: broker.url, timers: clock, scheduler: new Scheduler(clock), confirmTimeoutMs: 2_000 }), {
      timers: clock,
    }).start();
    return {
      link,
      down: () => broker.close(),
      up: async () => {
        await broker.restart();
        await sim.start();
      },
      seen: () =>
        sim.sets.map((s) => ({
          at: s.at,
          light: s.name,
          level: s.body.state === 'OFF' ? 0 : level(Number(s.body.brightness), SCALES.z2m),
          transitionMs: Number(s.body.transition ?? 0) * 1000,
        })),
      perLightGapMs: 100,
      perSecond: 20,
      rounding: 0.6,
      close: async () => {
        link.close();
        await sim.close();
        await broker.close();
      },
    };
  },
  async hue(clock) {
    const fake = await new FakeHueBridge({ lights: 3 }).start();
    fake.now = () => clock.now();
    fake.peer.now = () => clock.now();
    const link = new DeviceLink(
      hueAdapter({
        address: '127.0.0.1',
        api: 'v1',
        baseUrl: fake.url,
        key: fake.key,
        bridgeId: fake.bridgeId,
        timers: clock,
        scheduler: new Scheduler(clock),
        timeoutMs: 1_000,
      }),
      { timers: clock },
    ).start();
    return {
      link,
      down: () => fake.close(),
      up: async () => {
        await fake.peer.restart();
      },
      seen: () =>
        fake.commands
          .filter((c) => c.kind === 'light')
          .map((c) => ({
            at: c.at,
            light: c.id,
            level: c.body.on === false ? 0 : level(Number(c.body.bri), SCALES.hueV1),
            transitionMs: Number(c.body.transitiontime ?? 4) * 100,
          })),
      perLightGapMs: 110,
      perSecond: 10,
      rounding: 0.6,
      close: async () => {
        link.close();
        await fake.close().catch(() => {});
      },
    };
  },
  async homeassistant(clock) {
    const fake = await new FakeHomeAssistant({ lights: 3 }).start();
    fake.now = () => clock.now();
    const link = new DeviceLink(
      haAdapter({ baseUrl: fake.url, token: fake.token, timers: clock, scheduler: new Scheduler(clock), timeoutMs: 1_000 }),
      { timers: clock },
    ).start();
    return {
      link,
      down: () => fake.close(),
      up: async () => {
        await fake.peer.restart();
      },
      seen: () =>
        fake.calls.map((c) => ({
          at: c.at,
          light: String(c.body.entity_id),
          level: c.service === 'turn_off' ? 0 : level(Number(c.body.brightness), SCALES.homeassistant),
          transitionMs: Number(c.body.transition ?? 0) * 1000,
        })),
      perLightGapMs: 100,
      perSecond: 50,
      rounding: 0.6,
      close: async () => {
        link.close();
        await fake.close().catch(() => {});
      },
    };
  },
  async wiz(clock) {
    const bulb = await new FakeWizBulb('a8bb50e1c2d3').start();
    bulb.now = () => clock.now();
    const net = await WizNetwork.open({ bindAddress: '127.0.0.1', timers: clock, scheduler: new Scheduler(clock), broadcast: [] });
    if (!net.ok) throw new Error(net.error);
    const link = new DeviceLink(
      wizAdapter(async () => net, { mac: bulb.mac, address: '127.0.0.1', port: bulb.port, name: 'Lamp' }),
      {
        timers: clock,
      },
    ).start();
    return {
      link,
      down: async () => {
        bulb.silent = true;
      },
      up: async () => {
        bulb.silent = false;
      },
      seen: () =>
        bulb.commands.map((c) => ({
          at: c.at,
          light: 'wiz',
          level: c.params.state === false ? 0 : level(Number(c.params.dimming), SCALES.wiz),
          transitionMs: 0,
        })),
      perLightGapMs: 50,
      perSecond: 20,
      rounding: 1.6, // a whole WiZ dimming % is up to ~1.5 L* at the low end
      close: async () => {
        link.close();
        net.value.close();
        bulb.close();
      },
    };
  },
  async lifx(clock) {
    const mac = 'd073d5112233';
    const fake = await new FakeLifxNetwork([mac]).start();
    fake.now = () => clock.now();
    const net = await LifxNetwork.open({ bindAddress: '127.0.0.1', timers: clock, scheduler: new Scheduler(clock), broadcast: [] });
    if (!net.ok) throw new Error(net.error);
    const bulb = fake.bulbs.get(mac);
    if (!bulb) throw new Error('fixture');
    const link = new DeviceLink(
      lifxAdapter(async () => net, { mac, address: '127.0.0.1', port: fake.port, name: 'Lamp' }),
      {
        timers: clock,
      },
    ).start();
    return {
      link,
      down: async () => {
        bulb.silent = true;
      },
      up: async () => {
        bulb.silent = false;
      },
      seen: () =>
        fake.commands
          .filter((c) => c.type === 102 || (c.type === 117 && c.level === 0))
          .map((c) => ({
            at: c.at,
            light: c.mac,
            level: c.type === 117 ? 0 : level(c.brightness ?? 0, SCALES.lifx),
            transitionMs: c.duration ?? 0,
          })),
      perLightGapMs: 50,
      perSecond: 20,
      rounding: 0.1,
      close: async () => {
        link.close();
        net.value.close();
        fake.close();
      },
    };
  },
};

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
    const due = rig.link.status().nextTryAt ?? backAt;
    expect(due - backAt, `${name}: next try after ${o.lengthS} s away`).toBeLessThanOrEqual(LINK_BACKOFF.maxMs);
    const took = await advanceUntil(
      clock,
      () => {
        tick();
        return rig.link.connected;
      },
      {
        maxMs: LINK_BACKOFF.maxMs + 5_000,
        // Finer steps while reconnecting: a connection attempt needs a few real round trips.
        stepMs: 100,
        ioMs: 3,
        what: `${name} back after an outage of ${o.lengthS} s`,
      },
    );
    // ...and that attempt connects (it may take up to ATTEMPT_MS of the fake clock: the real
    // round trips of a connection, stretched by the fake steps taken meanwhile).
    expect(took, `${name}: reconnect after ${o.lengthS} s away`).toBeLessThanOrEqual(Math.max(0, due - backAt) + ATTEMPT_MS);
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
