/**
 * The master bus: every voice → safe → level → duck → mute → route → speakers, one GainNode
 * per concern so each moves at its own pace without disturbing the others, and an analyser
 * tapped at the end so the panel can show that sound really flows.
 *
 * - safe: safe state lowers the music by 12 dB in 2.5 s, moving at once, and brings it back over 5 s;
 * - level: the therapist's music level (dB below the plan), glided over 1.5 s;
 * - duck: down by `DUCK_DB` over 2 s while the therapist speaks, back over 2 s;
 * - mute: to silence over 1.5 s, back over 2 s (the music plays on, so it returns in place);
 * - route: a short dip while the output moves to another device.
 *
 * Howler.volume() is never used (it also sets every element's volume, which doubles the change).
 */
import type { ClockMapping } from './clock';
import { applyPlan, constantPlan, type Ease, rampPlan, type ScheduledGain, valueAt } from './gain';

/** The engine's clock: its mapping onto the audio clock and the host wall time now. */
export interface BusClock extends ClockMapping {
  now(): number;
}

export const SAFE_DB = -12;
export const SAFE_DOWN_MS = 2500;
export const SAFE_UP_MS = 5000;
export const LEVEL_MS = 1500;
export const DUCK_DOWN_MS = 2000;
export const DUCK_UP_MS = 2000;
export const MUTE_DOWN_MS = 1500;
export const MUTE_UP_MS = 2000;
/** Moving to another output: down quickly, switch, up gently. */
export const ROUTE_DOWN_MS = 300;
export const ROUTE_UP_MS = 1500;
/** Below this the output counts as silence. */
const FLOW_FLOOR_DB = -80;

/** One gain stage: remembers what it scheduled so the next move starts from what is sounding. */
export class Stage {
  readonly node: GainNode;
  private scheduled: ScheduledGain | null = null;
  private target: number | null = null;

  constructor(
    ctx: AudioContext,
    private readonly clock: BusClock,
  ) {
    this.node = ctx.createGain();
    this.node.gain.value = 1;
  }

  /** Moves to `gain` over `ms`; `immediate` jumps (nothing audible depends on it, e.g. nothing plays yet). */
  moveTo(gain: number, now: number, ms: number, immediate = false, ease: Ease = 'inOut'): void {
    if (gain === this.target && !immediate) return;
    const from = this.value();
    this.target = gain;
    const plan = immediate || !this.scheduled ? constantPlan(gain) : rampPlan(from, gain, now, ms, ease);
    this.scheduled = applyPlan(this.node.gain, this.clock, now, plan);
  }

  /**
   * Holds `gain` from the audio clock's own now, whatever the mapping says: for the moment an
   * output is switched, when the clock may have stood still and a mapped move never sounded.
   */
  holdNow(gain: number, now: number): void {
    this.target = gain;
    this.scheduled = applyPlan(this.node.gain, this.clock, now, constantPlan(gain));
    this.node.gain.cancelScheduledValues(0);
    this.node.gain.setValueAtTime(gain, this.node.context.currentTime);
  }

  /** After the audio clock stopped or jumped: lay the same move onto the clock again. */
  realign(now: number): void {
    if (this.scheduled) this.scheduled = applyPlan(this.node.gain, this.clock, now, this.scheduled.plan);
  }

  value(): number {
    return this.scheduled ? valueAt(this.scheduled, this.clock.toCtx(this.clock.now())) : 1;
  }

  get targetGain(): number {
    return this.target ?? 1;
  }
}

const fromDb = (db: number): number => 10 ** (db / 20);

export interface MasterTargets {
  /** Safe state on. `null` leaves the stage as it is (after the session ended, the music fades on its own). */
  safe: boolean | null;
  levelDb: number;
  ducked: boolean;
  duckDb: number;
  muted: boolean;
}

export class MasterBus {
  readonly input: GainNode;
  private readonly safe: Stage;
  private readonly level: Stage;
  private readonly duck: Stage;
  private readonly mute: Stage;
  readonly route: Stage;
  private readonly analyser: AnalyserNode;
  private readonly samples: Float32Array<ArrayBuffer>;

  constructor(ctx: AudioContext, clock: BusClock) {
    this.safe = new Stage(ctx, clock);
    this.level = new Stage(ctx, clock);
    this.duck = new Stage(ctx, clock);
    this.mute = new Stage(ctx, clock);
    this.route = new Stage(ctx, clock);
    this.input = this.safe.node;
    this.safe.node.connect(this.level.node).connect(this.duck.node).connect(this.mute.node).connect(this.route.node);
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 2048;
    this.analyser.smoothingTimeConstant = 0;
    this.samples = new Float32Array(this.analyser.fftSize);
    this.route.node.connect(ctx.destination);
    // A tap: Chromium pulls an analyser without it being connected onwards.
    this.route.node.connect(this.analyser);
  }

  /** Moves every stage towards `t`; `immediate` when nothing is sounding (or on the first state after a load). */
  set(t: MasterTargets, now: number, immediate: boolean): void {
    if (t.safe !== null) {
      const goingDown = t.safe && this.safe.targetGain >= 1;
      // Down: it starts at once (the press is answered within a fraction of a second) and lands softly.
      this.safe.moveTo(t.safe ? fromDb(SAFE_DB) : 1, now, goingDown ? SAFE_DOWN_MS : SAFE_UP_MS, immediate, goingDown ? 'out' : 'inOut');
    }
    this.level.moveTo(fromDb(Math.min(0, t.levelDb)), now, LEVEL_MS, immediate);
    this.duck.moveTo(t.ducked ? fromDb(t.duckDb) : 1, now, t.ducked ? DUCK_DOWN_MS : DUCK_UP_MS, immediate);
    this.mute.moveTo(t.muted ? 0 : 1, now, t.muted ? MUTE_DOWN_MS : MUTE_UP_MS, immediate);
  }

  /** After the audio clock stopped or jumped: lay every stage's move onto the clock again. */
  realign(now: number): void {
    for (const s of [this.safe, this.level, this.duck, this.mute, this.route]) s.realign(now);
  }

  /** The product of the stages sounding now (1 = as planned). */
  gain(): number {
    return this.safe.value() * this.level.value() * this.duck.value() * this.mute.value() * this.route.value();
  }

  /** Each stage's gain now, for tests and the debug view. */
  stages(): Record<'safe' | 'level' | 'duck' | 'mute' | 'route', number> {
    return {
      safe: this.safe.value(),
      level: this.level.value(),
      duck: this.duck.value(),
      mute: this.mute.value(),
      route: this.route.value(),
    };
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
    for (const s of [this.safe, this.level, this.duck, this.mute, this.route]) s.node.disconnect();
    this.analyser.disconnect();
  }
}
