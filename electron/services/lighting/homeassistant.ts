/**
 * Home Assistant: a base URL and a long-lived access token (opaque; never logged or put in an
 * error). Over its WebSocket API when it answers there (homeassistant-ws.ts: states pushed as
 * they change, so reads cost nothing and an entity turning unavailable is announced), else over
 * REST: light entities from `GET /api/states`, read-back from `GET /api/states/<entity>`.
 * Commands are `light.turn_on` with `brightness` (0–255), `color_temp_kelvin` and `transition`
 * (clamped to 0–6553 s), or `turn_off`. A rejected token is a clear "token rejected" error.
 */
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { checkBaseUrl, type Lookup } from './address';
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
import { HaSocket } from './homeassistant-ws';
import { type HttpReply, isTransportError, redact, request } from './http';
import { appPercentOf, clampKelvin, levelToUnits, SCALES, unitsToLevel } from './levels';
import type { LinkAdapter, LinkFault, LinkSession } from './link';
import { POLICIES, type Scheduler, sharedScheduler } from './scheduler';

export interface HomeAssistantOptions {
  /** e.g. http://192.168.1.5:8123 (local network only unless `insist`). */
  baseUrl: string;
  /** Long-lived access token. Opaque; never logged. */
  token: string;
  insist?: boolean;
  /** PEM CA for an https:// Home Assistant with its own certificate. */
  ca?: string;
  lookup?: Lookup;
  scheduler?: Scheduler;
  timers?: Timers;
  timeoutMs?: number;
  /** /api/states of a large home can be several MB. */
  maxStatesBytes?: number;
}

/** Bit 32 of `supported_features`: the light takes `transition`. */
const SUPPORT_TRANSITION = 32;

const Entity = z.object({
  entity_id: z.string().regex(/^light\.[a-z0-9_]+$/),
  state: z.string(),
  attributes: z
    .object({
      friendly_name: z.string().max(200).optional(),
      brightness: z.number().nullable().optional(),
      color_temp_kelvin: z.number().nullable().optional(),
      min_color_temp_kelvin: z.number().nullable().optional(),
      max_color_temp_kelvin: z.number().nullable().optional(),
      supported_color_modes: z.array(z.string()).nullable().optional(),
      supported_features: z.number().optional(),
    })
    .default({}),
});

export const TOKEN_REJECTED =
  'Home Assistant rejected the access token (token rejected); create a new long-lived token in your Home Assistant profile';

export class HomeAssistant {
  private readonly agent: http.Agent;
  readonly timers: Timers;
  readonly scheduler: Scheduler;
  /** The WebSocket connection, when Home Assistant answered there (else REST only). */
  socket: HaSocket | null = null;

