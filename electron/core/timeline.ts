/**
 * The timeline: a pure function of (plan, events, track durations, now). It says when each
 * phase starts and ends, which track plays when and how the crossfades overlap, how the light
 * should move, and when reminders fall due. Audio and lighting both *play* this timeline by
 * wall-clock time, so they never drift and a restarted player knows where to be.
 */
import { fadeInGain, fadeOutGain, kelvinToMired, lerp, miredToKelvin } from './curves';
import type { LightScene } from './preset';
import { nextDue } from './reminders';
import { type PhaseSpan, phaseSpans, type SessionState } from './session';

/** Shortest fade for a change the therapist forces (skip, advance, boundary): never a hard cut. */
export const MIN_FORCED_FADE_MS = 4000;
/** Fade-in of the very first track and of a track that replaces a failed one. */
export const START_FADE_MS = 3000;
export const FAIL_FADE_MS = 1500;
/** Music fades out over this long when the session ends. */
export const END_FADE_MS = 10_000;
/** How far ahead music is planned while a phase is open-ended. */
export const DEFAULT_HORIZON_MS = 30 * 60_000;
/** Light change when safe state comes on (must be within 3 s). */
export const SAFE_ON_MS = 2500;
/** Shortest return from safe state back to the phase's scene. */
export const SAFE_OFF_MIN_MS = 60_000;
/** After the session ends the room returns to working light this slowly. */
export const END_LIGHT_MS = 120_000;

/** One track's stretch of playback: gain rises over `fadeInMs` from `start`, falls from `fadeOutStart` to `end`. */
export interface AudioSegment {
  /** Stable across rebuilds while the same track plays in the same slot. */
  id: string;
  trackId: string;
  phaseIndex: number;
  start: number;
  fadeInMs: number;
  /** Position in the file (seconds) at `start`: the track's cue-in (leading silence skipped), or 0. */
  offsetS: number;
  fadeOutStart: number;
  end: number;
  /** The phase's listening level (0–1). */
  gain: number;
  /**
   * Set when the track failed while an older track was still fading out: the segment is cut
   * at that moment (the player has already let it go) so its replacement can start at once.
   */
  failedAt?: number;
}

/**
 * Where a track's music starts and ends in its file (from silence detection), and since when
 * the host has known it. Cues known when the session started are in the plan (`PlannedTrack`);
 * a measurement that arrives later is passed in here with its time, so the timeline stays a
 * pure function and a replay (with the same cues) gives the same segments.
 */
export interface TrackCue {
  cueInS: number;
  cueOutS: number;
  /** Host time the cue became known (−Infinity: known before the session). */
  knownAt: number;
}
export type TrackCues = Readonly<Record<string, TrackCue>>;

/** A cue learned late is used for a fade-out only if it is known at least this long before the fade starts. */
export const CUE_NOTICE_MS = 5000;

export interface LightKeyframe {
  at: number;
  level: number;
  kelvin: number;
  durationMs: number;
  cause: 'phase' | 'safe-on' | 'safe-off' | 'end';
}

export interface DueReminder {
  id: string;
  label: string;
  /** Null while the anchor (e.g. the dose) has not happened. */
  dueAt: number | null;
  estimated: boolean;
}

export interface Timeline {
  builtAt: number;
  horizonEnd: number;
  phases: PhaseSpan[];
  segments: AudioSegment[];
  light: LightKeyframe[];
  reminders: DueReminder[];
}

interface Forced {
  at: number;
  kind: 'skip' | 'fail';
  trackId?: string;
}

/**
 * Starts a transition at `at`: the newest playing segment fades out over `fadeMs`. If an
 * older segment is still fading out, the transition waits for it, so no more than two tracks
 * ever sound together. Returns when the incoming track should start.
 */
function beginTransition(segs: AudioSegment[], at: number, fadeMs: number): number {
  const active = segs.filter((s) => s.end > at);
  if (active.length === 0) return at;
  const latest = active[active.length - 1] as AudioSegment;
  let t0 = at;
  for (const s of active) if (s !== latest) t0 = Math.max(t0, s.end);
  if (latest.end > t0 && latest.fadeOutStart > t0) {
    latest.fadeOutStart = t0;
    latest.end = Math.min(latest.end, t0 + fadeMs);
  }
  return t0;
}

