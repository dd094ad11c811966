import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../../electron/services/lighting/driver';
import {
  discoverHueBridges,
  HueBridge,
  type HueBridgeOptions,
  type HueLight,
  type MdnsBrowse,
} from '../../../electron/services/lighting/hue';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { makeBridgeCerts, type TestCerts } from '../../fixtures/peers/certs';
import { FakeHueBridge } from '../../fixtures/peers/hue-bridge';

const errors: string[] = [];
const peers: FakeHueBridge[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
});

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) {
    errors.push(r.error);
    throw new Error(r.error);
  }
  return r.value;
}
function errorOf<T>(r: Result<T> | { ok: true }): string {
  expect(r.ok).toBe(false);
  const e = r.ok ? '' : r.error;
  errors.push(e);
  return e;
}

async function v1(opts: { lights?: number; key?: boolean; timeoutMs?: number; busyRetries?: number } = {}) {
  const fake = await new FakeHueBridge({ lights: opts.lights ?? 3 }).start();
  peers.push(fake);
  const bridge = unwrap(
    HueBridge.open({
      address: '127.0.0.1',
      api: 'v1',
      baseUrl: fake.url,
      key: opts.key === false ? undefined : fake.key,
      bridgeId: fake.bridgeId,
      scheduler: new Scheduler(),
      timeoutMs: opts.timeoutMs ?? 1500,
      busyRetries: opts.busyRetries,
    }),
  );
  return { fake, bridge };
}

