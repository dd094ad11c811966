/**
 * The host's lights module on a fake clock, through the self-healing links, against loopback
 * peers that go away and come back: a Zigbee2MQTT broker restarted mid-session (the lights take
 * commands again, the status says what happened in plain words meanwhile), safe state pressed
 * while a Hue bridge is down (its lights at the safe level within 5 s of its return), "Check
 * again", idle reads only while the Lights view is open (a lease) or a session runs, and a
 * calibration set from the view reaching the director.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ArgsOut, runHandler } from '../../../electron/host/command';
import { type LightsArea, setupLights, WATCH_LEASE_MS } from '../../../electron/host/lights';
import { lightsCommands } from '../../../electron/host/lights/contract';
import { LightingDirector } from '../../../electron/services/lighting/director';
import { levelToUnits, SCALES } from '../../../electron/services/lighting/levels';
import { confSettings, type Settings } from '../../../electron/services/settings';
import { Vault } from '../../../electron/services/vault';
import { advanceUntil, FakeClock } from '../../fixtures/peers/clock';
import { FakeHueBridge } from '../../fixtures/peers/hue-bridge';
import { MqttBroker, simDevice, Z2mSimulator } from '../../fixtures/peers/z2m';

const base = { level: 60, kelvin: 2700 };
let dir: string;
let settings: Settings;
let vault: Vault;
let running: boolean;
const cleanup: Array<() => unknown> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-lights-links-'));
  settings = confSettings(dir);
  vault = Vault.ephemeral();
  running = false;
});

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function run<K extends keyof typeof lightsCommands>(lights: LightsArea, name: K, args: unknown): Promise<void> {
  const parsed = lightsCommands[name].schema.parse(args) as ArgsOut<(typeof lightsCommands)[K]>;
  await runHandler(lights.handlers, name, parsed);
}

/** The lights module and a director on one fake clock; `tick` plays the director once a second, as the host does. */
function open(clock: FakeClock) {
  const director = new LightingDirector([], base, 1000, { timers: clock });
  const lights = setupLights({
    settings,
    vault,
    director,
    clock: () => clock.now(),
    log: () => {},
    onChange: () => {},
    sessionRunning: () => running,
    timers: clock,
    timeoutMs: 1_000,
    network: { bindAddress: '127.0.0.1', lifxBroadcast: [], wizBroadcast: [], browse: () => () => {}, discoverMs: 100 },
  });
  cleanup.push(
    () => lights.close(),
    () => director.close(),
  );
  let next = 0;
  const tick = () => {
    if (clock.now() >= next) {
      director.tick(clock.now());
      next = clock.now() + 1000;
    }
  };
  /** Advances until `done`, ticking the director; returns the fake time it took. */
  const until = (done: () => boolean, maxMs: number, what: string, stepMs = 50) =>
    advanceUntil(
      clock,
      () => {
        tick();
        return done();
      },
      { maxMs, stepMs, ioMs: 2, what },
    );
  return { director, lights, tick, until };
}

