/**
 * Philips Hue bridge, API v1 (HTTP, `/api/<key>/…`) and v2 (HTTPS CLIP v2 with the
 * `hue-application-key` header). Link-button pairing, mDNS discovery or a manual address,
 * lights and rooms/zones as drivers. Every request goes through the bridge's rate budget
 * (≤ 10 light commands/s, ≤ 1 group command/s, ≤ 3 in flight); 429/503 are retried with backoff.
 * Turning on always carries an explicit brightness (a light turned off with a transition
 * otherwise comes back at its minimum).
 *
 * (Longer than most files: every operation is written for API v1 and v2 side by side, so the
 * two stay in step.)
 */
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { checkAddress } from './address';
import {
  type ApplyTiming,
  type DeviceState,
  type DriverResult,
  type LightCapabilities,
  type LightDriver,
  type LightTarget,
  type Result,
  realTimers,
  sleep,
  type Timers,
  transitionAt,
} from './driver';
import { TRANSITION_CAPS_MS } from './fade';
import { CERT_CHANGED, type HttpReply, type HttpTls, isTransportError, redact, request } from './http';
import { appPercentOf, kelvinToDeviceMired, type LevelScale, levelToUnits, miredRangeToKelvin, SCALES, unitsToLevel } from './levels';
import type { LinkAdapter, LinkFault, LinkSession } from './link';
import { type JobKind, POLICIES, type Scheduler, sharedScheduler } from './scheduler';

export type HueApi = 'v1' | 'v2';

export interface HueBridgeOptions {
  /** Bridge address (checked: local network only unless `insist`). */
  address: string;
  api: HueApi;
  /** The application key from pairing (v1 `username`, v2 `hue-application-key`). Opaque; never logged. */
  key?: string;
  /** Bridge id (from discovery or `/api/config`); v2 checks the certificate's name against it. */
  bridgeId?: string;
  /** v2: the CA that signs the bridge's certificate (Signify's Hue root in production). */
  ca?: string | string[];
  /** v2: the bridge certificate's SHA-256 fingerprint, pinned at pairing (trust on first use). */
  fingerprint256?: string;
  /** Overrides scheme/port (tests, or a v1 bridge that only answers HTTPS). */
  baseUrl?: string;
  insist?: boolean;
  scheduler?: Scheduler;
  timers?: Timers;
  timeoutMs?: number;
  /** 429/503 retries before giving up (aiohue waits 0.25·n s between them). */
  busyRetries?: number;
  /** Device response curve, if calibrated. */
  gamma?: number;
}

const ErrorEntry = z.object({ error: z.object({ type: z.number(), address: z.string().optional(), description: z.string() }) });
const SuccessEntry = z.object({ success: z.record(z.string(), z.unknown()) });
const V1Reply = z.array(z.union([ErrorEntry, SuccessEntry]));
const V1State = z.object({
  on: z.boolean(),
  bri: z.number().optional(),
  ct: z.number().optional(),
  reachable: z.boolean().optional(),
});
const V1Light = z.object({
  name: z.string().max(200),
  type: z.string().optional(),
  uniqueid: z.string().optional(),
  state: V1State,
  capabilities: z.object({ control: z.object({ ct: z.object({ min: z.number(), max: z.number() }).optional() }).optional() }).optional(),
});
const V1Group = z.object({ name: z.string().max(200), type: z.string().optional(), lights: z.array(z.string()) });
const V1Config = z.object({ name: z.string(), bridgeid: z.string(), apiversion: z.string().optional(), modelid: z.string().optional() });
const V2Envelope = z.object({ errors: z.array(z.object({ description: z.string() })).default([]), data: z.array(z.unknown()).default([]) });
const V2Light = z.object({
  id: z.string(),
  owner: z.object({ rid: z.string() }).optional(),
  metadata: z.object({ name: z.string().max(200) }).optional(),
  on: z.object({ on: z.boolean() }),
  dimming: z.object({ brightness: z.number() }).optional(),
  color_temperature: z
    .object({
      mirek: z.number().nullable().optional(),
      mirek_schema: z.object({ mirek_minimum: z.number(), mirek_maximum: z.number() }).optional(),
    })
    .optional(),
  color: z.unknown().optional(),
});
const V2Connectivity = z.object({ id: z.string(), owner: z.object({ rid: z.string() }), status: z.string() });
const V2Grouped = z.object({
  id: z.string(),
  owner: z.object({ rid: z.string(), rtype: z.string() }).optional(),
  on: z.object({ on: z.boolean() }).optional(),
});
const V2Room = z.object({
  id: z.string(),
  metadata: z.object({ name: z.string().max(200) }),
  services: z.array(z.object({ rid: z.string(), rtype: z.string() })),
  children: z.array(z.object({ rid: z.string(), rtype: z.string() })).optional(),
});

