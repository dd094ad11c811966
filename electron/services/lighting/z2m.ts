/**
 * Zigbee2MQTT through an MQTT broker (mqtt.js). Lights come from the retained
 * `<base>/bridge/devices` (value ranges from each definition's `exposes`); commands go to
 * `<base>/<name>/set` with `transition` in seconds; `<base>/<name>/availability` says whether a
 * light is online; `<base>/<name>` carries its state, which confirms each command.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { z } from 'zod';
import { checkHost } from './address';
import {
  type DeviceState,
  type DriverEvent,
  type DriverResult,
  type LightCapabilities,
  type LightDriver,
  type LightTarget,
  type Result,
  realTimers,
  type Timers,
} from './driver';
import { TRANSITION_CAPS_MS } from './fade';
import { redact } from './http';
import { kelvinToDeviceMired, type LevelScale, levelToUnits, miredRangeToKelvin, SCALES, scaleWith, unitsToLevel } from './levels';
import { POLICIES, type Scheduler, sharedScheduler } from './scheduler';

export interface Z2mOptions {
  /** Broker URL, e.g. mqtt://192.168.1.10:1883 (local network only unless `insist`). */
  url: string;
  username?: string;
  /** Opaque; never logged. */
  password?: string;
  baseTopic?: string;
  insist?: boolean;
  timers?: Timers;
  scheduler?: Scheduler;
  /** How long to wait for the state echo that confirms a command, ms. */
  confirmTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Largest MQTT message accepted (bridge/devices of a big network is a few hundred KB). */
  maxMessageBytes?: number;
}

const Feature = z.object({
  name: z.string().optional(),
  property: z.string().optional(),
  type: z.string(),
  value_min: z.number().optional(),
  value_max: z.number().optional(),
  value_on: z.unknown().optional(),
  value_off: z.unknown().optional(),
});
const Expose = z.object({ type: z.string(), endpoint: z.string().optional(), features: z.array(Feature).optional() });
const Device = z.object({
  ieee_address: z.string(),
  friendly_name: z.string().min(1).max(200),
  type: z.string().optional(),
  disabled: z.boolean().optional(),
  definition: z
    .object({ model: z.string().optional(), vendor: z.string().optional(), exposes: z.array(z.unknown()).default([]) })
    .nullable()
    .optional(),
});
const StateMsg = z.object({
  state: z.string().optional(),
  brightness: z.number().optional(),
  color_temp: z.number().nullable().optional(),
});

export interface Z2mLightInfo {
  ieee: string;
  name: string;
  brightness: { property: string; min: number; max: number };
  colorTemp: { property: string; min: number; max: number } | null;
  stateProperty: string;
}

/** Light definitions from a `bridge/devices` payload; duplicates and odd entries are reported, not fatal. */
export function parseDevices(payload: unknown): { lights: Z2mLightInfo[]; problems: string[] } {
  const problems: string[] = [];
  const lights: Z2mLightInfo[] = [];
  if (!Array.isArray(payload)) return { lights, problems: ['bridge/devices is not a list'] };
  const seen = new Set<string>();
  for (const raw of payload) {
    const d = Device.safeParse(raw);
    if (!d.success || d.data.type === 'Coordinator' || d.data.disabled) continue;
    const light = d.data.definition?.exposes.map((e) => Expose.safeParse(e)).find((e) => e.success && e.data.type === 'light');
    if (!light?.success) continue;
    const f = light.data.features ?? [];
    const bri = f.find((x) => x.name === 'brightness' && x.type === 'numeric');
    const ct = f.find((x) => x.name === 'color_temp' && x.type === 'numeric');
    const st = f.find((x) => x.name === 'state');
    if (!bri) continue;
    const name = d.data.friendly_name;
    if (seen.has(name) || seen.has(d.data.ieee_address)) {
      problems.push(`two Zigbee devices are called "${name}"; the second was left out`);
      continue;
    }
    seen.add(name);
    seen.add(d.data.ieee_address);
    lights.push({
      ieee: d.data.ieee_address,
      name,
      brightness: { property: bri.property ?? 'brightness', min: bri.value_min ?? 0, max: bri.value_max ?? 254 },
      colorTemp:
        ct && ct.value_min !== undefined && ct.value_max !== undefined
          ? { property: ct.property ?? 'color_temp', min: ct.value_min, max: ct.value_max }
          : null,
      stateProperty: st?.property ?? 'state',
    });
  }
  return { lights, problems };
}

type Availability = 'online' | 'offline' | 'unknown';

interface DeviceTrack {
  availability: Availability;
  state: z.infer<typeof StateMsg> | null;
  stateSeq: number;
  waiters: Array<() => void>;
  listeners: Set<(e: DriverEvent) => void>;
}

export class Z2mBridge {
  private devicesPayload: unknown;
  private devicesWaiters: Array<() => void> = [];
  private tracks = new Map<string, DeviceTrack>();
  readonly problems: string[] = [];
  private readonly base: string;
  readonly timers: Timers;
  readonly scheduler: Scheduler;

