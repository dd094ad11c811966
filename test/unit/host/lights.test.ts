/**
 * The host's lights module against loopback fakes: room configuration in settings (sealed
 * secrets), adding by address, Hue pairing (101, then success), refusals a person can read,
 * test pulse, safe state by group within 3 s (the director's safe mode, as the host sets it),
 * the bridge group Stillroom keeps for the room, and the pinned Hue v2 certificate.
 * (Connections, outages and watching on a fake clock are in lights-links.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightKeyframe } from '../../../electron/core/timeline';
import { type ArgsOut, runHandler } from '../../../electron/host/command';
import { type LightsArea, type LightsContext, setupLights } from '../../../electron/host/lights';
import { lightsCommands } from '../../../electron/host/lights/contract';

type LightCommand = keyof typeof lightsCommands;

import { LightingDirector } from '../../../electron/services/lighting/director';
import { VirtualLamp } from '../../../electron/services/lighting/virtual';
import { confSettings, type Settings } from '../../../electron/services/settings';
import { Vault } from '../../../electron/services/vault';
import { makeBridgeCerts } from '../../fixtures/peers/certs';
import { FakeClock } from '../../fixtures/peers/clock';
import { FakeHomeAssistant } from '../../fixtures/peers/home-assistant';
import { FakeHueBridge, type HueCommand } from '../../fixtures/peers/hue-bridge';
import { FakeLifxNetwork } from '../../fixtures/peers/lifx-bulbs';
import { FakeWizBulb } from '../../fixtures/peers/wiz-bulb';
import { simDevice, Z2mSimulator } from '../../fixtures/peers/z2m';

let dir: string;
let settings: Settings;
let vault: Vault;
let logs: string[];
let running: boolean;
const cleanup: Array<() => unknown> = [];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function open(director = new LightingDirector([], { level: 60, kelvin: 2700 }, 1000), extra: Partial<LightsContext> = {}) {
  const lights = setupLights({
    settings,
    vault,
    director,
    clock: Date.now,
    log: (l) => logs.push(l),
    onChange: () => {},
    sessionRunning: () => running,
    timeoutMs: 800,
    network: { bindAddress: '127.0.0.1', lifxBroadcast: [], wizBroadcast: [], browse: () => () => {}, discoverMs: 200 },
    ...extra,
  });
  cleanup.push(
    () => lights.close(),
    () => director.close(),
  );
  return { lights, director };
}

/** Runs a command the way the host does: zod first, then the module. */
async function run<K extends LightCommand>(lights: LightsArea, name: K, args: unknown) {
  const parsed = lightsCommands[name].schema.safeParse(args);
  if (!parsed.success) return { ok: false as const, error: parsed.error.issues[0]?.message ?? 'invalid' };
  try {
    const r = await runHandler(lights.handlers, name, parsed.data as ArgsOut<(typeof lightsCommands)[K]>);
    return { ok: true as const, data: (r && 'data' in r ? r.data : undefined) as Record<string, unknown> | undefined };
  } catch (err) {
    return { ok: false as const, error: (err as Error).message };
  }
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await wait(20);
  }
}

async function fakeBridge(lights = 3): Promise<FakeHueBridge> {
  const fake = await new FakeHueBridge({ lights }).start();
  cleanup.push(() => fake.close());
  return fake;
}

async function addAndPair(lights: LightsArea, fake: FakeHueBridge) {
  const added = await run(lights, 'addLight', { protocol: 'hue-v1', address: '127.0.0.1', port: fake.peer.port });
  expect(added.ok).toBe(true);
  const deviceId = String(added.data?.deviceId);
  fake.linkPressed = true;
  const paired = await run(lights, 'pairLight', { deviceId });
  expect(paired).toMatchObject({ ok: true });
  return deviceId;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-lights-'));
  settings = confSettings(dir);
  vault = Vault.ephemeral();
  logs = [];
  running = false;
});

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

