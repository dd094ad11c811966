/**
 * Lighting figures through the host's lights module (`setupLights`, as the host runs it: stored
 * devices, their self-healing links, the room-group sync per bridge, the director's polling
 * gated by "session running or Lights view open"), on a fake clock against loopback peers, so
 * the figures are the code's own behaviour, not the machine's speed:
 *
 * - writes to a Hue bridge's group table while a therapist ticks 15 lights into the room, one a
 *   second, in the Lights view;
 * - reads per idle light per hour with ten lights in the room: during a session, and with no
 *   session and the Lights view closed (Hue: a GET per light read, plus the bridge check;
 *   Zigbee2MQTT: radio `/get` reads).
 *
 * Run alone: `npx tsx test/bench/lighting-host.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ArgsOut, runHandler } from '../../electron/host/command';
import { type LightsArea, setupLights } from '../../electron/host/lights';
import { lightsCommands } from '../../electron/host/lights/contract';
import { LightingDirector } from '../../electron/services/lighting/director';
import { confSettings } from '../../electron/services/settings';
import { Vault } from '../../electron/services/vault';
import { advanceUntil, FakeClock } from '../fixtures/peers/clock';
import { FakeHueBridge } from '../fixtures/peers/hue-bridge';
import { MqttBroker, simDevice, Z2mSimulator } from '../fixtures/peers/z2m';

const base = { level: 40, kelvin: 2700 };

async function run<K extends keyof typeof lightsCommands>(lights: LightsArea, name: K, args: unknown): Promise<void> {
  await runHandler(lights.handlers, name, lightsCommands[name].schema.parse(args) as ArgsOut<(typeof lightsCommands)[K]>);
}

/** The lights module on a fake clock with stored devices; `idle(ms)` plays the director once a second. */
function hostWith(clock: FakeClock, vault: Vault, devices: unknown[], session: () => boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'stillroom-bench-lights-'));
  const settings = confSettings(dir);
  settings.set('lightDevices', devices);
  const director = new LightingDirector([], base, 1000, { timers: clock });
  const lights = setupLights({
    settings,
    vault,
    director,
    clock: () => clock.now(),
    log: () => {},
    onChange: () => {},
    sessionRunning: session,
    timers: clock,
    timeoutMs: 1_000,
    network: { bindAddress: '127.0.0.1', lifxBroadcast: [], wizBroadcast: [], browse: () => () => {} },
  });
  const until = (done: () => boolean, maxMs: number, stepMs = 250) =>
    advanceUntil(
      clock,
      () => {
        director.tick(clock.now());
        return done();
      },
      { maxMs, stepMs, ioMs: 1 },
    );
  const idle = (ms: number) => until(() => false, ms, 1000).catch(() => {});
  const close = () => {
    lights.close();
    director.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { lights, director, until, idle, close };
}

/** A Hue v1 bridge on the fake clock, stored with a sealed key (as pairing leaves it). */
async function hueStored(clock: FakeClock, vault: Vault, count: number, inRoom: number, roomLights?: string[]) {
  const fake = await new FakeHueBridge({ lights: count, roomLights, limits: false }).start();
  fake.now = () => clock.now();
  fake.peer.now = () => clock.now();
  const port = fake.peer.port;
  const device = {
    id: `hue-v1@127.0.0.1:${port}`,
    protocol: 'hue-v1',
    name: 'Bridge',
    address: '127.0.0.1',
    port,
    bridgeId: fake.bridgeId,
    secret: vault.seal(fake.key),
    lights: fake.lights.map((l, i) => ({ id: `hue:${fake.bridgeId}:${l.id}`, name: l.name, inRoom: i < inRoom })),
  };
  return { fake, device };
}

/** 15 lights ticked into the room one a second, through the setLightInRoom command: group-table writes. */
async function groupWritesThroughHost(): Promise<Record<string, number>> {
  const clock = new FakeClock(0);
  const vault = Vault.ephemeral();
  const { fake, device } = await hueStored(clock, vault, 16, 0, ['1', '2', '3']);
  const h = hostWith(clock, vault, [device], () => false);
  try {
    await run(h.lights, 'watchLights', { open: true });
    await h.until(() => h.lights.snapshot().devices[0]?.state === 'connected', 10_000);
    const ids = h.lights.snapshot().lights.map((l) => l.id);
    for (const id of ids.slice(0, 15)) {
      await run(h.lights, 'setLightInRoom', { lightId: id, inRoom: true });
      await h.idle(1_000);
    }
    await h.until(() => /Stillroom room/.test(h.lights.snapshot().devices[0]?.safeState ?? ''), 20_000);
    await h.idle(30_000);
    return { 'lighting.host.roomGroup.writesFor15LightSetup (count)': fake.groupWrites };
  } finally {
    h.close();
    await fake.close();
  }
}

/** Reads per idle light per hour, ten lights in the room, through the host: during a session, and with nothing watching. */
async function idleReadsThroughHost(): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  for (const watched of [true, false]) {
    const label = watched ? 'session' : 'unwatched';
    {
      const clock = new FakeClock(0);
      const vault = Vault.ephemeral();
      const { fake, device } = await hueStored(clock, vault, 10, 10);
      const h = hostWith(clock, vault, [device], () => watched);
      try {
        await h.until(() => h.lights.snapshot().lights.every((l) => l.state === 'following' && l.level !== null), 60_000);
        await h.idle(60_000);
        const from = clock.now();
        await h.idle(3_600_000);
        const gets = fake.peer.requests.filter((q) => q.at >= from && q.method === 'GET');
        r[`lighting.host.idleReads.hue.${label} (reads/light/hour)`] = gets.filter((q) => /\/lights\/[^/]+$/.test(q.path)).length / 10;
        r[`lighting.host.idleRequests.hue.${label} (GETs/light/hour, checks included)`] = gets.length / 10;
      } finally {
        h.close();
        await fake.close();
      }
    }
    {
      const clock = new FakeClock(0);
      const broker = await new MqttBroker(() => clock.now()).start();
      const sim = await new Z2mSimulator(
        broker.url,
        Array.from({ length: 10 }, (_, i) => simDevice(i + 1)),
        'zigbee2mqtt',
        () => clock.now(),
      ).start();
      const where = `127.0.0.1:${broker.port}`;
      const stored = { id: `z2m@${where}`, protocol: 'z2m', name: 'Zigbee', address: `mqtt://${where}`, lights: [] };
      const h = hostWith(clock, Vault.ephemeral(), [stored], () => watched);
      try {
        await h.until(() => h.lights.snapshot().lights.length === 10, 10_000);
        for (const l of h.lights.snapshot().lights) await run(h.lights, 'setLightInRoom', { lightId: l.id, inRoom: true });
        await h.until(() => h.lights.snapshot().lights.every((l) => l.state === 'following' && l.level !== null), 60_000);
        await h.idle(60_000);
        const before = sim.gets;
        await h.idle(3_600_000);
        r[`lighting.host.idleReads.z2m.${label} (radio reads/light/hour)`] = (sim.gets - before) / 10;
      } finally {
        h.close();
        await sim.close();
        await broker.close();
      }
    }
  }
  return r;
}

export async function benchLightingHost(): Promise<Record<string, number>> {
  return { ...(await groupWritesThroughHost()), ...(await idleReadsThroughHost()) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchLightingHost();
  for (const [k, v] of Object.entries(r)) process.stdout.write(`${k.padEnd(60)} ${Math.round(v * 1000) / 1000}\n`);
  process.exit(0);
}
