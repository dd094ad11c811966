/**
 * Fades for devices without a native transition (WiZ, or a bulb found to ignore durations):
 * steps of at most ~1 L* at the device's pace. Each step waits for the previous one's answer,
 * so a slow device lags behind but never jumps; a new fade takes over from the last step sent.
 */
import type { DriverResult, LightDriver, LightTarget, Timers } from './driver';
import { planSteps } from './fade';

interface Run {
  cancelTimer: () => void;
  done: (r: DriverResult) => void;
  stopped: boolean;
}

export class SteppedFade {
  private last: LightTarget | null = null;
  private run: Run | null = null;
  private inFlight: Promise<void> | null = null;
  private calls = 0;
  /** Bumped by `reset`: answers to steps sent before it no longer tell where the device is. */
  private gen = 0;

  constructor(
    private readonly driver: LightDriver,
    private readonly timers: Timers,
  ) {}

  /** What the device shows, as far as we know (the last step it confirmed). */
  get level(): LightTarget | null {
    return this.last ? { ...this.last } : null;
  }

  /** Forgets the device's level (it was offline; read it again before stepping). */
  reset(known: LightTarget | null): void {
    this.stop();
    this.gen++;
    this.last = known ? { ...known } : null;
  }

  /** Stops the current fade; its caller gets `ok` (it was replaced, not failed). */
  stop(): void {
    const r = this.run;
    if (!r) return;
    r.stopped = true;
    r.cancelTimer();
    this.run = null;
    r.done({ ok: true });
  }

  /** Fades from where the device is (or `from` when unknown) to `to` over `durationMs`. */
  async go(from: LightTarget, to: LightTarget, durationMs: number): Promise<DriverResult> {
    this.stop();
    const mine = ++this.calls;
    // A step still on the wire decides where the device is: wait for it before planning.
    if (this.inFlight) await this.inFlight;
    if (mine !== this.calls) return { ok: true }; // a newer fade took over meanwhile
    const start = this.last ?? from;
    const steps = planSteps(start, to, durationMs, this.driver.capabilities.minIntervalMs);
    const t0 = this.timers.now();
    const gen = this.gen;
    return new Promise<DriverResult>((resolve) => {
      const run: Run = { cancelTimer: () => {}, done: resolve, stopped: false };
      this.run = run;
      let i = 0;
      const finish = (r: DriverResult) => {
        if (this.run === run) this.run = null;
        if (!run.stopped) {
          run.stopped = true;
          resolve(r);
        }
      };
      const next = () => {
        if (run.stopped) return;
        const step = steps[i];
        if (!step) return finish({ ok: true });
        const sent = this.driver.apply(step.target, 0).then(
          (r) => {
            if (r.ok && gen === this.gen) this.last = { ...step.target };
            if (run.stopped) return;
            if (!r.ok) return finish(r);
            i++;
            const following = steps[i];
            if (!following) return finish({ ok: true });
            const wait = Math.max(0, t0 + following.at - this.timers.now());
            run.cancelTimer = this.timers.after(wait, next);
          },
          (err: unknown) => finish({ ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        const settled = sent.then(() => {
          if (this.inFlight === settled) this.inFlight = null;
        });
        this.inFlight = settled;
      };
      next();
    });
  }
}
