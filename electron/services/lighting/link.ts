/**
 * A device's connection (a Hue bridge, a Zigbee2MQTT broker, Home Assistant, one LIFX or WiZ
 * bulb), kept up by itself.
 *
 * Promises: whatever the library underneath emits, a lost connection is opened again with
 * capped backoff (first retry after 1 s, then 2, 4, 8 s, never more than 15 s apart; every 1 s
 * while safe state wants the device); the state is *derived* from the connection (a session
 * that says it is alive), never a remembered "connected"; "Check again" (`reconnectNow`) tries
 * at once; nothing here throws or waits on the caller.
 *
 * The lights a device brings are handed out once as stable `LinkedLight`s: the director keeps
 * them across reconnects, each one forwards to the driver of the current session, fails at
 * once with a plain sentence while the device is away, and announces `unreachable` /
 * `reachable` so the director can bring the light back (gently, or to safe state) at once.
 *
 * (Longer than most files: the link and the stable lights it hands out are one state machine —
 * each light reads the link's state on every call — so they stay together.)
 */
import type { LightGroup } from './director';
import type {
  ApplyTiming,
  DeviceState,
  DriverEvent,
  DriverResult,
  LightCapabilities,
  LightDriver,
  LightTarget,
  Result,
  Timers,
} from './driver';
import { type BackoffPolicy, backoffMs } from './resilience';

/** How a device's connection stands, as the Lights view and the panel show it. */
export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'unreachable' | 'needs-pairing';

/**
 * Why a connection failed, by kind; the sentence is built from the device's description.
 * `refused`, `certificate` and `needs-pairing` are not retried by themselves (retrying cannot
 * fix them, and a Home Assistant may ban an address that keeps sending a bad token): "Check
 * again" retries them.
 */
export type LinkFaultKind = 'not-answering' | 'refused' | 'needs-pairing' | 'certificate' | 'not-running' | 'not-recognised';

export interface LinkFault {
  kind: LinkFaultKind;
  /** A short plain clause for `not-recognised` and `not-running` (never library text). */
  detail?: string;
}

/** One open connection and the lights it brings. */
export interface LinkSession<A = unknown> {
  /** The protocol object (a HueBridge, a Z2mBridge…) for device-specific work (room groups, power-cut setting). */
  api: A;
  lights: LightDriver[];
  /** Controller groups with their members (driver ids), for safe state in one command. */
  groups?: LightGroup[];
  /** Whether the connection is up now (e.g. the MQTT client's own `connected`). */
  alive(): boolean;
  /** Calls `lost` (once) when the connection goes, whatever the library says meanwhile. */
  onLost?(lost: (fault: LinkFault) => void): void;
  /** Whether a failed command means the connection itself failed (request-based transports). */
  isTransportFailure?(error: string): boolean;
  /**
   * What a failed command says about the connection, beyond a transport failure: e.g. a Hue
   * bridge that no longer accepts the key needs pairing again (null: only this command failed).
   */
  faultOf?(error: string): LinkFault | null;
  /**
   * A cheap "are you there?" for request-based transports (no connection to watch), run every
   * CHECK_MS while the link is watched; false (or a throw) means the device is gone.
   */
  check?(): Promise<boolean>;
  close(): void;
}

export interface LinkAdapter<A = unknown> {
  /** The device as a person names it, for sentences: "the Zigbee2MQTT broker at z2m.local:1883". */
  readonly what: string;
  /** Opens a connection and lists the lights. Must not reject; should give up within a few seconds. */
  open(): Promise<{ ok: true; value: LinkSession<A> } | { ok: false; fault: LinkFault }>;
}

export interface LinkStatus {
  state: LinkState;
  /** When the current state began (ms). */
  since: number;
  /** When the connection was last up (null: never). */
  lastConnectedAt: number | null;
  /** When the next attempt is due (null: none planned, e.g. connected or waiting for "Check again"). */
  nextTryAt: number | null;
  /** Failed attempts since the connection was last up. */
  attempts: number;
  /** Why it is not connected, one plain sentence; null when connected. */
  why: string | null;
}

