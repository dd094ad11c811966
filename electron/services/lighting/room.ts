/**
 * The room's light configuration as stored in settings: connections (a Hue bridge, a LIFX or
 * WiZ bulb, a Zigbee2MQTT broker, Home Assistant) and the lights each one brings. Every entry is
 * validated on read; a damaged entry or a second entry with an id already seen is dropped with a
 * log line, never a crash. Secrets are stored only sealed with the vault (`sr1:` text).
 */
import { z } from 'zod';
import { LIGHT_PROTOCOLS } from './protocols';

export const StoredLight = z.object({
  /** The driver id (e.g. `hue:001788fffe7a1b2c:3`). */
  id: z.string().min(1).max(300),
  name: z.string().trim().min(1).max(80),
  inRoom: z.boolean(),
  /** The clinic's calibration in the light's own app %: lowest visible, highest wanted. */
  calibration: z
    .object({ minPercent: z.number().min(0).max(100), maxPercent: z.number().min(0).max(100) })
    .refine((c) => c.minPercent < c.maxPercent, 'the lowest visible level must be below the highest wanted level')
    .optional(),
});

export const StoredDevice = z.object({
  /** Derived from protocol and address, so the same device cannot be added twice. */
  id: z.string().min(1).max(400),
  protocol: z.enum(LIGHT_PROTOCOLS),
  name: z.string().trim().min(1).max(80),
  /** IP address (Hue, LIFX, WiZ) or base URL (Zigbee2MQTT broker, Home Assistant). */
  address: z.string().min(1).max(300),
  port: z.number().int().min(1).max(65535).optional(),
  /** The user confirmed an address outside the local network on purpose. */
  insist: z.boolean().default(false),
  /** Hue application key, Home Assistant token or MQTT password, sealed with the vault. */
  secret: z
    .string()
    .max(8000)
    .refine((s) => s.startsWith('sr1:'), 'secrets are stored sealed')
    .optional(),
  /** MQTT user name (not a secret). */
  username: z.string().max(200).optional(),
  /** Zigbee2MQTT's base topic when it is not `zigbee2mqtt`. */
  baseTopic: z
    .string()
    .max(200)
    .regex(/^[^/#+][^#+]*$/, 'a base topic has no #, + or leading /')
    .optional(),
  /** Hue bridge id from its configuration. */
  bridgeId: z.string().max(64).optional(),
  /** LIFX / WiZ MAC address, 12 lowercase hex digits. */
  mac: z
    .string()
    .regex(/^[0-9a-f]{12}$/)
    .optional(),
  /** Hue v2: SHA-256 fingerprint of the bridge certificate, pinned at first contact. */
  certSha256: z
    .string()
    .regex(/^[0-9A-Fa-f:]{64,95}$/)
    .optional(),
  lights: z.array(StoredLight).max(200).default([]),
});

export type StoredDevice = z.infer<typeof StoredDevice>;
export type StoredLight = z.infer<typeof StoredLight>;

/** Validates the stored list: damaged entries and repeated ids are dropped, each with a log line. */
export function readRoom(raw: readonly unknown[], log: (line: string) => void): { devices: StoredDevice[]; problems: string[] } {
  const devices: StoredDevice[] = [];
  const problems: string[] = [];
  raw.forEach((entry, i) => {
    const p = StoredDevice.safeParse(entry);
    if (!p.success) {
      const issue = p.error.issues[0];
      const why = issue ? `${issue.path.join('.') || 'entry'}: ${issue.message}` : 'not understood';
      const msg = `light device ${i + 1} in the settings is damaged and was left out (${why})`;
      log(msg);
      problems.push(msg);
      return;
    }
    if (devices.some((d) => d.id === p.data.id)) {
      const msg = `light device “${p.data.name}” appears twice in the settings; the second entry was left out`;
      log(msg);
      problems.push(msg);
      return;
    }
    const seen = new Set<string>();
    const lights = p.data.lights.filter((l) => {
      if (seen.has(l.id)) return false;
      seen.add(l.id);
      return true;
    });
    devices.push({ ...p.data, lights });
  });
  return { devices, problems };
}

/** The stable id of a device: protocol plus where it lives (MAC for bulbs, address otherwise). */
export function deviceIdOf(protocol: StoredDevice['protocol'], where: string): string {
  return `${protocol}@${where.toLowerCase()}`;
}