describe('adding and pairing a Hue bridge', () => {
  it('says to press the link button, then pairs; the key is sealed on disk and shown only by its end', async () => {
    const fake = await fakeBridge();
    const { lights } = open();
    const added = await run(lights, 'addLight', { protocol: 'hue-v1', address: '127.0.0.1', port: fake.peer.port });
    expect(added).toMatchObject({ ok: true });
    expect(String(added.data?.message)).toMatch(/press the link button/i);
    const deviceId = String(added.data?.deviceId);
    expect(lights.snapshot().devices[0]).toMatchObject({ name: 'Philips hue', state: 'needs-pairing', secretHint: null });
    expect(lights.snapshot().devices[0]?.why).toMatch(/needs pairing: press its link button, then Pair\.$/);

    const early = await run(lights, 'pairLight', { deviceId });
    expect(early).toEqual({ ok: false, error: 'Press the link button on the bridge, then Pair again.' });

    fake.linkPressed = true;
    const paired = await run(lights, 'pairLight', { deviceId });
    expect(paired.ok).toBe(true);
    expect(String(paired.data?.message)).toMatch(/3 lights found/);
    const snap = lights.snapshot();
    expect(snap.devices[0]).toMatchObject({ state: 'connected', secretHint: `key ending …${fake.key.slice(-4)}` });
    expect(snap.lights.map((l) => l.name)).toEqual(['Lamp 1', 'Lamp 2', 'Lamp 3']);
    expect(JSON.stringify(snap)).not.toContain(fake.key);

    const onDisk = readFileSync(join(dir, 'settings.json'), 'utf8');
    expect(onDisk).not.toContain(fake.key);
    expect(onDisk).toContain('"secret": "sr1:');
    expect(logs.join('\n')).not.toContain(fake.key);

    // A fresh start opens the sealed key and connects without pairing again.
    lights.close();
    const again = open();
    await until(() => again.lights.snapshot().devices[0]?.state === 'connected');
    expect(again.lights.snapshot().lights).toHaveLength(3);
  });

  it('refuses a non-private address unless the person insists, and says why', async () => {
    const { lights } = open();
    const r = await run(lights, 'addLight', { protocol: 'hue-v1', address: '8.8.8.8' });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(/not on the local network/);
    expect(lights.snapshot().devices).toHaveLength(0);
  });

  it('names an unreachable address, a garbage reply and a bridge that never answers', async () => {
    const fake = await fakeBridge();
    const { lights } = open();
    const port = fake.peer.port;
    fake.peer.faults = { garbage: true };
    const garbage = await run(lights, 'addLight', { protocol: 'hue-v1', address: '127.0.0.1', port });
    expect(garbage).toEqual({ ok: false, error: expect.stringMatching(/Could not reach a Hue bridge at 127\.0\.0\.1:\d+: .*not JSON/) });
    fake.peer.faults = { hang: true };
    const hang = await run(lights, 'addLight', { protocol: 'hue-v1', address: '127.0.0.1', port });
    expect(hang).toEqual({ ok: false, error: expect.stringMatching(/no answer within 0\.8 s/) });
    await fake.close();
    const gone = await run(lights, 'addLight', { protocol: 'hue-v1', address: '127.0.0.1', port });
    expect(gone).toEqual({ ok: false, error: expect.stringMatching(/connection refused/) });
    expect(lights.snapshot().devices).toHaveLength(0);
  });

  it('a bridge that stops answering while pairing times out with a clear message', async () => {
    const fake = await fakeBridge();
    const { lights } = open();
    const added = await run(lights, 'addLight', { protocol: 'hue-v1', address: '127.0.0.1', port: fake.peer.port });
    fake.peer.faults = { hang: true };
    const r = await run(lights, 'pairLight', { deviceId: String(added.data?.deviceId) });
    expect(r).toEqual({ ok: false, error: 'Pairing with “Philips hue” failed: no answer within 0.8 s.' });
    expect(lights.snapshot().devices[0]?.state).toBe('needs-pairing');
  });

  it('v1: a bridge that does not take the power-on setting says so', async () => {
    const fake = await fakeBridge();
    const { lights } = open();
    const deviceId = await addAndPair(lights, fake);
    const r = await run(lights, 'keepLightsAfterPowerCut', { deviceId });
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(/^The bridge did not take the setting \(Lamp 1: the bridge refused the command/),
    });
  });

  it('refuses the same bridge twice', async () => {
    const fake = await fakeBridge();
    const { lights } = open();
    await addAndPair(lights, fake);
    const again = await run(lights, 'addLight', { protocol: 'hue-v1', address: '127.0.0.1', port: fake.peer.port });
    expect(again).toEqual({ ok: false, error: expect.stringMatching(/“Philips hue” is already in the list/) });
    expect(lights.snapshot().devices).toHaveLength(1);
  });

  it('shows a bridge that no longer accepts the key as needing a new pairing (401-style error 1)', async () => {
    const fake = await fakeBridge();
    const { lights, director } = open();
    const deviceId = await addAndPair(lights, fake);
    const lamp = lights.snapshot().lights[0];
    await run(lights, 'setLightInRoom', { lightId: lamp?.id, inRoom: true });
    // The bridge forgets Stillroom (its key list was reset): the next command says so, and the device asks to be paired again.
    (fake as unknown as { key: string }).key = 'AnotherKeyTheBridgeNowExpects000';
    director.setKeyframes([{ at: Date.now(), level: 20, kelvin: 2700, durationMs: 0, cause: 'phase' }], { level: 60, kelvin: 2700 });
    await until(() => {
      director.tick(Date.now());
      return lights.snapshot().devices[0]?.state === 'needs-pairing';
    }, 6000);
    const port = fake.peer.port;
    expect(lights.snapshot().devices[0]?.why).toBe(`The Hue bridge at 127.0.0.1:${port} needs pairing: press its link button, then Pair.`);
    expect(lights.snapshot().lights[0]).toMatchObject({ state: 'waiting-for-device', why: lights.snapshot().devices[0]?.why });
    expect(lights.snapshot().summary.sentence).toBe('Lamp 1 is not answering.');
    expect(deviceId).toContain('hue-v1@');
  });

  it('names a light, puts it in the room and takes it out', async () => {
    const fake = await fakeBridge();
    const { lights, director } = open();
    await addAndPair(lights, fake);
    const lamp = lights.snapshot().lights[0];
    if (!lamp) throw new Error('no light');
    expect((await run(lights, 'renameLight', { id: lamp.id, name: '  Reading lamp ' })).ok).toBe(true);
    expect(lights.snapshot().lights[0]?.name).toBe('Reading lamp');
    expect((await run(lights, 'renameLight', { id: lamp.id, name: '' })).ok).toBe(false);
    await run(lights, 'setLightInRoom', { lightId: lamp.id, inRoom: true });
    expect(director.status().map((s) => s.id)).toEqual([lamp.id]);
    expect(lights.snapshot().summary).toEqual({ inRoom: 1, notFollowing: [], sentence: null });
    await run(lights, 'setLightInRoom', { lightId: lamp.id, inRoom: false });
    expect(director.status()).toEqual([]);
    // Kept across restarts.
    expect(JSON.stringify(settings.get('lightDevices'))).toContain('Reading lamp');
  });

  it('removes a device only with the word "remove"', async () => {
    const fake = await fakeBridge();
    const { lights } = open();
    const deviceId = await addAndPair(lights, fake);
    expect((await run(lights, 'removeLight', { deviceId })).ok).toBe(false);
    expect((await run(lights, 'removeLight', { deviceId, confirm: 'yes' })).ok).toBe(false);
    expect((await run(lights, 'removeLight', { deviceId, confirm: 'remove' })).ok).toBe(true);
    expect(lights.snapshot().devices).toEqual([]);
    expect(settings.get('lightDevices')).toEqual([]);
  });
});

