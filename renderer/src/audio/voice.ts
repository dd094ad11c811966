/**
 * One segment of the timeline, sounding: an html5 Howl (streams; never decodes a whole
 * 20-minute file) whose `<audio>` element is routed through Web Audio —
 * element → delay line (the pre-roll, `preroll.ts`) → trim gain → fade gain → the master
 * bus. The element's own volume stays 1. The trim carries the track's loudness gain (it may
 * exceed 1) and glides over seconds when a measurement arrives mid-track; the fade gain carries
 * the timeline's envelope × phase level and is 0 before the element ever plays.
 */

import type { AudioSegment } from '@core/timeline';
import { Howl } from 'howler';
import { alarmAt } from './alarm';
import type { ClockMapping } from './clock';
import {
  applyPlan,
  blendFrom,
  constantPlan,
  fadeOutPlan,
  type GainPlan,
  leaveFadeMs,
  rampPlan,
  type ScheduledGain,
  segmentPlan,
  TRIM_RAMP_MS,
  valueAt,
} from './gain';
import { mediaElementOf, provideHtml5Element, releaseElementsQuietly } from './howlInternals';
import { alignedDelayMs, initialDelayMs, MAX_DELAY_MS, settledReadingMs, timeForAnotherReading } from './preroll';

/** A late start (reload, a start timer that fired late) further in than this joins with a resume fade. */
const RESUME_THRESHOLD_MS = 300;
/** Playback that waits or stands still this long while it should advance is a failure. */
export const STALL_MS = 2000;
/** An element that ends this much before its planned fade-out leaves dead air: a failure. */
const EARLY_END_MS = 2000;

/**
 * Measuring an on-time start. An `<audio>` element cannot be started at an audio-clock time
 * (only Web Audio's own sources can), and how long `play()` takes to sound varies. So the start
 * is asked on the audio clock early (the pre-roll, plus a learned latency), and shortly after it
 * sounds the element's position is compared with where the plan puts it (element and audio
 * clock read as one pair); the delay line then takes up exactly how early it is (`preroll.ts`),
 * and the engine learns the latency. Taking the rest up by a brief change of playback
 * rate was tried and left out: with the pitch kept (Chromium's WSOLA) every nudge left the
 * music 15–25 ms *later* in the recording; resampling converged but bends the pitch, and the
 * element's reported position is not trustworthy while the rate is not 1.
 */
/** First look this long after the element reports playing (its first position settles). */
const ALIGN_FIRST_LOOK_MS = 60;
const MAX_ALIGN_ROUNDS = 6;
/** Readings per measurement, at most, this far apart (ms): see `alignStep`. */
const ALIGN_READINGS = 5;
const ALIGN_READING_GAP_MS = 20;

/** A `createMediaElementSource` can only be made once per element (each voice has a new one: see `howlInternals.ts`). */
const sources = new WeakMap<HTMLMediaElement, MediaElementAudioSourceNode>();

export type VoiceState = 'loading' | 'ready' | 'playing' | 'leaving' | 'gone';

export interface VoiceDeps {
  ctx: AudioContext;
  output: AudioNode;
  /** The engine's one mapping of host wall time onto the audio clock. */
  clock: ClockMapping;
  url: string;
  format: string;
  /** The track's loudness gain (dB) to start with. */
  trimDb: number;
  nowWall(): number;
  /** Something is wrong with this track (load, decode, stall, early end). Called at most once. */
  onFailure(voice: Voice, reason: string): void;
  /** The browser refused to start playback (autoplay policy): retry after a user gesture. */
  onBlocked(voice: Voice): void;
}

