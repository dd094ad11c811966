/**
 * The lighting director plays the timeline's light keyframes on every driver of the room.
 *
 * The on-screen lamp (a `mirror` driver) simply follows the timeline tick by tick. Real lights
 * are played by a `DevicePlayer` each (player.ts). Safe state is a mode (`setSafe`): group
 * commands where a controller group covers a bridge's room lights, lights that return during it
 * taken straight to the safe level, their devices retried every second meanwhile. Idle lights
 * are read for drift only while `setPolling(true)`. The director never throws and never waits:
 * lighting faults cannot block audio, the timeline or the UI.
 */
import { type LightKeyframe, lightAt, SAFE_OFF_MIN_MS } from '../../core/timeline';
import type { DriverResult, LightDriver, LightTarget, Timers } from './driver';
import { realTimers } from './driver';
import { type Course, courseOf, SAFE_MS } from './fade';
import type { Calibration } from './levels';
import { DevicePlayer, type DriverStatus, type PlayerHost } from './player';
import { Scheduler } from './scheduler';

export type { DriverStatus } from './player';

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
/** A light that returns this soon after safe state was pressed still goes to it the safe way. */
export const SAFE_RETURN_WINDOW_MS = 30_000;

/** Safe state as the director plays it. */
interface SafeMode {
  on: boolean;
  /** When it was pressed (null: never in this timeline). */
  since: number | null;
  /** When it was released (null while on). */
  offAt: number | null;
  scene: LightTarget;
}

/** A controller group (e.g. a Hue room) that covers exactly `members`: one command instead of many. */
export interface LightGroup {
  driver: LightDriver;
  members: string[];
}

export class LightingDirector {
  private groups: LightGroup[] = [];
  private groupUnsubs: Array<() => void> = [];
  private groupedSafeAt: number | null = null;
  private input: readonly LightKeyframe[] = [];
  private frames: readonly LightKeyframe[] = [];
  private framesKey = '';
  private base: LightTarget;
  private safe: SafeMode;
  private pollingOn = true;
  private sent = new Map<string, { target: LightTarget; at: number }>();
  private pending = new Set<string>();
  private statuses = new Map<string, DriverStatus>();
  private current: LightTarget & { moving: boolean };
  private mirrors: LightDriver[] = [];
  private players = new Map<string, DevicePlayer>();
  private calibrations = new Map<string, Calibration>();
  private issues: string[] = [];
  private lastNow = 0;
  private readonly timers: Timers;
  private readonly scheduler: Scheduler;
  private readonly log: (line: string) => void;
  private readonly view: PlayerHost;

  constructor(
    drivers: LightDriver[],
    base: LightTarget,
    private readonly tickMs = 1000,
    opts: DirectorOptions = {},
  ) {
    this.base = { ...base };
    this.safe = { on: false, since: null, offAt: null, scene: { ...base } };
    this.current = { ...base, moving: false };
    this.timers = opts.timers ?? realTimers;
    this.scheduler = new Scheduler(this.timers);
    this.log = opts.log ?? (() => {});
    this.lastNow = this.timers.now();
    this.view = {
      course: () => this.course(),
      key: () => this.framesKey,
      clockNow: () => this.timers.now(),
      log: this.log,
      polling: () => this.pollingOn,
      safeActive: (now) => this.safeActive(now),
      kick: (p) => this.kick(p),
    };
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
      const p = new DevicePlayer(d, this.view, this.timers, this.scheduler);
      const cal = this.calibrations.get(d.id);
      if (cal) p.setCalibration(cal);
      this.players.set(d.id, p);
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
   * second, so 20 single commands would take 2 s just to send). A group whose controller comes
   * back while safe state is on is sent the safe level at once, as one command.
   */
  setGroups(groups: LightGroup[]): void {
    for (const u of this.groupUnsubs.splice(0)) u();
    this.groups = groups.filter((g) => g.members.length >= 2);
    for (const g of this.groups) {
      const unsub = g.driver.subscribe?.((e) => {
        if (e === 'reachable') this.groupReturned(g);
      });
      if (unsub) this.groupUnsubs.push(unsub);
    }
  }

  /**
   * The clinic's calibration of one light (lowest visible and highest wanted level, in the
   * light's own app %), or null for none. Kept for a light that joins the room later.
   */
  setCalibration(id: string, cal: Calibration | null): void {
    const old = this.calibrations.get(id) ?? null;
    if (old?.minPercent === cal?.minPercent && old?.maxPercent === cal?.maxPercent) return; // unchanged: no re-plan
    if (cal) this.calibrations.set(id, cal);
    else this.calibrations.delete(id);
    this.players.get(id)?.setCalibration(cal);
  }

