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

export { LIGHT_PROTOCOLS, type LightProtocol };

export const lightsCommands = {
  /** Connects again to every device and checks every light now. */
  refreshLights: command(z.object({}).strict()),
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
  /** A slow, gentle pulse on one light so the therapist can tell which one it is. Not during a session. */
  testPulse: command(z.object({ lightId: id }).strict()).answers<{ message: string }>(),
  /** Holds the room's lights at a level and colour temperature for a few seconds, then eases back. Not during a session. */
  previewScene: command(z.object({ level, kelvin }).strict()).answers<{ message: string }>(),
  /** Where the room goes in safe state and after a session. */
  setSafeScene: command(z.object({ level: level.min(5, 'a safe level below 5 % would leave the room too dark to work'), kelvin }).strict()),
  /** Hue: sets every light of the bridge to come back as it was after a power cut (not at full brightness). */
  keepLightsAfterPowerCut: command(z.object({ deviceId: id }).strict()).answers<{ message: string }>(),
};

export type LightHealth = 'online' | 'offline' | 'unknown';

/** A connection: a Hue bridge, a bulb, an MQTT broker or Home Assistant. */
export interface LightDeviceView {
  id: string;
  protocol: LightProtocol;
  name: string;
  /** Address as entered (never with credentials). */
  address: string;
  /** connected; needs pairing (Hue without key); unreachable / refused (see `error`); connecting. */
  state: 'connected' | 'needs-pairing' | 'failed' | 'connecting';
  error: string | null;
  /** E.g. "key ending …1a2b"; null when the device has no secret. */
  secretHint: string | null;
  /** Hue v2: the pinned certificate's fingerprint, shortened for display. */
  certificate: string | null;
  /** How safe state reaches this device's room lights, when it has two or more (e.g. "one command to the bridge group …"); null otherwise. */
  safeState: string | null;
}

/** One light of a device. */
export interface LightView {
  id: string;
  deviceId: string;
  name: string;
  protocol: LightProtocol;
  inRoom: boolean;
  health: LightHealth;
  /** Last level sent or read (L*, 0–100), null when not known. */
  level: number | null;
  /** The last problem in plain words, null when it answers. */
  lastError: string | null;
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
  /** Lights in the room, and how many of them do not answer (for the panel's status line). */
  summary: { inRoom: number; notAnswering: number };
}