  private constructor(
    readonly base: URL,
    private readonly opts: HomeAssistantOptions,
  ) {
    this.agent =
      base.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 4 }) : new http.Agent({ keepAlive: true, maxSockets: 4 });
    this.timers = opts.timers ?? realTimers;
    this.scheduler = opts.scheduler ?? sharedScheduler;
  }

  /** Checks the address (local network only unless `insist`) and that a token was given. */
  static async open(opts: HomeAssistantOptions): Promise<Result<HomeAssistant>> {
    if (!opts.token || opts.token.trim().length < 8)
      return { ok: false, error: 'enter the long-lived access token from your Home Assistant profile' };
    const url = await checkBaseUrl(opts.baseUrl, { insist: opts.insist, lookup: opts.lookup });
    if (!url.ok) return url;
    return { ok: true, value: new HomeAssistant(url.value, opts) };
  }

  close(): void {
    this.socket?.close();
    this.agent.destroy();
  }

  /** Opens the WebSocket API (authenticated, states read, changes followed). */
  async openSocket(): Promise<{ ok: true } | { ok: false; fault: LinkFault }> {
    const r = await HaSocket.open(this.base, this.opts.token, { timers: this.timers, timeoutMs: this.opts.timeoutMs, ca: this.opts.ca });
    if (!r.ok) return r;
    this.socket = r.value;
    return { ok: true };
  }

  /** Whether commands and reads go over the WebSocket now. */
  get live(): HaSocket | null {
    return this.socket?.alive ? this.socket : null;
  }

  get endpoint() {
    return this.scheduler.endpoint(`ha:${this.base.host}`, POLICIES.homeAssistant);
  }

  /** One REST call; maps HTTP failures to readable, token-free errors. */
  async call(
    kind: 'light' | 'read',
    device: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    maxBytes?: number,
    /** Builds the body when the request goes out (a transition shortened by the wait). */
    bodyAt?: (now: number) => unknown,
  ): Promise<Result<HttpReply>> {
    return this.endpoint.submit(device, kind, async (ctx) => {
      const r = await request({
        method,
        url: new URL(path, this.base),
        headers: { authorization: `Bearer ${this.opts.token}` },
        body: bodyAt ? bodyAt(ctx.now) : body,
        timeoutMs: this.opts.timeoutMs,
        maxBytes,
        tls: this.opts.ca ? { ca: this.opts.ca } : undefined,
        agent: this.agent,
      });
      if (!r.ok) return { ok: false, error: redact(r.error, [this.opts.token]) };
      const s = r.value.status;
      if (s === 401 || s === 403) return { ok: false, error: TOKEN_REJECTED };
      if (s === 404) return { ok: false, error: 'Home Assistant does not know this light (was it renamed or removed?)' };
      if (s === 429) return { ok: false, error: 'Home Assistant is busy (HTTP 429)' };
      if (s >= 400) return { ok: false, error: `Home Assistant answered with an error (HTTP ${s})` };
      return r;
    });
  }

  /** The light entities Home Assistant knows, as drivers. Duplicate entity ids are reported once. */
  async lights(): Promise<Result<{ lights: HaLight[]; problems: string[] }>> {
    const ws = this.live;
    if (ws) return { ok: true, value: this.lightsFrom([...ws.states.values()]) };
    const r = await this.call('read', 'states', 'GET', '/api/states', undefined, this.opts.maxStatesBytes ?? 16 << 20);
    if (!r.ok) return r;
    if (!Array.isArray(r.value.json)) return { ok: false, error: 'Home Assistant sent a reply Stillroom does not understand' };
    return { ok: true, value: this.lightsFrom(r.value.json) };
  }

  private lightsFrom(states: readonly unknown[]): { lights: HaLight[]; problems: string[] } {
    const problems: string[] = [];
    const seen = new Set<string>();
    const lights: HaLight[] = [];
    for (const raw of states) {
      const e = Entity.safeParse(raw);
      if (!e.success) continue;
      if (seen.has(e.data.entity_id)) {
        problems.push(`Home Assistant listed ${e.data.entity_id} twice; the second was ignored`);
        continue;
      }
      seen.add(e.data.entity_id);
      lights.push(new HaLight(this, e.data));
    }
    return { lights, problems };
  }

  async state(entityId: string): Promise<Result<z.infer<typeof Entity>>> {
    const ws = this.live;
    if (ws) {
      const known = ws.states.get(entityId);
      if (!known) return { ok: false, error: 'Home Assistant does not know this light (was it renamed or removed?)' };
      const e = Entity.safeParse(known);
      return e.success ? { ok: true, value: e.data } : { ok: false, error: 'Home Assistant sent a reply Stillroom does not understand' };
    }
    const r = await this.call('read', entityId, 'GET', `/api/states/${encodeURIComponent(entityId)}`);
    if (!r.ok) return r;
    const e = Entity.safeParse(r.value.json);
    return e.success ? { ok: true, value: e.data } : { ok: false, error: 'Home Assistant sent a reply Stillroom does not understand' };
  }
}

