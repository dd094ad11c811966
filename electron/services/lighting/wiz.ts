/**
 * WiZ bulbs: JSON over UDP 38899 (`setPilot`, `getPilot`, `registration` for discovery to an
 * injectable broadcast address). No transitions, so the director steps them below the visible
 * threshold. Each request is re-sent on pywizlight's schedule until the bulb answers.
 */
import type dgram from 'node:dgram';
import { z } from 'zod';
import { checkAddress } from './address';
import {
  type DeviceState,
  type DriverResult,
  type FoundLight,
  type LightCapabilities,
  type LightDriver,
  type LightTarget,
  type Result,
  realTimers,
  sleep,
  type Timers,
} from './driver';
import { appPercentOf, clampKelvin, type LevelScale, levelToUnits, SCALES, scaleWith, unitsToLevel } from './levels';
import type { LinkAdapter } from './link';
import { POLICIES, type Scheduler, sharedScheduler } from './scheduler';
import { openUdpSocket, udpBulbAdapter } from './udp';

export const WIZ_PORT = 38899;
/** pywizlight: re-send at 0, 0.75, 2.25, 5.25, 8.25 and 11.25 s, give up at 13 s. */
export const WIZ_RESEND_MS = [0, 750, 2_250, 5_250, 8_250, 11_250];
export const WIZ_TIMEOUT_MS = 13_000;
/** Largest datagram accepted from a bulb. */
const MAX_REPLY = 4_096;

export interface WizOptions {
  bindAddress?: string;
  /** Where discovery goes; default 255.255.255.255:38899, tests inject 127.0.0.1. */
  broadcast?: Array<{ address: string; port: number }>;
  scheduler?: Scheduler;
  timers?: Timers;
  /** Re-send schedule and overall timeout (tests shorten them). */
  resendMs?: number[];
  timeoutMs?: number;
  insist?: boolean;
}

const Reply = z.object({
  method: z.string(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ code: z.number(), message: z.string().max(200) }).optional(),
});
const Pilot = z.object({ state: z.boolean(), dimming: z.number().optional(), temp: z.number().optional(), mac: z.string().optional() });

interface Pending {
  method: string;
  key: string;
  resolve: (r: z.infer<typeof Reply>) => void;
}

