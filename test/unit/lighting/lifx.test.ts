import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../electron/services/lighting/driver';
import { LifxNetwork } from '../../../electron/services/lighting/lifx';
import {
  decodeHeader,
  decodeLightState,
  encode,
  lightStatePayload,
  setColorPayload,
} from '../../../electron/services/lighting/lifx-packets';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { FakeLifxNetwork, specDecode } from '../../fixtures/peers/lifx-bulbs';

const MACS = ['d073d5000001', 'd073d5000002'];
const open: Array<{ close(): void }> = [];
const allMismatches: string[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

async function setup(opts: { resendMs?: number } = {}) {
  const fake = await new FakeLifxNetwork(MACS).start();
  const net = unwrap(
    await LifxNetwork.open({
      bindAddress: '127.0.0.1',
      broadcast: [{ address: '127.0.0.1', port: fake.port }],
      scheduler: new Scheduler(),
      resendMs: opts.resendMs,
    }),
  );
  open.push(fake, net);
  return { fake, net };
}

describe('LIFX LAN protocol', () => {
  it('encodes exactly what the spec and lifx-lan-client agree on (49-byte SetColor with a 30-minute duration)', () => {
    const buf = encode(
      { source: 0x12345678, target: 'd073d5000001', ackRequired: true, resRequired: false, sequence: 7, type: 102 },
      setColorPayload({ hue: 0, saturation: 0, brightness: 12_000, kelvin: 2700 }, 1_800_000),
    );
    expect(buf.length).toBe(49);
    const spec = specDecode(buf);
    expect(spec).toMatchObject({
      size: 49,
      protocol: 1024,
      addressable: true,
      tagged: false,
      source: 0x12345678,
      target: 'd073d5000001',
      ackRequired: true,
      sequence: 7,
      type: 102,
    });
    expect(spec?.payload.readUInt32LE(9)).toBe(1_800_000);
    expect(decodeHeader(buf)).toMatchObject({ source: 0x12345678, sequence: 7, type: 102 });
    expect(decodeHeader(Buffer.from('garbage that is long enough to be a header but is not one'))).toBeNull();
    expect(decodeLightState(Buffer.alloc(10))).toBeNull();
    const st = decodeLightState(
      lightStatePayload({ color: { hue: 1, saturation: 2, brightness: 3, kelvin: 2700 }, power: 65535, label: 'Lamp\u0001 1' }),
    );
    expect(st).toEqual({ color: { hue: 1, saturation: 2, brightness: 3, kelvin: 2700 }, power: 65535, label: 'Lamp 1' });
  });

  it('discovers bulbs with GetService to an injected broadcast address, by MAC, with their labels', async () => {
    const { fake, net } = await setup();
    const found = await net.discover(150);
    expect(found.map((f) => [f.mac, f.name, f.address, f.port])).toEqual([
      ['d073d5000001', 'Lamp 1', '127.0.0.1', fake.port],
      ['d073d5000002', 'Lamp 2', '127.0.0.1', fake.port],
    ]);
    allMismatches.push(...fake.mismatches);
  });

  it('fades up from off without a flash: colour while dark, then SetLightPower with the duration; dims with SetColor', async () => {
    const { fake, net } = await setup();
    const bulb = fake.bulbs.get(MACS[0] ?? '');
    if (!bulb) throw new Error('fixture');
    bulb.power = 0;
    const light = unwrap(net.light({ mac: MACS[0] ?? '', address: '127.0.0.1', port: fake.port }));
    expect(await light.apply({ level: 30, kelvin: 2700 }, 1_800_000)).toEqual({ ok: true });
    const [color, power] = fake.commands;
    expect(color).toMatchObject({ type: 102, duration: 0, brightness: Math.round(65535 * (46 / 116) ** 3), kelvin: 2700 });
    expect(power).toMatchObject({ type: 117, level: 65535, duration: 1_800_000 });
    expect(await light.apply({ level: 25, kelvin: 2500 }, 60_000)).toEqual({ ok: true });
    expect(fake.commands.at(-1)).toMatchObject({ type: 102, duration: 60_000, kelvin: 2500 });
    expect(await light.apply({ level: 0, kelvin: 2500 }, 0)).toEqual({ ok: true });
    expect(fake.commands.at(-1)).toMatchObject({ type: 117, level: 0, duration: 0 });
    expect(fake.minGapMs).toBeGreaterThanOrEqual(45);
    allMismatches.push(...fake.mismatches);
  });

  it('reads the live level during a fade (LightGet → LightState)', async () => {
    const { fake, net } = await setup();
    const bulb = fake.bulbs.get(MACS[1] ?? '');
    if (bulb) bulb.power = 65535;
    const light = unwrap(net.light({ mac: MACS[1] ?? '', address: '127.0.0.1', port: fake.port }));
    await light.readState();
    await light.apply({ level: 10, kelvin: 2700 }, 1000);
    await new Promise((r) => setTimeout(r, 400));
    const mid = unwrap(await light.readState());
    expect(mid.level).toBeGreaterThan(15);
    expect(mid.level).toBeLessThan(95);
    await new Promise((r) => setTimeout(r, 700));
    expect(unwrap(await light.readState()).level).toBeCloseTo(10, 0);
  });

  it('resends an unacknowledged packet after 150 ms (same sequence), and gives up after 3 resends', async () => {
    const { fake, net } = await setup();
    const bulb = fake.bulbs.get(MACS[0] ?? '');
    if (!bulb) throw new Error('fixture');
    bulb.power = 65535;
    const light = unwrap(net.light({ mac: MACS[0] ?? '', address: '127.0.0.1', port: fake.port }));
    await light.readState();
    bulb.dropAcks = 2;
    const before = fake.received;
    expect(await light.apply({ level: 50, kelvin: 2700 }, 1000)).toEqual({ ok: true });
    expect(fake.received - before).toBe(3);
    bulb.silent = true;
    const t0 = Date.now();
    const r = await light.apply({ level: 40, kelvin: 2700 }, 5000);
    expect(r).toEqual({ ok: false, error: 'no answer from the bulb (4 tries)' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    bulb.silent = false;
    bulb.garbage = true;
    expect((await light.readState()).ok).toBe(false);
  });

  it('catches a bulb that claims transitions but jumps, and switches it to stepped fades', async () => {
    const { fake, net } = await setup();
    const bulb = fake.bulbs.get(MACS[1] ?? '');
    if (!bulb) throw new Error('fixture');
    bulb.power = 65535;
    bulb.ignoresDuration = true;
    const light = unwrap(net.light({ mac: MACS[1] ?? '', address: '127.0.0.1', port: fake.port }));
    await light.readState();
    expect(light.capabilities.nativeTransition).toBe(true);
    expect(await light.apply({ level: 20, kelvin: 2700 }, 60_000)).toEqual({ ok: true });
    expect(light.capabilities.nativeTransition).toBe(false);
  });

  it('refuses non-local addresses and malformed MACs', async () => {
    const { net } = await setup();
    const far = net.light({ mac: 'd073d5000001', address: '52.1.2.3', port: 56700 });
    expect(far.ok ? '' : far.error).toMatch(/not on the local network/);
    const bad = net.light({ mac: 'zz', address: '192.168.1.9', port: 56700 });
    expect(bad.ok ? '' : bad.error).toMatch(/12-digit MAC/);
  });
});

afterAll(() => {
  expect(allMismatches).toEqual([]);
});
