/**
 * The lighting director plays the timeline's light keyframes on every driver of the room.
 *
 * The on-screen lamp (a `mirror` driver) simply follows the timeline tick by tick. Real lights
 * are played by a `DevicePlayer` each: it sends a segment of a few L* at a time along the
 * timeline (native transitions) or steps below the visible threshold (devices without them),
 * never faster than MAX_LEVEL_RATE, re-plans when the timeline changes, and handles outages
 * (see resilience.ts). The director never throws and never waits: lighting faults cannot block
 * audio, the timeline or the UI.
 */
import { type LightKeyframe, lightAt } from '../../core/timeline';
import { type DeviceState, type DriverResult, type LightDriver, type LightTarget, type Result, realTimers, type Timers } from './driver';
import { type Course, courseOf, gentleMs, planResync, planSegment, type Segment } from './fade';
import { DeviceHealth, DRIFT_LEVEL, type Health, POLL_MS } from './resilience';
import { type Endpoint, Scheduler } from './scheduler';
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
  /** The last level sent (L*), for the lights view. */
  level?: number | null;
}

export interface DirectorOptions {
  /** Time for the per-device queues and steppers (tests and benchmarks inject a fake clock). */
  timers?: Timers;
  log?: (line: string) => void;
}

/** Smallest change worth a command for the mirror lamp: well below what the eye can tell apart. */
const MIN_LEVEL_STEP = 0.1;
const MIN_KELVIN_STEP = 5;
/** Re-send the mirror's target now and then. */
const REFRESH_MS = 30_000;

interface Plan {
  t0: number;
  from: LightTarget;
  t1: number;
  to: LightTarget;
}

const lerpTarget = (p: Plan, t: number): LightTarget => {
  if (t >= p.t1 || p.t1 <= p.t0) return { ...p.to };
  const x = Math.max(0, (t - p.t0) / (p.t1 - p.t0));
  return { level: p.from.level + (p.to.level - p.from.level) * x, kelvin: p.from.kelvin + (p.to.kelvin - p.from.kelvin) * x };
};

/** Plays the timeline on one real light. */
class DevicePlayer {
  readonly health = new DeviceHealth();
  private plan: Plan | null = null;
  private planKey = '';
  private busy = false;
  private lastContactAt = Number.NEGATIVE_INFINITY;
  private lastSent: number | null = null;
  private epoch = 0;
  private readonly stepper: SteppedFade;
  private readonly channel: Endpoint;
  private readonly unsubscribe: () => void;
  /** Held for a test pulse or scene preview: the timeline leaves the light alone. */
  private held = false;
  private resyncWanted = false;

  constructor(
    readonly driver: LightDriver,
    private readonly director: { course: () => Course; key: () => string; clockNow: () => number; log: (l: string) => void },
    timers: Timers,
    scheduler: Scheduler,
  ) {
    this.stepper = new SteppedFade(driver, timers);
    this.channel = scheduler.endpoint(`device:${driver.id}`, {
      maxInFlight: 1,
      gapMs: {},
      perDeviceGapMs: driver.capabilities.minIntervalMs,
    });
    this.unsubscribe =
      driver.subscribe?.((ev) => {
        const now = this.director.clockNow();
        if (ev === 'reachable') this.health.retrySoon(now);
        else if (this.health.health === 'online') this.failed(now, 'the controller reports the light unreachable');
      }) ?? (() => {});
  }

  close(): void {
    this.unsubscribe();
    this.stepper.stop();
  }

  status(): DriverStatus {
    const h = this.health;
    return {
      id: this.driver.id,
      name: this.driver.name,
      protocol: this.driver.protocol,
      health: h.health,
      lastOkAt: h.lastOkAt,
      lastError: h.lastError,
      lastErrorAt: h.lastErrorAt,
      nextRetryAt: h.health === 'online' ? null : h.nextTryAt,
      level: this.lastSent,
    };
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
    const from = this.expected(now) ?? this.director.course().at(now);
    this.plan = { t0: now, from, t1: endAt, to: { ...to } };
    this.planKey = this.director.key();
    this.lastSent = to.level;
  }

