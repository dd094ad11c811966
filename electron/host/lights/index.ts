/**
 * The host's side of the room's lights: which devices the room has (from settings), their
 * drivers on the lighting director, discovery, adding by address, pairing, naming, the room,
 * test pulse, scene preview, the safe scene and status.
 *
 * Lighting faults never reach the session: every command answers ok or a readable refusal,
 * and anything slow (discovery, a pulse, a preview, connecting) runs in the background so the
 * host's command queue (and Safe state behind it) never waits on a light. Secrets (Hue keys,
 * Home Assistant tokens, MQTT passwords) are kept sealed in settings, in clear only in memory,
 * and never logged or shown beyond their last four characters.
 */
import { checkBaseUrl, checkHost } from '../../services/lighting/address';
import type { LightGroup, LightingDirector } from '../../services/lighting/director';
import {
  type DeviceState,
  type LightDriver,
  type LightTarget,
  type Result,
  realTimers,
  sleep,
  type Timers,
} from '../../services/lighting/driver';
import { gentleMs } from '../../services/lighting/fade';
import { HomeAssistant } from '../../services/lighting/homeassistant';
import { CERT_CHANGED, peekCertificate, redact } from '../../services/lighting/http';
import { bonjourBrowse, discoverHueBridges, HueBridge, HueLight, type MdnsBrowse } from '../../services/lighting/hue';
import { LifxNetwork } from '../../services/lighting/lifx';
import { deviceIdOf, readRoom, type StoredDevice, type StoredLight } from '../../services/lighting/room';
import { SteppedFade } from '../../services/lighting/stepper';
import { VirtualLamp } from '../../services/lighting/virtual';
import { WIZ_PORT, WizNetwork } from '../../services/lighting/wiz';
import { Z2mBridge } from '../../services/lighting/z2m';
import type { Settings } from '../../services/settings';
import type { Vault } from '../../services/vault';
import type { ArgsOut, Handlers } from '../command';
import { Refusal } from '../refusal';
import type { FoundLightView, LightDeviceView, LightHealth, LightProtocol, LightsSnapshot, LightView, lightsCommands } from './contract';

export interface HostLightsOptions {
  dataDir: string;
  settings: Settings;
  /** Seals device secrets at rest; null only in tests that do not store secrets. */
  vault: Vault | null;
  director: LightingDirector;
  clock: () => number;
  log: (line: string) => void;
  /** Something in the snapshot changed. */
  onChange: () => void;
  /** Whether a session is running (test pulse and preview are refused then). */
  sessionRunning?: () => boolean;
  /** How often every light is checked, ms (default 10 s). */
  checkMs?: number;
  /** Time for pulses and previews (tests shorten nothing; injected for completeness). */
  timers?: Timers;
  /** Discovery and UDP sockets (tests: loopback peers, no multicast). */
  network?: {
    bindAddress?: string;
    lifxBroadcast?: Array<{ address: string; port: number }>;
    wizBroadcast?: Array<{ address: string; port: number }>;
    browse?: MdnsBrowse;
    discoverMs?: number;
  };
  /** Request timeout towards devices while adding and pairing, ms. */
  timeoutMs?: number;
}

/** How high a test pulse goes above (or below, near the top) where the light is, L*. */
const PULSE_LEVEL = 12;
const PULSE_RAMP_MS = 2_500;
const PULSE_HOLD_MS = 800;
const PREVIEW_HOLD_MS = 8_000;
const PREVIEW_MIN_MS = 3_000;

interface Check {
  at: number;
  health: LightHealth;
  level: number | null;
  error: string | null;
}

interface Live {
  state: LightDeviceView['state'];
  error: string | null;
  drivers: Map<string, LightDriver>;
  groups: LightGroup[];
  close: () => void;
  /** A Hue bridge: can hold a group made for the room (safe state in one command). */
  hue?: HueBridge;
  /** The room (sorted light ids) a group was last made or asked for; not asked again for the same room. */
  groupFor?: string;
  /** Why the bridge has no group for the room (it refused to make one); null when it has one. */
  groupProblem?: string | null;
  /** The room's lights still to be given a group, and whether a round is running. */
  groupWanted?: string[] | undefined;
  groupBusy?: boolean;
}

/** The group Stillroom keeps on a Hue bridge for the room's lights (a v1 LightGroup or a v2 zone). */
export const HUE_ROOM_GROUP = 'Stillroom room';

const PRETTY: Record<LightProtocol, string> = {
  'hue-v1': 'Hue bridge',
  'hue-v2': 'Hue bridge',
  lifx: 'LIFX bulb',
  wiz: 'WiZ bulb',
  z2m: 'Zigbee2MQTT',
  homeassistant: 'Home Assistant',
};

const sentence = (s: string): string => {
  const t = s.trim().replace(/[.;:]+$/, '');
  return t ? `${t.charAt(0).toUpperCase()}${t.slice(1)}.` : '';
};
const bracket = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip);