/** The reply of a command that was not sent because a newer group command covered it. */
const SKIPPED: HttpReply = { status: 200, text: '', json: [], retryAfterMs: null };
const SKIPPED_V2: HttpReply = { status: 200, text: '', json: { errors: [], data: [] }, retryAfterMs: null };

/** What the bridge's error types mean to a person. */
function v1Error(type: number, description: string): string {
  if (type === 1) return 'the bridge no longer accepts Stillroom’s key; pair again';
  if (type === 3) return 'the light is no longer on the bridge';
  if (type === 101) return 'link button not pressed';
  if (type === 201) return 'the light is switched off at the bridge';
  return `the bridge refused the command (${description.slice(0, 120)})`;
}

export class HueBridge {
  readonly api: HueApi;
  readonly host: string;
  readonly bridgeId: string | undefined;
  private readonly base: URL;
  private readonly key: string | undefined;
  private readonly tls: HttpTls | undefined;
  private readonly agent: http.Agent;
  private readonly timers: Timers;
  private readonly scheduler: Scheduler;
  private readonly opts: HueBridgeOptions;

  private constructor(opts: HueBridgeOptions, host: string) {
    this.opts = opts;
    this.api = opts.api;
    this.host = host;
    this.key = opts.key;
    this.bridgeId = opts.bridgeId;
    const scheme = opts.api === 'v2' ? 'https' : 'http';
    const bracket = host.includes(':') ? `[${host}]` : host;
    this.base = new URL(opts.baseUrl ?? `${scheme}://${bracket}`);
    this.tls =
      this.base.protocol === 'https:' && opts.fingerprint256
        ? { fingerprint256: opts.fingerprint256 }
        : this.base.protocol === 'https:' && opts.ca
          ? { ca: opts.ca, commonName: opts.bridgeId }
          : undefined;
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 3 })
        : new http.Agent({ keepAlive: true, maxSockets: 3 });
    this.timers = opts.timers ?? realTimers;
    this.scheduler = opts.scheduler ?? sharedScheduler;
  }

  /** A bridge at a manual or discovered address; refuses non-local addresses unless `insist`. */
  static open(opts: HueBridgeOptions): Result<HueBridge> {
    const checked = checkAddress(opts.address, { insist: opts.insist });
    if (!checked.ok) return checked;
    if (opts.api === 'v2' && !opts.ca && !opts.fingerprint256 && !opts.baseUrl?.startsWith('http:')) {
      return { ok: false, error: 'API v2 needs the Hue bridge certificate authority to check the bridge is genuine' };
    }
    return { ok: true, value: new HueBridge(opts, checked.value.address) };
  }

  /** Closes idle connections. */
  close(): void {
    this.agent.destroy();
  }

  private clean(text: string): string {
    return redact(text, [this.key]);
  }

  /** One HTTP exchange through the bridge's budget, retrying 429/503 with growing pauses. */
  async call(
    kind: JobKind,
    device: string,
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    skip?: () => boolean,
    /** Builds the body when the request goes out (a transition shortened by the wait). */
    bodyAt?: (now: number) => unknown,
  ): Promise<Result<HttpReply>> {
    const endpoint = this.scheduler.endpoint(`hue:${this.host}:${this.base.port}`, POLICIES.hueBridge);
    const retries = this.opts.busyRetries ?? 4;
    return endpoint.submit(device, kind, async (ctx) => {
      // Overtaken while waiting for the budget (a group command covered this light): send nothing.
      if (skip?.()) return { ok: true, value: SKIPPED };
      const payload = bodyAt ? bodyAt(ctx.now) : body;
      for (let attempt = 0; ; attempt++) {
        const headers: Record<string, string> = this.api === 'v2' && this.key ? { 'hue-application-key': this.key } : {};
        const r = await request({
          method,
          url: new URL(path, this.base),
          headers,
          body: payload,
          timeoutMs: this.opts.timeoutMs,
          tls: this.tls,
          agent: this.agent,
        });
        if (!r.ok) return { ok: false, error: this.clean(r.error) };
        const busy = r.value.status === 429 || r.value.status === 503;
        if (!busy) return r;
        if (attempt >= retries || ctx.signal.aborted) return { ok: false, error: `the bridge is busy (HTTP ${r.value.status})` };
        const pause = Math.max(250 * (attempt + 1), Math.min(r.value.retryAfterMs ?? 0, 5_000));
        if (!(await sleep(this.timers, pause, ctx.signal))) return { ok: false, error: `the bridge is busy (HTTP ${r.value.status})` };
      }
    });
  }

  private v1Path(rest: string): string {
    return `/api/${encodeURIComponent(this.key ?? 'none')}${rest}`;
  }

  /** Checks the reply's status and parses v1 JSON; errors are readable and key-free. */
  private parse<T>(r: Result<HttpReply>, schema: z.ZodType<T>): Result<T> {
    if (!r.ok) return r;
    const { status, json } = r.value;
    if (status === 401 || status === 403) return { ok: false, error: 'the bridge refused Stillroom’s key; pair again' };
    if (status === 404) return { ok: false, error: 'not found on the bridge' };
    if (status >= 400) return { ok: false, error: `the bridge answered with an error (HTTP ${status})` };
    if (json === undefined) return { ok: false, error: 'the bridge sent a reply that is not JSON' };
    const first = Array.isArray(json) ? ErrorEntry.safeParse(json[0]) : null;
    if (first?.success) return { ok: false, error: v1Error(first.data.error.type, this.clean(first.data.error.description)) };
    const parsed = schema.safeParse(json);
    if (!parsed.success) return { ok: false, error: 'the bridge sent a reply Stillroom does not understand' };
    return { ok: true, value: parsed.data };
  }

  /** v2 envelope: `{errors, data}`. */
  private parseV2(r: Result<HttpReply>): Result<unknown[]> {
    const env = this.parse(r, V2Envelope);
    if (!env.ok) return env;
    if (env.value.errors.length && env.value.data.length === 0) {
      const d = env.value.errors[0]?.description ?? 'error';
      return {
        ok: false,
        error: /unauthori[sz]ed/i.test(d)
          ? 'the bridge refused Stillroom’s key; pair again'
          : `the bridge refused the command (${this.clean(d).slice(0, 120)})`,
      };
    }
    return { ok: true, value: env.value.data };
  }

  /** The bridge's public description (no key needed): proves an address really is a Hue bridge. */
  async config(): Promise<Result<z.infer<typeof V1Config>>> {
    return this.parse(await this.call('read', 'config', 'GET', '/api/config'), V1Config);
  }

  /**
   * Link-button pairing: asks for a key every `intervalMs` until the button is pressed or
   * `timeoutMs` passes. The key is returned to the caller to store encrypted; it is never logged.
   */
  async pair(
    devicetype = 'stillroom#panel',
    opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
  ): Promise<Result<{ key: string; clientKey: string | null }>> {
    const deadline = this.timers.now() + (opts.timeoutMs ?? 30_000);
    const Ok = z.array(
      z.object({ success: z.object({ username: z.string().min(8).max(200), clientkey: z.string().max(200).optional() }) }),
    );
    for (;;) {
      const r = await this.call('read', 'pair', 'POST', '/api', { devicetype: devicetype.slice(0, 40), generateclientkey: true });
      const parsed = this.parse(r, Ok);
      if (parsed.ok) {
        const s = parsed.value[0]?.success;
        if (s) return { ok: true, value: { key: s.username, clientKey: s.clientkey ?? null } };
      } else if (parsed.error !== 'link button not pressed') {
        return parsed;
      }
      if (this.timers.now() >= deadline || opts.signal?.aborted) {
        return { ok: false, error: 'the link button on the bridge was not pressed in time; press it, then try again' };
      }
      await sleep(this.timers, opts.intervalMs ?? 1_000, opts.signal);
    }
  }

  /** Every light on the bridge, as drivers. */
  async lights(): Promise<Result<HueLight[]>> {
    if (!this.key) return { ok: false, error: 'pair with the bridge first' };
    if (this.api === 'v1') {
      const r = this.parse(await this.call('read', 'lights', 'GET', this.v1Path('/lights')), z.record(z.string(), z.unknown()));
      if (!r.ok) return r;
      const out: HueLight[] = [];
      for (const [id, raw] of Object.entries(r.value)) {
        const l = V1Light.safeParse(raw);
        if (!l.success) continue; // one odd entry must not hide the rest
        const ct = l.data.capabilities?.control?.ct;
        out.push(
          new HueLight(this, {
            kind: 'light',
            id,
            name: l.data.name,
            mired: ct ? [ct.min, ct.max] : l.data.state.ct !== undefined ? [153, 500] : null,
          }),
        );
      }
      return { ok: true, value: out };
    }
    const lights = this.parseV2(await this.call('read', 'lights', 'GET', '/clip/v2/resource/light'));
    if (!lights.ok) return lights;
    const conn = this.parseV2(await this.call('read', 'connectivity', 'GET', '/clip/v2/resource/zigbee_connectivity'));
    const conns = conn.ok ? conn.value.flatMap((c) => (V2Connectivity.safeParse(c).success ? [V2Connectivity.parse(c)] : [])) : [];
    const out: HueLight[] = [];
    for (const raw of lights.value) {
      const l = V2Light.safeParse(raw);
      if (!l.success) continue;
      const schema = l.data.color_temperature?.mirek_schema;
      const c = conns.find((x) => x.owner.rid === l.data.owner?.rid);
      out.push(
        new HueLight(this, {
          kind: 'light',
          id: l.data.id,
          name: l.data.metadata?.name ?? l.data.id,
          mired: schema ? [schema.mirek_minimum, schema.mirek_maximum] : null,
          connectivityId: c?.id,
        }),
      );
    }
    return { ok: true, value: out };
  }

  /** Rooms and zones as single drivers (one group command instead of many light commands). */
  async groups(): Promise<Result<HueLight[]>> {
    if (!this.key) return { ok: false, error: 'pair with the bridge first' };
    if (this.api === 'v1') {
      const r = this.parse(await this.call('read', 'groups', 'GET', this.v1Path('/groups')), z.record(z.string(), z.unknown()));
      if (!r.ok) return r;
      return {
        ok: true,
        value: Object.entries(r.value).flatMap(([id, raw]) => {
          const g = V1Group.safeParse(raw);
          return g.success ? [new HueLight(this, { kind: 'group', id, name: g.data.name, mired: [153, 500] })] : [];
        }),
      };
    }
    const grouped = this.parseV2(await this.call('read', 'groups', 'GET', '/clip/v2/resource/grouped_light'));
    if (!grouped.ok) return grouped;
    const rooms = [...(await this.listV2('/clip/v2/resource/room')), ...(await this.listV2('/clip/v2/resource/zone'))].flatMap((r) =>
      V2Room.safeParse(r).success ? [V2Room.parse(r)] : [],
    );
    return {
      ok: true,
      value: grouped.value.flatMap((raw) => {
        const g = V2Grouped.safeParse(raw);
        if (!g.success) return [];
        const room = rooms.find((r) => r.services.some((s) => s.rid === g.data.id));
        return [new HueLight(this, { kind: 'group', id: g.data.id, name: room?.metadata.name ?? 'All lights', mired: [153, 500] })];
      }),
    };
  }

  /**
   * The bridge's groups with the lights each one covers (member driver ids), for sending one
   * group command instead of many light commands (safe state). v1 includes group 0 (all lights).
   */
  async groupsWithMembers(): Promise<Result<Array<{ group: HueLight; members: string[] }>>> {
    if (!this.key) return { ok: false, error: 'pair with the bridge first' };
    const lights = await this.lights();
    if (!lights.ok) return lights;
    const idOf = (lightRef: string) => lights.value.find((l) => l.ref.id === lightRef)?.id;
    const out: Array<{ group: HueLight; members: string[] }> = [];
    if (this.api === 'v1') {
      const r = this.parse(await this.call('read', 'groups', 'GET', this.v1Path('/groups')), z.record(z.string(), z.unknown()));
      if (!r.ok) return r;
      out.push({
        group: new HueLight(this, { kind: 'group', id: '0', name: 'All lights', mired: [153, 500] }),
        members: lights.value.map((l) => l.id),
      });
      for (const [id, raw] of Object.entries(r.value)) {
        const g = V1Group.safeParse(raw);
        if (!g.success) continue;
        const members = g.data.lights.map(idOf).filter((x): x is string => x !== undefined);
        out.push({ group: new HueLight(this, { kind: 'group', id, name: g.data.name, mired: [153, 500] }), members });
      }
      return { ok: true, value: out };
    }
    const grouped = this.parseV2(await this.call('read', 'groups', 'GET', '/clip/v2/resource/grouped_light'));
    if (!grouped.ok) return grouped;
    const rooms = [...(await this.listV2('/clip/v2/resource/room')), ...(await this.listV2('/clip/v2/resource/zone'))].flatMap((r) =>
      V2Room.safeParse(r).success ? [V2Room.parse(r)] : [],
    );
    const rawLights = await this.listV2('/clip/v2/resource/light');
    const owners = new Map<string, string>(); // light id → device id
    for (const raw of rawLights) {
      const l = V2Light.safeParse(raw);
      if (l.success && l.data.owner) owners.set(l.data.id, l.data.owner.rid);
    }
    for (const raw of grouped.value) {
      const g = V2Grouped.safeParse(raw);
      if (!g.success) continue;
      let members: string[] | null = null;
      if (g.data.owner?.rtype === 'bridge_home') members = lights.value.map((l) => l.id);
      const room = rooms.find((r) => r.services.some((s) => s.rid === g.data.id));
      if (room?.children) {
        const kids = new Set(room.children.map((c) => c.rid));
        members = lights.value.filter((l) => kids.has(l.ref.id) || kids.has(owners.get(l.ref.id) ?? '')).map((l) => l.id);
      }
      if (!members) continue; // membership unknown: never use a group that might hold other lights
      out.push({
        group: new HueLight(this, { kind: 'group', id: g.data.id, name: room?.metadata.name ?? 'All lights', mired: [153, 500] }),
        members,
      });
    }
    return { ok: true, value: out };
  }

  /**
   * Makes sure the bridge has a group holding exactly `memberIds` (driver ids of this bridge's
   * lights), named `name`: a v1 LightGroup or a v2 zone, created the first time and updated when
   * the room changes. Safe state then goes out as one group command (the bridge takes about one
   * group command a second but only ten light commands, so 20 lights one by one take over 2 s
   * just to send). Only a group with this exact name is ever changed; the clinic's own rooms
   * and zones are left alone.
   */
  async ensureRoomGroup(name: string, memberIds: readonly string[]): Promise<Result<string>> {
    if (!this.key) return { ok: false, error: 'pair with the bridge first' };
    const lights = await this.lights();
    if (!lights.ok) return lights;
    const refs = memberIds.map((id) => lights.value.find((l) => l.id === id)?.ref.id).filter((x): x is string => x !== undefined);
    if (refs.length !== memberIds.length) return { ok: false, error: 'some of the room’s lights are no longer on the bridge' };
    if (this.api === 'v1') {
      const all = this.parse(await this.call('read', 'groups', 'GET', this.v1Path('/groups')), z.record(z.string(), z.unknown()));
      if (!all.ok) return all;
      const mine = Object.entries(all.value).find(([, raw]) => {
        const g = V1Group.safeParse(raw);
        return g.success && g.data.name === name && (g.data.type ?? 'LightGroup') === 'LightGroup';
      });
      const Reply = z.array(z.object({ success: z.record(z.string(), z.unknown()) })).min(1);
      if (mine) {
        const r = this.parse(
          await this.call('read', 'groups', 'PUT', this.v1Path(`/groups/${encodeURIComponent(mine[0])}`), { lights: refs }),
          Reply,
        );
        return r.ok ? { ok: true, value: mine[0] } : r;
      }
      const r = this.parse(
        await this.call('read', 'groups', 'POST', this.v1Path('/groups'), { name, type: 'LightGroup', lights: refs }),
        Reply,
      );
      if (!r.ok) return r;
      const id = r.value[0]?.success.id;
      return typeof id === 'string' ? { ok: true, value: id } : { ok: false, error: 'the bridge did not say which group it made' };
    }
    const zones = (await this.listV2('/clip/v2/resource/zone')).flatMap((raw) => {
      const z2 = V2Room.safeParse(raw);
      return z2.success ? [z2.data] : [];
    });
    const children = refs.map((rid) => ({ rid, rtype: 'light' }));
    const mine = zones.find((zone) => zone.metadata.name === name);
    const r = mine
      ? this.parseV2(await this.call('read', 'groups', 'PUT', `/clip/v2/resource/zone/${encodeURIComponent(mine.id)}`, { children }))
      : this.parseV2(
          await this.call('read', 'groups', 'POST', '/clip/v2/resource/zone', {
            type: 'zone',
            metadata: { name, archetype: 'other' },
            children,
          }),
        );
    if (!r.ok) return r;
    const made = z.object({ rid: z.string() }).safeParse(r.value[0]);
    return made.success ? { ok: true, value: made.data.rid } : { ok: false, error: 'the bridge did not say which zone it made' };
  }

  /** Removes the group (v1 LightGroup) or zone (v2) called `name` that Stillroom made; true when there was one. */
  async removeRoomGroup(name: string): Promise<Result<boolean>> {
    if (!this.key) return { ok: false, error: 'pair with the bridge first' };
    if (this.api === 'v1') {
      const all = this.parse(await this.call('read', 'groups', 'GET', this.v1Path('/groups')), z.record(z.string(), z.unknown()));
      if (!all.ok) return all;
      const mine = Object.entries(all.value).find(([, raw]) => {
        const g = V1Group.safeParse(raw);
        return g.success && g.data.name === name && (g.data.type ?? 'LightGroup') === 'LightGroup';
      });
      if (!mine) return { ok: true, value: false };
      const r = this.parse(
        await this.call('read', 'groups', 'DELETE', this.v1Path(`/groups/${encodeURIComponent(mine[0])}`)),
        z.array(z.unknown()),
      );
      return r.ok ? { ok: true, value: true } : r;
    }
    const zones = (await this.listV2('/clip/v2/resource/zone')).flatMap((raw) => {
      const z2 = V2Room.safeParse(raw);
      return z2.success ? [z2.data] : [];
    });
    const mine = zones.find((zone) => zone.metadata.name === name);
    if (!mine) return { ok: true, value: false };
    const r = this.parseV2(await this.call('read', 'groups', 'DELETE', `/clip/v2/resource/zone/${encodeURIComponent(mine.id)}`));
    return r.ok ? { ok: true, value: true } : r;
  }

  private async listV2(path: string): Promise<unknown[]> {
    const r = this.parseV2(await this.call('read', path, 'GET', path));
    return r.ok ? r.value : [];
  }

  /** Sends a light or group state; `drop` lists attributes the light turned out to lack. */
  async setState(
    ref: HueRef,
    target: LightTarget,
    transitionMs: number,
    scale: LevelScale,
    miredRange: [number, number] | null,
    skip?: () => boolean,
    timing?: ApplyTiming,
  ): Promise<Result<{ ctRejected: boolean }>> {
    const units = levelToUnits(target.level, scale);
    const kind: JobKind = ref.kind === 'group' ? 'group' : 'light';
    const deviceKey = `${ref.kind}:${ref.id}`;
    if (this.api === 'v1') {
      const t = (now: number) => Math.min(65_535, Math.max(0, Math.round(transitionAt(now, transitionMs, timing) / 100)));
      const body: Record<string, unknown> = units.on
        ? { on: true, bri: units.value, transitiontime: t(0) }
        : { on: false, transitiontime: 0 };
      if (units.on && miredRange) body.ct = kelvinToDeviceMired(target.kelvin, miredRange);
      const at = timing && units.on ? (now: number) => ({ ...body, transitiontime: t(now) }) : undefined;
      const path = ref.kind === 'group' ? `/groups/${encodeURIComponent(ref.id)}/action` : `/lights/${encodeURIComponent(ref.id)}/state`;
      const r = this.parse(await this.call(kind, deviceKey, 'PUT', this.v1Path(path), body, skip, at), V1Reply);
      if (!r.ok) return r;
      const errors = r.value.flatMap((e) => ('error' in e ? [e.error] : []));
      const ctRejected = errors.some((e) => /\bct\b/.test(`${e.address ?? ''} ${e.description}`));
      const other = errors.filter((e) => !/\bct\b/.test(`${e.address ?? ''} ${e.description}`));
      const first = other[0];
      if (first) return { ok: false, error: v1Error(first.type, this.clean(first.description)) };
      return { ok: true, value: { ctRejected } };
    }
    const duration = (now: number) => Math.round(Math.min(transitionAt(now, transitionMs, timing), TRANSITION_CAPS_MS.zigbee));
    const body: Record<string, unknown> = units.on
      ? {
          on: { on: true },
          dimming: { brightness: units.value },
          dynamics: { duration: duration(0) },
        }
      : { on: { on: false }, dynamics: { duration: 0 } };
    if (units.on && miredRange) body.color_temperature = { mirek: kelvinToDeviceMired(target.kelvin, miredRange) };
    const at = timing && units.on ? (now: number) => ({ ...body, dynamics: { duration: duration(now) } }) : undefined;
    const path = `/clip/v2/resource/${ref.kind === 'group' ? 'grouped_light' : 'light'}/${encodeURIComponent(ref.id)}`;
    const sent = await this.call(kind, deviceKey, 'PUT', path, body, skip, at);
    const r: Result<HttpReply> = sent.ok && sent.value === SKIPPED ? { ok: true, value: SKIPPED_V2 } : sent;
    const env = this.parse(r, V2Envelope);
    if (!env.ok) return env;
    const ctRejected = env.value.errors.some((e) => /color_temperature|mirek/i.test(e.description));
    const other = env.value.errors.filter((e) => !/color_temperature|mirek/i.test(e.description));
    if (other.length && env.value.data.length === 0)
      return { ok: false, error: `the bridge refused the command (${this.clean(other[0]?.description ?? '').slice(0, 120)})` };
    return { ok: true, value: { ctRejected } };
  }

  /**
   * After a power cut a Hue bulb comes back at its power-on default, usually full white: a
   * flash. This sets the light's power-on behaviour to "as before the power cut" (v1
   * `config.startup.mode`, v2 `powerup.preset` = powerfail). It changes the bulb itself.
   */
  async keepStateAfterPowerCut(ref: HueRef): Promise<DriverResult> {
    if (ref.kind !== 'light') return { ok: false, error: 'only single lights have a power-on behaviour' };
    const deviceKey = `${ref.kind}:${ref.id}`;
    if (this.api === 'v1') {
      const path = this.v1Path(`/lights/${encodeURIComponent(ref.id)}/config`);
      const r = this.parse(await this.call('light', deviceKey, 'PUT', path, { startup: { mode: 'powerfail' } }), V1Reply);
      if (!r.ok) return r;
      const err = r.value.flatMap((e) => ('error' in e ? [e.error] : []))[0];
      return err ? { ok: false, error: v1Error(err.type, this.clean(err.description)) } : { ok: true };
    }
    const path = `/clip/v2/resource/light/${encodeURIComponent(ref.id)}`;
    const r = this.parseV2(await this.call('light', deviceKey, 'PUT', path, { powerup: { preset: 'powerfail' } }));
    return r.ok ? { ok: true } : r;
  }

  /** Reads a light's state (a group reads as its `any_on`/action where the API has one). */
  async getState(ref: HueRef, scale: LevelScale): Promise<Result<DeviceState>> {
    const deviceKey = `${ref.kind}:${ref.id}`;
    if (this.api === 'v1') {
      if (ref.kind === 'group') {
        const G = z.object({ action: V1State, state: z.object({ any_on: z.boolean().optional() }).optional() });
        const g = this.parse(await this.call('read', deviceKey, 'GET', this.v1Path(`/groups/${encodeURIComponent(ref.id)}`)), G);
        if (!g.ok) return g;
        return { ok: true, value: stateOf(g.value.action.on, g.value.action.bri, g.value.action.ct, true, scale) };
      }
      const l = this.parse(await this.call('read', deviceKey, 'GET', this.v1Path(`/lights/${encodeURIComponent(ref.id)}`)), V1Light);
      if (!l.ok) return l;
      const s = l.value.state;
      return { ok: true, value: stateOf(s.on, s.bri, s.ct, s.reachable ?? true, scale) };
    }
    const path = `/clip/v2/resource/${ref.kind === 'group' ? 'grouped_light' : 'light'}/${encodeURIComponent(ref.id)}`;
    const data = this.parseV2(await this.call('read', deviceKey, 'GET', path));
    if (!data.ok) return data;
    const parsed = (ref.kind === 'group' ? V2Grouped : V2Light).safeParse(data.value[0]);
    if (!parsed.success) return { ok: false, error: 'the bridge sent a reply Stillroom does not understand' };
    const d = parsed.data as { on?: { on: boolean }; dimming?: { brightness: number }; color_temperature?: { mirek?: number | null } };
    let reachable = true;
    if (ref.connectivityId) {
      const c = this.parseV2(
        await this.call(
          'read',
          `${deviceKey}:zc`,
          'GET',
          `/clip/v2/resource/zigbee_connectivity/${encodeURIComponent(ref.connectivityId)}`,
        ),
      );
      const zc = c.ok ? V2Connectivity.safeParse(c.value[0]) : null;
      if (zc?.success) reachable = zc.data.status === 'connected';
    }
    return {
      ok: true,
      value: stateOf(d.on?.on ?? false, d.dimming?.brightness, d.color_temperature?.mirek ?? undefined, reachable, scale),
    };
  }
}

