/**
 * What every light driver offers. Drivers never throw into the session: failures come back
 * as values, are logged and shown quietly.
 */

/** A light target: perceptual level (CIE L*, 0–100) and colour temperature. */
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
}

export type DriverResult = { ok: true } | { ok: false; error: string };

export interface LightDriver {
  readonly id: string;
  readonly name: string;
  readonly capabilities: LightCapabilities;
  /** Moves the light to `target` over `transitionMs`. */
  apply(target: LightTarget, transitionMs: number): Promise<DriverResult>;
  /** What the device reports now, or null when it cannot say. */
  read(): Promise<LightTarget | null>;
}