export class HostLights {
  private devices: StoredDevice[] = [];
  private problems: string[] = [];
  private live = new Map<string, Live>();
  /** Clear secrets by device id: memory only. */
  private secrets = new Map<string, string>();
  private checks = new Map<string, Check>();
  private discovery: LightsSnapshot['discovery'] = { running: false, found: [], error: null, finishedAt: null };
  private busy: string | null = null;
  private closed = false;
  private lifxNet: Promise<Result<LifxNetwork>> | null = null;
  private wizNet: Promise<Result<WizNetwork>> | null = null;
  private inDirector = new Set<string>();
  private checkTimer: ReturnType<typeof setInterval> | null = null;
  private checking = false;
  private readonly timers: Timers;

  constructor(private readonly opts: HostLightsOptions) {
    this.timers = opts.timers ?? realTimers;
    const { devices, problems } = readRoom(opts.settings.get('lightDevices'), opts.log);
    this.devices = devices;
    this.problems = problems;
    for (const d of devices) {
      if (!d.secret) continue;
      const clear = this.unseal(d);
      if (clear !== null) this.secrets.set(d.id, clear);
    }
    for (const d of devices) void this.connect(d.id);
    this.checkTimer = setInterval(() => void this.checkAll(), opts.checkMs ?? 10_000);
    this.checkTimer.unref?.();
  }

  private unseal(d: StoredDevice): string | null {
    if (!d.secret) return null;
    if (!this.opts.vault) {
      this.problems.push(`the key of “${d.name}” cannot be opened here (no vault); pair it again`);
      return null;
    }
    try {
      return this.opts.vault.open(d.secret);
    } catch {
      const msg = `the stored key of “${d.name}” does not open with this machine’s data key; pair it again`;
      this.opts.log(msg);
      this.problems.push(msg);
      return null;
    }
  }

  private seal(secret: string): string {
    if (!this.opts.vault) throw new Refusal('Stillroom cannot store keys safely on this machine, so it cannot pair devices here.');
    return this.opts.vault.seal(secret);
  }

  private save(): void {
    this.opts.settings.set('lightDevices', this.devices);
  }

  private device(id: string): StoredDevice {
    const d = this.devices.find((x) => x.id === id);
    if (!d) throw new Refusal('That device is no longer in the list.');
    return d;
  }

  private findLight(lightId: string): { device: StoredDevice; light: StoredLight } {
    for (const device of this.devices) {
      const light = device.lights.find((l) => l.id === lightId);
      if (light) return { device, light };
    }
    throw new Refusal('That light is no longer in the list.');
  }

  private changed(): void {
    if (!this.closed) this.opts.onChange();
  }

  private get timeoutMs(): number {
    return this.opts.timeoutMs ?? 3_000;
  }

  // ───────────────────────────── commands ─────────────────────────────

  /** The lights' command handlers (see `lights/contract.ts`). */
  readonly commands: Handlers<typeof lightsCommands> = {
    refreshLights: () => {
      for (const d of this.devices) if (this.live.get(d.id)?.state !== 'connected') void this.connect(d.id);
      void this.checkAll();
      return undefined;
    },
    discoverLights: () => {
      this.discover();
      return undefined;
    },
    addLight: async (a) => {
      return { data: await this.add(a) };
    },
    pairLight: async (a) => {
      return { data: await this.pair(a.deviceId) };
    },
    renameLight: (a) => {
      const dev = this.devices.find((d) => d.id === a.id);
      if (dev) dev.name = a.name;
      else this.findLight(a.id).light.name = a.name;
      this.save();
      this.changed();
      return undefined;
    },
    removeLight: (a) => {
      const dev = this.device(a.deviceId);
      this.disconnect(dev.id);
      this.devices = this.devices.filter((d) => d.id !== dev.id);
      this.secrets.delete(dev.id);
      for (const l of dev.lights) this.checks.delete(l.id);
      this.save();
      this.syncDirector();
      this.changed();
      return undefined;
    },
    setLightInRoom: (a) => {
      this.findLight(a.lightId).light.inRoom = a.inRoom;
      this.save();
      this.syncDirector();
      this.changed();
      return undefined;
    },
    testPulse: (a) => {
      return { data: this.pulse(a.lightId) };
    },
    previewScene: (a) => {
      return { data: this.preview({ level: a.level, kelvin: a.kelvin }) };
    },
    keepLightsAfterPowerCut: async (a) => {
      return { data: await this.powerCut(a.deviceId) };
    },
    setSafeScene: (a) => {
      this.opts.settings.set('safeScene', { level: a.level, kelvin: a.kelvin });
      this.changed();
      return undefined;
    },
  };

  /** Adds a device by address: checks it is local, that something answers, and that it is not already listed. */
  private async add(a: ArgsOut<(typeof lightsCommands)['addLight']>): Promise<{ deviceId: string; message: string }> {
    if (this.devices.length >= 100) throw new Refusal('The list already has 100 devices; remove one first.');
    switch (a.protocol) {
      case 'hue-v1':
      case 'hue-v2':
        return this.addHue(a.protocol, a.address, a.port, a.name, a.insist);
      case 'lifx':
      case 'wiz':
        return this.addBulb(a.protocol, a.address, a.port, a.mac, a.name, a.insist);
      case 'z2m':
        return this.addZ2m(a.url, a.username, a.password, a.name, a.insist);
      case 'homeassistant':
        return this.addHa(a.url, a.token, a.name, a.insist);
    }
  }

  private refuseDuplicate(id: string): void {
    const dup = this.devices.find((d) => d.id === id);
    if (dup) throw new Refusal(`“${dup.name}” is already in the list at this address; remove it first to add it again.`);
  }