export class Voice {
  state: VoiceState = 'loading';
  /** Set when the browser refused play(); `start` again after a gesture. */
  blocked = false;
  private readonly howl: Howl;
  private readonly el: HTMLAudioElement | null;
  private readonly source: MediaElementAudioSourceNode | null = null;
  private readonly delay: DelayNode;
  /** The delay line's delay now (ms): how far the music trails its element. */
  private delayMs = 0;
  /** The delay an on-time start began with (ms), for how late it would have sounded without alignment. */
  private startDelayMs = 0;
  private readonly trim: GainNode;
  private readonly fade: GainNode;
  private scheduled: ScheduledGain | null = null;
  private trimScheduled: ScheduledGain | null = null;
  private trimDb: number;
  /** How late the music itself started against its planned start (ms; + = late), measured once ~1 s in. */
  startErrorMs: number | null = null;
  /** The element's first measured error after an on-time start, before any nudge (ms; + = late). */
  firstErrorMs: number | null = null;
  /** Each error measured while aligning (ms), for the debug view. */
  readonly alignErrors: number[] = [];
  /** The engine has learned from `firstErrorMs`. */
  learned = false;
  private alignRounds = 0;
  private readings: number[] = [];
  /** When the pending alignment alarm is due (wall ms), and how late the last one fired (ms). */
  private alignDueAt = 0;
  private alignLateMs = 0;
  private alignCancel: (() => void) | null = null;
  private startCancel: (() => void) | null = null;
  private resumeAt: number | null = null;
  private playCalledAt = 0;
  private sawPlaying = false;
  private waitingSince: number | null = null;
  private lastPos = -1;
  private lastAdvance = 0;
  private failed = false;
  leaveUntil = 0;
  private readonly detach: Array<() => void> = [];

  constructor(
    readonly key: string,
    public seg: AudioSegment,
    private readonly deps: VoiceDeps,
  ) {
    const { ctx } = deps;
    this.delay = ctx.createDelay(MAX_DELAY_MS / 1000);
    this.delay.delayTime.value = 0;
    this.trim = ctx.createGain();
    this.fade = ctx.createGain();
    this.trimDb = deps.trimDb;
    this.trim.gain.value = 10 ** (deps.trimDb / 20);
    this.fade.gain.value = 0; // never sound before the plan says so
    this.delay.connect(this.trim).connect(this.fade).connect(deps.output);

    provideHtml5Element();
    this.howl = new Howl({
      src: [deps.url],
      format: [deps.format],
      html5: true,
      preload: true,
      volume: 1,
      onload: () => {
        if (this.state === 'loading') this.state = 'ready';
      },
      onloaderror: (_id, err) => this.fail(`could not load the file (${describeMediaError(err)})`),
      onplayerror: () => {
        const e = this.el?.error;
        if (e) this.fail(`could not play the file (${describeMediaError(e.code)})`);
        else {
          this.blocked = true;
          // Nothing sounds while refused: hold the fade at 0 so the retry fades in from silence.
          this.scheduled = applyPlan(this.fade.gain, this.deps.clock, this.deps.nowWall(), constantPlan(0));
          this.deps.onBlocked(this);
        }
      },
      onend: () => {
        const now = this.deps.nowWall();
        if (this.state === 'playing' && now < this.seg.fadeOutStart - EARLY_END_MS) {
          this.fail(`the file ended ${Math.round((this.seg.fadeOutStart - now) / 1000)} s before its planned end`);
        }
      },
    });

    releaseElementsQuietly(this.howl);
    this.el = mediaElementOf(this.howl);
    if (!this.el) {
      queueMicrotask(() => this.fail('the player made no audio element for it'));
      return;
    }
    const el = this.el;
    el.volume = 1;
    if (new URL(deps.url, location.href).origin !== location.origin) {
      // A routed cross-origin element outputs silence unless it was fetched in CORS mode.
      el.crossOrigin = 'anonymous';
      el.load();
    }
    let source = sources.get(el);
    if (!source) {
      source = ctx.createMediaElementSource(el);
      sources.set(el, source);
    }
    source.disconnect();
    source.connect(this.delay);
    this.source = source;

    const on = (type: string, fn: () => void): void => {
      el.addEventListener(type, fn);
      this.detach.push(() => el.removeEventListener(type, fn));
    };
    on('waiting', () => {
      this.waitingSince ??= this.deps.nowWall();
    });
    on('playing', () => {
      this.waitingSince = null;
      if (!this.sawPlaying) {
        this.sawPlaying = true;
        if (this.resumeAt === null && this.state === 'playing') this.alignIn(ALIGN_FIRST_LOOK_MS);
        // A late join fades in from when sound really begins, not from when play() was asked.
        const now = this.deps.nowWall();
        if (this.resumeAt !== null && now - this.resumeAt > 150 && this.state === 'playing') {
          this.resumeAt = now;
          this.reschedule(now);
        }
      }
    });
    on('error', () => {
      if (el.error) this.fail(`playback error (${describeMediaError(el.error.code)})`);
    });
  }