describe('Hue API v1', () => {
  it('proves an address is a bridge and pairs with the link button (101 until pressed)', async () => {
    const { fake, bridge } = await v1({ key: false });
    expect(unwrap(await bridge.config())).toMatchObject({ bridgeid: fake.bridgeId.toUpperCase() });
    setTimeout(() => {
      fake.linkPressed = true;
    }, 120);
    const paired = unwrap(await bridge.pair('stillroom#test', { timeoutMs: 3000, intervalMs: 50 }));
    expect(paired.key).toBe(fake.key);
    const posts = fake.peer.requests.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(1);
    expect(posts[0]?.body).toEqual({ devicetype: 'stillroom#test', generateclientkey: true });
  });

  it('gives up pairing with a clear message when nobody presses the button', async () => {
    const { bridge } = await v1({ key: false });
    expect(errorOf(await bridge.pair('stillroom#test', { timeoutMs: 150, intervalMs: 40 }))).toMatch(/link button .* not pressed in time/);
    expect(errorOf(await bridge.lights())).toBe('pair with the bridge first');
  });

  it('lists lights with their colour-temperature ranges and sends explicit brightness on every turn-on', async () => {
    const { fake, bridge } = await v1();
    const lights = unwrap(await bridge.lights());
    expect(lights.map((l) => l.name)).toEqual(['Lamp 1', 'Lamp 2', 'Lamp 3']);
    expect(lights[0]?.capabilities).toMatchObject({
      nativeTransition: true,
      maxTransitionMs: 6_553_500,
      kelvinRange: [2000, 6536],
      kelvin: true,
    });
    const l = lights[0] as HueLight;
    expect(await l.apply({ level: 0, kelvin: 2700 }, 0)).toEqual({ ok: true });
    expect(fake.commands.at(-1)?.body).toEqual({ on: false, transitiontime: 0 });
    expect(await l.apply({ level: 40, kelvin: 2700 }, 90_000)).toEqual({ ok: true });
    expect(fake.commands.at(-1)?.body).toEqual({ on: true, bri: 29, ct: 370, transitiontime: 900 });
    expect(await l.apply({ level: 50, kelvin: 2700 }, 3 * 3600_000)).toEqual({ ok: true });
    expect(fake.commands.at(-1)?.body).toMatchObject({ transitiontime: 65535 });
    expect(await l.read()).toEqual({ level: expect.closeTo(50, 0) as number, kelvin: 2703 });
  });

  it('reports an unreachable light, and a light that refuses ct keeps dimming without it', async () => {
    const { fake, bridge } = await v1();
    const lights = unwrap(await bridge.lights());
    const [a, b] = fake.lights;
    if (!a || !b) throw new Error('fixture');
    a.reachable = false;
    expect(unwrap(await (lights[0] as HueLight).readState())).toMatchObject({ reachable: false });
    b.rejectsCt = true;
    const l2 = lights[1] as HueLight;
    expect(await l2.apply({ level: 30, kelvin: 2200 }, 5000)).toEqual({ ok: true });
    expect(l2.capabilities.kelvin).toBe(false);
    await l2.apply({ level: 31, kelvin: 2200 }, 5000);
    expect(fake.commands.at(-1)?.body).not.toHaveProperty('ct');
  });

  it('turns faults into readable errors: 500, garbage, timeout, oversized, reset, stale key, missing light', async () => {
    const { fake, bridge } = await v1({ timeoutMs: 300 });
    const l = unwrap(await bridge.lights())[0] as HueLight;
    const cases: Array<[Partial<typeof fake.peer.faults>, RegExp]> = [
      [{ status: 500 }, /HTTP 500/],
      [{ garbage: true }, /not JSON/],
      [{ hang: true }, /no answer within 0\.3 s/],
      [{ oversizedBytes: 2_000_000 }, /reply too large/],
      [{ reset: true }, /closed the connection|network error/],
    ];
    for (const [f, re] of cases) {
      fake.peer.faults = f;
      expect(errorOf(await l.apply({ level: 20, kelvin: 2700 }, 1000))).toMatch(re);
    }
    fake.peer.faults = {};
    fake.lights.splice(0, 1);
    expect(errorOf(await l.apply({ level: 20, kelvin: 2700 }, 1000))).toBe('the light is no longer on the bridge');
    const stale = unwrap(
      HueBridge.open({ address: '127.0.0.1', api: 'v1', baseUrl: fake.url, key: 'revoked-key-123456', scheduler: new Scheduler() }),
    );
    expect(errorOf(await stale.lights())).toMatch(/pair again/);
  });

  it('retries 503/429 with growing pauses, then gives up with "busy"', async () => {
    const { fake, bridge } = await v1({ busyRetries: 2 });
    const l = unwrap(await bridge.lights())[0] as HueLight;
    fake.busyNext = 2;
    const t0 = Date.now();
    expect(await l.apply({ level: 20, kelvin: 2700 }, 1000)).toEqual({ ok: true });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700); // 250 + 500 ms
    fake.busyNext = 100;
    expect(errorOf(await l.apply({ level: 21, kelvin: 2700 }, 1000))).toMatch(/busy \(HTTP 503\)/);
  }, 10_000);

  it('keeps 20 lights on one bridge within ≤ 10 light commands/s and ≤ 3 in flight (no 429s)', async () => {
    const { fake, bridge } = await v1({ lights: 20 });
    const lights = unwrap(await bridge.lights());
    fake.peer.delayMs = 30;
    const t0 = Date.now();
    const all = [];
    for (let round = 0; round < 2; round++) for (const l of lights) all.push(l.apply({ level: 30 + round, kelvin: 2700 }, 1000));
    const results = await Promise.all(all);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(fake.rejected429).toBe(0);
    expect(fake.peer.maxActive).toBeLessThanOrEqual(3);
    expect(fake.maxLightCommandsPerSecond()).toBeLessThanOrEqual(10);
    expect(fake.commands.length).toBeLessThanOrEqual(40);
    expect(Date.now() - t0).toBeLessThan(6000);
  }, 10_000);

  it('drives a room as one group command (≤ 1/s)', async () => {
    const { fake, bridge } = await v1();
    const [room] = unwrap(await bridge.groups());
    expect(room?.name).toBe('Therapy room');
    expect(room?.capabilities.minIntervalMs).toBeGreaterThanOrEqual(1000);
    expect(await room?.apply({ level: 25, kelvin: 2700 }, 4000)).toEqual({ ok: true });
    expect(fake.commands.at(-1)).toMatchObject({ kind: 'group', id: '1', body: { on: true, transitiontime: 40 } });
    expect(unwrap(await (room as HueLight).readState())).toMatchObject({ on: true });
  });

  it('refuses non-local addresses unless insisted, and v2 without a certificate authority', () => {
    expect(errorOf(HueBridge.open({ address: '8.8.8.8', api: 'v1' }))).toMatch(/not on the local network/);
    expect(HueBridge.open({ address: '8.8.8.8', api: 'v1', insist: true }).ok).toBe(true);
    expect(errorOf(HueBridge.open({ address: '192.168.1.2', api: 'v2', key: 'k' }))).toMatch(/certificate authority/);
  });

  it('makes a LightGroup for the room (once), updates it, and never touches the clinic’s own rooms', async () => {
    const { fake, bridge } = await v1({ lights: 4 });
    const lights = unwrap(await bridge.lights());
    const ids = lights.map((l) => l.id);
    const made = unwrap(await bridge.ensureRoomGroup('Stillroom room', ids.slice(0, 2)));
    expect(unwrap(await bridge.ensureRoomGroup('Stillroom room', ids.slice(0, 3)))).toBe(made);
    expect(fake.groups.map((g) => [g.name, g.type, g.lights])).toEqual([
      ['Therapy room', 'Room', ['1', '2', '3', '4']],
      ['Stillroom room', 'LightGroup', ['1', '2', '3']],
    ]);
    expect(errorOf(await bridge.ensureRoomGroup('Stillroom room', ['hue:nope']))).toMatch(/no longer on the bridge/);
    fake.groupTableFull = true;
    expect(errorOf(await bridge.ensureRoomGroup('Another', ids))).toMatch(/refused the command \(Groups table full\)/);
  });
});