export class WizNetwork {
  private pending: Pending[] = [];
  private collectors = new Set<(r: z.infer<typeof Reply>, from: dgram.RemoteInfo) => void>();
  readonly timers: Timers;
  readonly scheduler: Scheduler;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly opts: WizOptions,
  ) {
    this.timers = opts.timers ?? realTimers;
    this.scheduler = opts.scheduler ?? sharedScheduler;
    socket.on('message', (m, r) => this.onMessage(m, r));
  }

  static async open(opts: WizOptions = {}): Promise<Result<WizNetwork>> {
    const socket = await openUdpSocket('WiZ', opts.bindAddress, opts.broadcast ?? [{ address: '255.255.255.255', port: WIZ_PORT }]);
    return socket.ok ? { ok: true, value: new WizNetwork(socket.value, opts) } : socket;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (msg.length > MAX_REPLY) return;
    let parsed: z.infer<typeof Reply>;
    try {
      const r = Reply.safeParse(JSON.parse(msg.toString('utf8')));
      if (!r.success) return;
      parsed = r.data;
    } catch {
      return; // garbage
    }
    for (const c of this.collectors) c(parsed, rinfo);
    const key = `${rinfo.address}:${rinfo.port}`;
    const i = this.pending.findIndex((p) => p.key === key && p.method === parsed.method);
    const p = this.pending[i];
    if (p) {
      this.pending.splice(i, 1);
      p.resolve(parsed);
    }
  }

  /** Sends a request to a bulb and waits for its answer, re-sending on the WiZ schedule. */
  async call(
    address: string,
    port: number,
    method: string,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<Result<Record<string, unknown>>> {
    const datagram = Buffer.from(JSON.stringify({ id: 1, method, params }));
    const key = `${address}:${port}`;
    let reply: z.infer<typeof Reply> | null = null;
    let entry: Pending | null = null;
    const got = new Promise<void>((resolve) => {
      entry = {
        method,
        key,
        resolve: (r) => {
          reply = r;
          resolve();
        },
      };
      this.pending.push(entry);
    });
    const schedule = this.opts.resendMs ?? WIZ_RESEND_MS;
    const timeout = this.opts.timeoutMs ?? WIZ_TIMEOUT_MS;
    const t0 = this.timers.now();
    try {
      for (let i = 0; i <= schedule.length && !reply; i++) {
        const at = i < schedule.length ? (schedule[i] ?? 0) : timeout;
        const wait = t0 + at - this.timers.now();
        if (wait > 0) {
          let cancel = () => {};
          await Promise.race([got, new Promise<void>((r) => (cancel = this.timers.after(wait, r)))]);
          cancel();
        }
        if (reply || i === schedule.length || (i > 0 && signal?.aborted)) break;
        this.socket.send(datagram, port, address);
      }
    } catch {
      // socket closed
    } finally {
      this.pending = this.pending.filter((p) => p !== entry);
    }
    const r = reply as z.infer<typeof Reply> | null;
    if (!r)
      return {
        ok: false,
        error: signal?.aborted ? 'replaced by a newer command' : `no answer from the bulb within ${(timeout / 1000).toFixed(1)} s`,
      };
    if (r.error) return { ok: false, error: `the bulb refused the command (${r.error.message})` };
    return { ok: true, value: r.result ?? {} };
  }

  /** Sends a `registration` (register:false) and collects the bulbs that answer within `timeoutMs`. */
  async discover(timeoutMs = 2_000): Promise<Array<FoundLight & { mac: string; port: number }>> {
    const found = new Map<string, FoundLight & { mac: string; port: number }>();
    const collector = (r: z.infer<typeof Reply>, from: dgram.RemoteInfo) => {
      const mac = r.method === 'registration' && typeof r.result?.mac === 'string' ? r.result.mac.toLowerCase() : null;
      if (!mac || !/^[0-9a-f]{12}$/.test(mac) || found.has(mac)) return;
      if (!checkAddress(from.address, { insist: this.opts.insist }).ok) return;
      found.set(mac, { protocol: 'wiz', id: `wiz:${mac}`, name: `WiZ ${mac.slice(-6)}`, address: from.address, mac, port: from.port });
    };
    this.collectors.add(collector);
    const msg = Buffer.from(
      JSON.stringify({ method: 'registration', params: { phoneMac: 'AAAAAAAAAAAA', register: false, phoneIp: '1.2.3.4', id: '1' } }),
    );
    for (const t of this.opts.broadcast ?? [{ address: '255.255.255.255', port: WIZ_PORT }]) {
      try {
        this.socket.send(msg, t.port, t.address);
      } catch {
        // closed
      }
    }
    await sleep(this.timers, timeoutMs);
    this.collectors.delete(collector);
    return [...found.values()];
  }

  /** A driver for one bulb (manual address or discovered). */
  light(dev: {
    mac: string;
    address: string;
    port?: number;
    name?: string;
    kelvinRange?: [number, number];
    minDimming?: number;
    gamma?: number;
  }): Result<WizLight> {
    const c = checkAddress(dev.address, { insist: this.opts.insist });
    if (!c.ok) return c;
    return { ok: true, value: new WizLight(this, { ...dev, address: c.value.address, port: dev.port ?? WIZ_PORT }) };
  }
}

/** One WiZ bulb as a driver (no native transitions: the director steps it). */
export class WizLight implements LightDriver {
  readonly id: string;
  readonly name: string;
  readonly protocol = 'wiz';
  readonly capabilities: LightCapabilities;
  private readonly scale: LevelScale;
  private temp = true;
  private lastSent: string | null = null;

