/**
 * The room's lights as the therapist reads them: per device connected / reconnecting (since
 * when, next try) / unreachable (why), per light following / held / not answering (why), and
 * which lights are not following, by name. Pure; built from each device's link status and the
 * director's status. Library and protocol wording never gets through: a light's reason is one
 * of a few fixed sentences, or its device's own plain sentence (link.ts `faultSentence`).
 */
import type { LinkState, LinkStatus } from './link';
import type { DriverStatus } from './player';

export interface DeviceView {
  id: string;
  name: string;
  state: LinkState;
  /** When the current state began. */
  since: number;
  /** When the next attempt is due (null: connected, or waiting for "Check again"). */
  nextTryAt: number | null;
  /** One plain sentence; null when connected. */
  why: string | null;
}

export type LightState = 'following' | 'held' | 'not-answering' | 'waiting-for-device' | 'connecting' | 'not-in-room';

export interface LightView {
  id: string;
  name: string;
  deviceId: string;
  inRoom: boolean;
  state: LightState;
  /** One plain sentence when the light is not following; null otherwise. */
  why: string | null;
  /** Since when it has not been following (null when it is). */
  since: number | null;
  nextTryAt: number | null;
  /** Stillroom's level (perceptual, 0–100), and the same as the light's own app shows it (%). */
  level: number | null;
  appPercent: number | null;
}

export interface RoomStatus {
  devices: DeviceView[];
  lights: LightView[];
  /** Names of the room's lights that are not following (for the panel). */
  notFollowing: string[];
  /** "Ceiling spot and Reading lamp are not answering." (null when every light follows). */
  sentence: string | null;
}

export interface DeviceInput {
  id: string;
  name: string;
  link: LinkStatus;
  lights: Array<{ id: string; name: string; inRoom: boolean }>;
}

/** A light's own failure in plain words (the device itself is connected). */
export function plainLightReason(error: string | null | undefined): string {
  const e = (error ?? '').toLowerCase();
  if (/no longer (lists|on the bridge)|does not know this light/.test(e)) return 'Its bridge no longer lists this light.';
  if (/busy/.test(e)) return 'Its bridge is busy; Stillroom will try again.';
  if (/switched off at the bridge/.test(e)) return 'It is switched off; Stillroom will turn it on gently.';
  if (/offline|unreachable|not answering|no answer|no state reply|no reading/.test(e))
    return 'It is not answering (switched off at the wall, or out of reach?).';
  return 'It did not take the last change; Stillroom will try again.';
}

/** "A", "A and B", "A, B and C" (at most four names, then "and n more"). */
export function listNames(names: readonly string[]): string {
  const shown = names.length > 4 ? [...names.slice(0, 3), `${names.length - 3} more`] : [...names];
  if (shown.length <= 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** The panel's line for the lights that are not following, or null when all follow. */
export function notFollowingSentence(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  return `${listNames(names)} ${names.length === 1 ? 'is' : 'are'} not answering.`;
}

export function roomStatus(devices: readonly DeviceInput[], director: readonly DriverStatus[]): RoomStatus {
  const byId = new Map(director.map((s) => [s.id, s]));
  const out: RoomStatus = { devices: [], lights: [], notFollowing: [], sentence: null };
  for (const d of devices) {
    const link = d.link;
    out.devices.push({ id: d.id, name: d.name, state: link.state, since: link.since, nextTryAt: link.nextTryAt, why: link.why });
    for (const l of d.lights) {
      const s = byId.get(l.id);
      const view: LightView = {
        id: l.id,
        name: l.name,
        deviceId: d.id,
        inRoom: l.inRoom,
        state: 'following',
        why: null,
        since: null,
        nextTryAt: null,
        level: s?.level ?? null,
        appPercent: s?.appPercent ?? null,
      };
      if (link.state !== 'connected') {
        view.state = link.state === 'connecting' ? 'connecting' : 'waiting-for-device';
        view.why = link.why;
        view.since = link.since;
        view.nextTryAt = link.nextTryAt;
      } else if (!l.inRoom || !s) {
        view.state = 'not-in-room';
      } else if (s.held) {
        view.state = 'held';
      } else if (s.health === 'offline') {
        view.state = 'not-answering';
        view.why = plainLightReason(s.lastError);
        view.since = s.offlineSince ?? s.lastErrorAt ?? null;
        view.nextTryAt = s.nextRetryAt ?? null;
      } else if (s.health !== 'online') {
        view.state = 'connecting';
      }
      if (l.inRoom && (view.state === 'not-answering' || view.state === 'waiting-for-device')) out.notFollowing.push(l.name);
      out.lights.push(view);
    }
  }
  out.sentence = notFollowingSentence(out.notFollowing);
  return out;
}