/** Retry pauses: 1, 2, 4, 8, then every 15 s. */
export const LINK_BACKOFF: BackoffPolicy = { firstMs: 1_000, factor: 2, maxMs: 15_000 };
/** While safe state wants a device that is away: a try every second. */
export const HURRY_MS = 1_000;
/** How long one `hurry()` keeps the fast pace (the director renews it while safe state is on). */
export const HURRY_WINDOW_MS = 30_000;
/** Reconnecting turns into "unreachable" on screen after this long without an answer. */
export const UNREACHABLE_AFTER_MS = 30_000;
/** While watched (a session runs or the Lights view is open), an idle request-based device is asked every 15 s. */
export const CHECK_MS = 15_000;
/** An attempt that has not finished by then is counted as "not answering" (it is closed if it ever does). */
export const OPEN_TIMEOUT_MS = 12_000;

const capital = (s: string): string => (s ? `${s.charAt(0).toUpperCase()}${s.slice(1)}` : s);

/** The plain sentence for a fault of the device described by `what`. */
export function faultSentence(what: string, fault: LinkFault): string {
  const W = capital(what);
  switch (fault.kind) {
    case 'not-answering':
      return `${W} is not answering.`;
    case 'refused':
      return `${W} refused Stillroom’s ${fault.detail ?? 'key'}.`;
    case 'needs-pairing':
      return `${W} needs pairing: press its link button, then Pair.`;
    case 'certificate':
      return `${W} showed a different certificate than when it was paired. If it was replaced, remove it and add it again.`;
    case 'not-running':
      return `${W} answers, but ${fault.detail ?? 'the service behind it is not running'}.`;
    case 'not-recognised':
      return `${W} answers, but not as Stillroom expects${fault.detail ? ` (${fault.detail})` : ''}.`;
  }
}

const retried = (k: LinkFaultKind): boolean => k === 'not-answering' || k === 'not-running' || k === 'not-recognised';

export interface DeviceLinkOptions {
  timers: Timers;
  log?: (line: string) => void;
  backoff?: BackoffPolicy;
  openTimeoutMs?: number;
}

