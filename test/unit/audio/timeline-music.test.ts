/**
 * The timeline's music rules added for playback: a track failing during a crossfade is
 * replaced at once (never silence, never three at once), cue points skip leading and trailing
 * silence (a crossfade starts at cue-out minus its length), cue points learned mid-session
 * never move what has already started, and the run-out policies (repeat, fallback bed, silence).
 */
import { describe, expect, it } from 'vitest';
import { replay, type SessionEvent, type SessionPlan, type SessionState } from '../../../electron/core/session';
import {
  type AudioSegment,
  buildTimeline,
  CUE_NOTICE_MS,
  DEFAULT_HORIZON_MS,
  FAIL_FADE_MS,
  segmentEnvelope,
  segmentsAt,
  type Timeline,
  type TrackCues,
} from '../../../electron/core/timeline';
import { Journal, MIN, makePlan, makePreset, planFromPreset, T0, trackId } from '../../fixtures/plans';

const stateOf = (events: readonly SessionEvent[]): SessionState => {
  const s = replay(events);
  if (!s) throw new Error('no session');
  return s;
};
const build = (j: Journal, now: number, cues: TrackCues = {}): Timeline => buildTimeline(stateOf(j.events), now, DEFAULT_HORIZON_MS, cues);
const started = (plan: SessionPlan): Journal => {
  const j = new Journal();
  j.start(T0, plan);
  return j;
};

/** Music never drops out and never has three tracks between `from` and `to` (checked every 50 ms and at every edge). */
function expectContinuous(tl: Timeline, from: number, to: number): void {
  const pts = new Set<number>();
  for (let t = from; t < to; t += 50) pts.add(t);
  for (const s of tl.segments) for (const x of [s.start, s.end, s.fadeOutStart]) for (const d of [-1, 0, 1]) pts.add(x + d);
  for (const t of [...pts].filter((x) => x >= from && x < to)) {
    const n = segmentsAt(tl, t).length;
    if (n < 1 || n > 2) expect.fail(`${n} tracks at +${(t - T0) / 1000} s`);
  }
}
/** Summed power of what sounds at `t` (1 = full level at phase volume 1). */
const power = (tl: Timeline, t: number): number => segmentsAt(tl, t).reduce((p, s) => p + segmentEnvelope(s, t) ** 2, 0);

describe('a track that fails during a crossfade', () => {
  const plan = makePlan({ phases: [{ plannedMin: 30, crossfadeS: 10, volume: 1, tracksS: [120, 120, 120, 120] }] });
  const A = trackId(0, 0);
  const B = trackId(0, 1);
  const C = trackId(0, 2);

  it('is replaced at once with a short fade-in while the outgoing track keeps fading: at most two, never silence', () => {
    const j = started(plan);
    const before = build(j, T0);
    const b = before.segments.find((s) => s.trackId === B) as AudioSegment;
    const failAt = b.start + 3000; // B fails 3 s into the A → B crossfade
    j.add(failAt, { type: 'TrackFailed', trackId: B, reason: 'decode error' });
    const tl = build(j, failAt);
    const a = tl.segments.find((s) => s.trackId === A) as AudioSegment;
    const cutB = tl.segments.find((s) => s.trackId === B) as AudioSegment;
    const c = tl.segments.find((s) => s.trackId === C) as AudioSegment;
    // B is cut where it failed; A's fade-out is untouched; C starts at once.
    expect(cutB).toMatchObject({ end: failAt, failedAt: failAt });
    expect(a.end).toBe(before.segments.find((s) => s.trackId === A)?.end);
    expect(c).toMatchObject({ start: failAt, fadeInMs: FAIL_FADE_MS });
    expectContinuous(tl, T0, failAt + 5 * MIN);
    // The room hears A fading and C rising: no hole in the power at all.
    for (let t = failAt; t < a.end; t += 100) expect(power(tl, t)).toBeGreaterThan(0.2);
  });

  it('used to wait for the outgoing fade (the bug): C must not start at the end of A', () => {
    const j = started(plan);
    const b = build(j, T0).segments.find((s) => s.trackId === B) as AudioSegment;
    j.add(b.start + 1000, { type: 'TrackFailed', trackId: B, reason: 'stalled' });
    const c = build(j, b.start + 1000).segments.find((s) => s.trackId === C) as AudioSegment;
    expect(c.start).toBe(b.start + 1000);
  });

  it('when the outgoing track fails mid-crossfade it is cut there, the incoming one carries on', () => {
    const j = started(plan);
    const b = build(j, T0).segments.find((s) => s.trackId === B) as AudioSegment;
    j.add(b.start + 4000, { type: 'TrackFailed', trackId: A, reason: 'file deleted' });
    const tl = build(j, b.start + 4000);
    expect(tl.segments.find((s) => s.trackId === A)).toMatchObject({ end: b.start + 4000, failedAt: b.start + 4000 });
    expect(tl.segments.find((s) => s.trackId === B)?.start).toBe(b.start);
    expectContinuous(tl, T0, b.start + 5 * MIN);
  });

  it('a failure right at a track’s first moment removes it and the next one starts then', () => {
    const j = started(plan);
    const b = build(j, T0).segments.find((s) => s.trackId === B) as AudioSegment;
    j.add(b.start, { type: 'TrackFailed', trackId: B, reason: 'not found' });
    const tl = build(j, b.start);
    expect(tl.segments.filter((s) => s.trackId === B && s.start <= b.start + 1)).toEqual([]);
    expectContinuous(tl, T0, b.start + 5 * MIN);
  });
});