  get started(): boolean {
    return this.state === 'playing' || this.state === 'leaving';
  }

  /** Whether a start is armed on the audio clock. */
  get armed(): boolean {
    return this.startCancel !== null;
  }

  /** Starts the element when the audio clock reaches host time `atWall` (see `alarm.ts`). */
  armStart(atWall: number): void {
    this.disarm();
    this.startCancel = alarmAt(this.deps.ctx, this.fade, this.deps.clock.toCtx(atWall), () => {
      this.startCancel = null;
      if (!this.started) this.start(this.deps.nowWall());
    });
  }

  /** Cancels an armed start (the plan moved). */
  disarm(): void {
    this.startCancel?.();
    this.startCancel = null;
  }

  /** Starts (or, after a refused play, restarts) at the position the wall clock says. */
  start(now: number): void {
    if (this.state === 'leaving' || this.state === 'gone' || this.failed) return;
    this.disarm();
    const elapsed = Math.max(0, now - this.seg.start);
    const late = elapsed > RESUME_THRESHOLD_MS || this.blocked;
    const pos = this.seg.offsetS + (late ? elapsed / 1000 : 0);
    const duration = this.howl.state() === 'loaded' ? this.howl.duration() : 0;
    if (duration > 0 && pos >= duration - 0.25) {
      this.fail(`the file is ${Math.round(duration)} s long but was planned for longer`);
      return;
    }
    this.blocked = false;
    // The element is silent until it plays: every start rises from 0, never from a level left over.
    this.scheduled = null;
    this.resumeAt = late ? now : null;
    this.sawPlaying = false;
    this.state = 'playing';
    this.playCalledAt = now;
    this.lastAdvance = now;
    this.lastPos = -1;
    this.waitingSince = null;
    this.alignRounds = 0;
    this.readings = [];
    this.alignLateMs = 0;
    // Started early on time: the delay line holds the music back by that much until it is measured.
    this.startDelayMs = late ? 0 : initialDelayMs(this.seg.start - now);
    this.setDelay(this.startDelayMs);
    this.reschedule(now);
    if (pos > 0.01) this.howl.seek(pos);
    this.howl.play();
  }

  /**
   * Where the element is against the music's planned place (ms, + = behind); null while it
   * cannot say. The element's position and the audio clock are read in one task and compared
   * with each other, never with the wall clock: Chromium advances both when the audio thread
   * renders a buffer, so the pair is consistent while either alone is up to a buffer (tens of
   * ms) stale. What is heard trails the element by the delay line (`offPlanMs`).
   */
  private elementOffPlanMs(): number | null {
    const el = this.el;
    if (!el || el.paused || el.seeking || this.state !== 'playing') return null;
    const ctxS = this.deps.ctx.currentTime;
    const pos = el.currentTime;
    return this.deps.clock.toWall(ctxS) - this.seg.start - (pos - this.seg.offsetS) * 1000;
  }

  /** Where the music heard is against its planned place (ms, + = behind); null while it cannot say. */
  private offPlanMs(): number | null {
    const e = this.elementOffPlanMs();
    return e === null ? null : e + this.delayMs;
  }

  private setDelay(ms: number): void {
    this.delayMs = ms;
    const p = this.delay.delayTime;
    p.cancelScheduledValues(0);
    p.setValueAtTime(ms / 1000, this.deps.ctx.currentTime);
  }

  /**
   * The next reading, by a wall-clock timer — not an audio-clock alarm. An alarm fires just
   * after the audio thread has rendered, when the audio clock has moved on and the element's
   * position has not yet: every reading taken there leans the same way, and the music sounded
   * 2.5–2.7 ms early in every recorded start. Timer readings fall anywhere in the render cycle,
   * and their median matches the recording within a few tenths of a ms (`npm run bench`).
   */
  private alignIn(ms: number): void {
    this.alignCancel?.();
    this.alignDueAt = this.deps.nowWall() + ms;
    const timer = setTimeout(() => {
      this.alignCancel = null;
      this.alignLateMs = Math.max(0, this.deps.nowWall() - this.alignDueAt);
      this.alignStep();
    }, ms);
    this.alignCancel = () => clearTimeout(timer);
  }

