/**
 * The audio engine: plays the host's timeline by the host's wall clock. It is a plain class,
 * outside the store; `AudioDriver` feeds it snapshots and it reports a meter reading back.
 *
 * Scheduling: one timer, 200 ms apart while something is about to happen (a start to arm, a
 * start to measure, a voice to release) and once a second otherwise — an idle session on a
 * long track wakes the page once a second for the watchdog, the meter and this check. A tick
 * creates a voice (preloading) ~20 s before a segment starts, arms an exact timer for a start
 * that is imminent, starts anything whose time has come (seeking to where the wall clock says,
 * so a reload rejoins mid-track with a short fade-in), and releases voices after their end. Reconciling: a new timeline is matched by segment id — a voice whose
 * id persists keeps playing and only gets its fade curves re-laid; one whose id vanished fades
 * out over 1.5 s; one that has not started yet is kept (with its loaded file) when only its
 * timing changed, so a replacement for a failed track can start at once. Failures (load,
 * decode, stall > 2 s, early end) are reported to the host once per segment; the host
 * re-plans and the next track fades in.
 *
 * Levels: each voice's trim carries its track's loudness gain (from the host's snapshot,
 * the conservative gain until measured); the master bus carries safe state, the therapist's
 * level, the duck and the mute; the output router moves everything to the chosen device.
 */

import { unmeasuredGainDb } from '@core/gain';
import type { AudioSnapshot } from '@core/playback';
import { DUCK_DB } from '@core/record';
import type { SessionState } from '@core/session';
import type { AudioSegment, Timeline } from '@core/timeline';
import type { StillroomApi } from '@host/contract';
import { Howler } from 'howler';
import { AudioClockMap } from './clock';
import { installAudioDebug, removeAudioDebug } from './debug';
import { formatOf } from './format';
import { LEAVE_FADE_MS } from './gain';
import { type BusClock, MasterBus } from './master';
import { OutputRouter } from './output';
import { PREROLL_MS } from './preroll';
import type { MeterReading } from './types';
import { Voice } from './voice';

/** Tick while something is about to happen; see `busy`. */
const TICK_MS = 200;
/** Tick while nothing is: the watchdog and the meter need no more than this. */
const IDLE_TICK_MS = 1000;
const PRELOAD_MS = 20_000;
/**
 * A meter reading reaches the store (and the page) only when what the panel shows changes
 * (sound or silence, a problem) or the level moved this much: the panel shows one word, and a
 * steady track must not re-render it every second. (Tests and the bench read the live level
 * from the debug view.)
 */
const METER_STEP_DB = 6;
/** Joining a segment with less than this left is not worth a start (it would only fade). */
const MIN_JOIN_MS = 1500;
/** Keep a voice this long past its end so the last of the fade leaves the output buffer. */
const END_GRACE_MS = 300;
const REPORT_RETRY_MS = 3000;
const REPORT_ATTEMPTS = 3;
/** A start timer fires up to this much early, by the play() latency measured so far. */
const MAX_START_LEAD_MS = 120;
/** Most the start lead moves per measured start (ms). */
const LEARN_STEP_MS = 15;
/** Start errors kept for the debug view (and the bench). */
const START_ERRORS_KEPT = 500;

export interface EngineOptions {
  api: StillroomApi;
  /** Host wall clock (ms). */
  now(): number;
  onMeter(m: MeterReading): void;
}

export class AudioEngine {
  private ctx: AudioContext | null = null;
  private master: MasterBus | null = null;
  private session: SessionState | null = null;
  private timeline: Timeline | null = null;
  private audio: AudioSnapshot | null = null;
  private router: OutputRouter | null = null;
  /** play() → sound latency, learned from start errors (ms); start timers fire this much early. */
  private playLatencyMs = 10;
  private readonly startErrors: number[] = [];
  /** When each failure was noticed (for the debug view and the bench). */
  private readonly failedAt = new Map<string, number>();
  private readonly voices = new Map<string, Voice>();
  private readonly leaving = new Set<Voice>();
  /** Segments reported as failed: never started again. */
  private readonly failed = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastWatchdog = Number.NEGATIVE_INFINITY;
  private lastMeter: MeterReading | null = null;
  private blocked = false;
  private problem: string | null = null;
  /** Wall time since which the audio clock is known to run (null while it does not). */
  private clockOkSince: number | null = null;
  private lastCtxTime = -1;
  private frozenTicks = 0;
  private lastKick = 0;
  /** The one mapping of host time onto the audio clock (see `clock.ts`). */
  private readonly clock = new AudioClockMap();
  private readonly busClock: BusClock = {
    toCtx: (w) => this.clock.toCtx(w),
    toWall: (c) => this.clock.toWall(c),
    now: () => this.opts.now(),
  };
  private masterInitialised = false;
  private disposed = false;
  /** Safe state pressed here and not yet confirmed by the host (see `setSafeNow`). */
  private safeNow = false;