  private async local(address: string, insist: boolean): Promise<string> {
    const r = await checkHost(address, { insist });
    if (!r.ok) throw new Refusal(sentence(r.error));
    return r.value.address;
  }

  private hueBase(protocol: 'hue-v1' | 'hue-v2', ip: string, port: number): string {
    return `${protocol === 'hue-v2' ? 'https' : 'http'}://${bracket(ip)}:${port}`;
  }

  private openHue(d: StoredDevice, key?: string): Result<HueBridge> {
    const api = d.protocol === 'hue-v2' ? 'v2' : 'v1';
    const port = d.port ?? (api === 'v2' ? 443 : 80);
    return HueBridge.open({
      address: d.address,
      api,
      key,
      bridgeId: d.bridgeId,
      fingerprint256: d.certSha256,
      baseUrl: this.hueBase(d.protocol as 'hue-v1' | 'hue-v2', d.address, port),
      insist: d.insist,
      timeoutMs: this.timeoutMs,
    });
  }

  private async addHue(
    protocol: 'hue-v1' | 'hue-v2',
    address: string,
    port: number | undefined,
    name: string | undefined,
    insist: boolean,
  ): Promise<{ deviceId: string; message: string }> {
    const ip = await this.local(address, insist);
    const p = port ?? (protocol === 'hue-v2' ? 443 : 80);
    const id = deviceIdOf(protocol, `${bracket(ip)}:${p}`);
    this.refuseDuplicate(id);
    let certSha256: string | undefined;
    if (protocol === 'hue-v2') {
      // Trust on first use: the bridge's certificate is signed by Signify's private root, which
      // Stillroom cannot have; its fingerprint is pinned now and checked on every later connection.
      const cert = await peekCertificate(ip, p, this.timeoutMs);
      if (!cert.ok) throw new Refusal(`Could not reach a Hue bridge at ${ip}:${p}: ${cert.error}.`);
      certSha256 = cert.value.fingerprint256;
    }
    const draft: StoredDevice = { id, protocol, name: 'Hue bridge', address: ip, port: p, insist, certSha256, lights: [] };
    const bridge = this.openHue(draft);
    if (!bridge.ok) throw new Refusal(sentence(bridge.error));
    const config = await bridge.value.config();
    bridge.value.close();
    if (!config.ok) throw new Refusal(`Could not reach a Hue bridge at ${ip}:${p}: ${config.error}.`);
    const bridgeId = config.value.bridgeid.toLowerCase().slice(0, 64);
    // The same bridge twice (by another address, or by the other API) would drive its lights twice.
    const same = this.devices.find((d) => d.bridgeId === bridgeId && d.protocol.startsWith('hue'));
    if (same)
      throw new Refusal(
        same.protocol === protocol
          ? `This bridge is already in the list as “${same.name}”.`
          : `This bridge is already in the list as “${same.name}” (API ${same.protocol.slice(-2)}); remove it first to switch.`,
      );
    const dev: StoredDevice = { ...draft, bridgeId, name: name ?? (config.value.name.trim().slice(0, 80) || 'Hue bridge') };
    this.devices.push(dev);
    this.save();
    this.live.set(id, { state: 'needs-pairing', error: null, drivers: new Map(), groups: [], close: () => {} });
    this.changed();
    return { deviceId: id, message: `Found “${dev.name}”. Press the link button on the bridge, then Pair.` };
  }

  private udp(protocol: 'lifx' | 'wiz'): Promise<Result<LifxNetwork | WizNetwork>> {
    const bindAddress = this.opts.network?.bindAddress;
    if (protocol === 'lifx') {
      this.lifxNet ??= LifxNetwork.open({ bindAddress, broadcast: this.opts.network?.lifxBroadcast });
      return this.lifxNet;
    }
    this.wizNet ??= WizNetwork.open({ bindAddress, broadcast: this.opts.network?.wizBroadcast });
    return this.wizNet;
  }

  private async addBulb(
    protocol: 'lifx' | 'wiz',
    address: string,
    port: number | undefined,
    mac: string | undefined,
    name: string | undefined,
    insist: boolean,
  ): Promise<{ deviceId: string; message: string }> {
    const ip = await this.local(address, insist);
    const p = port ?? (protocol === 'lifx' ? 56700 : WIZ_PORT);
    let found = mac ? { mac, name: undefined as string | undefined } : null;
    if (!found) {
      // Ask the bulb itself who it is (a discovery datagram sent to its address only).
      const target = [{ address: ip, port: p }];
      const net =
        protocol === 'lifx'
          ? await LifxNetwork.open({ bindAddress: this.opts.network?.bindAddress, broadcast: target, insist })
          : await WizNetwork.open({ bindAddress: this.opts.network?.bindAddress, broadcast: target, insist });
      if (!net.ok) throw new Refusal(sentence(net.error));
      const answers = await net.value.discover(1_500);
      net.value.close();
      const first = answers[0];
      if (!first)
        throw new Refusal(`No ${PRETTY[protocol]} answered at ${ip}. Check that it is powered and on this network, then try again.`);
      found = { mac: first.mac, name: first.name };
    }
    const id = deviceIdOf(protocol, found.mac);
    this.refuseDuplicate(id);
    const label = name ?? found.name ?? `${PRETTY[protocol]} ${found.mac.slice(-6)}`;
    const dev: StoredDevice = {
      id,
      protocol,
      name: label,
      address: ip,
      port: p,
      insist,
      mac: found.mac,
      lights: [{ id: `${protocol}:${found.mac}`, name: label, inRoom: false }],
    };
    this.devices.push(dev);
    this.save();
    await this.connect(id);
    return { deviceId: id, message: `Added “${label}”. Put it in the room when you want it to follow sessions.` };
  }