  /**
   * Measures an on-time start: up to `ALIGN_READINGS` readings, of which the median counts
   * (`settledReadingMs`) — on a busy page the element's position is sometimes reported from an
   * older render (behind by tens of ms), or just across a render quantum. It stops early when
   * the next reading, as late as the alarms are firing now, would come after the delay line has
   * begun to let the music out: fewer readings in time beat more too late.
   */
  private alignStep(): void {
    const el = this.el;
    if (!el || this.resumeAt !== null || this.state !== 'playing' || this.firstErrorMs !== null) return;
    const reading = this.elementOffPlanMs();
    if (reading === null) {
      if (this.alignRounds++ < MAX_ALIGN_ROUNDS) this.alignIn(ALIGN_FIRST_LOOK_MS);
      return;
    }
    this.readings.push(reading);
    const settled = settledReadingMs(this.readings) ?? reading;
    const nowFromPlan = this.deps.nowWall() - this.seg.start;
    const nextIn = ALIGN_READING_GAP_MS + this.alignLateMs;
    if (this.readings.length < ALIGN_READINGS && timeForAnotherReading(settled, this.delayMs, nowFromPlan, nextIn)) {
      this.alignIn(ALIGN_READING_GAP_MS);
      return;
    }
    const err = settled;
    this.readings = [];
    // How late it would have sounded as it was started; the engine learns the latency from it.
    this.firstErrorMs = err + this.startDelayMs;
    this.alignErrors.push(Math.round(this.firstErrorMs * 10) / 10);
    const delay = alignedDelayMs(err, this.delayMs, this.deps.nowWall() - this.seg.start);
    if (delay !== null) this.setDelay(delay);
  }

  /**
   * The track's loudness gain changed (its measurement arrived). Before it sounds the trim
   * simply takes the new value; while it sounds the change glides over `TRIM_RAMP_MS`, evenly
   * in decibels, so the room never hears a jump.
   */
  setTrim(db: number, now: number): void {
    if (Math.abs(db - this.trimDb) < 0.05) return;
    this.trimDb = db;
    const target = 10 ** (db / 20);
    const clock = this.deps.clock;
    const from = this.trimScheduled ? valueAt(this.trimScheduled, clock.toCtx(now)) : this.trim.gain.value;
    const plan = this.started ? rampPlan(from, target, now, TRIM_RAMP_MS) : constantPlan(target);
    this.trimScheduled = applyPlan(this.trim.gain, clock, now, plan);
  }

  /** The loudness trim sounding now (linear). */
  trimGain(): number {
    return this.trimScheduled ? valueAt(this.trimScheduled, this.deps.clock.toCtx(this.deps.nowWall())) : this.trim.gain.value;
  }

  /**
   * Once, about a second after an on-time start: how far the music is behind (or ahead of)
   * where the plan says it should be. The fades themselves run on the audio clock; this is
   * the error of the track's own start against them.
   */
  measureStart(now: number): void {
    if (this.startErrorMs !== null || this.state !== 'playing' || !this.sawPlaying || !this.el || this.resumeAt !== null) return;
    const since = now - this.seg.start;
    if (since < 1000 || since > 5000) return;
    const err = this.offPlanMs();
    if (err !== null) this.startErrorMs = Math.round(err * 10) / 10;
  }

  /** Re-applies the current segment's envelope, gliding from whatever level is sounding now. */
  reschedule(now: number): void {
    if (this.state !== 'playing') return;
    this.setPlan(now, segmentPlan(this.seg, this.resumeAt));
  }

  /**
   * Fades out over `wantedMs` (or over what is still buffered, when that is less: a file that
   * changed under it may have no more to give) and stops.
   */
  leave(now: number, wantedMs: number): void {
    if (this.state === 'gone' || this.state === 'leaving') return;
    this.disarm();
    this.stopAligning();
    if (this.state !== 'playing') {
      this.dispose();
      return;
    }
    const ms = leaveFadeMs(wantedMs, this.bufferedAheadMs());
    const current = this.scheduled?.plan ?? constantPlan(0);
    this.setPlan(now, fadeOutPlan(current, now, ms));
    this.state = 'leaving';
    this.leaveUntil = now + ms + 300;
  }

