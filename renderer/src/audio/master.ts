/**
 * The master bus: every voice → master gain → speakers, with an analyser tapped after the
 * master so the panel can show that sound really flows. Safe state lowers the master by 12 dB
 * (2.5 s) and brings it back slowly (5 s); Howler.volume() is never used (it also sets every
 * element's volume, which doubles the change).
 */
import { applyPlan, blendFrom, constantPlan, dbRampPlan, type GainPlan, type ScheduledGain, valueAt } from './gain';

export const SAFE_DB = -12;
export const SAFE_DOWN_MS = 2500;
export const SAFE_UP_MS = 5000;
/** Below this the output counts as silence. */
const FLOW_FLOOR_DB = -80;

export class MasterBus {
  readonly input: GainNode;
  private readonly analyser: AnalyserNode;
  private readonly samples: Float32Array<ArrayBuffer>;
  private scheduled: ScheduledGain | null = null;
  private targetDb: number | null = null;

  constructor(private readonly ctx: AudioContext) {
    this.input = ctx.createGain();
    this.input.gain.value = 1;
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 2048;
    this.analyser.smoothingTimeConstant = 0;
    this.samples = new Float32Array(this.analyser.fftSize);
    this.input.connect(ctx.destination);
    // A tap: Chromium pulls an analyser without it being connected onwards.
    this.input.connect(this.analyser);
  }

  /** Moves the master to `db` (0 or SAFE_DB). `immediate` for the first state after a load. */
  setLevel(db: number, now: number, immediate: boolean): void {
    if (db === this.targetDb) return;
    const goingDown = this.targetDb === null || db < this.targetDb;
    this.targetDb = db;
    if (immediate || !this.scheduled) {
      this.apply(now, constantPlan(10 ** (db / 20)));
      return;
    }
    const from = valueAt(this.scheduled, this.ctx.currentTime);
    this.apply(now, dbRampPlan(from, db, now, goingDown ? SAFE_DOWN_MS : SAFE_UP_MS));
  }

  /** After the audio clock stopped or jumped: lay the same ramp onto the clock again. */
  realign(now: number): void {
    if (this.scheduled) this.apply(now, this.scheduled.plan);
  }

  private apply(now: number, plan: GainPlan): void {
    const v0 = this.scheduled ? valueAt(this.scheduled, this.ctx.currentTime) : 1;
    this.scheduled = applyPlan(this.input.gain, this.ctx, now, this.scheduled ? blendFrom(plan, now, v0) : plan);
  }

  gain(): number {
    return this.scheduled ? valueAt(this.scheduled, this.ctx.currentTime) : 1;
  }

  /** RMS of the last ~43 ms of output in dBFS (−120 for digital silence). */
  rmsDb(): number {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const v of this.samples) sum += v * v;
    const rms = Math.sqrt(sum / this.samples.length);
    return rms > 1e-6 ? Math.max(-120, 20 * Math.log10(rms)) : -120;
  }

  static flowing(db: number): boolean {
    return db > FLOW_FLOOR_DB;
  }

  dispose(): void {
    this.input.disconnect();
    this.analyser.disconnect();
  }
}