/**
 * The newest track failed at `at`. Alone, it fades out over `fadeMs` while its replacement
 * comes in. During a crossfade (an older track still fading out) waiting would leave the
 * room with only a fading track and then silence, so the failed track is cut at `at` (it is
 * not sounding: the player dropped it) and the replacement starts at once: still at most two.
 * Returns when the replacement starts (always `at`).
 */
function failTransition(segs: AudioSegment[], at: number, fadeMs: number): number {
  const active = segs.filter((s) => s.end > at);
  const latest = active[active.length - 1];
  if (!latest) return at;
  if (active.length > 1) {
    cutFailed(segs, latest, at);
    return at;
  }
  if (latest.fadeOutStart > at) {
    latest.fadeOutStart = at;
    latest.end = Math.min(latest.end, at + fadeMs);
  }
  return at;
}

/** Cuts a segment whose track failed at `at` (the player has already faded it out); one that never sounded goes. */
function cutFailed(segs: AudioSegment[], seg: AudioSegment, at: number): void {
  if (at <= seg.start) {
    segs.splice(segs.indexOf(seg), 1);
    return;
  }
  seg.end = at;
  seg.fadeOutStart = Math.min(seg.fadeOutStart, at);
  seg.failedAt = at;
}

/** The phase's tracks that have a file, and its fallback bed's. */
function phaseMusic(state: SessionState, phaseIndex: number): { ids: string[]; bed: string[] } {
  const plan = state.plan;
  const playable = (id: string) => Boolean(plan.tracks[id]?.file);
  return {
    ids: (plan.phaseTracks[phaseIndex] ?? []).filter(playable),
    bed: (plan.fallbackTracks?.[phaseIndex] ?? []).filter(playable),
  };
}

/**
 * Builds the timeline as of `now`. Pure: the same inputs always give the same timeline.
 * `cues` holds cue points measured after the session started (see `TrackCue`).
 */