describe('Hue API v2 (HTTPS with a test CA)', () => {
  const bridgeId = '001788fffe7a1b2c';
  let certs: TestCerts | null = null;
  beforeAll(() => {
    certs = makeBridgeCerts(bridgeId);
  });

  async function v2(over: Partial<HueBridgeOptions> = {}) {
    if (!certs) throw new Error('openssl missing');
    const fake = await new FakeHueBridge({ bridgeId, tls: { key: certs.key, cert: certs.cert } }).start();
    peers.push(fake);
    const bridge = unwrap(
      HueBridge.open({
        address: '127.0.0.1',
        api: 'v2',
        baseUrl: fake.url,
        key: fake.key,
        bridgeId,
        ca: certs.ca,
        scheduler: new Scheduler(),
        timeoutMs: 1500,
        ...over,
      }),
    );
    return { fake, bridge };
  }

  it('lists lights with mirek schema and sends dimming, colour temperature and dynamics.duration', async () => {
    if (!certs) return;
    const { fake, bridge } = await v2();
    const lights = unwrap(await bridge.lights());
    expect(lights).toHaveLength(3);
    const l = lights[0] as HueLight;
    expect(l.protocol).toBe('hue-v2');
    expect(await l.apply({ level: 40, kelvin: 2700 }, 600_000)).toEqual({ ok: true });
    const cmd = fake.commands.at(-1);
    expect(cmd?.body).toEqual({
      on: { on: true },
      dimming: { brightness: 11.25 },
      dynamics: { duration: 600_000 },
      color_temperature: { mirek: 370 },
    });
    expect(fake.peer.requests.at(-1)?.headers['hue-application-key']).toBe(fake.key);
    await l.apply({ level: 0, kelvin: 2700 }, 0);
    expect(fake.commands.at(-1)?.body).toEqual({ on: { on: false }, dynamics: { duration: 0 } });
    const first = fake.lights[0];
    if (first) first.reachable = false;
    expect(unwrap(await l.readState())).toMatchObject({ reachable: false, on: false });
    const [room] = unwrap(await bridge.groups());
    expect(room?.name).toBe('Therapy room');
    expect(await room?.apply({ level: 20, kelvin: 2700 }, 3000)).toEqual({ ok: true });
    expect(fake.commands.at(-1)).toMatchObject({ api: 'v2', kind: 'group', id: 'g-room-1' });
  });

  it('refuses a bridge whose certificate is from another CA or for another bridge id; a wrong key is 403', async () => {
    if (!certs) return;
    const other = await v2({ ca: certs.otherCa });
    expect(errorOf(await other.bridge.lights())).toMatch(/not signed by the expected authority/);
    const wrongId = await v2({ bridgeId: '001788fffe000000' });
    expect(errorOf(await wrongId.bridge.lights())).toMatch(/belongs to another device/);
    const wrongKey = await v2({ key: 'not-the-key-000000' });
    expect(errorOf(await wrongKey.bridge.lights())).toMatch(/pair again/);
  });

  it('makes a zone for the room (once), updates it when the room changes, and its group command reaches only its lights', async () => {
    if (!certs) return;
    const { fake, bridge } = await v2();
    const lights = unwrap(await bridge.lights());
    const zone = unwrap(await bridge.ensureRoomGroup('Stillroom room', [lights[0]?.id ?? '', lights[1]?.id ?? '']));
    expect(fake.groups.find((g) => `zone-${g.id}` === zone)).toMatchObject({ name: 'Stillroom room', lights: ['1', '2'] });
    expect(unwrap(await bridge.ensureRoomGroup('Stillroom room', [lights[0]?.id ?? '']))).toBe(zone);
    expect(fake.groups.filter((g) => g.name === 'Stillroom room')).toHaveLength(1);
    expect(fake.groups.find((g) => `zone-${g.id}` === zone)?.lights).toEqual(['1']);
    unwrap(await bridge.ensureRoomGroup('Stillroom room', [lights[1]?.id ?? '', lights[2]?.id ?? '']));
    const groups = unwrap(await bridge.groupsWithMembers());
    const mine = groups.find((g) => g.group.name === 'Stillroom room');
    expect(mine?.members).toEqual([lights[1]?.id, lights[2]?.id]);
    for (const l of fake.lights) l.bri = 100;
    expect((await mine?.group.apply({ level: 60, kelvin: 2700 }, 2000))?.ok).toBe(true);
    expect(fake.lights.map((l) => l.bri === 100)).toEqual([true, false, false]);
  });
});