  constructor(private readonly opts: EngineOptions) {}

  /** Creates and resumes the AudioContext now, not at the first phase (its first start takes ~1 s). */
  start(): void {
    // Howler would suspend its context after 30 s without a Web Audio sound: routed html5 then goes silent.
    Howler.autoSuspend = false;
    // Its unlocker recreates the context when the rate is not 44.1 kHz, orphaning our nodes.
    Howler.autoUnlock = false;
    if (!Howler.ctx) Howler.mute(false); // creates howler's context without touching any volume
    const ctx = Howler.ctx;
    if (!ctx) {
      this.problem = 'This browser offers no Web Audio: music cannot play.';
      this.emitMeter(-120);
      return;
    }
    this.ctx = ctx;
    this.observeClock(ctx);
    this.master = new MasterBus(ctx, this.busClock);
    this.router = new OutputRouter(
      ctx,
      this.master.route,
      () => this.opts.now(),
      () => this.sounding(),
      () => this.observeClock(ctx),
    );
    void ctx.resume().catch(() => undefined);
    ctx.addEventListener('statechange', this.onStateChange);
    for (const type of ['pointerdown', 'keydown'] as const) document.addEventListener(type, this.onGesture, true);
    this.guardMediaKeys();
    this.heartbeat();
    this.installDebug();
  }

  /**
   * A new snapshot: remember it and reconcile the voices. The therapist's level and duck come
   * from the session's record (`record.music`), the mute, the track gains and the output device
   * from the host's playback snapshot.
   */
  update(session: SessionState | null, timeline: Timeline | null, audio: AudioSnapshot | null = null): void {
    const sameSession = session?.plan.sessionId === this.session?.plan.sessionId;
    if (session === this.session && timeline === this.timeline && audio === this.audio) return;
    this.session = session;
    this.timeline = timeline;
    this.audio = audio;
    if (!this.ctx || !this.master) return;
    const now = this.opts.now();
    if (!sameSession) this.failed.clear();
    if (audio) this.router?.want(audio.outputDevice);
    this.updateMaster(now);
    this.reconcile(now);
    for (const v of this.voices.values()) v.setTrim(this.trimDbOf(v.seg), now);
    this.tick();
  }

  /**
   * Safe state's music part applied by the page itself, at once, whether or not the host answers
   * (issue 12.3): the master bus's safe stage goes down now; `false` hands it back to the host's state.
   */
  setSafeNow(on: boolean): void {
    if (this.safeNow === on) return;
    this.safeNow = on;
    this.updateMaster(this.opts.now());
  }

  /** Something is audible, or about to be (a move of the output then fades). */
  private sounding(): boolean {
    return [...this.voices.values()].some((v) => v.started) || this.leaving.size > 0;
  }

  /**
   * A segment's loudness gain: the host's figure for the part of the track it plays, else the
   * track's (the host's, else what the plan knew, else the conservative gain). A change while it
   * sounds glides (`Voice.setTrim`).
   */
  private trimDbOf(seg: AudioSegment): number {
    const trackId = seg.trackId;
    return (
      this.audio?.sections?.[seg.id] ??
      this.audio?.gains[trackId]?.gainDb ??
      this.session?.plan.tracks[trackId]?.gainDb ??
      unmeasuredGainDb()
    );
  }