function stateOf(on: boolean, bri: number | undefined, ct: number | undefined, reachable: boolean, scale: LevelScale): DeviceState {
  return { on, level: on && bri !== undefined ? unitsToLevel(bri, scale) : 0, kelvin: ct ? Math.round(1e6 / ct) : null, reachable };
}

export interface HueRef {
  kind: 'light' | 'group';
  id: string;
  name: string;
  /** Mired range the light accepts, or null for dimmable-only lights. */
  mired: [number, number] | null;
  connectivityId?: string;
}

/** One Hue light (or room/zone) as a driver. */
export class HueLight implements LightDriver {
  readonly id: string;
  readonly name: string;
  readonly protocol: string;
  readonly capabilities: LightCapabilities;
  private readonly scale: LevelScale;
  private mired: [number, number] | null;

  constructor(
    private readonly bridge: HueBridge,
    readonly ref: HueRef,
  ) {
    this.id = `hue:${bridge.bridgeId ?? bridge.host}:${ref.kind === 'group' ? 'group:' : ''}${ref.id}`;
    this.name = ref.name;
    this.protocol = `hue-${bridge.api}`;
    this.scale = bridge.api === 'v1' ? SCALES.hueV1 : SCALES.hueV2;
    this.mired = ref.mired;
    this.capabilities = {
      nativeTransition: true,
      maxTransitionMs: bridge.api === 'v1' ? TRANSITION_CAPS_MS.hueV1 : TRANSITION_CAPS_MS.zigbee,
      minIntervalMs: ref.kind === 'group' ? 1_100 : 110,
      color: false,
      kelvin: ref.mired !== null,
      kelvinRange: ref.mired ? miredRangeToKelvin(ref.mired) : [2700, 2700],
      minLevel: unitsToLevel(this.scale.min, this.scale),
    };
  }

