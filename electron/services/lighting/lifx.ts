/**
 * LIFX over the LAN protocol (UDP 56700), by hand: GetService/StateService discovery to an
 * injectable broadcast address, SetColor and SetLightPower with durations, LightGet/LightState
 * read-back, and acknowledgements (resent after 150 ms, up to 3 times, like lifx-lan-client).
 * Packets to one bulb are ≥ 50 ms apart. A bulb found to ignore durations is switched to
 * stepped fades instead of trusting its claim.
 */
import type dgram from 'node:dgram';
import { checkAddress } from './address';
import {
  type ApplyTiming,
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
  transitionAt,
} from './driver';
import { TRANSITION_CAPS_MS } from './fade';
import { appPercentOf, clampKelvin, levelToUnits, SCALES, unitsToLevel } from './levels';
import {
  decodeHeader,
  decodeLightState,
  decodeStateService,
  encode,
  HEADER_SIZE,
  type Header,
  LIFX_PORT,
  type LightStatePayload,
  MessageType,
  setColorPayload,
  setPowerPayload,
} from './lifx-packets';
import type { LinkAdapter } from './link';
import { POLICIES, type Scheduler, sharedScheduler } from './scheduler';
import { openUdpSocket, udpBulbAdapter } from './udp';

export interface LifxOptions {
  /** Local address to bind (tests: 127.0.0.1). Default: all interfaces, ephemeral port. */
  bindAddress?: string;
  /** Where discovery goes. Default 255.255.255.255:56700; tests inject 127.0.0.1. */
  broadcast?: Array<{ address: string; port: number }>;
  scheduler?: Scheduler;
  timers?: Timers;
  /** Wait before resending an unacknowledged packet, ms. */
  resendMs?: number;
  /** How many times to resend. */
  resends?: number;
  /** Accept devices outside the local network. */
  insist?: boolean;
}

export interface LifxAddress {
  mac: string;
  address: string;
  port: number;
  name?: string;
  kelvinRange?: [number, number];
}

interface Waiter {
  expect: number;
  resolve: (r: { header: Header; payload: Buffer }) => void;
}