  private updateMaster(now: number): void {
    if (!this.master) return;
    const s = this.session;
    const music = s?.record?.music;
    this.master.set(
      {
        // After the end the music fades out; do not bring it up again on the way out.
        safe: s?.status === 'ended' && this.masterInitialised ? null : this.safeNow || (s?.safe.on ?? false),
        levelDb: music?.levelDb ?? 0,
        ducked: music?.ducked ?? false,
        duckDb: DUCK_DB,
        muted: this.audio?.muted ?? false,
      },
      now,
      !this.masterInitialised || !this.sounding(),
    );
    this.masterInitialised = true;
  }

  private keyOf(seg: AudioSegment): string {
    return `${this.session?.plan.sessionId ?? '-'}/${seg.id}`;
  }

  private currentSegments(): AudioSegment[] {
    return this.session && this.timeline ? this.timeline.segments : [];
  }

  private reconcile(now: number): void {
    const next = new Map<string, AudioSegment>();
    for (const seg of this.currentSegments()) next.set(this.keyOf(seg), seg);
    for (const [key, voice] of this.voices) {
      const seg = next.get(key);
      if (seg && !voice.started && seg.trackId === voice.seg.trackId && seg.failedAt === undefined) {
        // Not sounding yet: keep the loaded file and just take the new timing.
        voice.seg = seg;
        voice.disarm();
        continue;
      }
      if (!seg || seg.start !== voice.seg.start || seg.offsetS !== voice.seg.offsetS || seg.trackId !== voice.seg.trackId) {
        // Gone from the plan (or now a different stretch of the file): fade it out.
        this.retire(voice, now);
        continue;
      }
      if (seg.failedAt !== undefined || (seg.end !== voice.seg.end && seg.end - now < LEAVE_FADE_MS)) {
        // Cut short (its track failed, or its file went away): let it go with the leave fade.
        this.retire(voice, now);
        continue;
      }
      const changed =
        seg.fadeInMs !== voice.seg.fadeInMs ||
        seg.fadeOutStart !== voice.seg.fadeOutStart ||
        seg.end !== voice.seg.end ||
        seg.gain !== voice.seg.gain;
      voice.seg = seg;
      if (changed && voice.started) voice.reschedule(now);
    }
  }

  private retire(voice: Voice, now: number): void {
    this.voices.delete(voice.key);
    voice.leave(now, LEAVE_FADE_MS);
    if (voice.state === 'leaving') this.leaving.add(voice);
  }

  /** The one timer: tick, and once a second the watchdog and the meter; fast only while busy. */
  private heartbeat(): void {
    if (this.disposed) return;
    this.tick();
    const now = this.opts.now();
    if (now - this.lastWatchdog >= IDLE_TICK_MS - 50) {
      this.lastWatchdog = now;
      this.watchdog();
      this.meter();
    }
    this.timer = setTimeout(() => this.heartbeat(), this.busy(now) ? TICK_MS : IDLE_TICK_MS);
  }

  /** Something needs a look sooner than a second from now: a start to arm or measure, a voice to release. */
  private busy(now: number): boolean {
    if (this.leaving.size > 0) return true;
    for (const v of this.voices.values()) {
      if (!v.started && v.seg.start - now < IDLE_TICK_MS + TICK_MS + PREROLL_MS + MAX_START_LEAD_MS) return true;
      if (v.started && v.startErrorMs === null && now - v.seg.start < 5000) return true;
      if (now >= v.seg.end - IDLE_TICK_MS) return true;
    }
    return false;
  }

  /** The scheduler: preload, arm, start, stop, check. */
  private tick(): void {
    const ctx = this.ctx;
    if (!ctx || this.disposed) return;
    this.observeClock(ctx);
    const now = this.opts.now();

    for (const seg of this.currentSegments()) {
      const key = this.keyOf(seg);
      if (this.voices.has(key) || this.failed.has(key)) continue;
      if (seg.end - now < MIN_JOIN_MS) continue;
      if (seg.start - now > PRELOAD_MS) continue;
      this.voices.set(key, this.createVoice(key, seg));
    }

    for (const voice of [...this.voices.values()]) {
      if (voice.state === 'gone') {
        this.voices.delete(voice.key);
        continue;
      }
      if (!voice.started) {
        // Ask a little early, on the audio clock: the element takes a few tens of ms to really
        // start (the fade curve holds it silent until its planned start anyway), and what is
        // left is taken up by the voice's alignment.
        const askAt = voice.seg.start - PREROLL_MS - Math.min(MAX_START_LEAD_MS, this.playLatencyMs);
        if (askAt - now <= 0) voice.start(now);
        else if (askAt - now <= TICK_MS + 50 && !voice.armed) voice.armStart(askAt);
        continue;
      }
      this.learnStart(voice, now);
      if (now >= voice.seg.end + END_GRACE_MS) {
        this.voices.delete(voice.key);
        voice.dispose();
        continue;
      }
      const stall = voice.checkStall(now, this.clockOkSince);
      if (stall) this.fail(voice, stall);
    }

    for (const voice of this.leaving) {
      if (voice.state === 'gone' || now >= voice.leaveUntil) {
        voice.dispose();
        this.leaving.delete(voice);
      }
    }
  }