  /** The group command failed: plan individually on the next tick. */
  groupFailed(): void {
    this.plan = null;
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
    if (this.resyncWanted && this.health.health === 'online') {
      this.resyncWanted = false;
      this.probe('first contact or return');
      return;
    }
    if (this.health.health !== 'online') {
      if (this.health.due(now)) this.probe('first contact or return');
      return;
    }
    const course = this.director.course();
    const key = this.director.key();
    const from = this.expected(now) ?? course.at(now);
    const replan = !this.plan || key !== this.planKey || now >= this.plan.t1;
    if (replan) {
      const seg = planSegment(now, from, course, this.driver.capabilities);
      this.planKey = key;
      if (seg) {
        this.send(now, from, seg);
        return;
      }
      this.plan = { t0: now, from, t1: now, to: from };
    }
    if (now - this.lastContactAt >= POLL_MS && this.plan && now >= this.plan.t1) this.probe('poll');
  }

  private send(now: number, from: LightTarget, seg: Segment, exact = false): void {
    const prior = this.plan;
    this.plan = { t0: now, from, t1: seg.endAt, to: seg.target };
    this.lastContactAt = now;
    this.lastSent = seg.target.level;
    const epoch = this.epoch;
    const caps = this.driver.capabilities;
    let result: Promise<DriverResult>;
    if (!caps.nativeTransition) {
      result = this.stepper.go(from, seg.target, seg.transitionMs);
    } else {
      const queuedAt = this.director.clockNow();
      result = this.channel.submit(this.driver.id, 'light', (ctx) => {
        if (epoch !== this.epoch) return Promise.resolve<DriverResult>({ ok: true }); // overtaken (group, hold)
        // Time spent waiting for the budget comes off the transition, but never below gentle
        // (measured from where the light is by then, still following its previous command).
        const waited = exact ? 0 : Math.max(0, ctx.now - queuedAt);
        const there = prior ? lerpTarget(prior, ctx.now) : from;
        const floor = Math.max(gentleMs(from, seg.target), gentleMs(there, seg.target));
        const t = Math.min(caps.maxTransitionMs, Math.max(seg.transitionMs - waited, floor));
        return this.driver.apply(seg.target, Math.round(t));
      });
    }
    result.then(
      (r) => {
        if (epoch !== this.epoch) return;
        const t = this.director.clockNow();
        if (r.ok) this.health.ok(t);
        else this.failed(t, r.error);
      },
      (err: unknown) => {
        if (epoch === this.epoch) this.failed(this.director.clockNow(), err instanceof Error ? err.message : String(err));
      },
    );
  }

  private failed(now: number, error: string): void {
    this.epoch++;
    this.health.fail(now, error);
    this.plan = null;
    this.stepper.reset(null);
    this.director.log(`light ${this.driver.name}: ${error}`);
  }

