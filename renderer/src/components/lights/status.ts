/**
 * The room's lights in words (the Lights view and the live panel): a device's connection
 * (connected / reconnecting since when, next try / unreachable and why), what each light is
 * doing, and its level as Stillroom and as its own app show it. Pure, so it is tested as text.
 */

import { formatClock } from '@core/format';
import type { LightDeviceView, LightProtocol, LightsSnapshot, LightView } from '@host/lights/contract';

/** The panel's and the view's quiet line: every light answering, or which are not. */
export function lightsStatusText(summary: LightsSnapshot['summary'] | undefined): string | null {
  if (!summary || summary.inRoom === 0) return null;
  if (summary.sentence) return `Lights: ${summary.sentence}`;
  return `Lights: ${summary.inRoom} of ${summary.inRoom} answering`;
}

/** "in 8 s", "in 2 min", "now". */
export function inWords(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s <= 0) return 'now';
  if (s < 90) return `in ${s} s`;
  return `in ${Math.round(s / 60)} min`;
}

/** A device's connection in one or two sentences; `now` is the host's clock. */
/** `clock` writes a time of day (the panel passes its `clockTime`, which follows the clock setting). */
export function deviceStateText(d: LightDeviceView, now: number, clock: (ms: number) => string = (ms) => formatClock(ms)): string {
  const next = d.nextTryAt === null ? null : `next try ${inWords(d.nextTryAt - now)}`;
  switch (d.state) {
    case 'connected':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'needs-pairing':
      return 'Not paired yet. Press the link button on the bridge, then Pair.';
    case 'reconnecting':
      return `${d.why ?? 'The connection was lost.'} Reconnecting since ${clock(d.since)}${next ? `; ${next}` : ''}.`;
    case 'unreachable':
      return `${d.why ?? 'It is not answering.'} Unreachable since ${clock(d.since)}${next ? `; ${next}` : '; press Check again when it is fixed'}.`;
  }
}

/** Whether a device's line is a problem (shown in the warning colour). */
export const deviceTrouble = (d: LightDeviceView): boolean => d.state === 'reconnecting' || d.state === 'unreachable';

/** What a light is doing, in two or three words. */
export const LIGHT_STATE: Record<LightView['state'], string> = {
  following: 'Following',
  held: 'Held for a test',
  'not-answering': 'Not answering',
  'waiting-for-device': 'Waiting for its device',
  connecting: 'Connecting…',
  'not-in-room': 'Not in the room',
};

/** Where each protocol's own app shows the light's brightness. */
const APP_NAME: Record<LightProtocol, string> = {
  'hue-v1': 'the Hue app',
  'hue-v2': 'the Hue app',
  lifx: 'the LIFX app',
  wiz: 'the WiZ app',
  z2m: 'Zigbee2MQTT',
  homeassistant: 'Home Assistant',
};

/** "Level 60 · 28 % in the Hue app" (Stillroom's perceptual level next to the light's own %). */
export function levelText(l: LightView): string | null {
  if (l.level === null) return null;
  const own = l.appPercent === null ? '' : ` · ${formatPercent(l.appPercent)} in ${APP_NAME[l.protocol]}`;
  return `Level ${Math.round(l.level)}${own}`;
}

/** 28 %, 1.6 % (one decimal below 10 %, where a step is visible). */
export function formatPercent(p: number): string {
  return `${p < 10 ? Math.round(p * 10) / 10 : Math.round(p)} %`;
}