  private async addZ2m(
    url: string,
    username: string | undefined,
    password: string | undefined,
    name: string | undefined,
    insist: boolean,
  ): Promise<{ deviceId: string; message: string }> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Refusal('The broker address is not a URL (expected e.g. mqtt://192.168.1.10:1883).');
    }
    if (parsed.username || parsed.password) throw new Refusal('Put the user name and password in their own fields, not in the address.');
    const id = deviceIdOf('z2m', parsed.host);
    this.refuseDuplicate(id);
    const bridge = await Z2mBridge.connect({ url, username, password, insist, connectTimeoutMs: this.timeoutMs });
    if (!bridge.ok) throw new Refusal(`Could not connect to the MQTT broker at ${parsed.host}: ${redact(bridge.error, [password])}.`);
    const lights = await bridge.value.lights(this.timeoutMs);
    await bridge.value.close();
    if (!lights.ok) throw new Refusal(sentence(lights.error));
    const dev: StoredDevice = {
      id,
      protocol: 'z2m',
      name: name ?? 'Zigbee2MQTT',
      address: `${parsed.protocol}//${parsed.host}`,
      insist,
      username: username || undefined,
      secret: password ? this.seal(password) : undefined,
      lights: [],
    };
    this.devices.push(dev);
    if (password) this.secrets.set(id, password);
    this.save();
    await this.connect(id);
    return { deviceId: id, message: `Connected. ${lights.value.length} lights found; put the ones in this room in the room.` };
  }

  private async addHa(
    url: string,
    token: string,
    name: string | undefined,
    insist: boolean,
  ): Promise<{ deviceId: string; message: string }> {
    const base = await checkBaseUrl(url, { insist });
    if (!base.ok) throw new Refusal(sentence(base.error));
    const id = deviceIdOf('homeassistant', base.value.host);
    this.refuseDuplicate(id);
    const ha = await HomeAssistant.open({ baseUrl: base.value.origin, token, insist, timeoutMs: this.timeoutMs });
    if (!ha.ok) throw new Refusal(sentence(redact(ha.error, [token])));
    // A real call proves the token (401 → a clear message).
    const lights = await ha.value.lights();
    ha.value.close();
    if (!lights.ok) throw new Refusal(sentence(redact(lights.error, [token])));
    const dev: StoredDevice = {
      id,
      protocol: 'homeassistant',
      name: name ?? 'Home Assistant',
      address: base.value.origin,
      insist,
      secret: this.seal(token),
      lights: [],
    };
    this.devices.push(dev);
    this.secrets.set(id, token);
    this.save();
    await this.connect(id);
    return { deviceId: id, message: `Connected. ${lights.value.lights.length} lights found; put the ones in this room in the room.` };
  }

  /** Hue link-button pairing: one attempt (the person presses the button, then Pair). */
  private async pair(deviceId: string): Promise<{ message: string }> {
    const dev = this.device(deviceId);
    if (dev.protocol !== 'hue-v1' && dev.protocol !== 'hue-v2') {
      throw new Refusal(`${PRETTY[dev.protocol]} does not pair with a link button; it connects when added.`);
    }
    if (!this.opts.vault) throw new Refusal('Stillroom cannot store keys safely on this machine, so it cannot pair devices here.');
    const bridge = this.openHue(dev);
    if (!bridge.ok) throw new Refusal(sentence(bridge.error));
    const r = await bridge.value.pair('stillroom#panel', { timeoutMs: 0 });
    bridge.value.close();
    if (!r.ok) {
      if (/link button/.test(r.error)) throw new Refusal('Press the link button on the bridge, then Pair again.');
      if (r.error === CERT_CHANGED) throw new Refusal(sentence(r.error));
      throw new Refusal(`Pairing with “${dev.name}” failed: ${r.error}.`);
    }
    dev.secret = this.seal(r.value.key);
    this.secrets.set(dev.id, r.value.key);
    this.save();
    this.opts.log(`paired with Hue bridge ${dev.name}`);
    await this.connect(dev.id);
    const live = this.live.get(dev.id);
    if (live?.state !== 'connected')
      return { message: `Paired, but the bridge did not list its lights: ${live?.error ?? 'unknown error'}.` };
    return { message: `Paired. ${dev.lights.length} lights found; put the ones in this room in the room.` };
  }

  /** Hue: every light of the bridge comes back as it was after a power cut, instead of at full white. */
  private async powerCut(deviceId: string): Promise<{ message: string }> {
    const dev = this.device(deviceId);
    const live = this.live.get(dev.id);
    if (dev.protocol !== 'hue-v1' && dev.protocol !== 'hue-v2')
      throw new Refusal(`${PRETTY[dev.protocol]} lights keep their own power-on setting; change it in its app.`);
    if (live?.state !== 'connected') throw new Refusal(`“${dev.name}” is not connected; pair it or check it is on, then try again.`);
    const hue = [...live.drivers.values()].filter((d): d is HueLight => d instanceof HueLight);
    const results = await Promise.all(hue.map((d) => d.keepStateAfterPowerCut()));
    const failed = results.flatMap((r, i) => (r.ok ? [] : [`${hue[i]?.name}: ${r.error}`]));
    if (failed.length === hue.length && hue.length > 0) throw new Refusal(`The bridge did not take the setting (${failed[0]}).`);
    const done = hue.length - failed.length;
    this.opts.log(`power-on behaviour set on ${done} of ${hue.length} lights of ${dev.name}`);
    return {
      message: failed.length
        ? `${done} of ${hue.length} lights will come back as they were after a power cut; not: ${failed.slice(0, 3).join('; ')}.`
        : `All ${done} lights will come back as they were after a power cut, not at full brightness.`,
    };
  }

  // ───────────────────────────── connections ─────────────────────────────

  private disconnect(id: string): void {
    const live = this.live.get(id);
    if (!live) return;
    this.live.delete(id);
    try {
      live.close();
    } catch {
      // already closed
    }
  }

  /** Opens a device's connection and lists its lights; failures are kept as the device's state. */
  private async connect(id: string): Promise<void> {
    const dev = this.devices.find((d) => d.id === id);
    if (!dev || this.closed) return;
    const before = this.live.get(id);
    if (before?.state === 'connecting') return;
    this.disconnect(id);
    const live: Live = { state: 'connecting', error: null, drivers: new Map(), groups: [], close: () => {} };
    this.live.set(id, live);
    let r: Result<Omit<Live, 'state' | 'error'>>;
    try {
      r = await this.open(dev);
    } catch (err) {
      r = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (this.live.get(id) !== live || this.closed) {
      if (r.ok) r.value.close();
      return;
    }
    if (!r.ok) {
      live.state = r.error === NEEDS_PAIRING ? 'needs-pairing' : 'failed';
      live.error = r.error === NEEDS_PAIRING ? null : sentence(r.error);
      if (live.state === 'failed') this.opts.log(`light device ${dev.name}: ${redact(r.error, [this.secrets.get(id)])}`);
    } else {
      Object.assign(live, r.value, { state: 'connected', error: null });
      // Keep names and room choices; add lights the device brought (out of the room at first).
      let added = false;
      for (const [lightId, driver] of r.value.drivers) {
        if (!dev.lights.some((l) => l.id === lightId)) {
          dev.lights.push({ id: lightId, name: driver.name.trim().slice(0, 80) || lightId, inRoom: false });
          added = true;
        }
      }
      if (added) this.save();
      // Say at once whether each light answers (rather than "not checked yet" until the next round).
      void Promise.all([...r.value.drivers].map(([lightId, d]) => this.checkLight(lightId, d))).then(() => this.changed());
    }
    this.syncDirector();
    this.changed();
  }

  private async open(dev: StoredDevice): Promise<Result<Omit<Live, 'state' | 'error'>>> {
    const secret = this.secrets.get(dev.id);
    switch (dev.protocol) {
      case 'hue-v1':
      case 'hue-v2': {
        if (!secret) return { ok: false, error: NEEDS_PAIRING };
        const bridge = this.openHue(dev, secret);
        if (!bridge.ok) return bridge;
        const lights = await bridge.value.lights();
        if (!lights.ok) {
          bridge.value.close();
          return lights;
        }
        const groups = await bridge.value.groupsWithMembers();
        return {
          ok: true,
          value: {
            drivers: new Map(lights.value.map((l) => [l.id, l])),
            groups: groups.ok ? groups.value.map((g) => ({ driver: g.group, members: g.members })) : [],
            close: () => bridge.value.close(),
            hue: bridge.value,
          },
        };
      }
      case 'lifx':
      case 'wiz': {
        const net = await this.udp(dev.protocol);
        if (!net.ok) return net;
        if (!dev.mac) return { ok: false, error: 'the bulb’s MAC address is missing; remove it and add it again' };
        const light = net.value.light({ mac: dev.mac, address: dev.address, port: dev.port ?? 0, name: dev.name });
        if (!light.ok) return light;
        return { ok: true, value: { drivers: new Map([[light.value.id, light.value as LightDriver]]), groups: [], close: () => {} } };
      }
      case 'z2m': {
        const bridge = await Z2mBridge.connect({
          url: dev.address,
          username: dev.username,
          password: secret,
          insist: dev.insist,
          connectTimeoutMs: this.timeoutMs,
        });
        if (!bridge.ok) return bridge;
        const lights = await bridge.value.lights(this.timeoutMs);
        if (!lights.ok) {
          void bridge.value.close();
          return lights;
        }
        return {
          ok: true,
          value: { drivers: new Map(lights.value.map((l) => [l.id, l])), groups: [], close: () => void bridge.value.close() },
        };
      }
      case 'homeassistant': {
        if (!secret) return { ok: false, error: 'the access token could not be opened; remove and add Home Assistant again' };
        const ha = await HomeAssistant.open({ baseUrl: dev.address, token: secret, insist: dev.insist, timeoutMs: this.timeoutMs });
        if (!ha.ok) return ha;
        const lights = await ha.value.lights();
        if (!lights.ok) {
          ha.value.close();
          return lights;
        }
        return {
          ok: true,
          value: { drivers: new Map(lights.value.lights.map((l) => [l.id, l])), groups: [], close: () => ha.value.close() },
        };
      }
    }
  }

  /** Puts the drivers of in-room lights on the director (and takes the others off). */
  private syncDirector(): void {
    const want = new Map<string, LightDriver>();
    const groups: LightGroup[] = [];
    for (const dev of this.devices) {
      const live = this.live.get(dev.id);
      if (live?.state !== 'connected') continue;
      const ids: string[] = [];
      for (const l of dev.lights) {
        const d = live.drivers.get(l.id);
        if (l.inRoom && d && !want.has(l.id)) {
          want.set(l.id, d);
          ids.push(l.id);
        }
      }
      // Safe state by group when a bridge group holds exactly the room's lights of that bridge.
      if (ids.length >= 2) {
        const set = new Set(ids);
        const g = live.groups.find((x) => x.members.length === set.size && x.members.every((m) => set.has(m)));
        if (g) groups.push(g);
        else if (live.hue) this.makeRoomGroup(dev, live, live.hue, ids);
      }
    }
    const director = this.opts.director;
    for (const id of [...this.inDirector]) {
      if (!want.has(id) || director.driver(id) !== want.get(id)) {
        director.removeDriver(id);
        this.inDirector.delete(id);
      }
    }
    for (const [id, d] of want) {
      if (this.inDirector.has(id)) continue;
      const r = director.addDriver(d);
      if (r.ok) this.inDirector.add(id);
      else if (!this.problems.includes(r.error)) this.problems.push(r.error);
    }
    director.setGroups(groups);
  }

  /**
   * No group on this Hue bridge holds exactly the room's lights: make (or update) Stillroom's
   * own, so safe state is one group command within 3 s instead of one command per light (the
   * bridge takes ten light commands a second). Asked once per room; when the bridge refuses
   * (e.g. no room for another group), safe state goes light by light and the view says so.
   */
  private makeRoomGroup(dev: StoredDevice, live: Live, bridge: HueBridge, ids: string[]): void {
    const key = [...ids].sort().join(',');
    if (live.groupFor === key) return;
    live.groupFor = key;
    live.groupWanted = ids;
    if (live.groupBusy) return; // the running round picks up the newest room when it ends
    live.groupBusy = true;
    void (async () => {
      // One round at a time per bridge (two at once would both make a group); the room may change meanwhile.
      for (let want = live.groupWanted; want; want = live.groupWanted) {
        live.groupWanted = undefined;
        const made = await bridge.ensureRoomGroup(HUE_ROOM_GROUP, want);
        if (this.closed || this.live.get(dev.id) !== live) return;
        live.groupProblem = made.ok ? null : sentence(made.error);
        if (!made.ok) {
          this.opts.log(
            `light device ${dev.name}: no group for the room (${redact(made.error, [this.secrets.get(dev.id)])}); safe state goes light by light`,
          );
          this.changed();
          continue;
        }
        const groups = await bridge.groupsWithMembers();
        if (this.closed || this.live.get(dev.id) !== live) return;
        if (groups.ok) live.groups = groups.value.map((g) => ({ driver: g.group, members: g.members }));
        this.opts.log(`light device ${dev.name}: safe state goes to the bridge group “${HUE_ROOM_GROUP}” (${want.length} lights)`);
        this.syncDirector();
        this.changed();
      }
    })()
      .catch((err: unknown) => this.opts.log(`light device ${dev.name}: room group not made (${(err as Error).message})`))
      .finally(() => {
        live.groupBusy = false;
      });
  }

  /** How safe state reaches a device's room lights, in words (null for fewer than two, or not connected). */
  private safeStatePath(dev: StoredDevice, live: Live): string | null {
    if (live.state !== 'connected') return null;
    const ids = dev.lights.filter((l) => l.inRoom && live.drivers.has(l.id)).map((l) => l.id);
    if (ids.length < 2) return null;
    const set = new Set(ids);
    const g = live.groups.find((x) => x.members.length === set.size && x.members.every((m) => set.has(m)));
    if (g) return `Safe state: one command to the bridge group “${g.driver.name}”.`;
    if (!live.hue) return null;
    if (live.groupProblem)
      return `Safe state goes light by light (about ${Math.ceil(ids.length / 10) + 2} s): the bridge would not make a group (${live.groupProblem.replace(/\.$/, '')}).`;
    return 'Safe state: making a bridge group for the room…';
  }

  /** Reads every light of every connected device (health for the view); reconnects failed devices. */
  private async checkAll(): Promise<void> {
    if (this.checking || this.closed) return;
    this.checking = true;
    const before = this.healthKey();
    try {
      const reads: Array<Promise<void>> = [];
      for (const dev of this.devices) {
        const live = this.live.get(dev.id);
        if (!live || live.state === 'failed') {
          reads.push(this.connect(dev.id));
          continue;
        }
        if (live.state !== 'connected' || this.busy) continue;
        for (const [lightId, d] of live.drivers) reads.push(this.checkLight(lightId, d));
      }
      await Promise.all(reads);
    } finally {
      this.checking = false;
    }
    // Republish only when something a person would see changed.
    if (this.healthKey() !== before) this.changed();
  }

  private healthKey(): string {
    return JSON.stringify(this.snapshot().lights.map((l) => [l.health, l.lastError, l.level]));
  }

  private async checkLight(lightId: string, d: LightDriver): Promise<void> {
    let r: Result<DeviceState | null>;
    try {
      if (d.readState) r = await d.readState();
      else {
        const v = await d.read();
        r = v ? { ok: true, value: { on: v.level > 0, level: v.level, kelvin: v.kelvin, reachable: true } } : { ok: true, value: null };
      }
    } catch (err) {
      r = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    const at = this.opts.clock();
    if (!r.ok) this.checks.set(lightId, { at, health: 'offline', level: null, error: sentence(r.error) });
    else if (r.value && !r.value.reachable)
      this.checks.set(lightId, { at, health: 'offline', level: null, error: 'The bridge reports the light unreachable (power off?).' });
    else this.checks.set(lightId, { at, health: 'online', level: r.value ? (r.value.on ? r.value.level : 0) : null, error: null });
  }

  // ───────────────────────────── discovery ─────────────────────────────

  private discover(): void {
    if (this.discovery.running) return;
    this.discovery = { running: true, found: [], error: null, finishedAt: null };
    this.changed();
    const ms = this.opts.network?.discoverMs ?? 3_000;
    const known = (protocol: LightProtocol, address: string, mac: string | null) =>
      this.devices.some((d) => d.protocol === protocol && (mac ? d.mac === mac : d.address === address));
    const hue = discoverHueBridges({ browse: this.opts.network?.browse ?? bonjourBrowse, timeoutMs: ms })
      .then((bridges) =>
        bridges.map(
          (b): FoundLightView => ({
            protocol: 'hue-v1',
            name: b.name,
            address: b.address,
            port: null,
            mac: null,
            known: this.devices.some((d) => d.protocol.startsWith('hue') && (d.address === b.address || d.bridgeId === b.id)),
          }),
        ),
      )
      .catch((): FoundLightView[] => []);
    const bulbs = (protocol: 'lifx' | 'wiz') =>
      this.udp(protocol)
        .then(async (net) => {
          if (!net.ok) return [];
          const found = await net.value.discover(ms);
          return found.map(
            (f): FoundLightView => ({
              protocol,
              name: f.name.slice(0, 80),
              address: f.address,
              port: f.port,
              mac: f.mac,
              known: known(protocol, f.address, f.mac),
            }),
          );
        })
        .catch((): FoundLightView[] => []);
    void Promise.all([hue, bulbs('lifx'), bulbs('wiz')]).then(([h, l, w]) => {
      if (this.closed) return;
      const found = [...h, ...l, ...w];
      this.discovery = {
        running: false,
        found,
        error: found.length ? null : 'Nothing answered. Lights must be on this network; you can also add one by its address.',
        finishedAt: this.opts.clock(),
      };
      this.changed();
    });
  }

  // ───────────────────────────── pulse and preview ─────────────────────────────

  private refuseDuringSession(what: string): void {
    if (this.opts.sessionRunning?.())
      throw new Refusal(`A session is running; ${what} would disturb the room. Try again after the session.`);
    if (this.busy) throw new Refusal('A test is under way; wait a few seconds, then try again.');
  }

  private driverOf(lightId: string): LightDriver {
    const { device } = this.findLight(lightId);
    const live = this.live.get(device.id);
    const d = live?.drivers.get(lightId);
    if (!d || live?.state !== 'connected') throw new Refusal(`“${device.name}” is not connected, so its lights cannot be tested now.`);
    return d;
  }

  /** Moves one light gently (native transition, or stepped below the visible threshold). */
  private async glide(d: LightDriver, from: LightTarget, to: LightTarget, ms: number): Promise<string | null> {
    const r = d.capabilities.nativeTransition ? await d.apply(to, ms) : await new SteppedFade(d, this.timers).go(from, to, ms);
    return r.ok ? null : r.error;
  }

  private pulse(lightId: string): { message: string } {
    this.refuseDuringSession('a test pulse');
    const { light } = this.findLight(lightId);
    const d = this.driverOf(lightId);
    this.busy = lightId;
    const held = this.opts.director.hold(lightId);
    this.changed();
    void (async () => {
      let error: string | null = null;
      try {
        const now = await d.read().catch(() => null);
        const safe = this.opts.settings.get('safeScene');
        const from: LightTarget = now ?? { level: safe.level, kelvin: safe.kelvin };
        const up: LightTarget = {
          level: from.level >= 100 - PULSE_LEVEL ? from.level - PULSE_LEVEL : from.level + PULSE_LEVEL,
          kelvin: from.kelvin,
        };
        error = await this.glide(d, from, up, PULSE_RAMP_MS);
        if (!error) {
          await sleep(this.timers, PULSE_RAMP_MS + PULSE_HOLD_MS);
          error = await this.glide(d, up, from, PULSE_RAMP_MS);
          await sleep(this.timers, PULSE_RAMP_MS);
        }
      } finally {
        if (held) this.opts.director.release(lightId);
        this.busy = null;
        const at = this.opts.clock();
        if (error) this.checks.set(lightId, { at, health: 'offline', level: null, error: sentence(error) });
        this.changed();
      }
    })();
    return { message: `Pulsing “${light.name}” slowly for about ${Math.round((3 * PULSE_RAMP_MS + PULSE_HOLD_MS) / 1000)} seconds.` };
  }

  private preview(target: LightTarget): { message: string } {
    this.refuseDuringSession('a scene preview');
    const room: Array<{ id: string; d: LightDriver }> = [];
    for (const dev of this.devices) {
      const live = this.live.get(dev.id);
      if (live?.state !== 'connected') continue;
      for (const l of dev.lights) {
        const d = live.drivers.get(l.id);
        if (l.inRoom && d) room.push({ id: l.id, d });
      }
    }
    // The on-screen lamp shows the preview too: it mirrors what the room should look like.
    const lamp = this.opts.director.driver('virtual');
    const screen = lamp instanceof VirtualLamp ? lamp : null;
    if (room.length === 0 && !screen) throw new Refusal('No connected light is in the room yet; put one in the room first.');
    this.busy = 'room';
    for (const { id } of room) this.opts.director.hold(id);
    screen?.show(target, PREVIEW_MIN_MS);
    this.changed();
    void (async () => {
      try {
        await Promise.all(
          room.map(async ({ d }) => {
            const from = (await d.read().catch(() => null)) ?? target;
            const ms = Math.max(PREVIEW_MIN_MS, gentleMs(from, target));
            await this.glide(d, from, target, ms);
          }),
        );
        await sleep(this.timers, PREVIEW_HOLD_MS);
      } finally {
        for (const { id } of room) this.opts.director.release(id);
        screen?.show(null, PREVIEW_MIN_MS);
        this.busy = null;
        this.changed();
      }
    })();
    const where = room.length ? '' : ' on the on-screen lamp';
    return { message: `Showing ${Math.round(target.level)} % at ${target.kelvin} K${where} for a few seconds, then easing back.` };
  }

  // ───────────────────────────── snapshot ─────────────────────────────

  snapshot(): LightsSnapshot {
    const status = new Map(this.opts.director.status().map((s) => [s.id, s]));
    const lights: LightView[] = [];
    const devices: LightDeviceView[] = this.devices.map((dev) => {
      const live = this.live.get(dev.id);
      const secret = this.secrets.get(dev.id);
      const hint = secret
        ? dev.protocol === 'z2m'
          ? 'password stored'
          : `${dev.protocol === 'homeassistant' ? 'token' : 'key'} ending …${secret.slice(-4)}`
        : null;
      for (const l of dev.lights) {
        const s = l.inRoom ? status.get(l.id) : undefined;
        const c = this.checks.get(l.id);
        let health: LightHealth = 'unknown';
        let level: number | null = null;
        let lastError: string | null = null;
        if (live?.state === 'failed') {
          health = 'offline';
          lastError = live.error;
        } else if (live?.state === 'connected' && !live.drivers.has(l.id)) {
          health = 'offline';
          lastError = `The ${PRETTY[dev.protocol]} no longer lists this light.`;
        } else {
          const sAt = Math.max(s?.lastOkAt ?? -1, s?.lastErrorAt ?? -1);
          const useStatus = s && s.health !== 'unknown' && (!c || sAt >= c.at);
          if (useStatus) {
            health = s.health ?? 'unknown';
            level = s.level ?? c?.level ?? null;
            lastError = health === 'offline' && s.lastError ? sentence(s.lastError) : null;
          } else if (c) {
            health = c.health;
            level = c.level;
            lastError = c.error;
          }
        }
        lights.push({
          id: l.id,
          deviceId: dev.id,
          name: l.name,
          protocol: dev.protocol,
          inRoom: l.inRoom,
          health,
          level: level === null ? null : Math.round(level * 10) / 10,
          lastError,
        });
      }
      return {
        id: dev.id,
        protocol: dev.protocol,
        name: dev.name,
        address: dev.port && !dev.address.includes('//') ? `${bracket(dev.address)}:${dev.port}` : dev.address,
        state: live?.state ?? 'connecting',
        error: live?.error ?? null,
        secretHint: hint,
        certificate: dev.certSha256 ? `${dev.certSha256.slice(0, 11)}…${dev.certSha256.slice(-5)}` : null,
        safeState: live ? this.safeStatePath(dev, live) : null,
      };
    });
    const inRoom = lights.filter((l) => l.inRoom);
    return {
      devices,
      lights,
      discovery: { ...this.discovery, found: this.discovery.found.map((f) => ({ ...f, known: f.known })) },
      safeScene: this.opts.settings.get('safeScene'),
      busy: this.busy,
      problems: [...this.problems, ...this.opts.director.problems().filter((p) => !this.problems.includes(p))],
      summary: { inRoom: inRoom.length, notAnswering: inRoom.filter((l) => l.health === 'offline').length },
    };
  }

  close(): void {
    this.closed = true;
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.checkTimer = null;
    for (const id of [...this.inDirector]) this.opts.director.removeDriver(id);
    this.inDirector.clear();
    for (const id of [...this.live.keys()]) this.disconnect(id);
    for (const p of [this.lifxNet, this.wizNet]) void p?.then((n) => n.ok && n.value.close());
    this.lifxNet = null;
    this.wizNet = null;
  }
}

/** A Hue bridge without a key yet (not an error: the person pairs it). */
const NEEDS_PAIRING = 'needs pairing';