export function buildTimeline(state: SessionState, now: number, horizonMs = DEFAULT_HORIZON_MS, cues: TrackCues = {}): Timeline {
  const plan = state.plan;
  const spans = phaseSpans(state, now);
  const horizonEnd = state.status === 'ended' && state.endedAt !== null ? state.endedAt : now + horizonMs;
  const segments: AudioSegment[] = [];

  const forced: Forced[] = [
    ...state.skips.map((at): Forced => ({ at, kind: 'skip' })),
    ...state.failures.map((f): Forced => ({ at: f.at, kind: 'fail', trackId: f.trackId })),
  ].sort((a, b) => a.at - b.at);
  // A track counts as failed from its first failure on (a map, not a search per candidate: see the bench).
  const firstFailure = new Map<string, number>();
  for (const f of state.failures) firstFailure.set(f.trackId, Math.min(f.at, firstFailure.get(f.trackId) ?? Number.POSITIVE_INFINITY));
  const failedBefore = (trackId: string, t: number): boolean => (firstFailure.get(trackId) ?? Number.POSITIVE_INFINITY) <= t;

  const cueOf = (trackId: string): TrackCue | null => {
    const late = cues[trackId];
    const tr = plan.tracks[trackId];
    const c =
      tr?.cueInS !== undefined && tr.cueOutS !== undefined
        ? { cueInS: tr.cueInS, cueOutS: tr.cueOutS, knownAt: -Infinity }
        : (late ?? null);
    // Less than a second of music between the cues is a measurement to distrust, not a track.
    return c && c.cueOutS - c.cueInS >= 1 && c.cueInS >= 0 ? c : null;
  };
  /** Where in the file a segment starting at `start` begins, and how long it can play (ms). */
  const stretchOf = (trackId: string, start: number, fadeOutMs: number): { offsetS: number; lengthMs: number } => {
    const full = Math.max(1000, (plan.tracks[trackId]?.durationS ?? 1) * 1000);
    const cue = cueOf(trackId);
    if (!cue) return { offsetS: 0, lengthMs: full };
    const offsetS = cue.knownAt <= start ? cue.cueInS : 0;
    const cued = Math.max(1000, (cue.cueOutS - offsetS) * 1000);
    // A cue-out learned too late would move a fade-out that is already under way: ignore it.
    const lengthMs = cue.knownAt + CUE_NOTICE_MS <= start + cued - fadeOutMs ? cued : full - offsetS * 1000;
    return { offsetS, lengthMs: Math.max(1000, lengthMs) };
  };

  /** The first track of `list` (read cyclically from `offset`) not failed by `t`, numbered from `base`. */
  const firstPlayable = (list: readonly string[], base: number, offset: number, t: number): { id: string; at: number } | null => {
    for (let j = 0; j < list.length; j++) {
      const id = list[(offset + j) % list.length] as string;
      if (!failedBefore(id, t)) return { id, at: base + j };
    }
    return null;
  };

  for (const span of spans) {
    if (span.expected) break;
    const cfg = plan.preset.phases[span.index];
    if (!cfg) break;
    const spanEnd = span.end ?? Math.max(horizonEnd, span.start + horizonMs);
    if (spanEnd <= span.start && span.index > 0) continue;
    const { ids, bed } = phaseMusic(state, span.index);
    const xf = cfg.crossfadeS * 1000;
    const boundaryFade = Math.max(MIN_FORCED_FADE_MS, xf);
    const events = forced.filter((f) => f.at >= span.start && f.at < spanEnd);

    let cursor = span.index === 0 ? span.start : beginTransition(segments, span.start, boundaryFade);
    let fadeIn = span.index === 0 ? START_FADE_MS : boundaryFade;
    let p = 0;
    let k = 0;
    let ei = 0;
    const n = ids.length;

    /**
     * The next playable track from sequence position `from`: the playlist once through, then
     * by the run-out policy — repeat it, loop the fallback bed, or nothing (intended silence).
     * A bed also stands in when the playlist cannot play at all, and the playlist when the
     * bed cannot; only `silence` ever ends the music on purpose.
     */
    const pick = (from: number, t: number): { id: string; at: number } | null => {
      for (let at = from; at < n; at++) {
        const id = ids[at];
        if (id !== undefined && !failedBefore(id, t)) return { id, at };
      }
      if (cfg.runOut === 'silence') return null;
      const base = Math.max(from, n);
      return cfg.runOut === 'fallback'
        ? (firstPlayable(bed, base, base - n, t) ?? firstPlayable(ids, base, base, t))
        : (firstPlayable(ids, base, base, t) ?? firstPlayable(bed, base, base - n, t));
    };

    while (cursor < spanEnd && k < 10_000) {
      const choice = pick(p, cursor);
      if (!choice) {
        // Music has run out (or nothing can play): skip the forced events of this phase.
        break;
      }
      if (!plan.tracks[choice.id]) break;
      const next = pick(choice.at + 1, cursor);
      const { offsetS, lengthMs: dur } = stretchOf(choice.id, cursor, xf);
      const nextDur = next ? stretchOf(next.id, cursor + dur, xf).lengthMs : dur;
      const xfN = Math.min(xf, dur / 2, nextDur / 2);
      const seg: AudioSegment = {
        id: `p${span.index}-k${k}-${choice.id}`,
        trackId: choice.id,
        phaseIndex: span.index,
        start: cursor,
        fadeInMs: Math.min(fadeIn, dur / 2),
        offsetS,
        fadeOutStart: cursor + dur - (next ? xfN : Math.max(xfN, Math.min(START_FADE_MS, dur / 2))),
        end: cursor + dur,
        gain: cfg.volume,
      };
      segments.push(seg);
      // A forced fade (skip, advance, boundary) can outlast the incoming track's full-level
      // stretch when that track is short: the outgoing track must be gone by the time the
      // incoming one starts fading into the next, or three tracks would sound together.
      for (let i = segments.length - 2; i >= Math.max(0, segments.length - 4); i--) {
        const older = segments[i] as AudioSegment;
        if (older.end > seg.fadeOutStart && older.fadeOutStart < seg.fadeOutStart) older.end = seg.fadeOutStart;
      }
      k++;
      p = choice.at + 1;
      const naturalNext = seg.fadeOutStart;
      // A press that came while this track was still waiting to come in has already been served.
      while (ei < events.length && (events[ei] as Forced).at < seg.start) ei++;
      // A failure of a track not playing now only removes it from what follows (pick skips it);
      // it must not use up this track's turn, or a skip later in the same track would be lost.
      // If that track is the older one still fading out under this one, it is cut where it failed.
      while (ei < events.length) {
        const f = events[ei] as Forced;
        if (f.at >= Math.min(naturalNext, spanEnd) || f.kind !== 'fail' || f.trackId === seg.trackId) break;
        for (const older of segments.filter((o) => o !== seg && o.trackId === f.trackId && o.start <= f.at && o.end > f.at)) {
          cutFailed(segments, older, f.at);
        }
        ei++;
      }
      const ev = events[ei];
      if (ev && ev.at < Math.min(naturalNext, spanEnd)) {
        ei++;
        if (ev.kind === 'fail') {
          cursor = failTransition(segments, ev.at, FAIL_FADE_MS);
          fadeIn = FAIL_FADE_MS;
        } else {
          const fade = Math.max(MIN_FORCED_FADE_MS, xf);
          cursor = beginTransition(segments, ev.at, fade);
          fadeIn = fade;
        }
        continue;
      }
      if (!next || naturalNext >= spanEnd) break;
      cursor = naturalNext;
      fadeIn = xfN;
    }
  }
  if (state.status === 'ended' && state.endedAt !== null) {
    beginTransition(segments, state.endedAt, END_FADE_MS);
    // Nothing may start after the end.
    for (let i = segments.length - 1; i >= 0; i--) if ((segments[i] as AudioSegment).start >= state.endedAt) segments.splice(i, 1);
  }

  return {
    builtAt: now,
    horizonEnd,
    phases: spans,
    segments,
    light: lightKeyframes(state, spans),
    reminders: dueReminders(state, spans, now),
  };
}