describe('room configuration in settings', () => {
  it('drops a damaged entry and a repeated id with a log line, keeps the rest', async () => {
    const good = { id: 'wiz@a8bb50e1c2d3', protocol: 'wiz', name: 'Desk', address: '127.0.0.1', port: 1, mac: 'a8bb50e1c2d3', lights: [] };
    settings.set('lightDevices', [
      good,
      { id: 'x', protocol: 'carrier-pigeon', name: 'Bird', address: 'roof' },
      { ...good, name: 'Desk again' },
      { ...good, id: 'hue-v1@10.0.0.2:80', protocol: 'hue-v1', secret: 'my-key-in-clear' },
    ]);
    const { lights } = open();
    expect(lights.snapshot().devices.map((d) => d.name)).toEqual(['Desk']);
    expect(logs.filter((l) => /left out/.test(l))).toHaveLength(3);
    expect(lights.snapshot().problems.join(' ')).toMatch(/appears twice/);
  });

  it('a key sealed with another machine’s data key asks to pair again instead of crashing', async () => {
    const other = Vault.ephemeral();
    settings.set('lightDevices', [
      { id: 'hue-v1@127.0.0.1:9', protocol: 'hue-v1', name: 'Bridge', address: '127.0.0.1', port: 9, secret: other.seal('k'), lights: [] },
    ]);
    const { lights } = open();
    expect(lights.snapshot().problems.join(' ')).toMatch(/does not open with this machine’s data key; pair it again/);
    await until(() => lights.snapshot().devices[0]?.state === 'needs-pairing');
  });
});

