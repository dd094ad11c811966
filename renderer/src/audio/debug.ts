/**
 * The read-only view of the engine at `window.__stillroomAudio`: tests and the bench read it;
 * nothing writes it. Figures are rounded so a test can compare them without noise.
 */
import type { Voice } from './voice';

export interface AudioDebug {
  readonly ctxState: AudioContextState | 'none';
  readonly voices: ReadonlyArray<{
    id: string;
    trackId: string;
    state: string;
    /** Seconds into the file. */
    position: number;
    /** Where the timeline says it should be (offset + time since its start; the offset before it starts). */
    expected: number;
    /** Host time its segment starts (ms) and where in the file it starts (s): the bench times starts by them. */
    start: number;
    offsetS: number;
    /** Fade gain sounding now (envelope × phase level). */
    gain: number;
    /** Loudness trim sounding now, in dB. */
    trimDb: number;
    /** How far its on-time start was measured off its planned place, shortly after it sounded (ms, + = late). */
    alignMs: readonly number[];
    /** The same, read again about a second after it sounded (ms, + = late); null until then. */
    steadyMs: number | null;
  }>;
  /** Host wall time now (ms), as the engine sees it. */
  readonly now: number;
  /**
   * The engine's mapping of host wall time onto the audio clock: audio-clock time (s) =
   * (host ms + clockOffsetMs) / 1000. Null until the audio clock runs.
   */
  readonly clockOffsetMs: number | null;
  /** Master gain: the product of its stages (1 = as planned). */
  readonly master: number;
  readonly stages: Readonly<Record<string, number>>;
  /** Segments reported as failed. */
  readonly failed: readonly string[];
  /** Host time each failed segment was noticed, by segment key. */
  readonly failedAt: Readonly<Record<string, number>>;
  /** How late each on-time start really sounded (ms, + = late), oldest first. */
  readonly startErrorsMs: readonly number[];
  /** The play() latency the engine has learned (ms). */
  readonly playLatencyMs: number;
  /** Output level now (dBFS RMS of the last ~43 ms). */
  readonly rmsDb: number;
  /**
   * Where Chromium reports it (`AudioContext.playbackStats`): times the audio device got no
   * samples in time (a starved machine), so a gap in a recording can be told from a gap in the plan.
   */
  readonly underruns: { events: number; ms: number } | null;
}

/** What the engine exposes to its debug view. */
export interface DebugSource {
  ctx(): AudioContext | null;
  voices(): Voice[];
  now(): number;
  clockOffsetMs(): number | null;
  master(): number;
  stages(): Record<string, number>;
  failedAt(): ReadonlyMap<string, number>;
  startErrors(): readonly number[];
  playLatencyMs(): number;
  rmsDb(): number;
}

const r = (x: number, places: number): number => Math.round(x * 10 ** places) / 10 ** places;

export function installAudioDebug(src: DebugSource): void {
  const debug: AudioDebug = Object.freeze({
    get ctxState() {
      return src.ctx()?.state ?? 'none';
    },
    get voices() {
      const now = src.now();
      return src.voices().map((v) => ({
        id: v.seg.id,
        trackId: v.seg.trackId,
        state: v.state,
        position: r(v.position(), 2),
        expected: r(v.seg.offsetS + Math.max(0, now - v.seg.start) / 1000, 2),
        gain: r(v.gain(), 4),
        trimDb: r(20 * Math.log10(Math.max(1e-6, v.trimGain())), 2),
        start: v.seg.start,
        offsetS: v.seg.offsetS,
        alignMs: [...v.alignErrors],
        steadyMs: v.startErrorMs,
      }));
    },
    get now() {
      return src.now();
    },
    get clockOffsetMs() {
      const o = src.clockOffsetMs();
      return o === null ? null : r(o, 3);
    },
    get master() {
      return r(src.master(), 4);
    },
    get stages() {
      return Object.fromEntries(Object.entries(src.stages()).map(([k, v]) => [k, r(v, 4)]));
    },
    get failed() {
      return [...src.failedAt().keys()];
    },
    get failedAt() {
      return Object.fromEntries(src.failedAt());
    },
    get startErrorsMs() {
      return [...src.startErrors()];
    },
    get playLatencyMs() {
      return r(src.playLatencyMs(), 1);
    },
    get rmsDb() {
      return r(src.rmsDb(), 1);
    },
    get underruns() {
      const stats = (src.ctx() as unknown as { playbackStats?: { underrunEvents?: number; underrunDuration?: number } } | null)
        ?.playbackStats;
      if (!stats || typeof stats.underrunEvents !== 'number') return null;
      return { events: stats.underrunEvents, ms: r((stats.underrunDuration ?? 0) * 1000, 1) };
    },
  });
  Object.defineProperty(window, '__stillroomAudio', { value: debug, configurable: true, enumerable: false, writable: false });
}

export function removeAudioDebug(): void {
  if (window.__stillroomAudio) Reflect.deleteProperty(window, '__stillroomAudio');
}