  private constructor(
    private readonly client: MqttClient,
    private readonly opts: Z2mOptions,
    readonly endpointKey: string,
  ) {
    this.base = (opts.baseTopic ?? 'zigbee2mqtt').replace(/\/+$/, '');
    this.timers = opts.timers ?? realTimers;
    this.scheduler = opts.scheduler ?? sharedScheduler;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.subscribe(`${this.base}/#`, { qos: 0 });
  }

  /** Connects to the broker (address checked first). Never rejects. */
  static async connect(opts: Z2mOptions): Promise<Result<Z2mBridge>> {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      return { ok: false, error: 'the broker address is not a URL (expected e.g. mqtt://192.168.1.10:1883)' };
    }
    if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:')
      return { ok: false, error: 'the broker address must start with mqtt:// or mqtts://' };
    const host = await checkHost(url.hostname.replace(/^\[|\]$/g, ''), { insist: opts.insist });
    if (!host.ok) return host;
    const options: IClientOptions = {
      connectTimeout: opts.connectTimeoutMs ?? 5_000,
      reconnectPeriod: 2_000,
      clean: true,
      clientId: `stillroom_${Math.random().toString(16).slice(2, 10)}`,
      // MQTT carries a password only together with a user name.
      ...(opts.username ? { username: opts.username, ...(opts.password ? { password: opts.password } : {}) } : {}),
    };
    return new Promise((resolve) => {
      const client = connect(opts.url, options);
      const timer = setTimeout(() => {
        client.end(true);
        resolve({ ok: false, error: 'no answer from the MQTT broker' });
      }, opts.connectTimeoutMs ?? 5_000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve({ ok: true, value: new Z2mBridge(client, opts, `z2m:${url.host}`) });
      });
      client.on('error', (err: Error & { code?: number | string }) => {
        if (client.connected) return;
        clearTimeout(timer);
        client.end(true);
        const refused = err.code === 4 || err.code === 5 || /not authori[sz]ed|bad user/i.test(err.message);
        resolve({ ok: false, error: refused ? 'the MQTT broker refused the user name or password' : 'cannot reach the MQTT broker' });
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.client.end(false, {}, () => resolve()));
  }

  private track(name: string): DeviceTrack {
    let t = this.tracks.get(name);
    if (!t) {
      t = { availability: 'unknown', state: null, stateSeq: 0, waiters: [], listeners: new Set() };
      this.tracks.set(name, t);
    }
    return t;
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (!topic.startsWith(`${this.base}/`)) return;
    const rest = topic.slice(this.base.length + 1);
    if (payload.length > (this.opts.maxMessageBytes ?? 4 << 20)) {
      this.problems.push(`ignored an oversized message on ${rest.slice(0, 80)} (${Math.round(payload.length / 1024)} KB)`);
      return;
    }
    if (rest === 'bridge/devices') {
      try {
        this.devicesPayload = JSON.parse(payload.toString('utf8'));
      } catch {
        this.problems.push('bridge/devices is not valid JSON');
        return;
      }
      for (const w of this.devicesWaiters.splice(0)) w();
      return;
    }
    if (rest.startsWith('bridge/') || rest.endsWith('/set') || rest.endsWith('/get')) return;
    if (rest.endsWith('/availability')) {
      const name = rest.slice(0, -'/availability'.length);
      const text = payload.toString('utf8');
      let state: string | undefined;
      try {
        const j: unknown = JSON.parse(text);
        state = typeof j === 'object' && j !== null && 'state' in j ? String((j as { state: unknown }).state) : undefined;
      } catch {
        state = text; // legacy plain payload
      }
      const t = this.track(name);
      const next: Availability = state === 'online' ? 'online' : state === 'offline' ? 'offline' : t.availability;
      if (next !== t.availability) {
        t.availability = next;
        for (const l of t.listeners) l(next === 'online' ? 'reachable' : 'unreachable');
      }
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const s = StateMsg.safeParse(json);
    if (!s.success) return;
    const t = this.track(rest);
    t.state = s.data;
    t.stateSeq++;
    for (const w of t.waiters.splice(0)) w();
  }

  /** The lights Zigbee2MQTT knows, once its retained device list has arrived. */
  async lights(timeoutMs = 3_000): Promise<Result<Z2mLight[]>> {
    if (this.devicesPayload === undefined) {
      await new Promise<void>((resolve) => {
        const cancel = this.timers.after(timeoutMs, resolve);
        this.devicesWaiters.push(() => {
          cancel();
          resolve();
        });
      });
    }
    if (this.devicesPayload === undefined)
      return { ok: false, error: 'Zigbee2MQTT has not published its device list (is it running on this broker?)' };
    const { lights, problems } = parseDevices(this.devicesPayload);
    for (const p of problems) if (!this.problems.includes(p)) this.problems.push(p);
    return { ok: true, value: lights.map((l) => new Z2mLight(this, l)) };
  }

  availability(name: string): Availability {
    return this.track(name).availability;
  }

  listen(name: string, l: (e: DriverEvent) => void): () => void {
    const t = this.track(name);
    t.listeners.add(l);
    return () => t.listeners.delete(l);
  }

  /** Publishes to `<base>/<name>/<suffix>` and waits for the next state message of that light. */
  async publishAndWait(
    name: string,
    suffix: 'set' | 'get',
    body: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<Result<z.infer<typeof StateMsg>>> {
    const t = this.track(name);
    const seq = t.stateSeq;
    const echo = new Promise<boolean>((resolve) => {
      const cancel = this.timers.after(this.opts.confirmTimeoutMs ?? 3_000, () => resolve(false));
      t.waiters.push(() => {
        cancel();
        resolve(true);
      });
    });
    const published = await new Promise<string | null>((resolve) => {
      this.client.publish(`${this.base}/${name}/${suffix}`, JSON.stringify(body), { qos: 1 }, (err) =>
        resolve(err ? redact(`the broker did not take the message (${err.message})`, [this.opts.password]) : null),
      );
    });
    if (published) return { ok: false, error: published };
    const got = await echo;
    if (signal?.aborted && !got) return { ok: false, error: 'replaced by a newer command' };
    if (!got || t.stateSeq === seq || !t.state) return { ok: false, error: 'no state reply from Zigbee2MQTT for this light' };
    return { ok: true, value: t.state };
  }
}

/** One Zigbee2MQTT light as a driver. */
export class Z2mLight implements LightDriver {
  readonly id: string;
  readonly name: string;
  readonly protocol = 'z2m';
  readonly capabilities: LightCapabilities;
  private readonly scale: LevelScale;

  constructor(
    private readonly bridge: Z2mBridge,
    readonly info: Z2mLightInfo,
  ) {
    this.id = `z2m:${info.ieee}`;
    this.name = info.name;
    this.scale = scaleWith(SCALES.z2m, { min: Math.max(1, info.brightness.min), max: info.brightness.max });
    this.capabilities = {
      nativeTransition: true,
      maxTransitionMs: TRANSITION_CAPS_MS.zigbee,
      minIntervalMs: POLICIES.z2mBroker.perDeviceGapMs,
      color: false,
      kelvin: info.colorTemp !== null,
      kelvinRange: info.colorTemp ? miredRangeToKelvin([info.colorTemp.min, info.colorTemp.max]) : [2700, 2700],
      minLevel: unitsToLevel(this.scale.min, this.scale),
    };
  }

  private get endpoint() {
    return this.bridge.scheduler.endpoint(this.bridge.endpointKey, POLICIES.z2mBroker);
  }

  apply(target: LightTarget, transitionMs: number): Promise<DriverResult> {
    if (this.bridge.availability(this.info.name) === 'offline')
      return Promise.resolve({ ok: false, error: 'Zigbee2MQTT reports the light offline' });
    const units = levelToUnits(target.level, this.scale);
    const body: Record<string, unknown> = units.on
      ? {
          [this.info.stateProperty]: 'ON',
          [this.info.brightness.property]: Math.round(units.value),
          transition: Math.min(transitionMs, TRANSITION_CAPS_MS.zigbee) / 1000,
        }
      : { [this.info.stateProperty]: 'OFF', transition: 0 };
    if (units.on && this.info.colorTemp && this.capabilities.kelvin) {
      body[this.info.colorTemp.property] = kelvinToDeviceMired(target.kelvin, [this.info.colorTemp.min, this.info.colorTemp.max]);
    }
    return this.endpoint.submit(this.info.name, 'light', async (ctx) => {
      const r = await this.bridge.publishAndWait(this.info.name, 'set', body, ctx.signal);
      return r.ok ? { ok: true } : r;
    });
  }

  readState(): Promise<Result<DeviceState>> {
    if (this.bridge.availability(this.info.name) === 'offline') {
      return Promise.resolve({ ok: true, value: { on: false, level: 0, kelvin: null, reachable: false } });
    }
    return this.endpoint.submit(this.info.name, 'read', async (ctx) => {
      const r = await this.bridge.publishAndWait(this.info.name, 'get', { state: '', brightness: '' }, ctx.signal);
      if (!r.ok) return r;
      const on = (r.value.state ?? 'OFF').toUpperCase() === 'ON';
      const level = on && r.value.brightness !== undefined ? unitsToLevel(r.value.brightness, this.scale) : 0;
      return { ok: true, value: { on, level, kelvin: r.value.color_temp ? Math.round(1e6 / r.value.color_temp) : null, reachable: true } };
    });
  }

  async read(): Promise<LightTarget | null> {
    const r = await this.readState();
    return r.ok && r.value.reachable ? { level: r.value.level, kelvin: r.value.kelvin ?? 2700 } : null;
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    return this.bridge.listen(this.info.name, listener);
  }
}