describe('test pulse and preview', () => {
  it('pulses one light slowly up and back, and is refused while a session runs', async () => {
    const fake = await fakeBridge();
    const { lights } = open();
    await addAndPair(lights, fake);
    const lamp = lights.snapshot().lights[1];
    if (!lamp) throw new Error('no light');
    running = true;
    const refused = await run(lights, 'testPulse', { lightId: lamp.id });
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(/A session is running; a test pulse would disturb the room/) });
    running = false;
    const before = fake.commands.length;
    const r = await run(lights, 'testPulse', { lightId: lamp.id });
    expect(r.ok).toBe(true);
    await until(() => fake.commands.length >= before + 1);
    const first = fake.commands[before];
    expect(first).toMatchObject({ kind: 'light', id: '2' });
    expect(Number(first?.body.transitiontime)).toBeGreaterThanOrEqual(20); // ≥ 2 s: slow, never a flash
    // Only the chosen light was touched.
    expect(fake.commands.slice(before).every((c) => c.id === '2')).toBe(true);
    const busy = await run(lights, 'testPulse', { lightId: lamp.id });
    expect(busy).toEqual({ ok: false, error: expect.stringMatching(/A test is under way/) });
  });

  it('preview is refused with no light in the room, and during a session', async () => {
    const fake = await fakeBridge();
    const { lights } = open();
    await addAndPair(lights, fake);
    expect(await run(lights, 'previewScene', { level: 30, kelvin: 2400 })).toEqual({
      ok: false,
      error: expect.stringMatching(/No connected light is in the room/),
    });
    const lamp = lights.snapshot().lights[0];
    await run(lights, 'setLightInRoom', { lightId: lamp?.id, inRoom: true });
    running = true;
    expect((await run(lights, 'previewScene', { level: 30, kelvin: 2400 })).ok).toBe(false);
    running = false;
    const before = fake.commands.length;
    expect((await run(lights, 'previewScene', { level: 30, kelvin: 2400 })).ok).toBe(true);
    await until(() => fake.commands.slice(before).some((c) => c.id === '1' && Number(c.body.transitiontime) >= 30));
  });

  it('shows a preview on the on-screen lamp with no real light, then eases back to the timeline; never during a session', async () => {
    const clock = new FakeClock(1_000);
    const shown: Array<{ level: number; kelvin: number }> = [];
    const lamp = new VirtualLamp({ level: 60, kelvin: 2700 }, (s) => shown.push({ ...s }));
    const { lights, director } = open(new LightingDirector([lamp], { level: 60, kelvin: 2700 }, 1000), { timers: clock });
    director.tick(clock.now());
    running = true;
    expect(await run(lights, 'previewScene', { level: 20, kelvin: 2200 })).toEqual({
      ok: false,
      error: expect.stringMatching(/A session is running; a scene preview would disturb the room/),
    });
    expect(shown.at(-1)).toEqual({ level: 60, kelvin: 2700 });
    running = false;
    const r = await run(lights, 'previewScene', { level: 20, kelvin: 2200 });
    expect(r).toEqual({ ok: true, data: { message: 'Showing 20 % at 2200 K on the on-screen lamp for a few seconds, then easing back.' } });
    expect(shown.at(-1)).toEqual({ level: 20, kelvin: 2200 });
    // The director keeps ticking meanwhile; the preview stays on the lamp.
    director.tick(clock.now() + 31_000);
    expect(shown.at(-1)).toEqual({ level: 20, kelvin: 2200 });
    await clock.advance(9_000);
    expect(shown.at(-1)).toEqual({ level: 60, kelvin: 2700 });
    expect(await lamp.read()).toEqual({ level: 60, kelvin: 2700 });
  });

  it('stores the safe scene, refusing a level too dark to work by', async () => {
    const { lights } = open();
    expect((await run(lights, 'setSafeScene', { level: 2, kelvin: 2700 })).ok).toBe(false);
    expect((await run(lights, 'setSafeScene', { level: 55, kelvin: 3000 })).ok).toBe(true);
    expect(settings.get('safeScene')).toEqual({ level: 55, kelvin: 3000 });
    expect(lights.snapshot().safeScene).toEqual({ level: 55, kelvin: 3000 });
  });
});

