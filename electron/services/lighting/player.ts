/**
 * Plays the timeline on one real light (the director keeps one per light in the room).
 *
 * It sends a segment of a few L* at a time along the timeline (native transitions) or steps
 * below the visible threshold (devices without them), never faster than MAX_LEVEL_RATE (in
 * safe state SAFE_LEVEL_RATE, timed so every light arrives together), re-plans when the
 * timeline changes, and handles outages: offline lights are retried with capped backoff, and
 * tried at once when their controller says they are back; a returning light is eased to the
 * timeline over 10–30 s — or, while safe state wants the room lit, taken to the safe level in
 * SAFE_MS. Reads for drift happen only while polling is on, at most every POLL_MS.
 */
import { calibrated } from './calibration';
import type { DeviceState, DriverResult, LightDriver, LightTarget, Result, Timers } from './driver';
import { type Course, gentleMs, MAX_LEVEL_RATE, planResync, planSafeReturn, planSegment, SAFE_LEVEL_RATE, type Segment } from './fade';
import { type Calibration, calibrateLevel } from './levels';
import { DeviceHealth, DRIFT_LEVEL, type Health, POLL_MS } from './resilience';
import type { Endpoint, Scheduler } from './scheduler';
import { SteppedFade } from './stepper';

export interface DriverStatus {
  id: string;
  name: string;
  lastOkAt: number | null;
  lastError: string | null;
  /** online / offline / unknown (not contacted yet). */
  health?: Health;
  protocol?: string;
  lastErrorAt?: number | null;
  /** When the next retry of an offline device is due. */
  nextRetryAt?: number | null;
  /** The last level sent (Stillroom's perceptual level, L*), for the lights view. */
  level?: number | null;
  /** That level as the light's own app shows it, % (null when the driver cannot say). */
  appPercent?: number | null;
  /** Held for a test pulse or preview (not following the timeline on purpose). */
  held?: boolean;
  /** Answering and following the timeline. */
  following?: boolean;
  /** Since when the light has not answered (null while it answers). */
  offlineSince?: number | null;
  /** The clinic's calibration in use, if any. */
  calibration?: Calibration | null;
}

/** What a player needs from its director. */
export interface PlayerHost {
  course(): Course;
  key(): string;
  clockNow(): number;
  log(line: string): void;
  /** Whether idle lights may be read for drift now (a session runs, or the Lights view is open). */
  polling(): boolean;
  /** Safe state wants the room at its safe level (on, or pressed in the last 30 s). */
  safeActive(now: number): boolean;
  /** Run this player's update soon (an event arrived between ticks). */
  kick(p: DevicePlayer): void;
}

const lerpTarget = (p: Plan, t: number): LightTarget => {
  if (t >= p.t1 || p.t1 <= p.t0) return { ...p.to };
  const x = Math.max(0, (t - p.t0) / (p.t1 - p.t0));
  return { level: p.from.level + (p.to.level - p.from.level) * x, kelvin: p.from.kelvin + (p.to.kelvin - p.from.kelvin) * x };
};

interface Plan {
  t0: number;
  from: LightTarget;
  t1: number;
  to: LightTarget;
}

async function readDevice(d: LightDriver): Promise<Result<DeviceState | null>> {
  if (d.readState) return d.readState();
  const v = await d.read();
  return { ok: true, value: v ? { on: v.level > 0, level: v.level, kelvin: v.kelvin, reachable: true } : null };
}

export class DevicePlayer {
  readonly health = new DeviceHealth();
  private plan: Plan | null = null;
  private planKey = '';
  private busy = false;
  private lastContactAt = Number.NEGATIVE_INFINITY;
  private lastSent: number | null = null;
  private epoch = 0;
  private io: LightDriver;
  private stepper: SteppedFade;
  private cal: Calibration | null = null;
  private readonly channel: Endpoint;
  private readonly unsubscribe: () => void;
  /** Held for a test pulse or scene preview: the timeline leaves the light alone. */
  private held = false;
  private resyncWanted = false;
  /** A group command is taking this light to the safe level until then. */
  private coveredUntil = Number.NEGATIVE_INFINITY;
  private offlineSince: number | null = null;

