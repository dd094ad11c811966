/**
 * The room's device list as stored in settings (`lightDevices`), and the devices' secrets.
 *
 * Secrets (Hue keys, Home Assistant tokens, MQTT passwords) are kept sealed by the vault in
 * settings and in clear only in memory here; they are never logged or shown beyond their last
 * four characters. A damaged entry, a repeated id or a key that does not open is a problem
 * said in plain words, never a crash.
 */
import { readRoom, type StoredDevice, type StoredLight } from '../../services/lighting/room';
import type { Settings } from '../../services/settings';
import type { Vault } from '../../services/vault';
import { Refusal } from '../refusal';

export class DeviceStore {
  private list: StoredDevice[];
  private readonly secrets = new Map<string, string>();
  readonly problems: string[];

  constructor(
    private readonly settings: Settings,
    private readonly vault: Vault | null,
    private readonly log: (line: string) => void,
  ) {
    const { devices, problems } = readRoom(settings.get('lightDevices'), log);
    this.list = devices;
    this.problems = problems;
    for (const d of devices) {
      const clear = this.unseal(d);
      if (clear !== null) this.secrets.set(d.id, clear);
    }
  }

  get devices(): readonly StoredDevice[] {
    return this.list;
  }

  private unseal(d: StoredDevice): string | null {
    if (!d.secret) return null;
    if (!this.vault) {
      this.problems.push(`the key of “${d.name}” cannot be opened here (no vault); pair it again`);
      return null;
    }
    try {
      return this.vault.open(d.secret);
    } catch {
      const msg = `the stored key of “${d.name}” does not open with this machine’s data key; pair it again`;
      this.log(msg);
      this.problems.push(msg);
      return null;
    }
  }

  /** Refuses where no vault can keep a secret (before asking a bridge for a key it could not keep). */
  requireVault(): Vault {
    if (!this.vault) throw new Refusal('Stillroom cannot store keys safely on this machine, so it cannot pair devices here.');
    return this.vault;
  }

  /** Seals a secret for settings; refused where no vault can keep it. */
  seal(secret: string): string {
    return this.requireVault().seal(secret);
  }

  /** The device's secret in clear (memory only). */
  secret(id: string): string | undefined {
    return this.secrets.get(id);
  }

  /** Stores a new secret for a device (sealed in settings, clear in memory). */
  setSecret(dev: StoredDevice, secret: string): void {
    dev.secret = this.seal(secret);
    this.secrets.set(dev.id, secret);
    this.save();
  }

  /** "key ending …1a2b", "password stored"; null without a secret. */
  secretHint(dev: StoredDevice): string | null {
    const s = this.secrets.get(dev.id);
    if (!s) return null;
    if (dev.protocol === 'z2m') return 'password stored';
    return `${dev.protocol === 'homeassistant' ? 'token' : 'key'} ending …${s.slice(-4)}`;
  }

  save(): void {
    this.settings.set('lightDevices', this.list);
  }

  add(dev: StoredDevice, secret?: string): void {
    this.list.push(dev);
    if (secret) this.secrets.set(dev.id, secret);
    this.save();
  }

  remove(id: string): void {
    this.list = this.list.filter((d) => d.id !== id);
    this.secrets.delete(id);
    this.save();
  }

  device(id: string): StoredDevice {
    const d = this.list.find((x) => x.id === id);
    if (!d) throw new Refusal('That device is no longer in the list.');
    return d;
  }

  findLight(lightId: string): { device: StoredDevice; light: StoredLight } {
    for (const device of this.list) {
      const light = device.lights.find((l) => l.id === lightId);
      if (light) return { device, light };
    }
    throw new Refusal('That light is no longer in the list.');
  }

  refuseDuplicate(id: string): void {
    const dup = this.list.find((d) => d.id === id);
    if (dup) throw new Refusal(`“${dup.name}” is already in the list at this address; remove it first to add it again.`);
  }

  /** Lights a device brought that the list does not have yet (out of the room at first). True when some were added. */
  learnLights(dev: StoredDevice, found: ReadonlyArray<{ id: string; name: string }>): boolean {
    let added = false;
    for (const l of found) {
      if (dev.lights.some((x) => x.id === l.id)) continue;
      dev.lights.push({ id: l.id, name: l.name.trim().slice(0, 80) || l.id, inRoom: false });
      added = true;
    }
    if (added) this.save();
    return added;
  }
}

export const PRETTY: Record<StoredDevice['protocol'], string> = {
  'hue-v1': 'Hue bridge',
  'hue-v2': 'Hue bridge',
  lifx: 'LIFX bulb',
  wiz: 'WiZ bulb',
  z2m: 'Zigbee2MQTT',
  homeassistant: 'Home Assistant',
};

/** A clause as a sentence: capital first letter, one full stop. */
export const sentence = (s: string): string => {
  const t = s.trim().replace(/[.;:]+$/, '');
  return t ? `${t.charAt(0).toUpperCase()}${t.slice(1)}.` : '';
};

export const bracket = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip);