describe('safe state with many lights on one bridge', () => {
  it('20 lights reach the safe level within 3 s through one group command', async () => {
    const fake = await fakeBridge(20);
    fake.peer.delayMs = 15;
    const { lights, director } = open();
    await addAndPair(lights, fake);
    for (const l of lights.snapshot().lights) await run(lights, 'setLightInRoom', { lightId: l.id, inRoom: true });
    const base = { level: 60, kelvin: 2700 };
    const t0 = Date.now();
    const frames: LightKeyframe[] = [{ at: t0, level: 30, kelvin: 2700, durationMs: 0, cause: 'phase' }];
    director.setKeyframes(frames, base);
    const tick = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        director.tick(Date.now());
        await wait(100);
      }
    };
    await tick(4500); // first contact with every light
    const safeAt = Date.now();
    const from = fake.commands.length;
    director.setSafe(true, safeAt, base);
    await tick(1500);
    const after = fake.commands.slice(from);
    const group = after.find((c) => c.kind === 'group');
    expect(group).toBeDefined();
    const arrives = (group?.at ?? 0) + Number(group?.body.transitiontime) * 100 - safeAt;
    expect(arrives).toBeLessThanOrEqual(3000);
    expect(group?.body).toMatchObject({ on: true, bri: expect.any(Number) });
    // No stale single-light commands after the group command.
    expect(after.filter((c) => c.kind === 'light' && c.at > (group?.at ?? 0))).toEqual([]);
    expect(fake.rejected429).toBe(0);
  }, 15_000);
});

/** Settles the room at a dim phase light, presses safe state, and returns the commands the bridge got after it. */
async function safeOn(director: LightingDirector, fake: FakeHueBridge): Promise<HueCommand[]> {
  const t0 = Date.now();
  const frames: LightKeyframe[] = [{ at: t0, level: 30, kelvin: 2700, durationMs: 0, cause: 'phase' }];
  director.setKeyframes(frames, { level: 60, kelvin: 2700 });
  for (let i = 0; i < 25; i++) {
    director.tick(Date.now());
    await wait(100);
  }
  const from = fake.commands.length;
  director.setSafe(true, Date.now(), { level: 60, kelvin: 2700 });
  for (let i = 0; i < 15; i++) {
    director.tick(Date.now());
    await wait(100);
  }
  return fake.commands.slice(from);
}