  constructor(
    readonly driver: LightDriver,
    private readonly host: PlayerHost,
    private readonly timers: Timers,
    scheduler: Scheduler,
  ) {
    this.io = driver;
    this.stepper = new SteppedFade(driver, timers);
    this.channel = scheduler.endpoint(`device:${driver.id}`, {
      maxInFlight: 1,
      gapMs: {},
      perDeviceGapMs: driver.capabilities.minIntervalMs,
    });
    this.unsubscribe =
      driver.subscribe?.((ev) => {
        const now = this.host.clockNow();
        if (ev === 'reachable') {
          this.health.retrySoon(now);
          this.host.kick(this);
        } else if (this.health.health === 'online') this.failed(now, 'the light is not answering');
      }) ?? (() => {});
  }

  close(): void {
    this.unsubscribe();
    this.stepper.stop();
  }

  status(): DriverStatus {
    const h = this.health;
    const level = this.lastSent;
    return {
      id: this.driver.id,
      name: this.driver.name,
      protocol: this.driver.protocol,
      health: h.health,
      lastOkAt: h.lastOkAt,
      lastError: h.lastError,
      lastErrorAt: h.lastErrorAt,
      nextRetryAt: h.health === 'online' ? null : h.nextTryAt,
      level,
      appPercent: level === null ? null : (this.driver.appPercent?.(this.cal ? calibrateLevel(level, this.cal) : level) ?? null),
      held: this.held,
      following: h.health === 'online' && !this.held,
      offlineSince: h.health === 'online' ? null : this.offlineSince,
      calibration: this.cal,
    };
  }

  /** Uses the clinic's calibration from now on (null: none); an online light eases to the new mapping. */
  setCalibration(cal: Calibration | null): void {
    this.cal = cal;
    this.io = cal ? calibrated(this.driver, cal) : this.driver;
    this.stepper.stop();
    this.stepper = new SteppedFade(this.io, this.timers);
    this.epoch++;
    this.plan = null;
    if (this.health.health === 'online') this.resyncWanted = true;
  }

  /** Stops following the timeline (a test pulse or preview drives the light meanwhile). */
  hold(): void {
    this.held = true;
    this.epoch++;
    this.plan = null;
    this.stepper.reset(null);
  }

  /** Follows the timeline again: reads the light and eases it back gently. */
  release(): void {
    this.held = false;
    this.resyncWanted = true;
  }

  get isHeld(): boolean {
    return this.held;
  }

  get online(): boolean {
    return this.health.health === 'online';
  }

  /**
   * A group command moves this light to `to` by `endAt`: plan as if sent, drop anything of ours
   * still waiting, and leave the light alone until it is there.
   */
  coveredByGroup(now: number, to: LightTarget, endAt: number): void {
    this.epoch++;
    this.driver.supersede?.();
    this.stepper.reset(null);
    const from = this.expected(now) ?? this.host.course().at(now);
    this.plan = { t0: now, from, t1: endAt, to: { ...to } };
    this.planKey = this.host.key();
    this.lastSent = to.level;
    this.coveredUntil = endAt;
  }

  /** The group command failed: plan individually on the next tick. */
  groupFailed(): void {
    this.plan = null;
    this.coveredUntil = Number.NEGATIVE_INFINITY;
  }

  /** Where we believe the device is now (null before first contact). */
  expected(now: number): LightTarget | null {
    return this.plan ? lerpTarget(this.plan, now) : null;
  }

  /** The timeline changed: an offline device gets a prompt retry (safe state must reach it). */
  timelineChanged(now: number): void {
    if (this.health.health === 'offline' && now - (this.health.lastErrorAt ?? 0) >= 2_000) this.health.retrySoon(now);
  }

  update(now: number): void {
    if (this.busy || this.held) return;
    const safe = this.host.safeActive(now);
    if (this.resyncWanted && this.health.health === 'online') {
      this.resyncWanted = false;
      this.probe('first contact or return');
      return;
    }
    if (this.health.health !== 'online') {
      if (safe) this.driver.wake?.(); // its device is tried every second while safe state wants it
      if (this.health.due(now)) this.probe('first contact or return');
      return;
    }
    const course = this.host.course();
    const key = this.host.key();
    const from = this.expected(now) ?? course.at(now);
    const replan = !this.plan || key !== this.planKey || now >= this.plan.t1;
    if (replan) {
      const rate = safe ? SAFE_LEVEL_RATE : MAX_LEVEL_RATE;
      const seg = planSegment(now, from, course, this.io.capabilities, rate);
      this.planKey = key;
      if (seg) {
        this.send(now, from, seg, false, rate);
        return;
      }
      this.plan = { t0: now, from, t1: now, to: from };
    }
    if (this.host.polling() && now - this.lastContactAt >= POLL_MS && this.plan && now >= this.plan.t1) this.probe('poll');
  }