  /**
   * Learns how late starts sound before alignment (asks that much earlier next time, so the
   * nudges stay small), and records how far off each on-time start still is ~1 s in.
   */
  private learnStart(voice: Voice, now: number): void {
    if (voice.startErrorMs !== null) return;
    if (voice.firstErrorMs !== null && !voice.learned) {
      voice.learned = true;
      // Learn gently: one cold start (the media pipeline's first, ~150 ms) must not throw the next ones early.
      const step = Math.max(-LEARN_STEP_MS, Math.min(LEARN_STEP_MS, 0.3 * voice.firstErrorMs));
      this.playLatencyMs = Math.max(0, Math.min(MAX_START_LEAD_MS, this.playLatencyMs + step));
    }
    voice.measureStart(now);
    const err = voice.startErrorMs;
    if (err === null) return;
    // Only starts that cross into a sounding track are crossfades (the session's first is not).
    const crossfade = [...this.voices.values()].some((v) => v !== voice && v.started && v.seg.start < voice.seg.start);
    if (crossfade) {
      this.startErrors.push(err);
      if (this.startErrors.length > START_ERRORS_KEPT) this.startErrors.shift();
    }
  }

  private createVoice(key: string, seg: AudioSegment): Voice {
    const ctx = this.ctx as AudioContext;
    const track = this.session?.plan.tracks[seg.trackId];
    return new Voice(key, seg, {
      ctx,
      output: (this.master as MasterBus).input,
      clock: this.clock,
      url: this.opts.api.mediaUrl(seg.trackId),
      format: formatOf(track?.file, seg.trackId),
      trimDb: this.trimDbOf(seg),
      nowWall: () => this.opts.now(),
      onFailure: (voice, reason) => this.fail(voice, reason),
      onBlocked: () => {
        this.blocked = true;
      },
    });
  }

  /** Reports a track once per segment, fades its voice out; the host re-plans around it. */
  private fail(voice: Voice, reason: string): void {
    if (this.failed.has(voice.key)) return;
    this.failed.add(voice.key);
    const now = this.opts.now();
    this.failedAt.set(voice.key, now);
    if (this.voices.get(voice.key) === voice) this.retire(voice, now);
    const trackId = voice.seg.trackId;
    console.warn(`audio: track ${trackId} failed: ${reason}`);
    const report = (attempt: number): void => {
      if (this.disposed) return;
      void this.opts.api.reportTrackFailed({ trackId, reason: reason.slice(0, 500) }).then((r) => {
        if (r.ok) return;
        console.warn(`audio: reporting ${trackId} failed: ${r.error}`);
        if (attempt < REPORT_ATTEMPTS) setTimeout(() => report(attempt + 1), REPORT_RETRY_MS);
      });
    };
    report(1);
  }

  /**
   * Reads the audio clock into the one mapping (audio clock first, then the wall clock, in one
   * task); when the mapping moved (drift past a few ms, a stopped or jumped clock) every curve
   * is laid onto the clock again.
   */
  private observeClock(ctx: AudioContext): void {
    if (ctx.state !== 'running') return;
    const ctxS = ctx.currentTime;
    const now = this.opts.now();
    if (this.clock.observe(now, ctxS) !== 'remapped') return;
    for (const v of this.voices.values()) v.realign(now);
    for (const v of this.leaving) v.realign(now);
    this.master?.realign(now);
  }