describe('a bridge group made for the room', () => {
  it('v1: when no group holds exactly the room, Stillroom makes one, uses it for safe state, and follows the room', async () => {
    const fake = await fakeBridge(6);
    const director = new LightingDirector([], { level: 60, kelvin: 2700 }, 1000);
    const { lights } = open(director);
    const deviceId = await addAndPair(lights, fake);
    const all = lights.snapshot().lights;
    // Four of the bridge's six lights are the therapy room; the others light the hallway.
    for (const l of all.slice(0, 4)) await run(lights, 'setLightInRoom', { lightId: l.id, inRoom: true });
    // Written once the room has stayed the same for 3 s.
    await until(() => fake.groups.find((g) => g.name === 'Stillroom room')?.lights.length === 4, 8000);
    const made = fake.groups.find((g) => g.name === 'Stillroom room');
    expect(made).toMatchObject({ type: 'LightGroup', lights: ['1', '2', '3', '4'] });
    await until(() => /one command to the bridge group “Stillroom room”/.test(lights.snapshot().devices[0]?.safeState ?? ''));
    expect(fake.groupWrites).toBe(1); // four ticks, one write
    const sent = await safeOn(director, fake);
    const groupCmds = sent.filter((c) => c.kind === 'group');
    expect(groupCmds).toHaveLength(1);
    expect(groupCmds[0]).toMatchObject({ id: made?.id, body: { on: true } });
    expect(Number(groupCmds[0]?.body.transitiontime) * 100).toBeLessThanOrEqual(2500);
    // The hallway lights were not touched by safe state.
    expect(sent.filter((c) => c.kind === 'light' && (c.id === '5' || c.id === '6'))).toEqual([]);

    // The room changes: the same group follows (no second group on the bridge).
    const fifth = all[4];
    if (fifth) await run(lights, 'setLightInRoom', { lightId: fifth.id, inRoom: true });
    await until(() => fake.groups.find((g) => g.name === 'Stillroom room')?.lights.length === 5, 8000);
    expect(fake.groups.filter((g) => g.name === 'Stillroom room')).toHaveLength(1);
    await until(() => /Stillroom room/.test(lights.snapshot().devices.find((d) => d.id === deviceId)?.safeState ?? ''));
  }, 20_000);

  it('v1: a bridge that refuses a new group is said plainly; safe state goes light by light', async () => {
    const fake = await fakeBridge(4);
    const director = new LightingDirector([], { level: 60, kelvin: 2700 }, 1000);
    const { lights } = open(director);
    await addAndPair(lights, fake);
    // A real bridge answers error 301 when its group table is full.
    fake.groupTableFull = true;
    for (const l of lights.snapshot().lights.slice(0, 2)) await run(lights, 'setLightInRoom', { lightId: l.id, inRoom: true });
    await until(() => /light by light/.test(lights.snapshot().devices[0]?.safeState ?? ''), 8000);
    expect(lights.snapshot().devices[0]?.safeState).toMatch(/would not make a group for the room \(its group table may be full\)/);
    const sent = await safeOn(director, fake);
    expect(sent.filter((c) => c.kind === 'group')).toEqual([]);
    expect(new Set(sent.filter((c) => c.kind === 'light').map((c) => c.id))).toEqual(new Set(['1', '2']));
  }, 20_000);
});