  private send(now: number, from: LightTarget, seg: Segment, exact: boolean, rate: number): void {
    const prior = this.plan;
    this.plan = { t0: now, from, t1: seg.endAt, to: seg.target };
    this.lastContactAt = now;
    this.lastSent = seg.target.level;
    const epoch = this.epoch;
    const caps = this.io.capabilities;
    let result: Promise<DriverResult>;
    if (!caps.nativeTransition) {
      result = this.stepper.go(from, seg.target, seg.transitionMs);
    } else {
      const queuedAt = this.host.clockNow();
      result = this.channel.submit(this.driver.id, 'light', (ctx) => {
        if (epoch !== this.epoch) return Promise.resolve<DriverResult>({ ok: true }); // overtaken (group, hold)
        // Time spent waiting for the budget comes off the transition (so lights sent later still
        // arrive together), but never below gentle at this rate, measured from where the light
        // is by then, still following its previous command.
        const waited = exact ? 0 : Math.max(0, ctx.now - queuedAt);
        const there = prior ? lerpTarget(prior, ctx.now) : from;
        const floor = Math.max(gentleMs(from, seg.target, rate), gentleMs(there, seg.target, rate));
        const t = Math.round(Math.min(caps.maxTransitionMs, Math.max(seg.transitionMs - waited, floor)));
        // The device's own budget may hold the command a little longer: it still ends at the same
        // time (a re-sync or a return, `exact`, keeps its full gentle length instead).
        return exact
          ? this.io.apply(seg.target, t)
          : this.io.apply(seg.target, t, { endAt: ctx.now + t, minMs: Math.min(t, Math.round(floor)) });
      });
    }
    result.then(
      (r) => {
        if (epoch !== this.epoch) return;
        const t = this.host.clockNow();
        if (r.ok) this.healthOk(t);
        else this.failed(t, r.error);
      },
      (err: unknown) => {
        if (epoch === this.epoch) this.failed(this.host.clockNow(), err instanceof Error ? err.message : String(err));
      },
    );
  }

  private healthOk(now: number): boolean {
    this.offlineSince = null;
    return this.health.ok(now);
  }

  private failed(now: number, error: string): void {
    this.epoch++;
    if (this.health.health === 'online' || this.offlineSince === null) this.offlineSince = now;
    this.health.fail(now, error);
    this.plan = null;
    this.coveredUntil = Number.NEGATIVE_INFINITY;
    this.stepper.reset(null);
    this.host.log(`light ${this.driver.name}: ${error}`);
  }

  /** Reads the device; on first contact or return, brings it to the timeline; on a poll, checks for drift. */
  private probe(why: 'first contact or return' | 'poll'): void {
    this.busy = true;
    const epoch = this.epoch;
    readDevice(this.io)
      .then((r) => {
        if (epoch !== this.epoch) return;
        const t = this.host.clockNow();
        this.lastContactAt = t;
        if (!r.ok) return this.failed(t, r.error);
        if (r.value && !r.value.reachable) return this.failed(t, 'the controller reports the light unreachable');
        const course = this.host.course();
        const reported: LightTarget | null = r.value
          ? { level: r.value.on ? r.value.level : 0, kelvin: r.value.kelvin ?? course.at(t).kelvin }
          : null;
        const back = this.healthOk(t);
        if (why === 'poll' && !back) {
          const exp = this.expected(t);
          const tol = Math.max(DRIFT_LEVEL, 1.5 * (this.io.capabilities.minLevel ?? 0));
          const drifted = reported && exp && (Math.abs(reported.level - exp.level) > tol || reported.level > 0 !== exp.level > 0);
          if (!drifted) return;
          this.host.log(`light ${this.driver.name}: reads ${reported.level.toFixed(1)} instead of ${exp.level.toFixed(1)}; easing back`);
        }
        const safe = this.host.safeActive(t);
        // Already on its way to the safe level with the rest of its group: nothing more to send.
        if (safe && t <= this.coveredUntil) return;
        const from = reported ?? course.at(t);
        this.stepper.reset(reported);
        this.planKey = this.host.key();
        if (safe) this.send(t, from, planSafeReturn(t, from, course, this.io.capabilities), true, SAFE_LEVEL_RATE);
        else this.send(t, from, planResync(t, from, course, this.io.capabilities), true, MAX_LEVEL_RATE);
      })
      .catch((err: unknown) => {
        if (epoch === this.epoch) this.failed(this.host.clockNow(), err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        this.busy = false;
      });
  }
}