  constructor(
    private readonly net: WizNetwork,
    private readonly dev: {
      mac: string;
      address: string;
      port: number;
      name?: string;
      kelvinRange?: [number, number];
      minDimming?: number;
      gamma?: number;
    },
  ) {
    this.id = `wiz:${dev.mac.toLowerCase()}`;
    this.name = dev.name ?? `WiZ ${dev.mac.slice(-6)}`;
    this.scale = scaleWith(SCALES.wiz, { min: dev.minDimming ?? SCALES.wiz.min, gamma: dev.gamma ?? 1 });
    this.capabilities = {
      nativeTransition: false,
      maxTransitionMs: 0,
      minIntervalMs: POLICIES.wizBulb.perDeviceGapMs,
      color: false,
      kelvin: true,
      kelvinRange: dev.kelvinRange ?? [2200, 6500],
      minLevel: unitsToLevel(this.scale.min, this.scale),
    };
  }

  private get endpoint() {
    return this.net.scheduler.endpoint(`wiz:${this.dev.address}:${this.dev.port}`, POLICIES.wizBulb);
  }

  /** Sets the pilot at once (`transitionMs` is ignored: WiZ has none; the director steps). */
  apply(target: LightTarget, _transitionMs: number): Promise<DriverResult> {
    const units = levelToUnits(target.level, this.scale);
    const params: Record<string, unknown> = units.on ? { state: true, dimming: Math.round(units.value) } : { state: false };
    if (units.on && this.temp) params.temp = clampKelvin(target.kelvin, this.capabilities.kelvinRange);
    const payload = JSON.stringify(params);
    if (payload === this.lastSent) return Promise.resolve({ ok: true }); // a step that rounds to the same pilot
    return this.endpoint.submit(this.dev.mac, 'light', async (ctx) => {
      let r = await this.net.call(this.dev.address, this.dev.port, 'setPilot', params, ctx.signal);
      if (!r.ok && this.temp && 'temp' in params && /refused/.test(r.error)) {
        // It claimed a colour temperature it does not take: keep dimming without it.
        this.temp = false;
        this.capabilities.kelvin = false;
        delete params.temp;
        r = await this.net.call(this.dev.address, this.dev.port, 'setPilot', params, ctx.signal);
      }
      if (!r.ok) {
        this.lastSent = null;
        return r;
      }
      if (r.value.success === false) return { ok: false, error: 'the bulb did not accept the command' };
      this.lastSent = JSON.stringify(params);
      return { ok: true };
    });
  }

  readState(): Promise<Result<DeviceState>> {
    return this.endpoint.submit(this.dev.mac, 'read', async (ctx) => {
      const r = await this.net.call(this.dev.address, this.dev.port, 'getPilot', {}, ctx.signal);
      if (!r.ok) return r;
      const p = Pilot.safeParse(r.value);
      if (!p.success) return { ok: false, error: 'the bulb sent a state Stillroom does not understand' };
      this.lastSent = null;
      const on = p.data.state;
      return {
        ok: true,
        value: {
          on,
          level: on ? unitsToLevel(p.data.dimming ?? this.scale.max, this.scale) : 0,
          kelvin: p.data.temp ?? null,
          reachable: true,
        },
      };
    });
  }

  async read(): Promise<LightTarget | null> {
    const r = await this.readState();
    return r.ok ? { level: r.value.level, kelvin: r.value.kelvin ?? 2700 } : null;
  }

  /** The WiZ app's brightness %. */
  appPercent(level: number): number {
    return appPercentOf(level, this.scale);
  }
}

/** One WiZ bulb's link adapter (`udpBulbAdapter`). */
export function wizAdapter(net: () => Promise<Result<WizNetwork>>, dev: Parameters<WizNetwork['light']>[0]): LinkAdapter<WizLight> {
  return udpBulbAdapter('WiZ', net, dev);
}
