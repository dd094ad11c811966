/**
 * What the Lights view and the panel say about the room's lights, as a person reads it: the
 * panel names the lights that are not following; a device away says why, since when and when
 * the next try is; a light's level is shown next to its own app's %.
 */
import { describe, expect, it } from 'vitest';
import { formatClock } from '../../../electron/core/format';
import type { LightDeviceView, LightView } from '../../../electron/host/lights/contract';
import { deviceStateText, levelText, lightsStatusText } from '../../../renderer/src/components/lights/status';

const clockTime = (ms: number): string => formatClock(ms);

const device = (over: Partial<LightDeviceView>): LightDeviceView => ({
  id: 'z2m@z2m.local:1883',
  protocol: 'z2m',
  name: 'Zigbee2MQTT',
  address: 'mqtt://z2m.local:1883',
  state: 'connected',
  since: 0,
  nextTryAt: null,
  lastConnectedAt: 0,
  why: null,
  secretHint: null,
  certificate: null,
  safeState: null,
  ...over,
});

describe('lights in words', () => {
  it('the panel names the lights that are not following, or says all answer', () => {
    expect(lightsStatusText({ inRoom: 0, notFollowing: [], sentence: null })).toBeNull();
    expect(lightsStatusText({ inRoom: 3, notFollowing: [], sentence: null })).toBe('Lights: 3 of 3 answering');
    expect(
      lightsStatusText({
        inRoom: 3,
        notFollowing: ['Ceiling spot', 'Reading lamp'],
        sentence: 'Ceiling spot and Reading lamp are not answering.',
      }),
    ).toBe('Lights: Ceiling spot and Reading lamp are not answering.');
  });

  it('a device away: why, since when, and when the next try is', () => {
    const since = Date.UTC(2026, 0, 5, 14, 2, 0);
    const why = 'The Zigbee2MQTT broker at z2m.local:1883 is not answering.';
    expect(deviceStateText(device({ state: 'reconnecting', since, nextTryAt: since + 12_000, why }), since + 4_000)).toBe(
      `${why} Reconnecting since ${clockTime(since)}; next try in 8 s.`,
    );
    expect(
      deviceStateText(
        device({
          state: 'unreachable',
          since,
          nextTryAt: null,
          why: 'The Hue bridge at 192.168.1.20 showed a different certificate than when it was paired.',
        }),
        since,
      ),
    ).toMatch(/Unreachable since .*; press Check again when it is fixed\.$/);
    expect(deviceStateText(device({}), 0)).toBe('Connected');
  });

  it('a light’s level next to what its own app shows', () => {
    const light = { protocol: 'hue-v1', level: 60, appPercent: 27.9 } as LightView;
    expect(levelText(light)).toBe('Level 60 · 28 % in the Hue app');
    expect(levelText({ ...light, level: 12, appPercent: 1.6 })).toBe('Level 12 · 1.6 % in the Hue app');
    expect(levelText({ ...light, protocol: 'z2m', appPercent: null })).toBe('Level 60');
    expect(levelText({ ...light, level: null })).toBeNull();
  });
});