/** One Home Assistant light entity as a driver. */
export class HaLight implements LightDriver {
  readonly id: string;
  readonly name: string;
  readonly protocol = 'homeassistant';
  readonly capabilities: LightCapabilities;
  private readonly entityId: string;

  constructor(
    private readonly ha: HomeAssistant,
    entity: z.infer<typeof Entity>,
  ) {
    const a = entity.attributes;
    this.entityId = entity.entity_id;
    this.id = `ha:${ha.base.host}:${entity.entity_id}`;
    this.name = a.friendly_name ?? entity.entity_id;
    const modes = a.supported_color_modes ?? [];
    const kelvin = modes.some((m) => m === 'color_temp' || m === 'hs' || m === 'xy' || m === 'rgbww' || m === 'rgbw' || m === 'rgb');
    const transitions = ((a.supported_features ?? 0) & SUPPORT_TRANSITION) !== 0;
    this.capabilities = {
      nativeTransition: transitions,
      maxTransitionMs: transitions ? TRANSITION_CAPS_MS.homeassistant : 0,
      minIntervalMs: POLICIES.homeAssistant.perDeviceGapMs,
      color: modes.some((m) => m !== 'color_temp' && m !== 'brightness' && m !== 'onoff'),
      kelvin: kelvin && modes.includes('color_temp'),
      kelvinRange: [a.min_color_temp_kelvin ?? 2000, a.max_color_temp_kelvin ?? 6500],
      minLevel: unitsToLevel(SCALES.homeassistant.min, SCALES.homeassistant),
    };
  }

  async apply(target: LightTarget, transitionMs: number, timing?: ApplyTiming): Promise<DriverResult> {
    const units = levelToUnits(target.level, SCALES.homeassistant);
    const seconds = Math.min(TRANSITION_CAPS_MS.homeassistant, Math.max(0, transitionMs)) / 1000;
    const body: Record<string, unknown> = { entity_id: this.entityId };
    if (units.on) {
      body.brightness = Math.round(units.value);
      if (this.capabilities.kelvin) body.color_temp_kelvin = clampKelvin(target.kelvin, this.capabilities.kelvinRange);
    }
    if (this.capabilities.nativeTransition) body.transition = units.on ? Math.round(seconds * 10) / 10 : 0;
    const at =
      timing && units.on && this.capabilities.nativeTransition
        ? (now: number) => ({
            ...body,
            transition: Math.round(Math.min(TRANSITION_CAPS_MS.homeassistant, transitionAt(now, transitionMs, timing)) / 100) / 10,
          })
        : undefined;
    const ws = this.ha.live;
    if (ws) {
      const service = units.on ? 'turn_on' : 'turn_off';
      const send = (data: Record<string, unknown>) =>
        this.ha.endpoint.submit(this.entityId, 'light', async (ctx) => {
          const { entity_id: _, ...rest } = (at ? at(ctx.now) : data) as Record<string, unknown>;
          return ws.callLight(service, this.entityId, rest);
        });
      let w = await send(body);
      if (!w.ok && /color_temp/i.test(w.error) && 'color_temp_kelvin' in body) {
        this.capabilities.kelvin = false; // listed but refused: keep dimming without it
        delete body.color_temp_kelvin;
        w = await send(body);
      }
      return w.ok ? { ok: true } : w;
    }
    let r = await this.ha.call(
      'light',
      this.entityId,
      'POST',
      `/api/services/light/${units.on ? 'turn_on' : 'turn_off'}`,
      body,
      undefined,
      at,
    );
    if (!r.ok && /HTTP 400/.test(r.error) && 'color_temp_kelvin' in body) {
      // It listed colour temperature but refuses it: keep dimming without it.
      this.capabilities.kelvin = false;
      delete body.color_temp_kelvin;
      r = await this.ha.call('light', this.entityId, 'POST', '/api/services/light/turn_on', body);
    }
    return r.ok ? { ok: true } : r;
  }