describe('cue points', () => {
  const withCues = (cueInS: number, cueOutS: number): SessionPlan => {
    const p = makePlan({ phases: [{ plannedMin: 30, crossfadeS: 8, tracksS: [100, 100, 100] }] });
    for (const t of Object.values(p.tracks)) Object.assign(t, { cueInS, cueOutS });
    return p;
  };

  it('start at cue-in and crossfade at cue-out minus the crossfade', () => {
    const tl = build(started(withCues(2.5, 96)), T0);
    const [a, b] = tl.segments as [AudioSegment, AudioSegment];
    expect(a.offsetS).toBe(2.5);
    expect(a.end - a.start).toBe((96 - 2.5) * 1000);
    expect(a.fadeOutStart).toBe(a.start + (96 - 2.5) * 1000 - 8000);
    expect(b.start).toBe(a.fadeOutStart);
    expect(b.offsetS).toBe(2.5);
  });

  it('cue points known before the session are used from the first track', () => {
    const tl = build(started(withCues(1, 99)), T0);
    expect(tl.segments.every((s) => s.offsetS === 1)).toBe(true);
  });

  it('a distrusted measurement (less than a second between the cues) is ignored', () => {
    const tl = build(started(withCues(50, 50.5)), T0);
    expect(tl.segments[0]?.offsetS).toBe(0);
    expect((tl.segments[0]?.end ?? 0) - T0).toBe(100_000);
  });

  it('learned mid-session: a segment already playing keeps its start, offset and (if too late) its fade-out', () => {
    const p = makePlan({ phases: [{ plannedMin: 30, crossfadeS: 8, tracksS: [100, 100, 100] }] });
    const j = started(p);
    const now = T0 + 50_000;
    const before = build(j, now);
    const lateForA: TrackCues = { [trackId(0, 0)]: { cueInS: 3, cueOutS: 97, knownAt: now } };
    const after = build(j, now, lateForA);
    const a0 = before.segments[0] as AudioSegment;
    const a1 = after.segments[0] as AudioSegment;
    expect(a1.start).toBe(a0.start);
    expect(a1.offsetS).toBe(0);
    // Its cued fade-out (97 s − 8 s = 89 s in) is more than CUE_NOTICE_MS away: it is used.
    expect(a1.end).toBe(T0 + 97_000);
    // Known only just before the fade would start: ignored, the fade stays where it was.
    const tooLate: TrackCues = { [trackId(0, 0)]: { cueInS: 3, cueOutS: 97, knownAt: T0 + 89_000 - CUE_NOTICE_MS + 1 } };
    expect(build(j, T0 + 85_000, tooLate).segments[0]?.end).toBe(a0.end);
  });

  it('learned mid-session: later segments of the same track start at cue-in', () => {
    const p = makePlan({ phases: [{ plannedMin: 30, crossfadeS: 8, runOut: 'repeat', tracksS: [100, 100] }] });
    const j = started(p);
    const cues: TrackCues = { [trackId(0, 0)]: { cueInS: 3, cueOutS: 97, knownAt: T0 + 10_000 } };
    const tl = build(j, T0 + 10_000, cues);
    const again = tl.segments.filter((s) => s.trackId === trackId(0, 0));
    expect(again[0]?.offsetS).toBe(0);
    expect(again[1]?.offsetS).toBe(3);
    expectContinuous(tl, T0, T0 + 29 * MIN);
  });
});

