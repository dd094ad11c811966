/**
 * Zigbee2MQTT through an MQTT broker (mqtt.js). Lights come from the retained
 * `<base>/bridge/devices` (value ranges from each definition's `exposes`), groups from
 * `<base>/bridge/groups`; commands go to `<base>/<name>/set` with `transition` in seconds;
 * `<base>/<name>/availability` says whether a light is online; `<base>/<name>` carries its
 * state, which confirms each command and answers reads (no `/get` radio read once a state is known).
 *
 * One bridge is one MQTT client that never reconnects by itself (`reconnectPeriod: 0`): when
 * it closes, for whatever reason mqtt.js gives, `onLost` fires and the device's link
 * (link.ts) opens a new one on its own backoff. mqtt.js's `error` events never end a client
 * (they used to: the first refused retry ended it for good).
 *
 * (Longer than most files: the bridge's topic handling, its lights, its groups and its link
 * adapter share the bridge's private state; split, each would reach into the others.)
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import { z } from 'zod';
import { checkHost } from './address';
import type { LightGroup } from './director';
import {
  type ApplyTiming,
  type DeviceState,
  type DriverEvent,
  type DriverResult,
  type LightCapabilities,
  type LightDriver,
  type LightTarget,
  type Result,
  realTimers,
  type Timers,
  transitionAt,
} from './driver';
import { TRANSITION_CAPS_MS } from './fade';
import {
  appPercentOf,
  kelvinToDeviceMired,
  type LevelScale,
  levelToUnits,
  miredRangeToKelvin,
  SCALES,
  scaleWith,
  unitsToLevel,
} from './levels';
import type { LinkAdapter, LinkFault, LinkSession } from './link';
import { POLICIES, type Scheduler, sharedScheduler } from './scheduler';

export interface Z2mOptions {
  /** Broker URL, e.g. mqtt://192.168.1.10:1883 (local network only unless `insist`). */
  url: string;
  username?: string;
  /** Opaque; never logged. */
  password?: string;
  /** Zigbee2MQTT's `mqtt.base_topic` (default `zigbee2mqtt`). */
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

const Group = z.object({
  id: z.number(),
  friendly_name: z.string().min(1).max(200),
  members: z.array(z.object({ ieee_address: z.string() })).default([]),
});