export class LifxNetwork {
  private readonly source: number;
  private readonly sequences = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly listeners = new Set<(h: Header, p: Buffer, from: dgram.RemoteInfo) => void>();
  readonly timers: Timers;
  readonly scheduler: Scheduler;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly opts: LifxOptions,
  ) {
    this.source = 2 + Math.floor(Math.random() * 0xfffffff0);
    this.timers = opts.timers ?? realTimers;
    this.scheduler = opts.scheduler ?? sharedScheduler;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
  }

  static async open(opts: LifxOptions = {}): Promise<Result<LifxNetwork>> {
    const socket = await openUdpSocket('LIFX', opts.bindAddress, opts.broadcast ?? [{ address: '255.255.255.255', port: LIFX_PORT }]);
    return socket.ok ? { ok: true, value: new LifxNetwork(socket.value, opts) } : socket;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (msg.length > 1024) return; // no LIFX reply Stillroom asks for is this large
    const h = decodeHeader(msg);
    if (!h || h.source !== this.source) return;
    const payload = msg.subarray(HEADER_SIZE);
    for (const l of this.listeners) l(h, payload, rinfo);
    const key = `${h.target}|${h.sequence}`;
    const w = this.waiters.get(key);
    if (w && w.expect === h.type) {
      this.waiters.delete(key);
      w.resolve({ header: h, payload });
    }
  }

  private nextSequence(mac: string): number {
    const s = ((this.sequences.get(mac) ?? Math.floor(Math.random() * 256)) + 1) & 0xff;
    this.sequences.set(mac, s);
    return s;
  }

  /**
   * Sends one message to a bulb and waits for its acknowledgement (or State reply), resending
   * the same datagram after `resendMs` up to `resends` times. Never rejects.
   */
  async exchange(
    dev: LifxAddress,
    type: number,
    payload: Buffer,
    expect: number,
    signal?: AbortSignal,
  ): Promise<Result<{ header: Header; payload: Buffer }>> {
    const sequence = this.nextSequence(dev.mac);
    const ack = expect === MessageType.Acknowledgement;
    const packet = encode(
      { source: this.source, target: dev.mac, ackRequired: ack, resRequired: !ack && type !== MessageType.LightGet, sequence, type },
      payload,
    );
    const key = `${dev.mac}|${sequence}`;
    let reply: { header: Header; payload: Buffer } | null = null;
    const got = new Promise<void>((resolve) => {
      this.waiters.set(key, {
        expect,
        resolve: (r) => {
          reply = r;
          resolve();
        },
      });
    });
    const tries = 1 + (this.opts.resends ?? 3);
    try {
      for (let i = 0; i < tries && !reply; i++) {
        if (i > 0 && signal?.aborted) break;
        this.socket.send(packet, dev.port, dev.address);
        let cancel = () => {};
        await Promise.race([got, new Promise<void>((r) => (cancel = this.timers.after(this.opts.resendMs ?? 150, r)))]);
        cancel();
      }
    } catch {
      // the socket was closed
    } finally {
      this.waiters.delete(key);
    }
    if (reply) return { ok: true, value: reply };
    return { ok: false, error: signal?.aborted ? 'replaced by a newer command' : `no answer from the bulb (${tries} tries)` };
  }

  /** Broadcasts GetService and collects the bulbs that answer within `timeoutMs`. */
  async discover(timeoutMs = 1_500): Promise<Array<LifxAddress & FoundLight>> {
    const found = new Map<string, LifxAddress>();
    const listener = (h: Header, p: Buffer, from: dgram.RemoteInfo) => {
      if (h.type !== MessageType.StateService) return;
      const s = decodeStateService(p);
      if (s?.service !== 1 || s.port <= 0 || s.port > 65535) return;
      if (!checkAddress(from.address, { insist: this.opts.insist }).ok) return;
      if (!found.has(h.target)) found.set(h.target, { mac: h.target, address: from.address, port: s.port });
    };
    this.listeners.add(listener);
    const packet = encode({
      source: this.source,
      target: '000000000000',
      tagged: true,
      ackRequired: false,
      resRequired: true,
      sequence: 0,
      type: MessageType.GetService,
    });
    for (const t of this.opts.broadcast ?? [{ address: '255.255.255.255', port: LIFX_PORT }]) {
      try {
        this.socket.send(packet, t.port, t.address);
      } catch {
        // closed
      }
    }
    await sleep(this.timers, timeoutMs);
    this.listeners.delete(listener);
    const out: Array<LifxAddress & FoundLight> = [];
    for (const dev of found.values()) {
      const st = await this.exchange(dev, MessageType.LightGet, Buffer.alloc(0), MessageType.LightState);
      const label = st.ok ? (decodeLightState(st.value.payload)?.label ?? '') : '';
      out.push({ ...dev, protocol: 'lifx', id: `lifx:${dev.mac}`, name: label || `LIFX ${dev.mac.slice(-6)}` });
    }
    return out;
  }

  /** A driver for one bulb (manual address or discovered). */
  light(dev: LifxAddress): Result<LifxLight> {
    if (!/^[0-9a-f]{12}$/.test(dev.mac)) return { ok: false, error: 'a LIFX bulb is addressed by its 12-digit MAC' };
    const c = checkAddress(dev.address, { insist: this.opts.insist });
    if (!c.ok) return c;
    return { ok: true, value: new LifxLight(this, { ...dev, address: c.value.address }) };
  }
}

/** One LIFX bulb as a driver. */
export class LifxLight implements LightDriver {
  readonly id: string;
  readonly name: string;
  readonly protocol = 'lifx';
  readonly capabilities: LightCapabilities;
  private power: 'on' | 'off' | 'unknown' = 'unknown';
  private brightness: number | null = null;
  private transitionsChecked = false;

  constructor(
    private readonly net: LifxNetwork,
    private readonly dev: LifxAddress,
  ) {
    this.id = `lifx:${dev.mac}`;
    this.name = dev.name ?? `LIFX ${dev.mac.slice(-6)}`;
    this.capabilities = {
      nativeTransition: true,
      maxTransitionMs: TRANSITION_CAPS_MS.lifx,
      minIntervalMs: POLICIES.lifxBulb.perDeviceGapMs,
      color: true,
      kelvin: true,
      kelvinRange: dev.kelvinRange ?? [1500, 9000],
      minLevel: unitsToLevel(SCALES.lifx.min, SCALES.lifx),
    };
  }

  private get endpoint() {
    return this.net.scheduler.endpoint(`lifx:${this.dev.mac}`, POLICIES.lifxBulb);
  }