describe('Hue v2 certificate pinning', () => {
  it.skipIf(!makeBridgeCerts('001788fffe7a1b2c'))(
    'v2: safe state goes to the room’s grouped_light when its lights are the room',
    async () => {
      const certs = makeBridgeCerts('001788fffe7a1b2c');
      if (!certs) return;
      const fake = await new FakeHueBridge({ lights: 4, tls: certs }).start();
      cleanup.push(() => fake.close());
      const { lights, director } = open();
      const added = await run(lights, 'addLight', { protocol: 'hue-v2', address: '127.0.0.1', port: fake.peer.port });
      fake.linkPressed = true;
      expect((await run(lights, 'pairLight', { deviceId: String(added.data?.deviceId) })).ok).toBe(true);
      for (const l of lights.snapshot().lights) await run(lights, 'setLightInRoom', { lightId: l.id, inRoom: true });
      const group = (await safeOn(director, fake)).find((c) => c.kind === 'group');
      // Power-cut recovery: each bulb is told to come back as it was (not at full white).
      const beforePower = fake.commands.length;
      const power = await run(lights, 'keepLightsAfterPowerCut', { deviceId: String(added.data?.deviceId) });
      expect(power).toMatchObject({
        ok: true,
        data: { message: 'All 4 lights will come back as they were after a power cut, not at full brightness.' },
      });
      const powerups = fake.commands.slice(beforePower).filter((c) => 'powerup' in c.body);
      expect(powerups.map((c) => c.body.powerup)).toEqual(Array(4).fill({ preset: 'powerfail' }));
      expect(group).toMatchObject({ api: 'v2', id: 'g-room-1', body: { on: { on: true }, dynamics: { duration: expect.any(Number) } } });
      expect(Number((group?.body.dynamics as { duration?: number } | undefined)?.duration)).toBeLessThanOrEqual(2500);
    },
  );

  const certs = makeBridgeCerts('001788fffe7a1b2c');
  const other = makeBridgeCerts('001788fffe7a1b2c');
  it.skipIf(!certs || !other)('pins the certificate at first contact and refuses a different one later', async () => {
    if (!certs || !other) return;
    const fake = await new FakeHueBridge({ lights: 2, tls: certs }).start();
    const impostor = await new FakeHueBridge({ lights: 2, tls: other, key: fake.key }).start();
    cleanup.push(
      () => fake.close(),
      () => impostor.close(),
    );
    const { lights } = open();
    const added = await run(lights, 'addLight', { protocol: 'hue-v2', address: '127.0.0.1', port: fake.peer.port });
    expect(added.ok).toBe(true);
    fake.linkPressed = true;
    expect((await run(lights, 'pairLight', { deviceId: String(added.data?.deviceId) })).ok).toBe(true);
    const snap = lights.snapshot();
    expect(snap.devices[0]).toMatchObject({ state: 'connected', certificate: expect.stringMatching(/^[0-9A-F:]+…/) });
    expect(snap.lights).toHaveLength(2);

    // The same bridge by the other API would drive its lights twice: refused.
    const v1 = await new FakeHueBridge({ lights: 2 }).start();
    cleanup.push(() => v1.close());
    const twice = await run(lights, 'addLight', { protocol: 'hue-v1', address: '127.0.0.1', port: v1.peer.port });
    expect(twice).toEqual({ ok: false, error: expect.stringMatching(/already in the list as “Philips hue” \(API v2\); remove it first/) });
    lights.close();

    // The same stored device, now answered by a bridge with another certificate.
    const stored = settings.get('lightDevices') as Array<Record<string, unknown>>;
    settings.set('lightDevices', [{ ...stored[0], port: impostor.peer.port }]);
    const again = open();
    await until(() => again.lights.snapshot().devices[0]?.state === 'unreachable');
    expect(again.lights.snapshot().devices[0]?.why).toMatch(/different certificate than when it was paired/);
    // Nothing (least of all the key) was sent to the impostor.
    expect(impostor.peer.requests).toEqual([]);
  });
});

describe('other protocols', () => {
  it('Home Assistant: a wrong token is refused with a clear message, the right one is sealed', async () => {
    const ha = await new FakeHomeAssistant({ lights: 2 }).start();
    cleanup.push(() => ha.close());
    const { lights } = open();
    const wrong = await run(lights, 'addLight', { protocol: 'homeassistant', url: ha.url, token: 'not-the-token-at-all' });
    expect(wrong).toEqual({ ok: false, error: expect.stringMatching(/rejected the access token/) });
    const right = await run(lights, 'addLight', { protocol: 'homeassistant', url: ha.url, token: ha.token });
    expect(right.ok).toBe(true);
    expect(lights.snapshot().devices[0]?.secretHint).toBe(`token ending …${ha.token.slice(-4)}`);
    expect(lights.snapshot().lights).toHaveLength(2);
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toContain(ha.token);
  });

  it('WiZ: added by address (it says who it is), pulsed with steps', async () => {
    const bulb = await new FakeWizBulb('a8bb50e1c2d3').start();
    cleanup.push(() => bulb.close());
    const { lights } = open();
    const r = await run(lights, 'addLight', { protocol: 'wiz', address: '127.0.0.1', port: bulb.port });
    expect(r).toMatchObject({ ok: true });
    expect(lights.snapshot().lights.map((l) => l.id)).toEqual(['wiz:a8bb50e1c2d3']);
    const dup = await run(lights, 'addLight', { protocol: 'wiz', address: '127.0.0.1', port: bulb.port, mac: 'A8:BB:50:E1:C2:D3' });
    expect(dup.ok).toBe(false);
    // No native transitions: the pulse is stepped, each step small (about 1 L*, a few % of dimming).
    bulb.dimming = 40;
    expect((await run(lights, 'testPulse', { lightId: 'wiz:a8bb50e1c2d3' })).ok).toBe(true);
    await until(() => bulb.commands.length >= 6, 4000);
    const dims = bulb.commands.map((c) => Number(c.params.dimming));
    expect(Math.max(...dims)).toBeGreaterThan(40);
    for (let i = 1; i < dims.length; i++) expect(Math.abs((dims[i] ?? 0) - (dims[i - 1] ?? 0))).toBeLessThanOrEqual(4);
  });
});