/** A base topic as Zigbee2MQTT accepts it (no wildcards, no leading or trailing slash). */
export function checkBaseTopic(topic: string | undefined): Result<string> {
  const t = (topic ?? 'zigbee2mqtt').trim().replace(/\/+$/, '');
  if (!t || t.length > 200 || /[#+]/.test(t) || t.includes(String.fromCharCode(0)) || t.startsWith('/'))
    return { ok: false, error: 'the Zigbee2MQTT base topic must be a plain topic such as zigbee2mqtt (no #, + or leading /)' };
  return { ok: true, value: t };
}

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
  /** Last state Zigbee2MQTT published for the light (retained or pushed); reads answer from it. */
  state: z.infer<typeof StateMsg> | null;
  stateSeq: number;
  waiters: Array<() => void>;
  listeners: Set<(e: DriverEvent) => void>;
}

export class Z2mBridge {
  private devicesPayload: unknown;
  private groupsPayload: unknown;
  private devicesWaiters: Array<() => void> = [];
  private tracks = new Map<string, DeviceTrack>();
  private bridgeState: 'online' | 'offline' | 'unknown' = 'unknown';
  private responses = new Map<string, (r: { status: string; error?: string }) => void>();
  private groupsWaiters: Array<() => void> = [];
  private lostListeners = new Set<(fault: LinkFault) => void>();
  private isLost = false;
  readonly problems: string[] = [];
  readonly base: string;
  readonly timers: Timers;
  readonly scheduler: Scheduler;
  /** `/get` requests sent (a radio read each on the Zigbee mesh); the bench counts them. */
  reads = 0;

  private constructor(
    private readonly client: MqttClient,
    private readonly opts: Z2mOptions,
    readonly endpointKey: string,
  ) {
    this.base = (opts.baseTopic ?? 'zigbee2mqtt').replace(/\/+$/, '');
    this.timers = opts.timers ?? realTimers;
    this.scheduler = opts.scheduler ?? sharedScheduler;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('close', () => this.markLost({ kind: 'not-answering' }));
    client.subscribe(`${this.base}/#`, { qos: 0 });
  }

  /** Connects to the broker (address checked first). Never rejects. */
  static async connect(opts: Z2mOptions): Promise<Result<Z2mBridge>> {
    const r = await Z2mBridge.open(opts);
    if (r.ok) return r;
    const f = r.fault;
    const error =
      f.kind === 'refused'
        ? 'the MQTT broker refused the user name or password'
        : f.kind === 'not-recognised' || f.kind === 'not-running'
          ? (f.detail ?? 'the broker did not answer as expected')
          : 'cannot reach the MQTT broker';
    return { ok: false, error };
  }

  /** Like `connect`, with the failure as a fault kind (for the device's link). */
  static async open(opts: Z2mOptions): Promise<{ ok: true; value: Z2mBridge } | { ok: false; fault: LinkFault }> {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      return {
        ok: false,
        fault: { kind: 'not-recognised', detail: 'the broker address is not a URL (expected e.g. mqtt://192.168.1.10:1883)' },
      };
    }
    if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:')
      return { ok: false, fault: { kind: 'not-recognised', detail: 'the broker address must start with mqtt:// or mqtts://' } };
    const topic = checkBaseTopic(opts.baseTopic);
    if (!topic.ok) return { ok: false, fault: { kind: 'not-recognised', detail: topic.error } };
    const host = await checkHost(url.hostname.replace(/^\[|\]$/g, ''), { insist: opts.insist });
    if (!host.ok) return { ok: false, fault: { kind: 'not-recognised', detail: host.error } };
    const timers = opts.timers ?? realTimers;
    const options: IClientOptions = {
      connectTimeout: opts.connectTimeoutMs ?? 5_000,
      // A broker that vanished without closing the connection (power cut) is noticed within ~15 s.
      keepalive: 10,
      // Never reconnect inside mqtt.js: the device's link does, on its own backoff, with a fresh client.
      reconnectPeriod: 0,
      clean: true,
      clientId: `stillroom_${Math.random().toString(16).slice(2, 10)}`,
      // MQTT carries a password only together with a user name.
      ...(opts.username ? { username: opts.username, ...(opts.password ? { password: opts.password } : {}) } : {}),
    };
    // mqtt.js is loaded when a bridge is first paired or reached, not at start (most rooms have none).
    const { connect } = await import('mqtt');
    return new Promise((resolve) => {
      let done = false;
      const client = connect(opts.url, options);
      const finish = (r: { ok: true; value: Z2mBridge } | { ok: false; fault: LinkFault }) => {
        if (done) return;
        done = true;
        cancel();
        if (!r.ok) client.end(true);
        resolve(r);
      };
      const cancel = timers.after(opts.connectTimeoutMs ?? 5_000, () => finish({ ok: false, fault: { kind: 'not-answering' } }));
      client.once('connect', () =>
        finish({ ok: true, value: new Z2mBridge(client, { ...opts, baseTopic: topic.value }, `z2m:${url.host}`) }),
      );
      // Before the first connection an error means this attempt failed; afterwards `close` tells (never end here).
      client.on('error', (err: Error & { code?: number | string }) => {
        if (done) return;
        const refused =
          err.code === 4 || err.code === 5 || err.code === 134 || err.code === 135 || /not authori[sz]ed|bad user/i.test(err.message);
        finish({ ok: false, fault: refused ? { kind: 'refused', detail: 'user name or password' } : { kind: 'not-answering' } });
      });
      client.once('close', () => finish({ ok: false, fault: { kind: 'not-answering' } }));
    });
  }

  /** Whether the broker connection is up and Zigbee2MQTT has not said it stopped. */
  get alive(): boolean {
    return !this.isLost && this.client.connected && this.bridgeState !== 'offline';
  }

  /** Calls `lost` once when the broker connection closes or Zigbee2MQTT says it stopped. */
  onLost(lost: (fault: LinkFault) => void): void {
    this.lostListeners.add(lost);
  }

  private markLost(fault: LinkFault): void {
    if (this.isLost) return;
    this.isLost = true;
    for (const w of this.devicesWaiters.splice(0)) w();
    for (const w of this.groupsWaiters.splice(0)) w();
    for (const t of this.tracks.values()) for (const w of t.waiters.splice(0)) w();
    for (const l of [...this.lostListeners]) l(fault);
  }

  /** Zigbee2MQTT's own state from the retained `bridge/state` (unknown when it never said). */
  get zigbee2mqtt(): 'online' | 'offline' | 'unknown' {
    return this.bridgeState;
  }

  close(): Promise<void> {
    this.isLost = true;
    return new Promise((resolve) => this.client.end(true, {}, () => resolve()));
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
    if (rest === 'bridge/groups') {
      try {
        this.groupsPayload = JSON.parse(payload.toString('utf8'));
      } catch {
        this.problems.push('bridge/groups is not valid JSON');
      }
      for (const w of this.groupsWaiters.splice(0)) w();
      return;
    }
    if (rest.startsWith('bridge/response/')) {
      try {
        const j = JSON.parse(payload.toString('utf8')) as { status?: unknown; error?: unknown; transaction?: unknown };
        const w = typeof j.transaction === 'string' ? this.responses.get(j.transaction) : undefined;
        if (w) w({ status: String(j.status), error: typeof j.error === 'string' ? j.error.slice(0, 200) : undefined });
      } catch {
        // not ours
      }
      return;
    }
    if (rest === 'bridge/state') {
      const text = payload.toString('utf8');
      let state: unknown = text;
      try {
        const j: unknown = JSON.parse(text);
        if (typeof j === 'object' && j !== null && 'state' in j) state = (j as { state: unknown }).state;
      } catch {
        // a plain payload (Zigbee2MQTT before 2.0)
      }
      this.bridgeState = state === 'online' ? 'online' : state === 'offline' ? 'offline' : this.bridgeState;
      if (this.bridgeState === 'offline') this.markLost({ kind: 'not-running', detail: 'Zigbee2MQTT is not running' });
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
        // "reachable" means it came back: the first retained "online" after connecting is no news.
        const event = next === 'offline' ? 'unreachable' : t.availability === 'offline' ? 'reachable' : null;
        t.availability = next;
        if (event) for (const l of t.listeners) l(event);
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

  /**
   * Waits (at most `timeoutMs`) for Zigbee2MQTT's retained group list. It comes right after the
   * device list, but not necessarily with it: a session listed before it would have no groups,
   * and safe state would go light by light although a group holds the room.
   */
  async groupsKnown(timeoutMs = 1_000): Promise<boolean> {
    if (this.groupsPayload === undefined && this.alive) {
      await new Promise<void>((resolve) => {
        const cancel = this.timers.after(timeoutMs, resolve);
        this.groupsWaiters.push(() => {
          cancel();
          resolve();
        });
      });
    }
    return this.groupsPayload !== undefined;
  }

  /** Zigbee2MQTT groups whose members are all lights of `lights` (membership by IEEE address). */
  groups(lights: readonly Z2mLight[]): LightGroup[] {
    if (!Array.isArray(this.groupsPayload)) return [];
    const byIeee = new Map(lights.map((l) => [l.info.ieee, l]));
    const out: LightGroup[] = [];
    for (const raw of this.groupsPayload) {
      const g = Group.safeParse(raw);
      if (!g.success || g.data.members.length < 2) continue;
      const members = g.data.members.map((m) => byIeee.get(m.ieee_address));
      if (members.some((m) => m === undefined)) continue; // holds something that is not a light we know
      const ids = [...new Set(members.map((m) => (m as Z2mLight).id))];
      out.push({ driver: new Z2mGroup(this, g.data.friendly_name, members as Z2mLight[]), members: ids });
    }
    return out;
  }

  /** The groups Zigbee2MQTT lists: name and member IEEE addresses. */
  groupList(): Array<{ name: string; members: string[] }> {
    if (!Array.isArray(this.groupsPayload)) return [];
    return this.groupsPayload.flatMap((raw) => {
      const g = Group.safeParse(raw);
      return g.success ? [{ name: g.data.friendly_name, members: g.data.members.map((m) => m.ieee_address) }] : [];
    });
  }

  /**
   * A bridge request (`bridge/request/<what>`), answered on `bridge/response/<what>` with the
   * same transaction id; also waits for the `bridge/groups` Zigbee2MQTT publishes after it.
   */
  private async request(what: string, body: Record<string, unknown>): Promise<DriverResult> {
    if (!this.alive) return { ok: false, error: 'the broker connection is closed' };
    const transaction = `sr-${Math.random().toString(16).slice(2, 10)}`;
    const timeoutMs = (this.opts.confirmTimeoutMs ?? 3_000) * 3;
    const answer = new Promise<{ status: string; error?: string } | null>((resolve) => {
      const cancel = this.timers.after(timeoutMs, () => {
        this.responses.delete(transaction);
        resolve(null);
      });
      this.responses.set(transaction, (r) => {
        cancel();
        this.responses.delete(transaction);
        resolve(r);
      });
    });
    const groups = new Promise<void>((resolve) => {
      const cancel = this.timers.after(timeoutMs, resolve);
      this.groupsWaiters.push(() => {
        cancel();
        resolve();
      });
    });
    this.client.publish(`${this.base}/bridge/request/${what}`, JSON.stringify({ ...body, transaction }), { qos: 1 });
    const r = await answer;
    if (!r) return { ok: false, error: 'Zigbee2MQTT did not answer the group request' };
    if (r.status !== 'ok') return { ok: false, error: `Zigbee2MQTT refused the group request (${r.error ?? 'error'})` };
    await groups;
    return { ok: true };
  }

  /**
   * Makes sure Zigbee2MQTT has a group called `name` holding exactly `members` (friendly
   * names): created the first time, members added and removed as the room changes. Only a
   * group with this name is ever changed.
   */
  async ensureGroup(name: string, members: readonly string[], lights: readonly Z2mLight[]): Promise<Result<string>> {
    let mine = this.groupList().find((g) => g.name === name);
    if (!mine) {
      const made = await this.request('group/add', { friendly_name: name });
      if (!made.ok) return made;
      mine = this.groupList().find((g) => g.name === name) ?? { name, members: [] };
    }
    const ieeeOf = new Map(lights.map((l) => [l.info.name, l.info.ieee]));
    const nameOf = new Map(lights.map((l) => [l.info.ieee, l.info.name]));
    const want = new Set(members.map((m) => ieeeOf.get(m)).filter((x): x is string => x !== undefined));
    const have = new Set(mine.members);
    for (const ieee of want) {
      if (have.has(ieee)) continue;
      const r = await this.request('group/members/add', { group: name, device: nameOf.get(ieee) ?? ieee });
      if (!r.ok) return r;
    }
    for (const ieee of have) {
      if (want.has(ieee)) continue;
      const r = await this.request('group/members/remove', { group: name, device: nameOf.get(ieee) ?? ieee });
      if (!r.ok) return r;
    }
    return { ok: true, value: name };
  }

  /** Removes the group called `name`; false when there was none. */
  async removeGroup(name: string): Promise<Result<boolean>> {
    if (!this.groupList().some((g) => g.name === name)) return { ok: true, value: false };
    const r = await this.request('group/remove', { id: name });
    return r.ok ? { ok: true, value: true } : r;
  }

  /** Publishes without waiting for a state echo (groups: Zigbee2MQTT may not echo a group). */
  async publish(name: string, body: Record<string, unknown>): Promise<DriverResult> {
    if (!this.alive) return { ok: false, error: 'the broker connection is closed' };
    return new Promise((resolve) => {
      this.client.publish(`${this.base}/${name}/set`, JSON.stringify(body), { qos: 1 }, (err) =>
        resolve(err ? { ok: false, error: 'the broker did not take the message' } : { ok: true }),
      );
    });
  }

  /** The last state Zigbee2MQTT published for a light, if any. */
  lastState(name: string): z.infer<typeof StateMsg> | null {
    return this.track(name).state;
  }

  availability(name: string): Availability {
    return this.track(name).availability;
  }

  listen(name: string, l: (e: DriverEvent) => void): () => void {
    const t = this.track(name);
    t.listeners.add(l);
    return () => t.listeners.delete(l);
  }

  /**
   * Publishes to `<base>/<name>/<suffix>` and waits for a state message of that light that
   * shows what was asked (`expect`), so an unrelated state message never confirms a command
   * the light missed.
   */
  async publishAndWait(
    name: string,
    suffix: 'set' | 'get',
    body: Record<string, unknown>,
    signal?: AbortSignal,
    expect?: (state: z.infer<typeof StateMsg>) => boolean,
  ): Promise<Result<z.infer<typeof StateMsg>>> {
    if (!this.alive) return { ok: false, error: 'the broker connection is closed' };
    const t = this.track(name);
    const seq = t.stateSeq;
    let matched = false;
    const echo = new Promise<boolean>((resolve) => {
      const cancel = this.timers.after(this.opts.confirmTimeoutMs ?? 3_000, () => resolve(false));
      const waiter = () => {
        if (this.isLost) {
          cancel();
          return resolve(false);
        }
        if (t.state && expect && !expect(t.state)) {
          t.waiters.push(waiter); // not (yet) what was asked: keep waiting
          return;
        }
        matched = true;
        cancel();
        resolve(true);
      };
      t.waiters.push(waiter);
    });
    if (suffix === 'get') this.reads++;
    const published = await new Promise<string | null>((resolve) => {
      this.client.publish(`${this.base}/${name}/${suffix}`, JSON.stringify(body), { qos: 1 }, (err) =>
        resolve(err ? 'the broker did not take the message' : null),
      );
    });
    if (published) return { ok: false, error: published };
    const got = await echo;
    if (signal?.aborted && !got) return { ok: false, error: 'replaced by a newer command' };
    if (!got || !matched || t.stateSeq === seq || !t.state) return { ok: false, error: 'no state reply from Zigbee2MQTT for this light' };
    return { ok: true, value: t.state };
  }
}

/** The `/set` body for a target on a light or group with these properties. */
function setBody(
  info: Pick<Z2mLightInfo, 'stateProperty' | 'brightness' | 'colorTemp'>,
  scale: LevelScale,
  kelvin: boolean,
  target: LightTarget,
  transitionMs: number,
) {
  const units = levelToUnits(target.level, scale);
  const body: Record<string, unknown> = units.on
    ? {
        [info.stateProperty]: 'ON',
        [info.brightness.property]: Math.round(units.value),
        transition: Math.min(Math.max(0, transitionMs), TRANSITION_CAPS_MS.zigbee) / 1000,
      }
    : { [info.stateProperty]: 'OFF', transition: 0 };
  if (units.on && info.colorTemp && kelvin) {
    body[info.colorTemp.property] = kelvinToDeviceMired(target.kelvin, [info.colorTemp.min, info.colorTemp.max]);
  }
  return { body, units };
}

/** One Zigbee2MQTT light as a driver. */
export class Z2mLight implements LightDriver {
  readonly id: string;
  readonly name: string;
  readonly protocol = 'z2m';
  readonly capabilities: LightCapabilities;
  readonly scale: LevelScale;

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

  apply(target: LightTarget, transitionMs: number, timing?: ApplyTiming): Promise<DriverResult> {
    if (this.bridge.availability(this.info.name) === 'offline')
      return Promise.resolve({ ok: false, error: 'Zigbee2MQTT reports the light offline' });
    const { body, units } = setBody(this.info, this.scale, this.capabilities.kelvin !== false, target, transitionMs);
    const stateKey = this.info.stateProperty as 'state';
    const briKey = this.info.brightness.property as 'brightness';
    // Zigbee2MQTT publishes the commanded state at once: only that confirms the command.
    const expect = (s: Record<string, unknown>) =>
      String(s[stateKey] ?? '').toUpperCase() === (units.on ? 'ON' : 'OFF') &&
      (!units.on || typeof s[briKey] !== 'number' || Math.abs((s[briKey] as number) - Math.round(units.value)) <= 1);
    return this.endpoint.submit(this.info.name, 'light', async (ctx) => {
      // Time spent waiting for the broker's budget comes off the transition (arrive together).
      if (units.on) body.transition = Math.min(transitionAt(ctx.now, transitionMs, timing), TRANSITION_CAPS_MS.zigbee) / 1000;
      const r = await this.bridge.publishAndWait(this.info.name, 'set', body, ctx.signal, expect);
      return r.ok ? { ok: true } : r;
    });
  }

  /**
   * The light's state from what Zigbee2MQTT last published (it publishes every change and
   * re-reads a light that rejoins), so a read costs no radio traffic; only a light never heard
   * from is asked once with `/get`.
   */
  readState(): Promise<Result<DeviceState>> {
    if (this.bridge.availability(this.info.name) === 'offline') {
      return Promise.resolve({ ok: true, value: { on: false, level: 0, kelvin: null, reachable: false } });
    }
    const known = this.bridge.lastState(this.info.name);
    if (known) return Promise.resolve({ ok: true, value: this.stateOf(known) });
    return this.endpoint.submit(this.info.name, 'read', async (ctx) => {
      const r = await this.bridge.publishAndWait(this.info.name, 'get', { state: '', brightness: '' }, ctx.signal);
      return r.ok ? { ok: true, value: this.stateOf(r.value) } : r;
    });
  }

  private stateOf(s: z.infer<typeof StateMsg>): DeviceState {
    const on = (s.state ?? 'OFF').toUpperCase() === 'ON';
    const level = on && s.brightness !== undefined ? unitsToLevel(s.brightness, this.scale) : 0;
    return { on, level, kelvin: s.color_temp ? Math.round(1e6 / s.color_temp) : null, reachable: true };
  }

  async read(): Promise<LightTarget | null> {
    const r = await this.readState();
    return r.ok && r.value.reachable ? { level: r.value.level, kelvin: r.value.kelvin ?? 2700 } : null;
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    return this.bridge.listen(this.info.name, listener);
  }

  /** Zigbee2MQTT's frontend and Home Assistant show brightness as a share of 254. */
  appPercent(level: number): number {
    return appPercentOf(level, this.scale);
  }
}

/**
 * A Zigbee2MQTT group as one driver: one Zigbee groupcast moves every member at once (safe
 * state for ten or more lights within 3 s, where one command per light would queue).
 */
export class Z2mGroup implements LightDriver {
  readonly id: string;
  readonly protocol = 'z2m';
  readonly capabilities: LightCapabilities;
  private readonly scale: LevelScale;
  private readonly info: Pick<Z2mLightInfo, 'stateProperty' | 'brightness' | 'colorTemp'>;

  constructor(
    private readonly bridge: Z2mBridge,
    readonly name: string,
    members: readonly Z2mLight[],
  ) {
    this.id = `z2m-group:${bridge.endpointKey}:${name}`;
    const first = members[0];
    // The narrowest colour-temperature range every member takes; no colour temperature if any lacks it.
    const cts = members.map((m) => m.info.colorTemp);
    const ct = cts.every((c) => c !== null)
      ? { property: 'color_temp', min: Math.max(...cts.map((c) => c?.min ?? 0)), max: Math.min(...cts.map((c) => c?.max ?? 0)) }
      : null;
    this.info = {
      stateProperty: 'state',
      brightness: { property: 'brightness', min: 1, max: 254 },
      colorTemp: ct && ct.min <= ct.max ? ct : null,
    };
    this.scale = first?.scale ?? SCALES.z2m;
    this.capabilities = {
      nativeTransition: true,
      maxTransitionMs: TRANSITION_CAPS_MS.zigbee,
      minIntervalMs: POLICIES.z2mBroker.perDeviceGapMs,
      color: false,
      kelvin: this.info.colorTemp !== null,
      kelvinRange: this.info.colorTemp ? miredRangeToKelvin([this.info.colorTemp.min, this.info.colorTemp.max]) : [2700, 2700],
      minLevel: unitsToLevel(this.scale.min, this.scale),
    };
  }

  apply(target: LightTarget, transitionMs: number, timing?: ApplyTiming): Promise<DriverResult> {
    const { body, units } = setBody(this.info, this.scale, this.capabilities.kelvin !== false, target, transitionMs);
    return this.bridge.scheduler.endpoint(this.bridge.endpointKey, POLICIES.z2mBroker).submit(`group:${this.name}`, 'group', (ctx) => {
      if (units.on) body.transition = Math.min(transitionAt(ctx.now, transitionMs, timing), TRANSITION_CAPS_MS.zigbee) / 1000;
      return this.bridge.publish(this.name, body);
    });
  }

  async read(): Promise<LightTarget | null> {
    return null;
  }
}

/** How a Zigbee2MQTT broker is described to a person. */
export function describeZ2m(url: string): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // shown as given
  }
  return `the Zigbee2MQTT broker at ${host}`;
}