  /**
   * Whether idle lights may be read to notice drift (a wall switch, a power cut): the host turns
   * it on while a session runs or the Lights view is open, off otherwise. Reads are at most one
   * per light every 30 s, and only lights in the room are ever read.
   */
  setPolling(active: boolean): void {
    this.pollingOn = active;
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

  /**
   * Safe state as a mode (the host calls this when it is pressed and released): on at `at`,
   * the room goes to `scene` (the safe scene; default the resting base) within SAFE_MS — by
   * group command where one covers a bridge's room lights, otherwise light by light timed to
   * arrive together — and a light that returns meanwhile goes there the same way; off at `at`,
   * the room eases back to the timeline over a minute. Safe-state keyframes given to
   * `setKeyframes` move nothing: this call is the one way safe state reaches the lights (a
   * release frame only says which scene the phase of the moment wants, see `withSafe`).
   */
  setSafe(on: boolean, at: number, scene?: LightTarget): void {
    if (on && !this.safe.on) this.safe = { on: true, since: at, offAt: null, scene: { ...(scene ?? this.base) } };
    else if (on && scene) this.safe = { ...this.safe, scene: { ...scene } };
    else if (!on && this.safe.on) this.safe = { ...this.safe, on: false, offAt: at };
    this.rebuild();
  }

  /** Safe state wants the room lit: on, or pressed in the last 30 s. */
  safeActive(now: number): boolean {
    const s = this.safe;
    if (s.since === null || now < s.since) return false;
    return (s.on && (s.offAt === null || now < s.offAt)) || now - s.since <= SAFE_RETURN_WINDOW_MS;
  }

  /** Safe state just began: send it to whole groups at once. */
  private safeByGroup(now: number): void {
    const since = this.safe.since;
    if (since === null || !this.safe.on || since === this.groupedSafeAt || now >= since + SAFE_MS || now < since) return;
    this.groupedSafeAt = since;
    const end = since + SAFE_MS;
    const target = this.course().at(end);
    for (const g of this.groups) this.sendGroup(g, now, target, end, false);
  }

  /** A group's controller is back: while safe state wants the room lit, one safe command for the group. */
  private groupReturned(g: LightGroup): void {
    const now = this.timers.now();
    if (!this.safeActive(now) || !this.groups.includes(g)) return;
    const end = now + SAFE_MS;
    this.sendGroup(g, now, this.course().at(end), end, true);
  }

  private sendGroup(g: LightGroup, now: number, target: LightTarget, end: number, returning: boolean): void {
    const members = g.members.map((id) => this.players.get(id));
    if (members.some((p) => !p || p.isHeld)) return;
    const players = members.filter((p): p is DevicePlayer => p !== undefined);
    if (returning && players.some((p) => p.online)) return; // only a whole group coming back together
    for (const p of players) p.coveredByGroup(now, target, end);
    g.driver
      .apply(target, Math.max(0, end - now))
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

  /** Runs one player's update soon (a light's controller said it is back). */
  private kick(p: DevicePlayer): void {
    this.timers.after(0, () => {
      if (this.players.get(p.driver.id) !== p) return;
      try {
        p.update(this.timers.now());
      } catch (err) {
        this.log(`light ${p.driver.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }

  /** Problems with the room's set-up (e.g. duplicate ids), for the lights view. */
  problems(): string[] {
    return [...this.issues];
  }

  /** New keyframes (or none: the room rests at `base`, the working light). */
  setKeyframes(frames: readonly LightKeyframe[] | null, base: LightTarget): void {
    this.input = frames ?? [];
    this.base = { ...base };
    this.rebuild();
  }

  /** The frames played: the input's phase frames, with safe state laid over them. */
  private rebuild(): void {
    this.frames = withSafe(this.input, this.safe, this.base);
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
    for (const u of this.groupUnsubs.splice(0)) u();
    for (const p of this.players.values()) p.close();
  }
}

/**
 * The timeline with safe state laid over it: phase scenes until it was pressed, the safe scene
 * over SAFE_MS, and after release a minute's glide back to where the timeline is by then.
 */
function withSafe(input: readonly LightKeyframe[], safe: SafeMode, base: LightTarget): LightKeyframe[] {
  const plain = input.filter((f) => f.cause !== 'safe-on' && f.cause !== 'safe-off');
  // A safe state released before this timeline begins belongs to an earlier session.
  const first = plain[0];
  if (safe.since === null || (safe.offAt !== null && first !== undefined && safe.offAt < first.at)) return plain;
  const since = safe.since;
  const out: LightKeyframe[] = plain.filter((f) => f.at < since);
  out.push({ at: since, level: safe.scene.level, kelvin: safe.scene.kelvin, durationMs: SAFE_MS, cause: 'safe-on' });
  if (safe.offAt !== null) {
    const offAt = safe.offAt;
    // The timeline leaves out a phase that began while safe state was on, and carries that
    // phase's scene on its release frame instead: the glide back goes there, not to the scene
    // of the phase before the press (which may be far brighter).
    const released = input.find((f) => f.cause === 'safe-off' && f.at === offAt);
    const scene: LightKeyframe[] = released ? [{ ...released, durationMs: 0, cause: 'phase' }] : [];
    const upToRelease = [...plain.filter((f) => f.at <= offAt), ...scene, ...plain.filter((f) => f.at > offAt)];
    const back = courseOf(upToRelease, base).at(offAt + SAFE_OFF_MIN_MS);
    out.push({ at: offAt, level: back.level, kelvin: back.kelvin, durationMs: SAFE_OFF_MIN_MS, cause: 'safe-off' });
    out.push(...plain.filter((f) => f.at > offAt));
  } else {
    out.push(...plain.filter((f) => f.cause === 'end' && f.at >= since));
  }
  return out;
}