describe('Hue discovery', () => {
  it('finds bridges on mDNS _hue._tcp (injected browser), keeps local ones, drops duplicates', async () => {
    let type = '';
    const browse: MdnsBrowse = (t, onUp) => {
      type = t;
      onUp({
        name: 'Hue Bridge - 7A1B2C',
        addresses: ['192.168.1.40'],
        port: 443,
        txt: { bridgeid: '001788FFFE7A1B2C', modelid: 'BSB002' },
      });
      onUp({ name: 'Hue Bridge - 7A1B2C', addresses: ['192.168.1.40'], port: 443, txt: { bridgeid: '001788fffe7a1b2c' } });
      onUp({ name: 'Far away', addresses: ['203.0.113.7'], port: 443, txt: { bridgeid: 'ffff' } });
      return () => {};
    };
    const found = await discoverHueBridges({ browse, timeoutMs: 20 });
    expect(type).toBe('hue');
    expect(found).toEqual([{ id: '001788fffe7a1b2c', name: 'Hue Bridge - 7A1B2C', address: '192.168.1.40', port: 443 }]);
  });
});

afterAll(() => {
  // Keys never appear in any error the drivers produced.
  expect(errors.length).toBeGreaterThan(10);
  for (const e of errors) {
    expect(e).not.toContain('Sk3yS3cr3tHueUser');
    expect(e).not.toContain('revoked-key-123456');
    expect(e).not.toContain('not-the-key-000000');
  }
});