describe('a Zigbee2MQTT broker restarted mid-session', () => {
  it('says plainly who is not answering while it is away, and the lights take commands again after its return', async () => {
    const clock = new FakeClock(1_000_000);
    const broker = await new MqttBroker(() => clock.now()).start();
    const devices = [simDevice(1), simDevice(2), simDevice(3)];
    const sim = await new Z2mSimulator(broker.url, devices, 'zigbee2mqtt', () => clock.now()).start();
    cleanup.push(
      () => sim.close(),
      () => broker.close(),
    );
    const where = `127.0.0.1:${broker.port}`;
    settings.set('lightDevices', [{ id: `z2m@${where}`, protocol: 'z2m', name: 'Zigbee', address: `mqtt://${where}`, lights: [] }]);
    running = true;
    const { director, lights, until } = open(clock);
    await until(() => lights.snapshot().lights.length === 3, 10_000, 'the lights listed');
    for (const l of lights.snapshot().lights) await run(lights, 'setLightInRoom', { lightId: l.id, inRoom: true });
    director.setKeyframes([{ at: clock.now(), level: 20, kelvin: 2700, durationMs: 0, cause: 'phase' }], base);
    await until(() => lights.snapshot().lights.every((l) => l.state === 'following' && l.level !== null), 60_000, 'following');
    expect(lights.snapshot().summary).toMatchObject({ inRoom: 3, sentence: null });

    await broker.close();
    const downAt = clock.now();
    await until(() => lights.snapshot().devices[0]?.state === 'reconnecting', 5_000, 'reconnecting');
    const dev = lights.snapshot().devices[0];
    expect(dev?.why).toBe(`The Zigbee2MQTT broker at ${where} is not answering.`);
    expect(dev?.since).toBeGreaterThanOrEqual(downAt);
    expect(dev?.nextTryAt).toBeGreaterThan(clock.now() - 1);
    expect(lights.snapshot().summary.sentence).toBe('Lamp 1, Lamp 2 and Lamp 3 are not answering.');
    expect(lights.snapshot().lights[0]).toMatchObject({ state: 'waiting-for-device', why: dev?.why });
    // Library wording never reaches the screen.
    expect(JSON.stringify(lights.snapshot())).not.toMatch(/ECONNREFUSED|client disconnecting|connack|did not take the message/i);
    await until(() => lights.snapshot().devices[0]?.state === 'unreachable', 40_000, 'unreachable after 30 s');

    await broker.restart();
    await sim.start();
    const back = clock.now();
    const took = await until(() => lights.snapshot().devices[0]?.state === 'connected', 20_000, 'connected again');
    expect(took).toBeLessThanOrEqual(15_000 + 1_000); // backoff never above 15 s
    const before = sim.sets.length;
    director.setKeyframes([{ at: clock.now(), level: 40, kelvin: 2700, durationMs: 0, cause: 'phase' }], base);
    await until(() => new Set(sim.sets.slice(before).map((s) => s.name)).size === 3, 30_000 - (clock.now() - back), 'commands again');
    expect(lights.snapshot().summary.sentence).toBeNull();
  }, 60_000);
});

/** A Hue v1 bridge on the fake clock, stored with a sealed key, three lights in the room, settled at a deep level. */
async function hueRoom(clock: FakeClock, lightsOn = 3) {
  const fake = await new FakeHueBridge({ lights: lightsOn }).start();
  fake.now = () => clock.now();
  fake.peer.now = () => clock.now();
  cleanup.push(() => fake.close().catch(() => {}));
  const port = fake.peer.port;
  settings.set('lightDevices', [
    {
      id: `hue-v1@127.0.0.1:${port}`,
      protocol: 'hue-v1',
      name: 'Bridge',
      address: '127.0.0.1',
      port,
      bridgeId: fake.bridgeId,
      secret: vault.seal(fake.key),
      lights: fake.lights.map((l) => ({ id: `hue:${fake.bridgeId}:${l.id}`, name: l.name, inRoom: true })),
    },
  ]);
  const room = open(clock);
  await room.until(() => room.lights.snapshot().devices[0]?.state === 'connected', 10_000, 'connected');
  room.director.setKeyframes([{ at: clock.now(), level: 15, kelvin: 2700, durationMs: 0, cause: 'phase' }], base);
  await room.until(() => room.lights.snapshot().lights.every((l) => l.state === 'following' && l.level !== null), 60_000, 'following');
  return { fake, ...room };
}

describe('safe state and a Hue bridge that is away', () => {
  it('pressed while the bridge is down: its lights are at the safe level within 5 s of its return', async () => {
    const clock = new FakeClock(2_000_000);
    running = true;
    const { fake, director, lights, until } = await hueRoom(clock);
    await fake.close();
    await until(() => lights.snapshot().devices[0]?.state !== 'connected', 20_000, 'noticed away');
    const safe = { level: 70, kelvin: 3000 };
    director.setSafe(true, clock.now(), safe);
    await until(() => false, 8_000, 'away a while').catch(() => {});
    await fake.peer.restart();
    const back = clock.now();
    const bri = levelToUnits(safe.level, SCALES.hueV1).value;
    await until(() => fake.lights.every((l) => l.bri === bri), 5_000, 'safe level on every light');
    // Arrived with the safe transition (≤ 2.5 s), not the gentle re-sync (≥ 10 s).
    const arrivals = fake.commands
      .filter((c) => c.at >= back && Number(c.body.bri) === bri)
      .map((c) => c.at + Number(c.body.transitiontime ?? 4) * 100 - back);
    expect(arrivals.length).toBeGreaterThan(0);
    expect(Math.max(...arrivals)).toBeLessThanOrEqual(5_000);
    expect(lights.snapshot().devices[0]?.state).toBe('connected');
  }, 60_000);

  it('"Check again" tries a bridge that is back at once instead of after its backoff', async () => {
    const clock = new FakeClock(3_000_000);
    const { fake, lights, until } = await hueRoom(clock, 2);
    await fake.close();
    await run(lights, 'refreshLights', {}); // nothing to do while connected as far as anyone knows
    running = true;
    await until(() => lights.snapshot().devices[0]?.state === 'reconnecting', 20_000, 'found gone by its check');
    await until(() => false, 60_000, 'backoff grows to 15 s').catch(() => {});
    await fake.peer.restart();
    await run(lights, 'refreshLights', {});
    const took = await until(() => lights.snapshot().devices[0]?.state === 'connected', 15_000, 'connected');
    expect(took).toBeLessThanOrEqual(1_000);
  }, 60_000);
});

