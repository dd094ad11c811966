/**
 * What every light driver offers. Drivers never throw into the session: failures come back
 * as values, are logged and shown quietly. Error texts never contain keys or tokens.
 */

/** A light target: perceptual level (CIE L*, 0–100; 0 means off) and colour temperature. */
export interface LightTarget {
  level: number;
  kelvin: number;
}

export interface LightCapabilities {
  /** The device fades by itself when given a transition. */
  nativeTransition: boolean;
  /** Longest single native transition, ms (longer fades are split into segments). */
  maxTransitionMs: number;
  /** Shortest interval between commands this device tolerates, ms. */
  minIntervalMs: number;
  color: boolean;
  kelvinRange: [number, number];
  /** Whether colour temperature can be set at all (a dimmable-only bulb says false). */
  kelvin?: boolean;
  /**
   * Lowest perceptual level the light shows while on (its smallest device step). Levels
   * between 0 and this are held at this step, never turned off.
   */
  minLevel?: number;
  /** Follows the timeline tick by tick with no fade planning (the on-screen lamp). */
  mirror?: boolean;
}

export type DriverResult = { ok: true } | { ok: false; error: string };

/** A value or a readable failure; used wherever a device or network answer is involved. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** What a device says about itself. `level` is perceptual (L*), converted from device units. */
export interface DeviceState {
  on: boolean;
  level: number;
  kelvin: number | null;
  /** False when the controller (bridge, Zigbee2MQTT, Home Assistant) says the light is unreachable. */
  reachable: boolean;
}

/** Something a driver may report without being asked (Zigbee2MQTT availability, for instance). */
export type DriverEvent = 'reachable' | 'unreachable';

/**
 * When a command should end, for commands that may wait for a bridge's or broker's budget:
 * the transition is shortened by the time spent waiting (lights sent one after another still
 * arrive together), never below `minMs` (the gentlest allowed) and never above the asked length.
 */
export interface ApplyTiming {
  endAt: number;
  minMs: number;
}

/** The transition to put on the wire at `now` for a command asked as `ms` with `timing`. */
export function transitionAt(now: number, ms: number, timing?: ApplyTiming): number {
  if (!timing) return ms;
  return Math.round(Math.max(timing.minMs, Math.min(ms, timing.endAt - now)));
}

export interface LightDriver {
  readonly id: string;
  readonly name: string;
  readonly capabilities: LightCapabilities;
  /** Moves the light to `target` over `transitionMs` (shortened per `timing` when it had to wait). */
  apply(target: LightTarget, transitionMs: number, timing?: ApplyTiming): Promise<DriverResult>;
  /** What the device reports now, or null when it cannot say. */
  read(): Promise<LightTarget | null>;
  /** Which protocol drives this light (for the lights view and the status line). */
  readonly protocol?: string;
  /** Like `read`, but tells an unreachable device apart from one that cannot say. */
  readState?(): Promise<Result<DeviceState>>;
  /** A group command now covers this light: drop its commands still waiting to be sent. */
  supersede?(): void;
  /** Reports reachability changes the controller announces; returns an unsubscribe. */
  subscribe?(listener: (event: DriverEvent) => void): () => void;
  /** Safe state wants this light while it is away: try its connection again promptly. */
  wake?(): void;
  /** A perceptual level as the light's own app would show it, in % (Hue app, Zigbee2MQTT, Home Assistant). */
  appPercent?(level: number): number | null;
}

/** A light found by discovery or a manual address, before the user adds it to the room. */
export interface FoundLight {
  protocol: string;
  id: string;
  name: string;
  address: string;
}

/** Injected time: tests and benchmarks run long fades in milliseconds. */
export interface Timers {
  now(): number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  after(ms, fn) {
    const h = setTimeout(fn, Math.max(0, ms));
    h.unref?.();
    return () => clearTimeout(h);
  },
};

export const okResult: DriverResult = { ok: true };
export const failed = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** Waits `ms` on the given timers (resolves early, with false, when `signal` aborts). */
export function sleep(timers: Timers, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      cancel();
      resolve(false);
    };
    const cancel = timers.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Message of anything thrown, for the rare place a library throws. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