describe('discovery', () => {
  it('finds a Hue bridge (mDNS), a LIFX and a WiZ bulb on loopback, and marks ones already added', async () => {
    const lifx = await new FakeLifxNetwork(['d073d5000001']).start();
    const wiz = await new FakeWizBulb('a8bb50e1c2d3').start();
    cleanup.push(
      () => lifx.close(),
      () => wiz.close(),
    );
    const browse = (_type: string, onUp: (s: { name: string; addresses: string[]; port: number; txt: Record<string, string> }) => void) => {
      onUp({ name: 'Hue Bridge - 7A1B2C', addresses: ['192.168.1.50'], port: 443, txt: { bridgeid: '001788fffe7a1b2c' } });
      onUp({ name: 'Somebody else', addresses: ['8.8.8.8'], port: 443, txt: { bridgeid: 'ffffffffffffffff' } });
      return () => {};
    };
    const { lights } = open(undefined, {
      network: {
        bindAddress: '127.0.0.1',
        lifxBroadcast: [{ address: '127.0.0.1', port: lifx.port }],
        wizBroadcast: [{ address: '127.0.0.1', port: wiz.port }],
        browse,
        discoverMs: 300,
      },
    });
    await run(lights, 'addLight', { protocol: 'wiz', address: '127.0.0.1', port: wiz.port, mac: 'a8bb50e1c2d3' });
    await run(lights, 'discoverLights', {});
    expect(lights.snapshot().discovery.running).toBe(true);
    await until(() => !lights.snapshot().discovery.running);
    const found = lights.snapshot().discovery.found;
    expect(found.map((f) => [f.protocol, f.address, f.known])).toEqual([
      ['hue-v2', '192.168.1.50', false],
      ['lifx', '127.0.0.1', false],
      ['wiz', '127.0.0.1', true],
    ]);
    expect(found.find((f) => f.protocol === 'lifx')?.mac).toBe('d073d5000001');
    // The port the bridge announced is kept for "Add".
    expect(found.find((f) => f.protocol === 'hue-v2')?.port).toBe(443);
  });
});

describe('Zigbee2MQTT broker credentials', () => {
  it('refuses a wrong password clearly, stores the right one sealed, lists the lights', async () => {
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const ok = client.id === 'z2m-sim' || (username === 'stillroom' && password?.toString() === 'mqtt-Pa55word-9x');
        done(null, ok);
      },
    });
    const server = net.createServer(broker.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const sim = await new Z2mSimulator(url, [simDevice(1), simDevice(2)]).start();
    cleanup.push(
      () => new Promise<void>((r) => server.close(() => r())),
      () => new Promise<void>((r) => broker.close(() => r())),
      () => sim.close(),
    );
    const { lights } = open();
    const wrong = await run(lights, 'addLight', { protocol: 'z2m', url, username: 'stillroom', password: 'guess' });
    expect(wrong).toEqual({ ok: false, error: expect.stringMatching(/refused the user name or password/) });
    const right = await run(lights, 'addLight', { protocol: 'z2m', url, username: 'stillroom', password: 'mqtt-Pa55word-9x' });
    expect(right).toMatchObject({ ok: true });
    await until(() => lights.snapshot().lights.length === 2);
    expect(lights.snapshot().devices[0]).toMatchObject({ state: 'connected', secretHint: 'password stored' });
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toContain('mqtt-Pa55word-9x');
    expect(JSON.stringify(lights.snapshot())).not.toContain('mqtt-Pa55word-9x');
  });
});