/** Keeps one device connected. Start it with `start()`; read `status()`; the lights are `lights()`. */
export class DeviceLink<A = unknown> implements LinkHandle {
  private session: LinkSession<A> | null = null;
  private fault: LinkFault | null = null;
  private attempts = 0;
  private attempt = 0;
  private opening = false;
  private started = false;
  private closed = false;
  private stateSince: number;
  private lastConnectedAt: number | null = null;
  private lostAt: number | null = null;
  private nextTryAt: number | null = null;
  private cancelTimer: (() => void) | null = null;
  private hurryUntil = 0;
  private watching = false;
  private cancelCheck: (() => void) | null = null;
  private readonly proxies = new Map<string, LinkedLight>();
  private readonly groupProxies = new Map<string, LinkedLight>();
  private groupList: LightGroup[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly timers: Timers;
  private readonly log: (line: string) => void;

  constructor(
    private readonly adapter: LinkAdapter<A>,
    private readonly opts: DeviceLinkOptions,
  ) {
    this.timers = opts.timers;
    this.log = opts.log ?? (() => {});
    this.stateSince = this.timers.now();
  }

  /** The device in words ("the Hue bridge at 192.168.1.20"). */
  get what(): string {
    return this.adapter.what;
  }

  /** Begins connecting (once). */
  start(): this {
    if (this.started || this.closed) return this;
    this.started = true;
    void this.tryOpen();
    return this;
  }

  /** True only while the current session says its connection is up. */
  get connected(): boolean {
    return this.session?.alive() === true;
  }

  /** The protocol object of the current session (null while away). */
  get api(): A | null {
    return this.connected ? (this.session?.api ?? null) : null;
  }

  status(): LinkStatus {
    const now = this.timers.now();
    if (this.connected) {
      return { state: 'connected', since: this.stateSince, lastConnectedAt: this.lastConnectedAt, nextTryAt: null, attempts: 0, why: null };
    }
    // The session may have died without telling (a library that stays silent): derived, not remembered.
    if (this.session && !this.opening) this.lost({ kind: 'not-answering' });
    const f = this.fault;
    const why = f ? faultSentence(this.adapter.what, f) : null;
    const base = { lastConnectedAt: this.lastConnectedAt, nextTryAt: this.nextTryAt, attempts: this.attempts, why };
    if (f?.kind === 'needs-pairing') return { ...base, state: 'needs-pairing', since: this.stateSince };
    if (f && !retried(f.kind)) return { ...base, state: 'unreachable', since: this.stateSince };
    if (this.lastConnectedAt === null && this.attempts === 0) return { ...base, state: 'connecting', since: this.stateSince };
    const downSince = this.lostAt ?? this.stateSince;
    return { ...base, state: now - downSince >= UNREACHABLE_AFTER_MS ? 'unreachable' : 'reconnecting', since: downSince };
  }

  /** Every light the device has brought so far (stable objects; a light no longer listed stays, failing plainly). */
  lights(): LinkedLight[] {
    return [...this.proxies.values()];
  }

  light(id: string): LinkedLight | null {
    return this.proxies.get(id) ?? null;
  }

  /** The controller's groups as drivers that survive reconnects. */
  groups(): LightGroup[] {
    return this.groupList;
  }

  /** Called whenever the status or the list of lights changes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** "Check again": when not connected, try now (the backoff starts over). */
  reconnectNow(): void {
    if (this.closed || this.connected) return;
    this.attempts = 0;
    this.schedule(0);
  }

  /**
   * Watched (a session runs or the Lights view is open): a request-based device with nothing to
   * say is asked every 15 s whether it is there, so its status stays true while idle. Unwatched,
   * it is only found gone when a command fails.
   */
  setWatching(on: boolean): void {
    if (on === this.watching) return;
    this.watching = on;
    this.cancelCheck?.();
    this.cancelCheck = null;
    if (on) this.scheduleCheck();
  }

  private scheduleCheck(): void {
    if (!this.watching || this.closed) return;
    this.cancelCheck?.();
    this.cancelCheck = this.timers.after(CHECK_MS, () => {
      this.cancelCheck = null;
      const s = this.session;
      if (!s?.check || !this.connected) return this.scheduleCheck();
      void s
        .check()
        .catch(() => false)
        .then((ok) => {
          if (!ok && this.session === s) this.lost({ kind: 'not-answering' });
          this.scheduleCheck();
        });
    });
  }

  /** Safe state wants this device: while away, try every second for the next 30 s (renewable). */
  hurry(): void {
    if (this.closed) return;
    const now = this.timers.now();
    this.hurryUntil = now + HURRY_WINDOW_MS;
    if (this.connected || this.opening || (this.fault && !retried(this.fault.kind))) return;
    if (this.nextTryAt === null || this.nextTryAt > now + HURRY_MS) this.schedule(HURRY_MS);
  }

  close(): void {
    this.closed = true;
    this.cancelCheck?.();
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.nextTryAt = null;
    const s = this.session;
    this.session = null;
    if (s) safeClose(s);
    this.listeners.clear();
  }

  private changed(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (err) {
        this.log(`lights: a status listener failed (${err instanceof Error ? err.message : String(err)})`);
      }
    }
  }

  private schedule(ms: number): void {
    this.cancelTimer?.();
    this.nextTryAt = this.timers.now() + ms;
    this.cancelTimer = this.timers.after(ms, () => {
      this.cancelTimer = null;
      void this.tryOpen();
    });
  }

  private delayAfterFailure(): number {
    const now = this.timers.now();
    const normal = backoffMs(this.attempts, this.opts.backoff ?? LINK_BACKOFF);
    return now < this.hurryUntil ? Math.min(normal, HURRY_MS) : normal;
  }