  private generation = 0;

  /** Makes the bulb come back as it was after a power cut (not at full brightness). */
  keepStateAfterPowerCut(): Promise<DriverResult> {
    return this.bridge.keepStateAfterPowerCut(this.ref);
  }

  /** A group command now covers this light: commands still waiting for the bridge budget are dropped. */
  supersede(): void {
    this.generation++;
  }

  async apply(target: LightTarget, transitionMs: number, timing?: ApplyTiming): Promise<DriverResult> {
    const gen = this.generation;
    const r = await this.bridge.setState(this.ref, target, transitionMs, this.scale, this.mired, () => gen !== this.generation, timing);
    if (!r.ok) return r;
    if (r.value.ctRejected && this.mired) {
      // The light claimed colour temperature but refuses it: carry on dimming without it.
      this.mired = null;
      this.capabilities.kelvin = false;
    }
    return { ok: true };
  }

  async readState(): Promise<Result<DeviceState>> {
    return this.bridge.getState(this.ref, this.scale);
  }

  async read(): Promise<LightTarget | null> {
    const r = await this.readState();
    return r.ok ? { level: r.value.on ? r.value.level : 0, kelvin: r.value.kelvin ?? this.capabilities.kelvinRange[0] } : null;
  }

  /** The Hue app's brightness %: v1 `bri` over 254 (v2 sends the percentage itself). */
  appPercent(level: number): number {
    return appPercentOf(level, this.scale);
  }
}