  /** Every second: the context must be running and its clock must advance. */
  private watchdog(): void {
    const ctx = this.ctx;
    if (!ctx || this.disposed) return;
    const now = this.opts.now();
    if (ctx.state === 'closed') {
      this.problem = 'Audio output has closed; reload the window to get sound back.';
      this.clockOkSince = null;
      return;
    }
    if (ctx.state !== 'running') {
      this.clockOkSince = null;
      void ctx.resume().catch(() => undefined);
      if (!navigator.userActivation?.hasBeenActive) this.blocked = true;
      return;
    }
    const t = ctx.currentTime;
    if (t === this.lastCtxTime) {
      this.frozenTicks++;
      this.clockOkSince = null;
      if (this.frozenTicks >= 3) {
        this.problem = 'Audio output is not running.';
        if (now - this.lastKick > 10_000) {
          this.lastKick = now;
          void ctx
            .suspend()
            .then(() => ctx.resume())
            .catch(() => undefined);
        }
      }
    } else {
      if (this.frozenTicks > 0 || this.clockOkSince === null) this.clockOkSince = now;
      this.frozenTicks = 0;
      this.problem = null;
    }
    this.lastCtxTime = t;
  }

  private readonly onStateChange = (): void => {
    if (this.ctx?.state === 'running') this.blocked = [...this.voices.values()].some((v) => v.blocked);
  };

  /** The first click or key press after the browser blocked sound: start everything that should be playing. */
  private readonly onGesture = (): void => {
    const ctx = this.ctx;
    if (!ctx) return;
    if (ctx.state !== 'running') void ctx.resume().catch(() => undefined);
    const now = this.opts.now();
    for (const v of this.voices.values()) if (v.blocked) v.start(now);
    this.blocked = false;
  };

  /** Hardware media keys must not pause the session's music. */
  private guardMediaKeys(): void {
    const session = navigator.mediaSession;
    if (!session) return;
    for (const action of ['play', 'pause', 'stop', 'seekbackward', 'seekforward', 'previoustrack', 'nexttrack'] as const) {
      try {
        session.setActionHandler(action, () => undefined);
      } catch {
        // Not every action exists everywhere.
      }
    }
  }

  private meter(): void {
    const ctx = this.ctx;
    if (!ctx || !this.master) return;
    const running = ctx.state === 'running' && this.clockOkSince !== null;
    // On a stopped context the analyser returns stale samples, not silence.
    this.emitMeter(running ? this.master.rmsDb() : -120);
  }

  private emitMeter(db: number): void {
    const rmsDb = Math.round(db * 10) / 10;
    const m: MeterReading = {
      rmsDb,
      flowing: MasterBus.flowing(rmsDb),
      ctxState: this.ctx?.state ?? 'none',
      blocked: this.blocked,
      problem: this.problem,
    };
    const last = this.lastMeter;
    if (
      last &&
      Math.abs(last.rmsDb - m.rmsDb) < METER_STEP_DB &&
      last.flowing === m.flowing &&
      last.ctxState === m.ctxState &&
      last.blocked === m.blocked &&
      last.problem === m.problem
    ) {
      return;
    }
    this.lastMeter = m;
    this.opts.onMeter(m);
  }

  private installDebug(): void {
    installAudioDebug({
      ctx: () => this.ctx,
      voices: () => [...this.voices.values(), ...this.leaving],
      now: () => this.opts.now(),
      clockOffsetMs: () => this.clock.offsetMs,
      master: () => this.master?.gain() ?? 0,
      stages: () => this.master?.stages() ?? {},
      failedAt: () => this.failedAt,
      startErrors: () => this.startErrors,
      playLatencyMs: () => this.playLatencyMs,
      rmsDb: () => this.master?.rmsDb() ?? -120,
    });
  }

  /** Stops everything at once (the page is going away). */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const type of ['pointerdown', 'keydown'] as const) document.removeEventListener(type, this.onGesture, true);
    this.ctx?.removeEventListener('statechange', this.onStateChange);
    for (const v of this.voices.values()) v.dispose();
    for (const v of this.leaving) v.dispose();
    this.voices.clear();
    this.leaving.clear();
    this.master?.dispose();
    this.master = null;
    this.router?.dispose();
    this.router = null;
    removeAudioDebug();
  }
}