describe('run-out policies', () => {
  const bedPlan = (runOut: 'repeat' | 'fallback' | 'silence'): SessionPlan => {
    const preset = makePreset({
      phases: [
        { plannedMin: 15, crossfadeS: 6, tracksS: [120, 120], runOut: runOut === 'fallback' ? 'repeat' : runOut },
        { plannedMin: 10, tracksS: [300] },
      ],
    });
    const phase = preset.phases[0];
    if (!phase) throw new Error('no phase');
    phase.runOut = runOut;
    phase.fallback = [{ title: 'Bed', artist: '', durationS: 400 }];
    const plan = planFromPreset(preset);
    plan.tracks.bed = { id: 'bed', title: 'Bed', artist: '', durationS: 400, file: '/fake/bed.ogg', problem: null };
    plan.fallbackTracks = [['bed'], []];
    return plan;
  };

  it('fallback: after the playlist the bed loops until the phase ends', () => {
    const tl = build(started(bedPlan('fallback')), T0);
    const ids = tl.segments.filter((s) => s.phaseIndex === 0).map((s) => s.trackId);
    expect(ids.slice(0, 2)).toEqual([trackId(0, 0), trackId(0, 1)]);
    expect(ids.slice(2).every((id) => id === 'bed')).toBe(true);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    expectContinuous(tl, T0, T0 + 15 * MIN);
  });

  it('repeat: the playlist again, the bed unused', () => {
    const ids = build(started(bedPlan('repeat')), T0)
      .segments.filter((s) => s.phaseIndex === 0)
      .map((s) => s.trackId);
    expect(ids).not.toContain('bed');
    expect(ids.slice(0, 4)).toEqual([trackId(0, 0), trackId(0, 1), trackId(0, 0), trackId(0, 1)]);
  });

  it('repeat, but every playlist track failed: the bed stands in rather than silence', () => {
    const j = started(bedPlan('repeat'));
    j.add(T0 + 1000, { type: 'TrackFailed', trackId: trackId(0, 1), reason: 'missing' });
    j.add(T0 + 2000, { type: 'TrackFailed', trackId: trackId(0, 0), reason: 'decode error' });
    const tl = build(j, T0 + 2000);
    expect(tl.segments.filter((s) => s.phaseIndex === 0 && s.start >= T0 + 2000).every((s) => s.trackId === 'bed')).toBe(true);
    expectContinuous(tl, T0, T0 + 15 * MIN);
  });

  it('fallback, but the bed failed: the playlist repeats (only `silence` ever stops the music)', () => {
    const j = started(bedPlan('fallback'));
    j.add(T0 + 1000, { type: 'TrackFailed', trackId: 'bed', reason: 'missing' });
    const tl = build(j, T0 + 1000);
    expect(tl.segments.map((s) => s.trackId)).not.toContain('bed');
    expectContinuous(tl, T0, T0 + 15 * MIN);
  });

  it('silence: after the playlist the music fades out and stays out until the next phase', () => {
    const tl = build(started(bedPlan('silence')), T0);
    const phase0 = tl.segments.filter((s) => s.phaseIndex === 0);
    expect(phase0.map((s) => s.trackId)).toEqual([trackId(0, 0), trackId(0, 1)]);
    expect(segmentsAt(tl, T0 + 14 * MIN)).toEqual([]);
  });

  it('a preset asking for a fallback bed without one is refused with the field named', () => {
    expect(() => makePreset({ phases: [{ plannedMin: 10, tracksS: [60], runOut: 'fallback' as unknown as 'repeat' }] })).toThrow(
      /fallback/,
    );
  });
});