/** How a Hue bridge is described to a person. */
export function describeHue(address: string, port?: number): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return `the Hue bridge at ${host}${port && port !== 80 && port !== 443 ? `:${port}` : ''}`;
}

/** A Hue bridge failure as a link fault. */
export function hueFault(error: string): LinkFault {
  if (isTransportError(error)) return { kind: 'not-answering' };
  if (error === CERT_CHANGED) return { kind: 'certificate' };
  if (/pair again|pair with the bridge first/.test(error)) return { kind: 'needs-pairing' };
  return { kind: 'not-recognised' };
}

/**
 * The bridge's link adapter: each attempt lists the lights (and the groups with their
 * members); any request that gets no answer at all counts as the bridge lost.
 */
export function hueAdapter(opts: HueBridgeOptions & { port?: number }): LinkAdapter<HueBridge> {
  return {
    what: describeHue(opts.address, opts.port),
    async open() {
      if (!opts.key) return { ok: false, fault: { kind: 'needs-pairing' } };
      const b = HueBridge.open(opts);
      if (!b.ok) return { ok: false, fault: { kind: 'not-recognised', detail: b.error } };
      const bridge = b.value;
      const lights = await bridge.lights();
      if (!lights.ok) {
        bridge.close();
        return { ok: false, fault: hueFault(lights.error) };
      }
      const groups = await bridge.groupsWithMembers();
      let open = true;
      const session: LinkSession<HueBridge> = {
        api: bridge,
        lights: lights.value,
        groups: groups.ok ? groups.value.map((g) => ({ driver: g.group, members: g.members })) : [],
        alive: () => open,
        isTransportFailure: isTransportError,
        // A bridge whose key list was reset answers every command with "pair again": say so, not "not answering".
        faultOf: (error) => {
          const f = hueFault(error);
          return f.kind === 'not-answering' || f.kind === 'needs-pairing' || f.kind === 'certificate' ? f : null;
        },
        check: async () => {
          const c = await bridge.config();
          return c.ok || !isTransportError(c.error);
        },
        close: () => {
          open = false;
          bridge.close();
        },
      };
      return { ok: true, value: session };
    },
  };
}