function sceneOf(state: SessionState, phaseIndex: number): LightScene {
  const cfg = state.plan.preset.phases[phaseIndex] ?? state.plan.preset.phases[0];
  return cfg ? cfg.light : { level: 50, kelvin: 2700, transitionS: 60 };
}

function spanAt(spans: PhaseSpan[], t: number): PhaseSpan | undefined {
  return spans.find((s) => !s.expected && s.start <= t && (s.end === null || s.end > t)) ?? spans.filter((s) => !s.expected).at(-1);
}

/** Light keyframes: each phase's scene, safe state on/off, and the gentle return to working light at the end. */
function lightKeyframes(state: SessionState, spans: PhaseSpan[]): LightKeyframe[] {
  const frames: LightKeyframe[] = [];
  for (const s of spans) {
    if (s.expected) break;
    if (s.end !== null && s.end <= s.start && s.index > 0) continue;
    const sc = sceneOf(state, s.index);
    frames.push({ at: s.start, level: sc.level, kelvin: sc.kelvin, durationMs: sc.transitionS * 1000, cause: 'phase' });
  }
  const safe = state.plan.safeScene;
  for (const iv of state.safe.intervals) {
    frames.push({ at: iv.from, level: safe.level, kelvin: safe.kelvin, durationMs: SAFE_ON_MS, cause: 'safe-on' });
    if (iv.to !== null && !(state.status === 'ended' && iv.to === state.endedAt)) {
      const span = spanAt(spans, iv.to);
      const sc = sceneOf(state, span?.index ?? 0);
      const sceneEnd = (span?.start ?? iv.to) + sc.transitionS * 1000;
      frames.push({
        at: iv.to,
        level: sc.level,
        kelvin: sc.kelvin,
        durationMs: Math.max(SAFE_OFF_MIN_MS, sceneEnd - iv.to),
        cause: 'safe-off',
      });
    }
  }
  if (state.status === 'ended' && state.endedAt !== null) {
    frames.push({ at: state.endedAt, level: safe.level, kelvin: safe.kelvin, durationMs: END_LIGHT_MS, cause: 'end' });
  }
  // Stable order: by time; at equal times phase scenes first, so safe state wins.
  const rank = { phase: 0, 'safe-off': 1, 'safe-on': 2, end: 3 } as const;
  frames.sort((a, b) => a.at - b.at || rank[a.cause] - rank[b.cause]);
  // While safe state is on, later phase scenes must not pull the light away from safe level.
  const out: LightKeyframe[] = [];
  let safeOn = false;
  for (const f of frames) {
    if (f.cause === 'safe-on') safeOn = true;
    if (f.cause === 'safe-off') safeOn = false;
    if (f.cause === 'phase' && safeOn) continue;
    out.push(f);
  }
  return out;
}