/** The device's link adapter: a fresh MQTT client per attempt, its lights and groups. */
export function z2mAdapter(opts: Z2mOptions & { devicesTimeoutMs?: number }): LinkAdapter<Z2mBridge> {
  return {
    what: describeZ2m(opts.url),
    async open() {
      const b = await Z2mBridge.open(opts);
      if (!b.ok) return b;
      const bridge = b.value;
      const lights = await bridge.lights(opts.devicesTimeoutMs ?? opts.connectTimeoutMs ?? 3_000);
      if (!lights.ok || !bridge.alive) {
        void bridge.close();
        if (bridge.zigbee2mqtt === 'offline') return { ok: false, fault: { kind: 'not-running', detail: 'Zigbee2MQTT is not running' } };
        if (!lights.ok)
          return { ok: false, fault: { kind: 'not-running', detail: 'Zigbee2MQTT has not published its device list (is it running?)' } };
        return { ok: false, fault: { kind: 'not-answering' } };
      }
      await bridge.groupsKnown(opts.devicesTimeoutMs ?? 1_000);
      const session: LinkSession<Z2mBridge> = {
        api: bridge,
        lights: lights.value,
        groups: bridge.groups(lights.value),
        alive: () => bridge.alive,
        onLost: (lost) => bridge.onLost(lost),
        close: () => void bridge.close(),
      };
      return { ok: true, value: session };
    },
  };
}