/** A service seen on mDNS. */
export interface MdnsService {
  name: string;
  addresses: string[];
  port: number;
  txt: Record<string, string>;
}

/** Browses for a service type; returns a stop function. Injectable (tests never multicast). */
export type MdnsBrowse = (type: string, onUp: (s: MdnsService) => void) => () => void;

/** The real browser, using bonjour-service. */
export const bonjourBrowse: MdnsBrowse = (type, onUp) => {
  let stop = () => {};
  import('bonjour-service')
    .then(({ default: Bonjour }) => {
      const b = new Bonjour();
      const browser = b.find({ type }, (s) => {
        const txt: Record<string, string> = {};
        for (const [k, v] of Object.entries((s.txt ?? {}) as Record<string, unknown>)) txt[k] = String(v);
        onUp({ name: s.name, addresses: s.addresses ?? [], port: s.port, txt });
      });
      stop = () => {
        browser.stop();
        b.destroy();
      };
    })
    .catch(() => {});
  return () => stop();
};

export interface FoundBridge {
  id: string;
  name: string;
  address: string;
  port: number;
}

/** Finds Hue bridges with mDNS `_hue._tcp` for `timeoutMs`; only local addresses are kept. */
export async function discoverHueBridges(opts: { browse?: MdnsBrowse; timeoutMs?: number; timers?: Timers } = {}): Promise<FoundBridge[]> {
  const found = new Map<string, FoundBridge>();
  const stop = (opts.browse ?? bonjourBrowse)('hue', (s) => {
    const address = s.addresses.map((a) => checkAddress(a)).find((r) => r.ok);
    if (!address?.ok) return;
    const id = (s.txt.bridgeid ?? s.name).toLowerCase();
    if (!found.has(id)) found.set(id, { id, name: s.name, address: address.value.address, port: s.port });
  });
  await sleep(opts.timers ?? realTimers, opts.timeoutMs ?? 3_000);
  stop();
  return [...found.values()];
}
