/**
 * How the director treats a light that stops answering: it is marked offline, retried with
 * growing pauses (at once when its controller says it is back), and when it answers again it is
 * eased to where the timeline is *now* over 10–30 s (see `planResync` in fade.ts) — or taken to
 * the safe level in 2.5 s while safe state wants the room lit — never first to full, never
 * replaying a missed fade.
 */

export type Health = 'unknown' | 'online' | 'offline';

export interface BackoffPolicy {
  firstMs: number;
  factor: number;
  maxMs: number;
}

/** A light that stops answering: 2 s, 4 s, 8 s, then every 15 s (its device's link retries on its own, see link.ts). */
export const BACKOFF: BackoffPolicy = { firstMs: 2_000, factor: 2, maxMs: 15_000 };

/** Pause before retry number `failures` (1-based). */
export function backoffMs(failures: number, policy: BackoffPolicy = BACKOFF): number {
  const n = Math.max(1, failures);
  return Math.min(policy.maxMs, policy.firstMs * policy.factor ** (n - 1));
}

/** How long a quiet device goes without a health read, ms. */
export const POLL_MS = 30_000;
/** A device reading this far (L*) from where it should be was changed behind our back (wall switch, power cut). */
export const DRIFT_LEVEL = 5;

/** One device's health, as shown quietly on the panel. */
export class DeviceHealth {
  health: Health = 'unknown';
  lastOkAt: number | null = null;
  lastError: string | null = null;
  lastErrorAt: number | null = null;
  failures = 0;
  nextTryAt = 0;

  constructor(private readonly policy: BackoffPolicy = BACKOFF) {}

  /** The device answered. Returns true when it was not online before (first contact or back again). */
  ok(now: number): boolean {
    const back = this.health !== 'online';
    this.health = 'online';
    this.lastOkAt = now;
    this.failures = 0;
    this.nextTryAt = 0;
    return back;
  }

  /** The device did not answer (or answered with an error). */
  fail(now: number, error: string): void {
    this.health = 'offline';
    this.lastError = error;
    this.lastErrorAt = now;
    this.failures++;
    this.nextTryAt = now + backoffMs(this.failures, this.policy);
  }

  /** Something says the device is back (an availability message): try at once. */
  retrySoon(now: number): void {
    if (this.health !== 'online') this.nextTryAt = Math.min(this.nextTryAt, now);
  }

  due(now: number): boolean {
    return this.health !== 'online' && now >= this.nextTryAt;
  }
}