  private async tryOpen(): Promise<void> {
    if (this.closed || this.opening || this.connected) return;
    this.opening = true;
    this.nextTryAt = null;
    const mine = ++this.attempt;
    let settled = false;
    // A library that never answers must not stall the link: count it as not answering, go on.
    const cancelWatchdog = this.timers.after(this.opts.openTimeoutMs ?? OPEN_TIMEOUT_MS, () => {
      if (settled || mine !== this.attempt) return;
      settled = true;
      this.attempt++;
      this.opening = false;
      this.failedAttempt({ kind: 'not-answering' });
    });
    let r: Awaited<ReturnType<LinkAdapter<A>['open']>>;
    try {
      r = await this.adapter.open();
    } catch {
      r = { ok: false, fault: { kind: 'not-answering' } };
    }
    cancelWatchdog();
    if (settled || mine !== this.attempt || this.closed) {
      if (r.ok) safeClose(r.value);
      return;
    }
    settled = true;
    this.opening = false;
    if (!r.ok) return this.failedAttempt(r.fault);
    const s = r.value;
    if (!s.alive()) {
      safeClose(s);
      return this.failedAttempt({ kind: 'not-answering' });
    }
    this.session = s;
    this.fault = null;
    this.attempts = 0;
    this.lostAt = null;
    const now = this.timers.now();
    this.lastConnectedAt = now;
    this.stateSince = now;
    s.onLost?.((fault) => {
      if (this.session === s) this.lost(fault);
    });
    this.bind(s);
    this.log(`lights: connected to ${this.adapter.what}`);
    this.changed();
  }

  private failedAttempt(fault: LinkFault): void {
    const wasKind = this.fault?.kind;
    this.fault = fault;
    this.attempts++;
    if (this.attempts === 1 || wasKind !== fault.kind) {
      this.stateSince = this.timers.now();
      this.log(`lights: ${faultSentence(this.adapter.what, fault)}`);
    }
    if (retried(fault.kind)) this.schedule(this.delayAfterFailure());
    else this.nextTryAt = null;
    this.changed();
  }

  /** The connection went: close it, tell every light, and start trying again. */
  lost(fault: LinkFault): void {
    const s = this.session;
    if (!s || this.closed) return;
    this.session = null;
    safeClose(s);
    const now = this.timers.now();
    this.lostAt = now;
    this.stateSince = now;
    this.fault = fault;
    this.attempts = 0;
    this.log(`lights: ${faultSentence(this.adapter.what, fault)} Trying again.`);
    for (const p of [...this.proxies.values(), ...this.groupProxies.values()]) p.linkDown();
    if (retried(fault.kind))
      this.schedule(now < this.hurryUntil ? Math.min(HURRY_MS, LINK_BACKOFF.firstMs) : (this.opts.backoff ?? LINK_BACKOFF).firstMs);
    this.changed();
  }

  /** Points every stable light at the new session's driver (new lights get a new stable light). */
  private bind(s: LinkSession<A>): void {
    const seen = new Set<string>();
    for (const d of s.lights) {
      seen.add(d.id);
      const p = this.proxies.get(d.id);
      if (p) p.bindTo(d);
      else this.proxies.set(d.id, new LinkedLight(this, d));
    }
    for (const [id, p] of this.proxies) if (!seen.has(id)) p.gone();
    this.groupList = this.wrapGroups(s.groups ?? [], true);
  }

  /** Stable drivers for a session's groups (a group no longer there fails plainly). */
  private wrapGroups(list: readonly LightGroup[], replace: boolean): LightGroup[] {
    const groups: LightGroup[] = [];
    const seenGroups = new Set<string>();
    for (const g of list) {
      seenGroups.add(g.driver.id);
      let p = this.groupProxies.get(g.driver.id);
      if (p) {
        // A new session: the group is back (announce it). Adopted later: only a changed driver.
        if (replace || p.current !== g.driver) p.bindTo(g.driver);
      } else {
        p = new LinkedLight(this, g.driver);
        this.groupProxies.set(g.driver.id, p);
      }
      groups.push({ driver: p, members: [...g.members] });
    }
    if (replace) for (const [id, p] of this.groupProxies) if (!seenGroups.has(id)) p.gone();
    return groups;
  }

  /**
   * Groups read or made after the connection opened (a room group made for safe state): from
   * now on `groups()` lists them as stable drivers too. Returns them as such.
   */
  adoptGroups(list: readonly LightGroup[]): LightGroup[] {
    const wrapped = this.wrapGroups(list, false);
    const ids = new Set(wrapped.map((g) => g.driver.id));
    this.groupList = [...this.groupList.filter((g) => !ids.has(g.driver.id)), ...wrapped];
    this.changed();
    return wrapped;
  }