  async readState(): Promise<Result<DeviceState>> {
    const r = await this.ha.state(this.entityId);
    if (!r.ok) return r;
    const s = r.value;
    if (s.state === 'unavailable' || s.state === 'unknown')
      return { ok: true, value: { on: false, level: 0, kelvin: null, reachable: false } };
    const on = s.state === 'on';
    const bri = s.attributes.brightness;
    return {
      ok: true,
      value: {
        on,
        level: on && bri ? unitsToLevel(bri, SCALES.homeassistant) : 0,
        kelvin: s.attributes.color_temp_kelvin ?? null,
        reachable: true,
      },
    };
  }

  async read(): Promise<LightTarget | null> {
    const r = await this.readState();
    return r.ok && r.value.reachable ? { level: r.value.level, kelvin: r.value.kelvin ?? this.capabilities.kelvinRange[0] } : null;
  }

  /** Home Assistant announces (over its WebSocket) when the entity becomes unavailable or comes back. */
  subscribe(listener: (event: DriverEvent) => void): () => void {
    const ws = this.ha.socket;
    if (!ws) return () => {};
    let was = ws.states.get(this.entityId)?.state;
    return ws.onChange((id) => {
      if (id !== this.entityId) return;
      const now = ws.states.get(id)?.state;
      const gone = (s: unknown) => s === undefined || s === 'unavailable' || s === 'unknown';
      if (gone(now) !== gone(was)) listener(gone(now) ? 'unreachable' : 'reachable');
      was = now;
    });
  }

  /** Home Assistant shows brightness as a share of 255. */
  appPercent(level: number): number {
    return appPercentOf(level, SCALES.homeassistant);
  }
}

/** How a Home Assistant is described to a person. */
export function describeHa(baseUrl: string): string {
  let host = baseUrl;
  try {
    host = new URL(baseUrl).host;
  } catch {
    // as given
  }
  return `Home Assistant at ${host}`;
}

/** A Home Assistant failure as a link fault. */
export function haFault(error: string): LinkFault {
  if (isTransportError(error)) return { kind: 'not-answering' };
  if (error === TOKEN_REJECTED) return { kind: 'refused', detail: 'access token' };
  return { kind: 'not-recognised' };
}

/**
 * Home Assistant's link adapter: each attempt opens the WebSocket API (states pushed, no
 * polling) and falls back to REST when Home Assistant does not answer there (a proxy that does
 * not pass WebSockets, for instance). A token refused on either is not retried by itself.
 */
export function haAdapter(opts: HomeAssistantOptions & { rest?: boolean }): LinkAdapter<HomeAssistant> {
  return {
    what: describeHa(opts.baseUrl),
    async open() {
      const ha = await HomeAssistant.open(opts);
      if (!ha.ok) return { ok: false, fault: { kind: 'not-recognised', detail: ha.error } };
      const socket = opts.rest ? null : await ha.value.openSocket();
      if (socket && !socket.ok && socket.fault.kind === 'refused') {
        ha.value.close();
        return socket;
      }
      const lights = await ha.value.lights();
      if (!lights.ok) {
        ha.value.close();
        return { ok: false, fault: haFault(lights.error) };
      }
      const ws = ha.value.live;
      if (ws) {
        const session: LinkSession<HomeAssistant> = {
          api: ha.value,
          lights: lights.value.lights,
          alive: () => ws.alive,
          onLost: (lost) => ws.onLost(lost),
          close: () => ha.value.close(),
        };
        return { ok: true, value: session };
      }
      let open = true;
      const session: LinkSession<HomeAssistant> = {
        api: ha.value,
        lights: lights.value.lights,
        alive: () => open,
        isTransportFailure: isTransportError,
        check: async () => {
          const r = await ha.value.call('read', 'ping', 'GET', '/api/');
          return r.ok || !isTransportError(r.error);
        },
        close: () => {
          open = false;
          ha.value.close();
        },
      };
      return { ok: true, value: session };
    },
  };
}
