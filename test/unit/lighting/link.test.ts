/**
 * A device's link keeps it connected by itself: after a broker restart, a refused password, a
 * Zigbee2MQTT that stops, or a session that dies without a word. Real MQTT broker (aedes) on
 * loopback; the link's own timers on a fake clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LightTarget } from '../../../electron/services/lighting/driver';
import { DeviceLink, type LinkAdapter, type LinkSession, UNREACHABLE_AFTER_MS } from '../../../electron/services/lighting/link';
import { openLink } from '../../../electron/services/lighting/links';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { checkBaseTopic, z2mAdapter } from '../../../electron/services/lighting/z2m';
import { advanceUntil, FakeClock } from '../../fixtures/peers/clock';
import { rigs } from '../../fixtures/peers/rigs';
import { MqttBroker, simDevice, Z2mSimulator } from '../../fixtures/peers/z2m';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const warm: LightTarget = { level: 40, kelvin: 2700 };

async function z2mRoom(opts: { username?: string; password?: string } = {}) {
  const clock = new FakeClock(1_000_000);
  const broker = await new MqttBroker(() => clock.now()).start();
  cleanup.push(() => broker.close());
  const sim = await new Z2mSimulator(broker.url, [simDevice(1), simDevice(2)], 'zigbee2mqtt', () => clock.now()).start();
  cleanup.push(() => sim.close());
  const link = new DeviceLink(
    z2mAdapter({ url: broker.url, timers: clock, scheduler: new Scheduler(clock), confirmTimeoutMs: 2_000, ...opts }),
    { timers: clock },
  );
  cleanup.push(() => link.close());
  link.start();
  return { clock, broker, sim, link };
}

describe('a Zigbee2MQTT link', () => {
  it('comes back by itself after the broker restarts, within the backoff bound, and its lights take commands again', async () => {
    const { clock, broker, sim, link } = await z2mRoom();
    await advanceUntil(clock, () => link.connected, { maxMs: 5_000, what: 'first connection' });
    const lamp = link.lights().find((l) => l.name === 'Lamp 1');
    if (!lamp) throw new Error('fixture');
    const seen: string[] = [];
    lamp.subscribe((e) => seen.push(e));
    expect(await lamp.apply(warm, 1000)).toEqual({ ok: true });

    await broker.close(); // the broker goes away mid-session (the issue: 30 s)
    await advanceUntil(clock, () => !link.connected, { maxMs: 3_000, what: 'loss noticed' });
    const away = link.status();
    expect(away.state).toBe('reconnecting');
    expect(away.why).toBe(`The Zigbee2MQTT broker at 127.0.0.1:${broker.port} is not answering.`);
    expect(away.nextTryAt).not.toBeNull();
    expect((away.nextTryAt ?? 0) - clock.now()).toBeLessThanOrEqual(2_000); // first retry within 2 s
    // Commands fail at once, in plain words (never "client disconnecting").
    expect(await lamp.apply(warm, 1000)).toEqual({ ok: false, error: away.why });
    await advanceUntil(clock, () => false, { maxMs: 30_000, stepMs: 500 }).catch(() => {});
    expect(link.status().state).toBe('unreachable');
    expect(link.status().since).toBe(away.since);
    expect((link.status().nextTryAt ?? 0) - clock.now()).toBeLessThanOrEqual(15_000); // never more than 15 s apart

    await broker.restart();
    await sim.start(); // Zigbee2MQTT reconnects and publishes its retained topics again
    const took = await advanceUntil(clock, () => link.connected, { maxMs: 20_000, what: 'reconnected' });
    expect(took).toBeLessThanOrEqual(15_000 + 500);
    expect(link.status()).toMatchObject({ state: 'connected', why: null, nextTryAt: null });
    expect(seen).toEqual(['unreachable', 'reachable']);
    const n = sim.sets.length;
    expect(await lamp.apply({ level: 30, kelvin: 2700 }, 1000)).toEqual({ ok: true });
    expect(sim.sets.slice(n).map((s) => s.name)).toEqual(['Lamp 1']);
  }, 30_000);

  it('"Check again" tries at once instead of waiting for the next retry', async () => {
    const { clock, broker, sim, link } = await z2mRoom();
    await advanceUntil(clock, () => link.connected, { maxMs: 5_000 });
    await broker.close();
    // Let the backoff grow to its 15 s ceiling.
    await advanceUntil(clock, () => false, { maxMs: 40_000, stepMs: 1000 }).catch(() => {});
    const wait = (link.status().nextTryAt ?? 0) - clock.now();
    expect(wait).toBeGreaterThan(3_000);
    await broker.restart();
    await sim.start();
    link.reconnectNow();
    const took = await advanceUntil(clock, () => link.connected, { maxMs: 2_000, stepMs: 50, what: 'reconnect now' });
    expect(took).toBeLessThan(wait);
  }, 30_000);

  it('a refused password is said plainly and not retried by itself; "Check again" retries', async () => {
    const clock = new FakeClock(0);
    const broker = await new MqttBroker(() => clock.now()).start();
    cleanup.push(() => broker.close());
    broker.credentials = { username: 'stillroom', password: 'right-password' };
    const link = new DeviceLink(z2mAdapter({ url: broker.url, timers: clock, username: 'stillroom', password: 'wrong-password' }), {
      timers: clock,
    });
    cleanup.push(() => link.close());
    link.start();
    await advanceUntil(clock, () => link.status().attempts > 0, { maxMs: 3_000 });
    expect(link.status()).toMatchObject({
      state: 'unreachable',
      nextTryAt: null,
      why: `The Zigbee2MQTT broker at 127.0.0.1:${broker.port} refused Stillroom’s user name or password.`,
    });
    expect(link.status().why).not.toContain('wrong-password');
    const connections = broker.connections;
    await advanceUntil(clock, () => false, { maxMs: 60_000, stepMs: 5_000 }).catch(() => {});
    expect(broker.connections).toBe(connections);
    link.reconnectNow();
    await advanceUntil(clock, () => broker.connections > connections, { maxMs: 1_000, stepMs: 50 });
  });

  it('a broker without Zigbee2MQTT running says so, and connects once Zigbee2MQTT starts', async () => {
    const { clock, sim, link } = await z2mRoom();
    await advanceUntil(clock, () => link.connected, { maxMs: 5_000 });
    await sim.stop();
    await advanceUntil(clock, () => !link.connected, { maxMs: 3_000 });
    expect(link.status().why).toMatch(/answers, but Zigbee2MQTT is not running\.$/);
    await sim.start();
    await advanceUntil(clock, () => link.connected, { maxMs: 20_000, what: 'back after Zigbee2MQTT started' });
  }, 30_000);
});

describe('a stored Zigbee2MQTT entry', () => {
  it('uses its base topic end to end (lights, commands) and refuses a topic Zigbee2MQTT could not have', async () => {
    const clock = new FakeClock(0);
    const broker = await new MqttBroker(() => clock.now()).start();
    cleanup.push(() => broker.close());
    const sim = await new Z2mSimulator(broker.url, [simDevice(1), simDevice(2)], 'home/zigbee', () => clock.now()).start();
    cleanup.push(() => sim.close());
    const never = async () => ({ ok: false as const, error: 'not used' });
    const link = openLink(
      { id: 'z2m@x', protocol: 'z2m', name: 'Zigbee2MQTT', address: broker.url, insist: false, baseTopic: 'home/zigbee', lights: [] },
      { timers: clock, scheduler: new Scheduler(clock), lifx: never, wiz: never },
    );
    cleanup.push(() => link.close());
    await advanceUntil(clock, () => link.connected, { maxMs: 5_000 });
    expect(link.lights().map((l) => l.name)).toEqual(['Lamp 1', 'Lamp 2']);
    expect(await link.lights()[0]?.apply(warm, 1000)).toEqual({ ok: true });
    expect(sim.sets.at(-1)?.name).toBe('Lamp 1');
    expect(broker.seen.some((m) => m.topic === 'home/zigbee/Lamp 1/set')).toBe(true);
    expect(checkBaseTopic('home/#').ok).toBe(false);
    expect(checkBaseTopic('/zigbee2mqtt').ok).toBe(false);
    expect(checkBaseTopic(undefined)).toEqual({ ok: true, value: 'zigbee2mqtt' });
  });
});

describe('a request-based device left idle', () => {
  // How long the protocol itself waits before giving up on one request (WiZ: pywizlight's 13 s re-send schedule).
  const giveUp: Record<string, number> = { hue: 1_000, homeassistant: 1_000, wiz: 13_000 };
  for (const name of Object.keys(giveUp)) {
    it(`${name}: while watched, a device that went away is noticed within 15 s (plus its request time-out) without any command`, async () => {
      const clock = new FakeClock(0);
      const rig = await rigs[name]?.(clock);
      if (!rig) throw new Error(name);
      cleanup.push(() => rig.close());
      await advanceUntil(clock, () => rig.link.connected, { maxMs: 5_000 });
      rig.link.setWatching(true);
      await rig.down();
      const took = await advanceUntil(clock, () => !rig.link.connected, { maxMs: 40_000, stepMs: 250, what: 'noticed' });
      expect(took).toBeLessThanOrEqual(15_000 + (giveUp[name] ?? 0) + 1_000);
      expect(rig.link.status().state).toBe('reconnecting');
      await rig.up();
      await advanceUntil(clock, () => rig.link.connected, { maxMs: 20_000, stepMs: 100, ioMs: 3, what: 'back' });
    });
  }
});

describe('a link in general', () => {
  /** A scripted device: its session can die silently, answer or not. */
  function scripted(clock: FakeClock, up = true) {
    const state = { up, alive: true, opens: 0 };
    const adapter: LinkAdapter<null> = {
      what: 'the test bridge at 10.0.0.2',
      async open() {
        state.opens++;
        if (!state.up) return { ok: false, fault: { kind: 'not-answering' } };
        state.alive = true;
        const session: LinkSession<null> = { api: null, lights: [], alive: () => state.alive, close: () => {} };
        return { ok: true, value: session };
      },
    };
    const link = new DeviceLink(adapter, { timers: clock }).start();
    return { state, link };
  }

  it('derives its state from the connection: a session that died silently is not "connected"', async () => {
    const clock = new FakeClock(0);
    const { state, link } = scripted(clock);
    await clock.advance(10);
    expect(link.status().state).toBe('connected');
    state.alive = false; // the library said nothing
    state.up = false;
    expect(link.status().state).toBe('reconnecting');
    expect(link.connected).toBe(false);
  });

  it('retries on 1, 2, 4, 8, then 15 s; every second while hurried; unreachable after 30 s', async () => {
    const clock = new FakeClock(0);
    const { state, link } = scripted(clock, false);
    await clock.advance(10);
    const starts: number[] = [];
    let last = state.opens;
    for (let t = 0; t < 70_000; t += 100) {
      await clock.advance(100);
      if (state.opens !== last) {
        starts.push(clock.now());
        last = state.opens;
      }
    }
    const gaps = starts.map((t, i) => t - (starts[i - 1] ?? 0)).slice(1);
    expect(gaps.slice(0, 5)).toEqual([2_000, 4_000, 8_000, 15_000, 15_000]);
    expect(starts[0]).toBeLessThanOrEqual(1_100);
    expect(link.status().state).toBe('unreachable');
    expect(clock.now() - link.status().since).toBeGreaterThanOrEqual(UNREACHABLE_AFTER_MS);
    link.hurry();
    const before = state.opens;
    await clock.advance(5_000);
    expect(state.opens - before).toBeGreaterThanOrEqual(4);
  });
});