describe('quiet when nothing changes', () => {
  const lightReads = (fake: FakeHueBridge, from: number) =>
    fake.peer.requests.filter((q) => q.at >= from && q.method === 'GET' && /\/lights\/[^/]+$/.test(q.path)).length;

  it('idle lights are read only while the Lights view is open (a lease) or a session runs, never faster than every 30 s', async () => {
    const clock = new FakeClock(4_000_000);
    const { fake, lights, until } = await hueRoom(clock);
    const idle = async (ms: number) => {
      const from = clock.now();
      await until(() => false, ms, 'idle', 500).catch(() => {});
      return { reads: lightReads(fake, from), checks: fake.peer.requests.filter((q) => q.at >= from && /\/config$/.test(q.path)).length };
    };
    expect(lights.snapshot().watching).toBe(false);
    expect(await idle(10 * 60_000)).toEqual({ reads: 0, checks: 0 });

    await run(lights, 'watchLights', { open: true });
    expect(lights.snapshot().watching).toBe(true);
    const open = await idle(WATCH_LEASE_MS - 5_000);
    expect(open.reads).toBeGreaterThan(0);
    expect(open.reads).toBeLessThanOrEqual(3 * Math.ceil((WATCH_LEASE_MS - 5_000) / 30_000));
    expect(open.checks).toBeGreaterThan(0);

    // The page vanished without saying so: the lease lapses and the reads stop.
    await idle(10_000);
    expect(lights.snapshot().watching).toBe(false);
    expect(await idle(10 * 60_000)).toEqual({ reads: 0, checks: 0 });

    running = true;
    await idle(2_000);
    expect(lights.snapshot().watching).toBe(true);
  }, 120_000);
});

describe('calibration from the Lights view', () => {
  it('is stored, shown, and used for the next command; a light’s level is shown as its own app shows it', async () => {
    const clock = new FakeClock(5_000_000);
    const { fake, director, lights, until } = await hueRoom(clock, 1);
    const light = lights.snapshot().lights[0];
    if (!light) throw new Error('no light');
    // "Level 15" on a Hue v1 bulb is bri 5, which the Hue app shows as 2 %.
    const bri15 = levelToUnits(15, SCALES.hueV1).value;
    expect(light.appPercent).toBeCloseTo(Math.round((bri15 / 254) * 1000) / 10, 5);
    await run(lights, 'setLightCalibration', { lightId: light.id, calibration: { minPercent: 10, maxPercent: 80 } });
    expect(lights.snapshot().lights[0]?.calibration).toEqual({ minPercent: 10, maxPercent: 80 });
    expect(JSON.stringify(settings.get('lightDevices'))).toContain('"minPercent":10');
    expect(director.status()[0]?.calibration).toEqual({ minPercent: 10, maxPercent: 80 });
    await until(() => (fake.lights[0]?.bri ?? 0) > bri15, 40_000, 'the light re-sent within its calibrated range');
    // The deep level now glows at least at the calibrated minimum (10 % of 254).
    expect(fake.lights[0]?.bri).toBeGreaterThanOrEqual(Math.floor(0.1 * 254));
    await expect(
      run(lights, 'setLightCalibration', { lightId: light.id, calibration: { minPercent: 50, maxPercent: 40 } }),
    ).rejects.toThrow(/lowest visible level must be below the highest wanted level/);
  }, 60_000);
});