/** The light the room should have at time `t`, interpolated perceptually between keyframes. */
export function lightAt(
  frames: readonly LightKeyframe[],
  t: number,
  initial: { level: number; kelvin: number },
): { level: number; kelvin: number; target: { level: number; kelvin: number }; moving: boolean } {
  let from = { level: initial.level, mired: kelvinToMired(initial.kelvin) };
  let cur: LightKeyframe | null = null;
  const valueAt = (kf: LightKeyframe | null, start: typeof from, time: number) => {
    if (!kf) return start;
    const x = kf.durationMs <= 0 ? 1 : (time - kf.at) / kf.durationMs;
    return { level: lerp(start.level, kf.level, x), mired: lerp(start.mired, kelvinToMired(kf.kelvin), x) };
  };
  for (const kf of frames) {
    if (kf.at > t) break;
    from = valueAt(cur, from, kf.at);
    cur = kf;
  }
  const v = valueAt(cur, from, t);
  const target = cur ? { level: cur.level, kelvin: cur.kelvin } : initial;
  const moving = cur !== null && t < cur.at + cur.durationMs;
  return { level: v.level, kelvin: miredToKelvin(v.mired), target, moving };
}

/** Preset reminders with their next due time (one rule, in reminders.ts); a closed "before the dose" one is left out. */
function dueReminders(state: SessionState, spans: PhaseSpan[], now: number): DueReminder[] {
  const out: DueReminder[] = [];
  for (const r of state.plan.preset.reminders) {
    const due = nextDue(r, state, spans, now);
    if (due) out.push({ id: r.id, label: r.label, dueAt: due.dueAt, estimated: due.estimated });
  }
  return out;
}

/** Music gain of a segment at time `t` (before the phase level): equal-power fades in and out. */
export function segmentEnvelope(seg: AudioSegment, t: number): number {
  if (t < seg.start || t >= seg.end) return 0;
  const fin = seg.fadeInMs > 0 ? fadeInGain((t - seg.start) / seg.fadeInMs) : 1;
  const outLen = seg.end - seg.fadeOutStart;
  const fout = t < seg.fadeOutStart ? 1 : outLen > 0 ? fadeOutGain((t - seg.fadeOutStart) / outLen) : 0;
  return fin * fout;
}

/** Segments sounding at time `t`. */
export function segmentsAt(tl: Timeline, t: number): AudioSegment[] {
  return tl.segments.filter((s) => s.start <= t && s.end > t);
}

/** What changes next, for the panel's "next" line. */
export interface UpcomingChange {
  at: number;
  kind: 'phase' | 'track' | 'light' | 'reminder';
  label: string;
}

export function upcomingChanges(state: SessionState, tl: Timeline, now: number): UpcomingChange[] {
  const out: UpcomingChange[] = [];
  const cur = tl.phases.find((s) => s.start <= now && (s.end === null || s.end > now));
  if (cur) {
    const next = tl.phases[cur.index + 1];
    if (next) {
      const at = cur.end ?? cur.plannedEnd;
      const why = cur.held ? ' (on hold)' : state.phases[cur.index]?.untilDose && state.doseAt === null ? ' (after dose)' : '';
      out.push({ at, kind: 'phase', label: `${next.name}${why}` });
    }
  }
  const nextSeg = tl.segments.find((s) => s.start > now);
  if (nextSeg) {
    const tr = state.plan.tracks[nextSeg.trackId];
    out.push({ at: nextSeg.start, kind: 'track', label: tr ? `${tr.title}${tr.artist ? ` — ${tr.artist}` : ''}` : nextSeg.trackId });
  }
  const nextLight = tl.light.find((f) => f.at > now);
  if (nextLight) out.push({ at: nextLight.at, kind: 'light', label: `light to ${Math.round(nextLight.level)} %` });
  for (const r of tl.reminders) if (r.dueAt !== null && r.dueAt > now) out.push({ at: r.dueAt, kind: 'reminder', label: r.label });
  return out.sort((a, b) => a.at - b.at);
}
