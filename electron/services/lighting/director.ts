/**
 * The lighting director plays the timeline's light keyframes on every driver of the room.
 * Each tick it works out where the light should be *now* (perceptually interpolated) and
 * sends that with a transition as long as the tick, so a device that fades natively glides
 * and a restarted director picks up at the right level instead of replaying a fade.
 */
import { type LightKeyframe, lightAt } from '../../core/timeline';
import type { LightDriver, LightTarget } from './driver';

export interface DriverStatus {
  id: string;
  name: string;
  lastOkAt: number | null;
  lastError: string | null;
}

/** Smallest change worth a command: well below what the eye can tell apart (about 1 L*). */
const MIN_LEVEL_STEP = 0.1;
const MIN_KELVIN_STEP = 5;
/** Re-send the target now and then so a device that missed a command catches up gently. */
const REFRESH_MS = 30_000;

export class LightingDirector {
  private frames: readonly LightKeyframe[] = [];
  private base: LightTarget;
  private sent = new Map<string, { target: LightTarget; at: number }>();
  private pending = new Set<string>();
  private statuses = new Map<string, DriverStatus>();
  private current: LightTarget & { moving: boolean };

  constructor(
    private readonly drivers: LightDriver[],
    base: LightTarget,
    private readonly tickMs = 1000,
  ) {
    this.base = { ...base };
    this.current = { ...base, moving: false };
    for (const d of drivers) this.statuses.set(d.id, { id: d.id, name: d.name, lastOkAt: null, lastError: null });
  }

  /** New keyframes (or none: the room rests at `base`, the working light). */
  setKeyframes(frames: readonly LightKeyframe[] | null, base: LightTarget): void {
    this.frames = frames ?? [];
    this.base = { ...base };
  }

  /** Where the light should be at `now`. */
  targetAt(now: number): LightTarget & { moving: boolean } {
    if (this.frames.length === 0) return { ...this.base, moving: false };
    const v = lightAt(this.frames, now, this.base);
    return { level: v.level, kelvin: v.kelvin, moving: v.moving };
  }

  /** One step: compute the target and send it where it changed. Never throws, never waits. */
  tick(now: number): LightTarget & { moving: boolean } {
    const t = this.targetAt(now);
    this.current = t;
    for (const d of this.drivers) {
      if (this.pending.has(d.id)) continue;
      const last = this.sent.get(d.id);
      const changed =
        !last ||
        Math.abs(last.target.level - t.level) >= MIN_LEVEL_STEP ||
        Math.abs(last.target.kelvin - t.kelvin) >= MIN_KELVIN_STEP ||
        now - last.at >= REFRESH_MS;
      if (!changed) continue;
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
            this.sent.set(d.id, { target, at: now });
          } else status.lastError = r.error;
        })
        .catch((err: unknown) => {
          if (status) status.lastError = err instanceof Error ? err.message : String(err);
        })
        .finally(() => this.pending.delete(d.id));
    }
    return t;
  }

  status(): DriverStatus[] {
    return [...this.statuses.values()].map((s) => ({ ...s }));
  }

  get now(): LightTarget & { moving: boolean } {
    return { ...this.current };
  }
}
