/**
 * The lights part of the host contract: command schemas, what each command answers, and the
 * `lights` part of the snapshot. Spread into contract.ts.
 */
import { z } from 'zod';
import { LIGHT_PROTOCOLS, type LightProtocol } from '../../services/lighting/protocols';
import { command } from '../command';

const name = z.string().trim().min(1, 'enter a name').max(80, 'names are at most 80 characters');
const address = z.string().trim().min(1, 'enter the address').max(300);
const port = z.number().int().min(1).max(65535);
const mac = z
  .string()
  .trim()
  .transform((s) => s.toLowerCase().replace(/[:-]/g, ''))
  .pipe(z.string().regex(/^[0-9a-f]{12}$/, 'a MAC address has 12 hexadecimal digits'));
const url = z.string().trim().min(1, 'enter the address').max(300);
/** An id from the snapshot (device or light). */
const id = z.string().min(1).max(300);
const level = z.number().min(0).max(100);
const kelvin = z.number().int().min(1500).max(9000);
const percent = z.number().min(0, 'a percentage from 0 to 100').max(100, 'a percentage from 0 to 100');
const baseTopic = z
  .string()
  .trim()
  .max(200)
  .regex(/^[^/#+][^#+]*$/, 'a base topic has no #, + or leading /')
  .transform((t) => t.replace(/\/+$/, ''));

export { LIGHT_PROTOCOLS, type LightProtocol };

export const lightsCommands = {
  /** "Check again": every device that is not connected is tried now (its backoff starts over). */
  refreshLights: command(z.object({}).strict()),
  /**
   * The Lights view is open (or closed). Idle lights are read for drift and request-based
   * devices asked whether they are there only while it is open or a session runs. `open` lasts
   * two minutes unless said again, so a page that vanished without saying so stops the reads.
   */
  watchLights: command(z.object({ open: z.boolean() }).strict()),
  /** Looks for Hue bridges (mDNS), LIFX and WiZ bulbs (broadcast) for a few seconds; results arrive in the snapshot. */
  discoverLights: command(z.object({}).strict()),
  /** Adds a bridge, bulb, broker or Home Assistant by address (local network only unless `insist`). */
  addLight: command(
    z.discriminatedUnion('protocol', [
      z
        .object({
          protocol: z.enum(['hue-v1', 'hue-v2']),
          address,
          port: port.optional(),
          name: name.optional(),
          insist: z.boolean().default(false),
        })
        .strict(),
      z
        .object({
          protocol: z.enum(['lifx', 'wiz']),
          address,
          port: port.optional(),
          mac: mac.optional(),
          name: name.optional(),
          insist: z.boolean().default(false),
        })
        .strict(),
      z
        .object({
          protocol: z.literal('z2m'),
          url,
          /** Zigbee2MQTT's base topic when it is not `zigbee2mqtt`. */
          baseTopic: baseTopic.optional(),
          username: z.string().max(200).optional(),
          password: z.string().max(500).optional(),
          name: name.optional(),
          insist: z.boolean().default(false),
        })
        .strict(),
      z
        .object({
          protocol: z.literal('homeassistant'),
          url,
          token: z.string().trim().min(1, 'enter the long-lived access token').max(2000),
          name: name.optional(),
          insist: z.boolean().default(false),
        })
        .strict(),
    ]),
  ).answers<{ deviceId: string; message: string }>(),
  /** Hue: asks the bridge for a key (the link button must have been pressed just before). */
  pairLight: command(z.object({ deviceId: id }).strict()).answers<{ message: string }>(),
  /** Renames a device or one of its lights. */
  renameLight: command(z.object({ id, name }).strict()),
  /** Forgets a device and its lights (and its stored key). `confirm` must be the word "remove". */
  removeLight: command(z.object({ deviceId: id, confirm: z.literal('remove', { message: 'confirm the removal' }) }).strict()),
  /** Puts a light in the room (it follows the timeline and safe state) or takes it out. */
  setLightInRoom: command(z.object({ lightId: id, inRoom: z.boolean() }).strict()),
  /**
   * A clinic's calibration of one light, in its own app's %: the lowest setting at which it
   * visibly glows and the most it should ever give (null: none). Used by the timeline at once.
   */
  setLightCalibration: command(
    z
      .object({
        lightId: id,
        calibration: z
          .object({ minPercent: percent, maxPercent: percent })
          .strict()
          .refine((c) => c.minPercent < c.maxPercent, 'the lowest visible level must be below the highest wanted level')
          .nullable(),
      })
      .strict(),
  ),
  /** A slow, gentle pulse on one light so the therapist can tell which one it is. Not during a session. */
  testPulse: command(z.object({ lightId: id }).strict()).answers<{ message: string }>(),
  /** Holds the room's lights at a level and colour temperature for a few seconds, then eases back. Not during a session. */
  previewScene: command(z.object({ level, kelvin }).strict()).answers<{ message: string }>(),
  /** Where the room goes in safe state and after a session. */
  setSafeScene: command(z.object({ level: level.min(5, 'a safe level below 5 % would leave the room too dark to work'), kelvin }).strict()),
  /** Hue: sets every light of the bridge to come back as it was after a power cut (not at full brightness). */
  keepLightsAfterPowerCut: command(z.object({ deviceId: id }).strict()).answers<{ message: string }>(),
};

/** How a device's connection stands (derived from the connection, never remembered). */
export type LightDeviceState = 'connecting' | 'connected' | 'reconnecting' | 'unreachable' | 'needs-pairing';

/** A connection: a Hue bridge, a bulb, an MQTT broker or Home Assistant. */
export interface LightDeviceView {
  id: string;
  protocol: LightProtocol;
  name: string;
  /** Address as entered (never with credentials); a Zigbee2MQTT base topic other than the default follows it. */
  address: string;
  state: LightDeviceState;
  /** When the current state began (ms, host clock). */
  since: number;
  /** When the next attempt is due (null: connected, or waiting for "Check again" / pairing). */
  nextTryAt: number | null;
  /** When it was last connected (null: never since Stillroom started). */
  lastConnectedAt: number | null;
  /** Why it is not connected, one plain sentence; null when connected. */
  why: string | null;
  /** E.g. "key ending …1a2b"; null when the device has no secret. */
  secretHint: string | null;
  /** Hue v2: the pinned certificate's fingerprint, shortened for display. */
  certificate: string | null;
  /**
   * How safe state reaches this device's room lights and what Stillroom keeps on the bridge for
   * it (e.g. "one command to Stillroom's group “Stillroom room” on the bridge"); null when it
   * has fewer than two lights in the room or is not a bridge.
   */
  safeState: string | null;
}

/** What a light is doing, in the therapist's terms. */
export type LightFollowState = 'following' | 'held' | 'not-answering' | 'waiting-for-device' | 'connecting' | 'not-in-room';

/** One light of a device. */
export interface LightView {
  id: string;
  deviceId: string;
  name: string;
  protocol: LightProtocol;
  inRoom: boolean;
  state: LightFollowState;
  /** One plain sentence when it is not following; null otherwise. */
  why: string | null;
  /** Since when it has not been following (null when it is). */
  since: number | null;
  nextTryAt: number | null;
  /** Stillroom's level (perceptual, 0–100) last sent, null when not known. */
  level: number | null;
  /** The same level as the light's own app shows it (Hue, Zigbee2MQTT, Home Assistant brightness %), null when not known. */
  appPercent: number | null;
  /** The clinic's calibration in the light's own app %, null for none. */
  calibration: { minPercent: number; maxPercent: number } | null;
}

export interface FoundLightView {
  protocol: LightProtocol;
  name: string;
  address: string;
  port: number | null;
  mac: string | null;
  /** Already in the list. */
  known: boolean;
}

/** The room's devices and their state, for the Lights view and the panel's quiet status. */
export interface LightsSnapshot {
  devices: LightDeviceView[];
  lights: LightView[];
  discovery: { running: boolean; found: FoundLightView[]; error: string | null; finishedAt: number | null };
  safeScene: { level: number; kelvin: number };
  /** A test pulse or preview under way (light id, or 'room' for a preview). */
  busy: string | null;
  /** Set-up problems (duplicate ids, damaged entries), in plain words. */
  problems: string[];
  /**
   * For the panel's status line: lights in the room, the names of those not following, and the
   * sentence that says so ("Ceiling spot and Reading lamp are not answering."; null when all follow).
   */
  summary: { inRoom: number; notFollowing: string[]; sentence: string | null };
  /** Idle lights are being read (a session runs or the Lights view is open). */
  watching: boolean;
}