  /** Called by a LinkedLight after a command failed: does it mean the connection failed? */
  reportFailure(error: string): void {
    const s = this.session;
    if (!s) return;
    const fault = s.faultOf?.(error) ?? (s.isTransportFailure?.(error) ? { kind: 'not-answering' as const } : null);
    if (fault) this.lost(fault);
  }

  /** The sentence a light's command fails with while the device is away. */
  awaySentence(): string {
    return this.fault ? faultSentence(this.adapter.what, this.fault) : `${capital(this.adapter.what)} is not connected yet.`;
  }
}

function safeClose(s: LinkSession<unknown>): void {
  try {
    s.close();
  } catch {
    // already closed
  }
}

/** What a linked light needs from its link. */
interface LinkHandle {
  readonly connected: boolean;
  readonly what: string;
  reportFailure(error: string): void;
  awaySentence(): string;
  hurry(): void;
}

/**
 * A light of a linked device, stable across reconnects. While the device is away it fails at
 * once (no network traffic) with a sentence a person understands.
 */
export class LinkedLight implements LightDriver {
  readonly id: string;
  readonly protocol?: string;
  private inner: LightDriver;
  private listed = true;
  private readonly listeners = new Set<(e: DriverEvent) => void>();
  private innerUnsub: () => void = () => {};

  constructor(
    private readonly link: LinkHandle,
    inner: LightDriver,
  ) {
    this.id = inner.id;
    this.protocol = inner.protocol;
    this.inner = inner;
    this.follow(inner);
  }

  get name(): string {
    return this.inner.name;
  }

  get capabilities(): LightCapabilities {
    return this.inner.capabilities;
  }

  /** The driver of the current session (tests and device-specific work). */
  get current(): LightDriver {
    return this.inner;
  }

  /** Whether the device still lists this light (false after a reconnect that no longer has it). */
  get isListed(): boolean {
    return this.listed;
  }

  private get up(): boolean {
    return this.link.connected && this.listed;
  }

  private away(): { ok: false; error: string } {
    const l = this.link;
    if (l.connected && !this.listed) return { ok: false, error: `${capital(l.what)} no longer lists this light.` };
    return { ok: false, error: l.awaySentence() };
  }

  private follow(d: LightDriver): void {
    this.innerUnsub();
    this.innerUnsub = d.subscribe?.((e) => this.emit(e)) ?? (() => {});
  }

  private emit(e: DriverEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  /** @internal A new session brought this light again. */
  bindTo(d: LightDriver): void {
    this.inner = d;
    this.listed = true;
    this.follow(d);
    this.emit('reachable');
  }

  /** @internal The device is away. */
  linkDown(): void {
    this.emit('unreachable');
  }

  /** @internal The device came back without this light. */
  gone(): void {
    this.listed = false;
    this.emit('unreachable');
  }

  async apply(target: LightTarget, transitionMs: number, timing?: ApplyTiming): Promise<DriverResult> {
    if (!this.up) return this.away();
    const r = await this.inner.apply(target, transitionMs, timing);
    if (!r.ok) this.link.reportFailure(r.error);
    return r.ok ? r : this.up ? r : this.away();
  }

  async readState(): Promise<Result<DeviceState>> {
    if (!this.up) return this.away();
    const d = this.inner;
    let r: Result<DeviceState>;
    if (d.readState) r = await d.readState();
    else {
      const v = await d.read();
      r = v
        ? { ok: true, value: { on: v.level > 0, level: v.level, kelvin: v.kelvin, reachable: true } }
        : { ok: false, error: 'no reading' };
    }
    if (!r.ok) this.link.reportFailure(r.error);
    return r.ok ? r : this.up ? r : this.away();
  }

  async read(): Promise<LightTarget | null> {
    const r = await this.readState();
    return r.ok && r.value.reachable
      ? { level: r.value.on ? r.value.level : 0, kelvin: r.value.kelvin ?? this.capabilities.kelvinRange[0] }
      : null;
  }

  supersede(): void {
    this.inner.supersede?.();
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Safe state wants this light: its device is tried again every second while away. */
  wake(): void {
    this.link.hurry();
  }

  /** The level as the light's own app shows it, when the driver knows. */
  appPercent(level: number): number | null {
    return this.inner.appPercent?.(level) ?? null;
  }
}
