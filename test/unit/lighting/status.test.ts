/**
 * What the Lights view and the panel say: built from real links and a real director on a fake
 * clock, in the therapist's words only.
 */
import { describe, expect, it } from 'vitest';
import { LightingDirector } from '../../../electron/services/lighting/director';
import { DeviceLink } from '../../../electron/services/lighting/link';
import { notFollowingSentence, plainLightReason, roomStatus } from '../../../electron/services/lighting/status';
import { FakeClock } from '../../fixtures/peers/clock';
import { SimBridge } from '../../fixtures/peers/sim-bridge';

const base = { level: 40, kelvin: 2700 };

async function run(d: LightingDirector, clock: FakeClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    d.tick(clock.now());
    await clock.advance(1000);
  }
}

describe('room status', () => {
  it('names the lights that are not following and why, per device and per light, without jargon', async () => {
    const clock = new FakeClock(0);
    const a = new SimBridge(clock, 2, 40);
    const b = new SimBridge(clock, 2, 40);
    for (const [i, l] of b.lights.entries()) Object.assign(l, { name: ['Ceiling spot', 'Reading lamp'][i] });
    const la = new DeviceLink(a.adapter, { timers: clock }).start();
    const lb = new DeviceLink({ ...b.adapter, what: 'the Zigbee2MQTT broker at z2m.local:1883' }, { timers: clock }).start();
    await clock.advance(10);
    const d = new LightingDirector([...la.lights()], base, 1000, { timers: clock });
    d.setKeyframes([{ at: 0, level: 40, kelvin: 2700, durationMs: 0, cause: 'phase' }], base);
    await run(d, clock, 5_000);
    const input = () => [
      { id: 'hue', name: 'Hue bridge', link: la.status(), lights: a.lights.map((l) => ({ id: l.id, name: l.name, inRoom: true })) },
      { id: 'z2m', name: 'Zigbee2MQTT', link: lb.status(), lights: b.lights.map((l) => ({ id: `b:${l.id}`, name: l.name, inRoom: true })) },
    ];
    let s = roomStatus(input(), d.status());
    expect(s.sentence).toBeNull();
    expect(s.lights.filter((l) => l.deviceId === 'hue').map((l) => l.state)).toEqual(['following', 'following']);

    b.down();
    lb.lost({ kind: 'not-answering' });
    if (a.lights[1]) a.lights[1].unreachable = true;
    await run(d, clock, 35_000);
    s = roomStatus(input(), d.status());
    expect(s.devices.find((x) => x.id === 'z2m')).toMatchObject({
      state: 'unreachable',
      why: 'The Zigbee2MQTT broker at z2m.local:1883 is not answering.',
    });
    expect(s.lights.find((l) => l.name === 'Reading lamp')).toMatchObject({ state: 'waiting-for-device' });
    expect(s.lights.find((l) => l.name === 'Lamp 2')).toMatchObject({
      state: 'not-answering',
      why: 'It is not answering (switched off at the wall, or out of reach?).',
    });
    expect(s.lights.find((l) => l.name === 'Lamp 1')).toMatchObject({ state: 'following', why: null });
    expect(s.notFollowing.sort()).toEqual(['Ceiling spot', 'Lamp 2', 'Reading lamp']);
    expect(s.sentence).toMatch(
      /^(Ceiling spot|Lamp 2|Reading lamp), (Ceiling spot|Lamp 2|Reading lamp) and (Ceiling spot|Lamp 2|Reading lamp) are not answering\.$/,
    );
    for (const l of s.lights) expect(l.why ?? '').not.toMatch(/\bclient\b|ECONN|\bmqtt\b|socket|HTTP|disconnecting/i);
    d.close();
    la.close();
    lb.close();
  });

  it('turns any driver error into one of a few plain sentences', () => {
    expect(plainLightReason('the broker did not take the message (client disconnecting)')).toBe(
      'It did not take the last change; Stillroom will try again.',
    );
    expect(plainLightReason('no answer from the bulb within 13.0 s')).toMatch(/not answering/);
    expect(plainLightReason('Zigbee2MQTT reports the light offline')).toMatch(/not answering/);
    expect(notFollowingSentence(['Ceiling spot', 'Reading lamp'])).toBe('Ceiling spot and Reading lamp are not answering.');
    expect(notFollowingSentence(['Ceiling spot'])).toBe('Ceiling spot is not answering.');
    expect(notFollowingSentence([])).toBeNull();
  });
});
