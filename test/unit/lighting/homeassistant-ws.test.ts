/**
 * Home Assistant over its WebSocket API, through the device link: states pushed (reads cost no
 * request), commands on the socket, an entity turning unavailable announced at once, a refused
 * token said plainly, and REST when the WebSocket is not there. Real `ws` server on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DriverEvent } from '../../../electron/services/lighting/driver';
import { haAdapter } from '../../../electron/services/lighting/homeassistant';
import { DeviceLink } from '../../../electron/services/lighting/link';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { advanceUntil, FakeClock, ioTurn } from '../../fixtures/peers/clock';
import { FakeHomeAssistant } from '../../fixtures/peers/home-assistant';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(ws: boolean, token?: string) {
  const clock = new FakeClock(0);
  const fake = await new FakeHomeAssistant({ lights: 2 }).start();
  if (ws) fake.withWebSocket();
  cleanup.push(() => fake.close());
  const link = new DeviceLink(
    haAdapter({ baseUrl: fake.url, token: token ?? fake.token, timers: clock, scheduler: new Scheduler(clock), timeoutMs: 1_000 }),
    { timers: clock },
  ).start();
  cleanup.push(() => link.close());
  return { clock, fake, link };
}

describe('Home Assistant over its WebSocket API', () => {
  it('lists lights, answers reads from pushed states, sends commands on the socket and announces an unavailable light', async () => {
    const { clock, fake, link } = await setup(true);
    await advanceUntil(clock, () => link.connected, { maxMs: 3_000 });
    expect(fake.wsMessages.slice(0, 3)).toEqual(['auth', 'subscribe_events', 'get_states']);
    const [lamp] = link.lights();
    if (!lamp) throw new Error('fixture');
    expect(lamp.name).toBe('Lamp 1');
    const httpBefore = fake.peer.requests.length;
    expect(await lamp.apply({ level: 40, kelvin: 2700 }, 30_000)).toEqual({ ok: true });
    expect(fake.calls.at(-1)).toMatchObject({ service: 'turn_on', body: { entity_id: 'light.lamp_1', brightness: 29, transition: 30 } });
    await ioTurn(10);
    const r = await lamp.readState();
    expect(r.ok && r.value.level).toBeCloseTo(40, 0);
    expect(fake.peer.requests.length).toBe(httpBefore); // no HTTP at all: commands and reads on the socket
    const events: DriverEvent[] = [];
    lamp.subscribe((e) => events.push(e));
    fake.setAvailable('light.lamp_1', false);
    await advanceUntil(clock, () => events.length > 0, { maxMs: 1_000, stepMs: 50 });
    expect(await lamp.readState()).toMatchObject({ ok: true, value: { reachable: false } });
    fake.setAvailable('light.lamp_1', true);
    await advanceUntil(clock, () => events.length > 1, { maxMs: 1_000, stepMs: 50 });
    expect(events).toEqual(['unreachable', 'reachable']);
  });

  it('a Home Assistant restart closes the socket; the link notices at once and connects again', async () => {
    const { clock, fake, link } = await setup(true);
    await advanceUntil(clock, () => link.connected, { maxMs: 3_000 });
    await fake.close();
    await advanceUntil(clock, () => !link.connected, { maxMs: 1_000, stepMs: 50, what: 'noticed' });
    expect(link.status().why).toMatch(/^Home Assistant at 127\.0\.0\.1:\d+ is not answering\.$/);
    await fake.peer.restart();
    const took = await advanceUntil(clock, () => link.connected, { maxMs: 20_000, stepMs: 100, ioMs: 3, what: 'back' });
    expect(took).toBeLessThanOrEqual(2_000 + 1_000);
  });

  it('a refused token is said plainly and not retried by itself', async () => {
    const { clock, fake, link } = await setup(true, 'a-revoked-token-0123456789');
    await advanceUntil(clock, () => link.status().attempts > 0, { maxMs: 3_000 });
    expect(link.status()).toMatchObject({ state: 'unreachable', nextTryAt: null });
    expect(link.status().why).toMatch(/refused Stillroom’s access token\.$/);
    const tries = fake.wsMessages.filter((m) => m === 'auth').length;
    await advanceUntil(clock, () => false, { maxMs: 60_000, stepMs: 5_000 }).catch(() => {});
    expect(fake.wsMessages.filter((m) => m === 'auth').length).toBe(tries);
  });

  it('falls back to REST when Home Assistant has no WebSocket there', async () => {
    const { clock, fake, link } = await setup(false);
    await advanceUntil(clock, () => link.connected, { maxMs: 3_000 });
    const [lamp] = link.lights();
    expect(await lamp?.apply({ level: 30, kelvin: 2700 }, 5_000)).toEqual({ ok: true });
    expect(fake.peer.requests.some((q) => q.method === 'POST' && q.path === '/api/services/light/turn_on')).toBe(true);
  });
});