  /** Reads the device; on first contact or return, eases it to the timeline; on a poll, checks for drift. */
  private probe(why: 'first contact or return' | 'poll'): void {
    this.busy = true;
    const epoch = this.epoch;
    readDevice(this.driver)
      .then((r) => {
        if (epoch !== this.epoch) return;
        const t = this.director.clockNow();
        this.lastContactAt = t;
        if (!r.ok) return this.failed(t, r.error);
        if (r.value && !r.value.reachable) return this.failed(t, 'the controller reports the light unreachable');
        const course = this.director.course();
        const reported: LightTarget | null = r.value
          ? { level: r.value.on ? r.value.level : 0, kelvin: r.value.kelvin ?? course.at(t).kelvin }
          : null;
        const back = this.health.ok(t);
        if (why === 'poll' && !back) {
          const exp = this.expected(t);
          const tol = Math.max(DRIFT_LEVEL, 1.5 * (this.driver.capabilities.minLevel ?? 0));
          const drifted = reported && exp && (Math.abs(reported.level - exp.level) > tol || reported.level > 0 !== exp.level > 0);
          if (!drifted) return;
          this.director.log(
            `light ${this.driver.name}: reads ${reported.level.toFixed(1)} instead of ${exp.level.toFixed(1)}; easing back`,
          );
        }
        const from = reported ?? course.at(t);
        this.stepper.reset(reported);
        this.planKey = this.director.key();
        this.send(t, from, planResync(t, from, course, this.driver.capabilities), true);
      })
      .catch((err: unknown) => {
        if (epoch === this.epoch) this.failed(this.director.clockNow(), err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        this.busy = false;
      });
  }
}

async function readDevice(d: LightDriver): Promise<Result<DeviceState | null>> {
  if (d.readState) return d.readState();
  const v = await d.read();
  return { ok: true, value: v ? { on: v.level > 0, level: v.level, kelvin: v.kelvin, reachable: true } : null };
}

/** A controller group (e.g. a Hue room) that covers exactly `members`: one command instead of many. */
export interface LightGroup {
  driver: LightDriver;
  members: string[];
}

export class LightingDirector {
  private groups: LightGroup[] = [];
  private groupedSafeAt: number | null = null;
  private frames: readonly LightKeyframe[] = [];
  private framesKey = '';
  private base: LightTarget;
  private sent = new Map<string, { target: LightTarget; at: number }>();
  private pending = new Set<string>();
  private statuses = new Map<string, DriverStatus>();
  private current: LightTarget & { moving: boolean };
  private mirrors: LightDriver[] = [];
  private players = new Map<string, DevicePlayer>();
  private issues: string[] = [];
  private lastNow = 0;
  private readonly timers: Timers;
  private readonly scheduler: Scheduler;
  private readonly log: (line: string) => void;

  constructor(
    drivers: LightDriver[],
    base: LightTarget,
    private readonly tickMs = 1000,
    opts: DirectorOptions = {},
  ) {
    this.base = { ...base };
    this.current = { ...base, moving: false };
    this.timers = opts.timers ?? realTimers;
    this.scheduler = new Scheduler(this.timers);
    this.log = opts.log ?? (() => {});
    this.lastNow = this.timers.now();
    for (const d of drivers) this.addDriver(d);
  }

  /** Adds a light to the room. A second light with an id already in the room is refused (not thrown). */
  addDriver(d: LightDriver): DriverResult {
    if (this.statuses.has(d.id) || this.players.has(d.id)) {
      const error = `two lights share the id "${d.id}"; "${d.name}" was left out`;
      this.issues.push(error);
      this.log(error);
      return { ok: false, error };
    }
    if (d.capabilities.mirror) {
      this.mirrors.push(d);
      this.statuses.set(d.id, { id: d.id, name: d.name, lastOkAt: null, lastError: null, health: 'online', protocol: d.protocol });
    } else {
      const view = {
        course: () => this.course(),
        key: () => this.framesKey,
        clockNow: () => this.timers.now(),
        log: this.log,
      };
      this.players.set(d.id, new DevicePlayer(d, view, this.timers, this.scheduler));
    }
    return { ok: true };
  }

  /** Takes a light out of the room (its fades stop; the light stays where it is). */
  removeDriver(id: string): void {
    this.players.get(id)?.close();
    this.players.delete(id);
    this.mirrors = this.mirrors.filter((m) => m.id !== id);
    this.statuses.delete(id);
  }

  /**
   * Groups to use for safe state: when every member of a group is in the room, safe state goes
   * out as one group command (a Hue bridge takes 10 light commands but only 1 group command a
   * second, so 20 single commands would take 2 s just to send).
   */
  setGroups(groups: LightGroup[]): void {
    this.groups = groups.filter((g) => g.members.length >= 2);
  }

  /** Stops following the timeline on one light (test pulse, preview). False when not in the room. */
  hold(id: string): boolean {
    const p = this.players.get(id);
    if (!p) return false;
    p.hold();
    return true;
  }

  /** Follows the timeline again on a held light, easing it back gently. */
  release(id: string): void {
    this.players.get(id)?.release();
  }

  /** The driver of a light in the room. */
  driver(id: string): LightDriver | null {
    return this.players.get(id)?.driver ?? this.mirrors.find((m) => m.id === id) ?? null;
  }

