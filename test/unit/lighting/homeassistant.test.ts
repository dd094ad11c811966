import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../electron/services/lighting/driver';
import { type HaLight, HomeAssistant, TOKEN_REJECTED } from '../../../electron/services/lighting/homeassistant';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { FakeHomeAssistant } from '../../fixtures/peers/home-assistant';

const peers: FakeHomeAssistant[] = [];
const errors: string[] = [];
let token = '';
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
});
function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
function errorOf(r: { ok: boolean; error?: string }): string {
  expect(r.ok).toBe(false);
  errors.push(r.error ?? '');
  return r.error ?? '';
}

async function setup(tokenOverride?: string) {
  const fake = await new FakeHomeAssistant().start();
  peers.push(fake);
  token = fake.token;
  const ha = unwrap(
    await HomeAssistant.open({ baseUrl: fake.url, token: tokenOverride ?? fake.token, scheduler: new Scheduler(), timeoutMs: 300 }),
  );
  return { fake, ha };
}

describe('Home Assistant REST', () => {
  it('lists light entities (not switches) with transition support and kelvin range', async () => {
    const { ha } = await setup();
    const { lights, problems } = unwrap(await ha.lights());
    expect(problems).toEqual([]);
    expect(lights.map((l) => l.name)).toEqual(['Lamp 1', 'Lamp 2']);
    expect(lights[0]?.capabilities).toMatchObject({
      nativeTransition: true,
      maxTransitionMs: 6_553_000,
      kelvin: true,
      kelvinRange: [2000, 6500],
    });
  });

  it('calls light.turn_on with brightness 0–255, color_temp_kelvin and transition (clamped to 6553 s); level 0 is turn_off', async () => {
    const { fake, ha } = await setup();
    const l = unwrap(await ha.lights()).lights[0] as HaLight;
    expect(await l.apply({ level: 40, kelvin: 1500 }, 1_800_000)).toEqual({ ok: true });
    expect(fake.calls.at(-1)).toMatchObject({
      service: 'turn_on',
      body: { entity_id: 'light.lamp_1', brightness: 29, color_temp_kelvin: 2000, transition: 1800 },
    });
    expect(await l.apply({ level: 40, kelvin: 2700 }, 10 * 3600_000)).toEqual({ ok: true });
    expect(fake.calls.at(-1)?.body.transition).toBe(6553);
    expect(await l.apply({ level: 0.01, kelvin: 2700 }, 1000)).toEqual({ ok: true });
    expect(fake.calls.at(-1)?.body.brightness).toBe(1);
    expect(await l.apply({ level: 0, kelvin: 2700 }, 1000)).toEqual({ ok: true });
    expect(fake.calls.at(-1)).toMatchObject({ service: 'turn_off', body: { entity_id: 'light.lamp_1', transition: 0 } });
    expect(unwrap(await l.readState())).toEqual({ on: false, level: 0, kelvin: 2700, reachable: true });
    const auth = fake.peer.requests.at(-1)?.headers.authorization;
    expect(auth).toBe(`Bearer ${fake.token}`);
  });

  it('a rejected token is a clear "token rejected" error that never contains the token', async () => {
    const { ha: good, fake } = await setup();
    const wrong = unwrap(await HomeAssistant.open({ baseUrl: fake.url, token: 'WRONG-token-value-987654321', scheduler: new Scheduler() }));
    expect(errorOf(await wrong.lights())).toBe(TOKEN_REJECTED);
    const l = unwrap(await good.lights()).lights[0] as HaLight;
    fake.token = 'rotated-token-after-revocation-000';
    expect(errorOf(await l.readState())).toBe(TOKEN_REJECTED);
    expect(errorOf(await l.apply({ level: 10, kelvin: 2700 }, 1000))).toBe(TOKEN_REJECTED);
  });

  it('turns faults into readable errors: 500, 429, garbage, timeout, oversized states, unknown entity', async () => {
    const { fake, ha } = await setup();
    const l = unwrap(await ha.lights()).lights[1] as HaLight;
    fake.peer.faults = { status: 500 };
    expect(errorOf(await l.apply({ level: 20, kelvin: 2700 }, 1000))).toMatch(/HTTP 500/);
    fake.peer.faults = {};
    fake.busyNext = 1;
    expect(errorOf(await l.apply({ level: 20, kelvin: 2700 }, 1000))).toMatch(/busy \(HTTP 429\)/);
    fake.peer.faults = { garbage: true };
    expect(errorOf(await l.readState())).toMatch(/does not understand/);
    fake.peer.faults = { hang: true };
    expect(errorOf(await l.apply({ level: 20, kelvin: 2700 }, 1000))).toMatch(/no answer within 0\.3 s/);
    fake.peer.faults = { oversizedBytes: 300_000 };
    const small = unwrap(
      await HomeAssistant.open({ baseUrl: fake.url, token: fake.token, scheduler: new Scheduler(), maxStatesBytes: 100_000 }),
    );
    expect(errorOf(await small.lights())).toMatch(/reply too large/);
    fake.peer.faults = {};
    fake.entities.splice(1, 1);
    expect(errorOf(await l.readState())).toMatch(/does not know this light/);
  });

  it('an entity listing colour temperature it refuses keeps dimming; unavailable reads as unreachable; duplicates reported', async () => {
    const { fake, ha } = await setup();
    const e = fake.entities[0];
    if (!e) throw new Error('fixture');
    e.rejectsKelvin = true;
    const l = unwrap(await ha.lights()).lights[0] as HaLight;
    expect(await l.apply({ level: 30, kelvin: 2700 }, 1000)).toEqual({ ok: true });
    expect(l.capabilities.kelvin).toBe(false);
    expect(fake.calls.at(-1)?.body).not.toHaveProperty('color_temp_kelvin');
    e.state = 'unavailable';
    expect(unwrap(await l.readState()).reachable).toBe(false);
    fake.entities.push({ ...e });
    expect(unwrap(await ha.lights()).problems).toEqual(['Home Assistant listed light.lamp_1 twice; the second was ignored']);
  });

  it('refuses non-local addresses and an empty token', async () => {
    expect(
      errorOf(
        await HomeAssistant.open({
          baseUrl: 'https://my-home.example.com:8123',
          token: 'abcdefghijkl',
          lookup: async () => ['93.184.216.34'],
        }),
      ),
    ).toMatch(/not on the local network/);
    expect(errorOf(await HomeAssistant.open({ baseUrl: 'http://192.168.1.5:8123', token: '' }))).toMatch(/long-lived access token/);
  });
});

afterAll(() => {
  expect(errors.length).toBeGreaterThan(8);
  for (const e of errors) {
    expect(e).not.toContain(token);
    expect(e).not.toContain('WRONG-token-value');
    expect(e).not.toContain('SECRETtoken');
    expect(e).not.toContain('c3RpbGxyb29t');
    expect(e).not.toContain('rotated-token');
  }
});