  /** After the audio clock was stopped or jumped: lay the same plan onto the clock again. */
  realign(now: number): void {
    if (!this.scheduled || !this.started) return;
    this.setPlan(now, this.scheduled.plan);
  }

  private stopAligning(): void {
    this.alignCancel?.();
    this.alignCancel = null;
  }

  private setPlan(now: number, plan: GainPlan): void {
    const clock = this.deps.clock;
    const v0 = this.scheduled ? valueAt(this.scheduled, clock.toCtx(now)) : 0;
    this.scheduled = applyPlan(this.fade.gain, clock, now, blendFrom(plan, now, v0));
  }

  /**
   * Returns a reason when playback should be advancing and is not: waiting for data, or a
   * position that stands still. `okSince` is when the audio clock was last known to run; a
   * stopped clock freezes routed elements and is not the track's fault.
   */
  checkStall(now: number, okSince: number | null): string | null {
    if (this.state !== 'playing' || this.blocked || this.failed || !this.el || okSince === null) return null;
    if (this.el.ended || now >= this.seg.end) return null;
    const pos = this.el.currentTime;
    if (pos !== this.lastPos) {
      this.lastPos = pos;
      this.lastAdvance = now;
    }
    const since = Math.max(this.lastAdvance, this.playCalledAt, okSince);
    if (now - since <= STALL_MS) return null;
    if (this.waitingSince !== null) return `playback stalled waiting for data for more than ${STALL_MS / 1000} s`;
    if (this.el.paused && this.sawPlaying) {
      // Something outside paused it (a media key, the system): music must not stop by accident.
      void this.el.play().catch(() => undefined);
      this.lastAdvance = now;
      return null;
    }
    return `playback stopped advancing for more than ${STALL_MS / 1000} s`;
  }

  private fail(reason: string): void {
    if (this.failed || this.state === 'gone') return;
    this.failed = true;
    this.deps.onFailure(this, reason);
  }

  /** How much audio is buffered ahead of where it plays (ms); null when the element cannot say. */
  bufferedAheadMs(): number | null {
    const el = this.el;
    if (!el) return null;
    if (el.ended) return 0;
    const t = el.currentTime;
    const ranges = el.buffered;
    for (let i = 0; i < ranges.length; i++) {
      if (ranges.start(i) <= t + 0.05 && ranges.end(i) > t) return (ranges.end(i) - t) * 1000;
    }
    return ranges.length > 0 ? 0 : null;
  }

  /** Where in the file it is (s). */
  position(): number {
    return this.el ? this.el.currentTime : 0;
  }

  /** The fade gain sounding now. */
  gain(): number {
    if (!this.scheduled) return 0;
    return valueAt(this.scheduled, this.deps.clock.toCtx(this.deps.nowWall()));
  }

  /** Stops at once (callers fade first) and releases everything. */
  dispose(): void {
    if (this.state === 'gone') return;
    this.state = 'gone';
    this.disarm();
    this.stopAligning();
    for (const d of this.detach.splice(0)) d();
    this.fade.gain.cancelScheduledValues(0);
    this.fade.gain.setValueAtTime(0, this.deps.ctx.currentTime);
    this.trim.gain.cancelScheduledValues(0);
    try {
      this.howl.unload();
    } catch (err) {
      console.warn('audio: unloading a track failed', err);
    }
    this.source?.disconnect();
    this.delay.disconnect();
    this.trim.disconnect();
    this.fade.disconnect();
  }
}

function describeMediaError(err: unknown): string {
  switch (err) {
    case 1:
      return 'loading was aborted';
    case 2:
      return 'a network error';
    case 3:
      return 'the file could not be decoded';
    case 4:
      return 'the format is not supported or the file was not found';
    default:
      return typeof err === 'string' && err.length > 0 ? err.slice(0, 200) : 'unknown error';
  }
}