  private gap(signal: AbortSignal): Promise<boolean> {
    return sleep(this.net.timers, POLICIES.lifxBulb.perDeviceGapMs, signal);
  }

  private async fetchState(signal?: AbortSignal): Promise<Result<LightStatePayload>> {
    const r = await this.net.exchange(this.dev, MessageType.LightGet, Buffer.alloc(0), MessageType.LightState, signal);
    if (!r.ok) return r;
    const s = decodeLightState(r.value.payload);
    if (!s) return { ok: false, error: 'the bulb sent a state Stillroom does not understand' };
    this.power = s.power > 0 ? 'on' : 'off';
    this.brightness = s.color.brightness;
    return { ok: true, value: s };
  }

  apply(target: LightTarget, transitionMs: number, timing?: ApplyTiming): Promise<DriverResult> {
    return this.endpoint.submit(this.dev.mac, 'light', async (ctx) => {
      const units = levelToUnits(target.level, SCALES.lifx);
      const ack = MessageType.Acknowledgement;
      const duration = Math.max(0, transitionAt(ctx.now, Math.round(transitionMs), timing));
      if (!units.on) {
        const r = await this.net.exchange(this.dev, MessageType.SetLightPower, setPowerPayload(false, 0), ack, ctx.signal);
        if (r.ok) this.power = 'off';
        return r.ok ? { ok: true } : r;
      }
      const color = { hue: 0, saturation: 0, brightness: units.value, kelvin: clampKelvin(target.kelvin, this.capabilities.kelvinRange) };
      if (this.power === 'unknown') {
        const s = await this.fetchState(ctx.signal);
        if (!s.ok) return s;
        await this.gap(ctx.signal);
      }
      if (this.power === 'off') {
        // Set the colour while dark, then fade the power up: never a flash of the old level.
        const c = await this.net.exchange(this.dev, MessageType.SetColor, setColorPayload(color, 0), ack, ctx.signal);
        if (!c.ok) return c;
        await this.gap(ctx.signal);
        const p = await this.net.exchange(this.dev, MessageType.SetLightPower, setPowerPayload(true, duration), ack, ctx.signal);
        if (!p.ok) return p;
        this.power = 'on';
        this.brightness = units.value;
        return { ok: true };
      }
      const before = this.brightness;
      const r = await this.net.exchange(this.dev, MessageType.SetColor, setColorPayload(color, duration), ack, ctx.signal);
      if (!r.ok) return r;
      this.brightness = units.value;
      if (!this.transitionsChecked && before !== null && duration >= 2_000 && Math.abs(units.value - before) >= 3_277) {
        await this.checkTransitions(before, units.value, ctx.signal);
      }
      return { ok: true };
    });
  }

  /** A bulb that jumps straight to the target despite a long duration gets stepped fades instead. */
  private async checkTransitions(before: number, target: number, signal: AbortSignal): Promise<void> {
    this.transitionsChecked = true;
    if (!(await sleep(this.net.timers, 300, signal))) return;
    const s = await this.fetchState(signal);
    if (!s.ok) return;
    this.brightness = target;
    if (Math.abs(s.value.color.brightness - target) <= Math.abs(target - before) * 0.02) this.capabilities.nativeTransition = false;
  }

  readState(): Promise<Result<DeviceState>> {
    return this.endpoint.submit(this.dev.mac, 'read', async (ctx) => {
      const s = await this.fetchState(ctx.signal);
      if (!s.ok) return s;
      const on = s.value.power > 0;
      return {
        ok: true,
        value: {
          on,
          level: on ? unitsToLevel(s.value.color.brightness, SCALES.lifx) : 0,
          kelvin: s.value.color.kelvin || null,
          reachable: true,
        },
      };
    });
  }

  async read(): Promise<LightTarget | null> {
    const r = await this.readState();
    return r.ok ? { level: r.value.level, kelvin: r.value.kelvin ?? 2700 } : null;
  }

  /** The LIFX app's brightness %. */
  appPercent(level: number): number {
    return appPercentOf(level, SCALES.lifx);
  }
}

/** One LIFX bulb's link adapter (`udpBulbAdapter`). */
export function lifxAdapter(net: () => Promise<Result<LifxNetwork>>, dev: LifxAddress): LinkAdapter<LifxLight> {
  return udpBulbAdapter('LIFX', net, dev);
}