  /** Safe state just began: send it to whole groups at once. */
  private safeByGroup(now: number): void {
    let safe: LightKeyframe | null = null;
    for (const f of this.frames) if (f.at <= now && f.cause === 'safe-on') safe = f;
    if (!safe || safe.at === this.groupedSafeAt || now >= safe.at + safe.durationMs) return;
    this.groupedSafeAt = safe.at;
    const end = safe.at + safe.durationMs;
    const target = this.course().at(end);
    for (const g of this.groups) {
      const members = g.members.map((id) => this.players.get(id));
      if (members.some((p) => !p || p.isHeld)) continue;
      const players = members.filter((p): p is DevicePlayer => p !== undefined);
      for (const p of players) p.coveredByGroup(now, target, end);
      const ms = Math.max(0, end - now);
      g.driver
        .apply(target, ms)
        .then(
          (r) => r,
          (err: unknown): DriverResult => ({ ok: false, error: err instanceof Error ? err.message : String(err) }),
        )
        .then((r) => {
          if (r.ok) return;
          this.log(`light group ${g.driver.name}: ${r.error}; sending safe state light by light`);
          for (const p of players) p.groupFailed();
        });
    }
  }

  /** Problems with the room's set-up (e.g. duplicate ids), for the lights view. */
  problems(): string[] {
    return [...this.issues];
  }

  /** New keyframes (or none: the room rests at `base`, the working light). */
  setKeyframes(frames: readonly LightKeyframe[] | null, base: LightTarget): void {
    this.frames = frames ?? [];
    this.base = { ...base };
    const key = JSON.stringify([this.frames, this.base]);
    if (key !== this.framesKey) {
      this.framesKey = key;
      for (const p of this.players.values()) p.timelineChanged(this.lastNow);
    }
  }

  private course(): Course {
    return courseOf(this.frames, this.base);
  }

  /** Where the light should be at `now`. */
  targetAt(now: number): LightTarget & { moving: boolean } {
    if (this.frames.length === 0) return { ...this.base, moving: false };
    const v = lightAt(this.frames, now, this.base);
    return { level: v.level, kelvin: v.kelvin, moving: v.moving };
  }

  /** One step: compute the target and send it where needed. Never throws, never waits. */
  tick(now: number): LightTarget & { moving: boolean } {
    this.lastNow = now;
    const t = this.targetAt(now);
    this.current = t;
    for (const d of this.mirrors) this.tickMirror(d, t, now);
    if (this.groups.length) this.safeByGroup(now);
    for (const p of this.players.values()) {
      try {
        p.update(now);
      } catch (err) {
        this.log(`light ${p.driver.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return t;
  }

  private tickMirror(d: LightDriver, t: LightTarget, now: number): void {
    if (this.pending.has(d.id)) return;
    const last = this.sent.get(d.id);
    const changed =
      !last ||
      Math.abs(last.target.level - t.level) >= MIN_LEVEL_STEP ||
      Math.abs(last.target.kelvin - t.kelvin) >= MIN_KELVIN_STEP ||
      now - last.at >= REFRESH_MS;
    if (!changed) return;
    const target = { level: t.level, kelvin: t.kelvin };
    const transition = Math.min(d.capabilities.maxTransitionMs, Math.max(this.tickMs, d.capabilities.minIntervalMs));
    this.pending.add(d.id);
    const status = this.statuses.get(d.id);
    d.apply(target, transition)
      .then((r) => {
        if (!status) return;
        if (r.ok) {
          status.lastOkAt = now;
          status.lastError = null;
          status.level = target.level;
          this.sent.set(d.id, { target, at: now });
        } else status.lastError = r.error;
      })
      .catch((err: unknown) => {
        if (status) status.lastError = err instanceof Error ? err.message : String(err);
      })
      .finally(() => this.pending.delete(d.id));
  }

  status(): DriverStatus[] {
    return [...[...this.statuses.values()].map((s) => ({ ...s })), ...[...this.players.values()].map((p) => p.status())];
  }

  get now(): LightTarget & { moving: boolean } {
    return { ...this.current };
  }

  /** Stops every fade and listener (the lights stay where they are). */
  close(): void {
    for (const p of this.players.values()) p.close();
  }
}
