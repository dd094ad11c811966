/**
 * The central rate limiter. Every command to a bridge, broker or bulb goes through one
 * endpoint per peer, which keeps it within the protocol's documented limits and coalesces:
 * only the newest pending command per device is ever sent, so a fade never queues stale steps.
 * A caller whose command was replaced gets the result of the command that replaced it.
 */
import { type DriverResult, failed, messageOf, type Result, realTimers, type Timers } from './driver';

export type JobKind = 'light' | 'group' | 'read';

export interface RatePolicy {
  /** Most requests on the wire at once to this peer. */
  maxInFlight: number;
  /** Shortest gap between the starts of two requests of a kind, peer-wide, ms. */
  gapMs: Partial<Record<JobKind, number>>;
  /** Shortest gap between two commands to the same device, ms. */
  perDeviceGapMs: number;
}

/** Documented limits, with a little margin where a peer counts arrivals. */
export const POLICIES = {
  /** Hue bridge: ≤ 10 light commands/s, ≤ 1 group command/s, 429 above 3 simultaneous requests. */
  hueBridge: { maxInFlight: 3, gapMs: { light: 110, group: 1_100 }, perDeviceGapMs: 110 },
  /** LIFX: ≥ 50 ms between packets to one bulb (lifx-lan-client; the docs say ≤ 20/s). */
  lifxBulb: { maxInFlight: 1, gapMs: {}, perDeviceGapMs: 50 },
  /** WiZ: no documented limit; one request at a time, ≥ 50 ms apart. */
  wizBulb: { maxInFlight: 1, gapMs: {}, perDeviceGapMs: 50 },
  /** Zigbee2MQTT: mesh capacity is the limit; ≤ 20 messages/s overall, ≥ 100 ms per device. */
  z2mBroker: { maxInFlight: 8, gapMs: { light: 50, group: 50 }, perDeviceGapMs: 100 },
  /** Home Assistant imposes none; stay polite. */
  homeAssistant: { maxInFlight: 4, gapMs: { light: 20 }, perDeviceGapMs: 100 },
} satisfies Record<string, RatePolicy>;

export interface JobContext {
  /** When the job actually starts (it may have waited for the budget). */
  now: number;
  /** Aborted once a newer command for the same device is waiting: stop retrying. */
  signal: AbortSignal;
}

type AnyResult = DriverResult | Result<unknown>;

interface Entry {
  key: string;
  device: string;
  kind: JobKind;
  run: (ctx: JobContext) => Promise<AnyResult>;
  waiters: Array<(r: AnyResult) => void>;
}

export interface EndpointStats {
  started: number;
  coalesced: number;
  maxInFlightSeen: number;
}

export class Endpoint {
  private queue = new Map<string, Entry>();
  private running = new Map<string, AbortController>();
  private inFlight = 0;
  private nextByKind: Partial<Record<JobKind, number>> = {};
  private nextByDevice = new Map<string, number>();
  private wake: (() => void) | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;
  readonly stats: EndpointStats = { started: 0, coalesced: 0, maxInFlightSeen: 0 };

  constructor(
    readonly key: string,
    readonly policy: RatePolicy,
    private readonly timers: Timers,
  ) {}

  /**
   * Queues a job for `device`. A job still waiting for the same device (and kind family) is
   * replaced; its callers get this job's result. Never rejects.
   */
  submit<R extends AnyResult>(device: string, kind: JobKind, run: (ctx: JobContext) => Promise<R>): Promise<R> {
    const key = kind === 'read' ? `${device}\u0000read` : device;
    return new Promise<R>((resolve) => {
      const waiter = (r: AnyResult) => resolve(r as R);
      const old = this.queue.get(key);
      if (old) {
        this.stats.coalesced++;
        old.run = run;
        old.kind = kind;
        old.waiters.push(waiter);
      } else {
        this.queue.set(key, { key, device, kind, run, waiters: [waiter] });
      }
      this.running.get(key)?.abort();
      this.pump();
    });
  }

  /** Jobs waiting (not yet on the wire). */
  get waiting(): number {
    return this.queue.size;
  }

  private pump(): void {
    const now = this.timers.now();
    let soonest = Number.POSITIVE_INFINITY;
    for (const entry of [...this.queue.values()]) {
      if (this.inFlight >= this.policy.maxInFlight) break;
      if (this.running.has(entry.key)) continue; // one at a time per device, in order
      const ready = Math.max(this.nextByKind[entry.kind] ?? 0, entry.kind === 'read' ? 0 : (this.nextByDevice.get(entry.device) ?? 0));
      if (ready > now) {
        soonest = Math.min(soonest, ready);
        continue;
      }
      this.start(entry, now);
    }
    if (soonest < Number.POSITIVE_INFINITY && soonest < this.wakeAt) {
      this.wake?.();
      this.wakeAt = soonest;
      this.wake = this.timers.after(soonest - now, () => {
        this.wake = null;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.pump();
      });
    }
  }

  private start(entry: Entry, now: number): void {
    this.queue.delete(entry.key);
    const ctl = new AbortController();
    this.running.set(entry.key, ctl);
    this.inFlight++;
    this.stats.started++;
    this.stats.maxInFlightSeen = Math.max(this.stats.maxInFlightSeen, this.inFlight);
    const gap = this.policy.gapMs[entry.kind] ?? 0;
    if (gap > 0) this.nextByKind[entry.kind] = now + gap;
    if (entry.kind !== 'read') this.nextByDevice.set(entry.device, now + this.policy.perDeviceGapMs);
    let job: Promise<AnyResult>;
    try {
      job = entry.run({ now, signal: ctl.signal });
    } catch (err) {
      job = Promise.resolve(failed(messageOf(err)));
    }
    job
      .catch((err: unknown) => failed(messageOf(err)))
      .then((r) => {
        // The device gap also counts from the end of a job (one job may send several packets).
        if (entry.kind !== 'read') {
          const after = this.timers.now() + this.policy.perDeviceGapMs;
          this.nextByDevice.set(entry.device, Math.max(this.nextByDevice.get(entry.device) ?? 0, after));
        }
        this.inFlight--;
        this.running.delete(entry.key);
        for (const w of entry.waiters) w(r);
        this.pump();
      });
  }
}

/** One scheduler per process: endpoints are shared by every driver that talks to the same peer. */
export class Scheduler {
  private endpoints = new Map<string, Endpoint>();

  constructor(private readonly timers: Timers = realTimers) {}

  endpoint(key: string, policy: RatePolicy): Endpoint {
    let e = this.endpoints.get(key);
    if (!e) {
      e = new Endpoint(key, policy, this.timers);
      this.endpoints.set(key, e);
    }
    return e;
  }
}

/** The scheduler drivers use unless one is injected. */
export const sharedScheduler = new Scheduler();
