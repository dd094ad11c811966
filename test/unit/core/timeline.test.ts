/**
 * The timeline as the audio and light players see it: which track plays when, how changes
 * are faded, how the light moves and when reminders fall due. Times are chosen, not waited for.
 */
import { describe, expect, it } from 'vitest';
import { kelvinToMired, miredToKelvin } from '../../../electron/core/curves';
import { replay, type SessionEvent, type SessionState } from '../../../electron/core/session';
import {
  type AudioSegment,
  buildTimeline,
  END_FADE_MS,
  FAIL_FADE_MS,
  lightAt,
  MIN_FORCED_FADE_MS,
  SAFE_OFF_MIN_MS,
  SAFE_ON_MS,
  START_FADE_MS,
  segmentEnvelope,
  segmentsAt,
  type Timeline,
  upcomingChanges,
} from '../../../electron/core/timeline';
import { at, Journal, MIN, makePlan, SAFE_SCENE, sublingualPlan, T0, trackId } from '../../fixtures/plans';

const plan = sublingualPlan();
const XF = 8000;

function stateOf(events: readonly SessionEvent[]): SessionState {
  const s = replay(events);
  if (!s) throw new Error('no session');
  return s;
}
const timelineOf = (events: readonly SessionEvent[], now: number): Timeline => buildTimeline(stateOf(events), now);

/** A session started at T0 with the dose at 18 min (onset 18, peak 33, return 83, integration 113). */
function dosed(p = plan): Journal {
  const j = new Journal();
  j.start(T0, p);
  j.add(at(18), { type: 'DoseGiven', note: '' });
  return j;
}

const ofPhase = (tl: Timeline, i: number): AudioSegment[] => tl.segments.filter((s) => s.phaseIndex === i);
const durMs = (id: string, p = plan): number => (p.tracks[id]?.durationS ?? Number.NaN) * 1000;

/** The one segment sounding alone around `t` (fails if it is in a crossfade). */
function soloAt(tl: Timeline, t: number): AudioSegment {
  const now = segmentsAt(tl, t);
  expect(now, `exactly one track at ${(t - T0) / MIN} min`).toHaveLength(1);
  return now[0] as AudioSegment;
}
/** Middle of a segment's full-level stretch. */
const middleOf = (s: AudioSegment): number => Math.round((s.start + s.fadeInMs + s.fadeOutStart) / 2);

describe('music by phase', () => {
  it('plays each phase’s playlist in order, from the phase start, the first track fading in', () => {
    const j = dosed();
    const tl = timelineOf(j.events, at(120));
    for (let i = 0; i < 5; i++) {
      const segs = ofPhase(tl, i);
      expect(segs.length, `phase ${i}`).toBeGreaterThan(0);
      expect(segs.map((s) => s.trackId)).toEqual(plan.phaseTracks[i]?.slice(0, segs.length));
      expect(segs.every((s) => s.gain === plan.preset.phases[i]?.volume)).toBe(true);
    }
    const first = tl.segments[0] as AudioSegment;
    expect(first).toMatchObject({ start: T0, trackId: trackId(0, 0), fadeInMs: START_FADE_MS, offsetS: 0 });
    expect(segmentEnvelope(first, T0)).toBe(0);
    expect(segmentEnvelope(first, T0 + START_FADE_MS / 2)).toBeGreaterThan(0.5);
    expect(segmentEnvelope(first, T0 + START_FADE_MS)).toBeCloseTo(1, 9);
    // Each phase's first track starts at the phase boundary.
    for (const [i, m] of [
      [1, 18],
      [2, 33],
      [3, 83],
      [4, 113],
    ] as const) {
      expect(ofPhase(tl, i)[0]?.start).toBe(at(m));
    }
  });

  it('overlaps consecutive tracks by exactly the configured crossfade', () => {
    const tl = timelineOf(dosed().events, at(120));
    let pairs = 0;
    for (let i = 0; i < 5; i++) {
      const segs = ofPhase(tl, i);
      for (let k = 1; k < segs.length; k++) {
        const a = segs[k - 1] as AudioSegment;
        const b = segs[k] as AudioSegment;
        expect(b.start).toBe(a.fadeOutStart);
        expect(a.end - b.start).toBe(XF);
        expect(b.fadeInMs).toBe(XF);
        // Every uninterrupted track plays its whole file.
        if (k < segs.length - 1) expect(b.end - b.start).toBe(durMs(b.trackId));
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(20);
  });

  it('crossfades into the next phase at each boundary, never a hard cut', () => {
    const tl = timelineOf(dosed().events, at(120));
    for (const [i, m] of [
      [1, 18],
      [2, 33],
      [3, 83],
      [4, 113],
    ] as const) {
      const boundary = at(m);
      const sounding = segmentsAt(tl, boundary + 1);
      expect(sounding.map((s) => s.phaseIndex)).toEqual([i - 1, i]);
      const [out, inn] = sounding as [AudioSegment, AudioSegment];
      expect(out.fadeOutStart).toBe(boundary);
      expect(out.end - out.fadeOutStart).toBeGreaterThanOrEqual(MIN_FORCED_FADE_MS);
      expect(inn.fadeInMs).toBeGreaterThanOrEqual(MIN_FORCED_FADE_MS);
    }
  });

  it('repeats a playlist shorter than its phase (runOut repeat)', () => {
    const p = makePlan({
      phases: [
        { plannedMin: 10, tracksS: [120, 150, 90], runOut: 'repeat' },
        { plannedMin: 10, tracksS: [300, 300] },
      ],
    });
    const j = new Journal();
    j.start(T0, p);
    const tl = timelineOf(j.events, T0 + 5 * MIN);
    const segs = ofPhase(tl, 0);
    const cycle = [trackId(0, 0), trackId(0, 1), trackId(0, 2)];
    expect(segs.map((s) => s.trackId)).toEqual(segs.map((_, k) => cycle[k % 3]));
    expect(segs.length).toBeGreaterThan(3);
    // Music all the way to the boundary at 10 min.
    for (let t = T0; t < T0 + 10 * MIN; t += 1000) expect(segmentsAt(tl, t).length, `at ${(t - T0) / 1000}s`).toBeGreaterThan(0);
    expect(ofPhase(tl, 1)[0]?.start).toBe(T0 + 10 * MIN);
  });

  it('stops after the last track when the phase’s policy is silence, and the next phase fades in', () => {
    const p = makePlan({
      phases: [
        { plannedMin: 10, tracksS: [120, 150, 90], runOut: 'silence' },
        { plannedMin: 10, tracksS: [300, 300] },
      ],
    });
    const j = new Journal();
    j.start(T0, p);
    const tl = timelineOf(j.events, T0 + 5 * MIN);
    const segs = ofPhase(tl, 0);
    expect(segs.map((s) => s.trackId)).toEqual([trackId(0, 0), trackId(0, 1), trackId(0, 2)]);
    const last = segs[2] as AudioSegment;
    expect(last.end).toBe(T0 + (120 + 150 + 90 - 16) * 1000); // two 8 s crossfades
    expect(last.end - last.fadeOutStart).toBeGreaterThan(0); // fades out, no cut
    expect(segmentsAt(tl, last.end)).toEqual([]);
    expect(segmentsAt(tl, T0 + 10 * MIN - 1)).toEqual([]);
    const next = ofPhase(tl, 1)[0] as AudioSegment;
    expect(next.start).toBe(T0 + 10 * MIN);
    expect(next.fadeInMs).toBeGreaterThanOrEqual(MIN_FORCED_FADE_MS);
  });
});

describe('the therapist changes the plan mid-track', () => {
  it('extend in the middle of a track: the track keeps playing, the boundary moves', () => {
    const j = dosed();
    const now = at(50);
    const before = timelineOf(j.events, now);
    const playing = soloAt(before, now);
    j.add(now, { type: 'PhaseExtended', minutes: 10 });
    const after = timelineOf(j.events, now);
    const same = after.segments.find((s) => s.id === playing.id);
    expect(same).toEqual(playing); // same id, same start, same fades, same end
    expect(soloAt(after, now).id).toBe(playing.id);
    // Everything already heard is unchanged.
    expect(after.segments.filter((s) => s.start <= now)).toEqual(before.segments.filter((s) => s.start <= now));
    // The boundary moved from 83 to 93 min, and music carries on until then.
    expect(after.phases[2]?.end).toBe(at(93));
    expect(ofPhase(after, 3)[0]?.start).toBe(at(93));
    for (let t = now; t < at(93); t += 5000) expect(segmentsAt(after, t).map((s) => s.phaseIndex)).toContain(2);
  });

  it('advance in the middle of a track: it fades out over >= 4 s while the next phase’s first track fades in', () => {
    const j = dosed();
    const probe = soloAt(timelineOf(j.events, at(50)), at(50));
    const adv = middleOf(probe);
    j.add(adv, { type: 'PhaseAdvanced' });
    const tl = timelineOf(j.events, adv);
    const out = tl.segments.find((s) => s.id === probe.id) as AudioSegment;
    expect(out.start).toBe(probe.start);
    expect(out.fadeOutStart).toBe(adv);
    expect(out.end - adv).toBeGreaterThanOrEqual(MIN_FORCED_FADE_MS);
    expect(out.end - adv).toBe(XF);
    const inn = ofPhase(tl, 3)[0] as AudioSegment;
    expect(inn).toMatchObject({ trackId: trackId(3, 0), start: adv, fadeInMs: XF });
    expect(segmentsAt(tl, adv + 1).map((s) => s.id)).toEqual([out.id, inn.id]);
    // Nothing from the peak starts after the advance.
    expect(ofPhase(tl, 2).every((s) => s.start < adv)).toBe(true);
    // Equal power through the change.
    const mid = adv + XF / 2;
    expect(segmentEnvelope(out, mid) ** 2 + segmentEnvelope(inn, mid) ** 2).toBeCloseTo(1, 6);
  });

  it('hold then advance: music keeps going past the planned end, then crossfades at the advance', () => {
    const j = dosed();
    j.add(at(70), { type: 'PhaseHeld' });
    const held = timelineOf(j.events, at(95));
    expect(ofPhase(held, 3)).toEqual([]);
    for (let t = at(70); t < at(95) + 20 * MIN; t += 5000) {
      expect(
        segmentsAt(held, t).map((s) => s.phaseIndex),
        `at ${(t - T0) / MIN}`,
      ).toContain(2);
    }
    j.add(at(100), { type: 'PhaseAdvanced' });
    const tl = timelineOf(j.events, at(100));
    expect(tl.phases[2]?.end).toBe(at(100));
    const sounding = segmentsAt(tl, at(100) + 1);
    expect(sounding.map((s) => s.phaseIndex)).toEqual([2, 3]);
    const [out, inn] = sounding as [AudioSegment, AudioSegment];
    expect(out.end - out.fadeOutStart).toBeGreaterThanOrEqual(MIN_FORCED_FADE_MS);
    expect(inn.start).toBe(at(100));
    // The hold did not change what played before the advance.
    expect(tl.segments.filter((s) => s.end <= at(100))).toEqual(held.segments.filter((s) => s.end <= at(100)));
  });

  it('skip: the current track fades out over >= 4 s and the next one in the playlist comes in', () => {
    const j = dosed();
    const probe = soloAt(timelineOf(j.events, at(60)), at(60));
    const k = plan.phaseTracks[2]?.indexOf(probe.trackId) ?? -1;
    const skipAt = middleOf(probe);
    j.add(skipAt, { type: 'TrackSkipped' });
    const tl = timelineOf(j.events, skipAt);
    const out = tl.segments.find((s) => s.id === probe.id) as AudioSegment;
    expect(out.fadeOutStart).toBe(skipAt);
    expect(out.end - skipAt).toBe(Math.max(MIN_FORCED_FADE_MS, XF));
    const idx = tl.segments.indexOf(out);
    const next = tl.segments[idx + 1] as AudioSegment;
    expect(next).toMatchObject({ trackId: trackId(2, k + 1), start: skipAt, fadeInMs: XF, phaseIndex: 2 });
    expect(tl.segments[idx + 2]?.trackId).toBe(trackId(2, k + 2));
    // The peak still ends at 83 min with a crossfade into the return.
    expect(ofPhase(tl, 3)[0]?.start).toBe(at(83));
  });

  it('skip pressed during a crossfade waits for the older track to finish: never three at once', () => {
    const j = dosed();
    const tl0 = timelineOf(j.events, at(60));
    const segs = ofPhase(tl0, 2);
    const b = segs[3] as AudioSegment; // starts in a crossfade with segs[2]
    const a = segs[2] as AudioSegment;
    j.add(b.start + 2000, { type: 'TrackSkipped' });
    const tl = timelineOf(j.events, b.start + 2000);
    const b2 = tl.segments.find((s) => s.id === b.id) as AudioSegment;
    expect(b2.fadeOutStart).toBe(a.end);
    const c = tl.segments[tl.segments.indexOf(b2) + 1] as AudioSegment;
    expect(c.start).toBe(a.end);
    for (const s of tl.segments) for (const t of [s.start, s.end - 1]) expect(segmentsAt(tl, t).length).toBeLessThanOrEqual(2);
  });

  it('a long forced fade into a short track still never makes three tracks sound together', () => {
    // 20 s crossfade, 30 s tracks: a skip fades the old track over 20 s, longer than the
    // new track's full-level stretch before it hands over to the one after.
    const p = makePlan({ phases: [{ plannedMin: 10, crossfadeS: 20, tracksS: [60, 30, 30, 30] }] });
    const j = new Journal();
    j.start(T0, p);
    j.add(T0 + 20_000, { type: 'TrackSkipped' });
    const tl = timelineOf(j.events, T0 + 20_000);
    const [a, b, c] = tl.segments as [AudioSegment, AudioSegment, AudioSegment];
    expect(a.fadeOutStart).toBe(T0 + 20_000);
    expect(b.start).toBe(T0 + 20_000);
    // The skipped track is gone by the time the next one hands over to the third…
    expect(a.end).toBeLessThanOrEqual(c.start);
    // …and still fades out gently (at least the forced minimum), never a cut.
    expect(a.end - a.fadeOutStart).toBeGreaterThanOrEqual(MIN_FORCED_FADE_MS);
    for (const s of tl.segments) for (const t of [s.start, s.start + 1, s.end - 1]) expect(segmentsAt(tl, t).length).toBeLessThanOrEqual(2);
  });

  it('a skip after another track’s failure during the same track is still honoured', () => {
    const j = dosed();
    const probe = soloAt(timelineOf(j.events, at(60)), at(60));
    const k = plan.phaseTracks[2]?.indexOf(probe.trackId) ?? -1;
    // A later track of this phase turns out unreadable while this one plays…
    j.add(probe.start + 30_000, { type: 'TrackFailed', trackId: trackId(2, k + 3), reason: 'unreadable' });
    // …and then the therapist skips the current track.
    const skipAt = probe.start + 60_000;
    j.add(skipAt, { type: 'TrackSkipped' });
    const tl = timelineOf(j.events, skipAt);
    const out = tl.segments.find((s) => s.id === probe.id) as AudioSegment;
    expect(out.fadeOutStart).toBe(skipAt);
    expect(out.end).toBe(skipAt + XF);
    const rest = ofPhase(tl, 2).filter((s) => s.start >= skipAt);
    expect(rest[0]).toMatchObject({ start: skipAt, trackId: trackId(2, k + 1) });
    expect(rest.map((s) => s.trackId)).not.toContain(trackId(2, k + 3));
  });
});

describe('failed tracks', () => {
  it('a track that fails while playing fades out quickly and the next one comes in', () => {
    const j = dosed();
    const probe = soloAt(timelineOf(j.events, at(40)), at(40));
    const k = plan.phaseTracks[2]?.indexOf(probe.trackId) ?? -1;
    const f = middleOf(probe);
    j.add(f, { type: 'TrackFailed', trackId: probe.trackId, reason: 'decode error' });
    const tl = timelineOf(j.events, f);
    const out = tl.segments.find((s) => s.id === probe.id) as AudioSegment;
    expect(out.fadeOutStart).toBe(f);
    expect(out.end).toBe(f + FAIL_FADE_MS);
    const next = tl.segments[tl.segments.indexOf(out) + 1] as AudioSegment;
    expect(next).toMatchObject({ start: f, trackId: trackId(2, k + 1) });
    expect(segmentsAt(tl, f + 1)).toHaveLength(2);
  });

  it('a failed track is left out of everything that follows, including repeats', () => {
    const p = makePlan({
      phases: [
        { plannedMin: 20, tracksS: [120, 150, 90], runOut: 'repeat' },
        { plannedMin: 10, tracksS: [300] },
      ],
    });
    const j = new Journal();
    j.start(T0, p);
    // Track 1 (not playing yet) fails 30 s in.
    j.add(T0 + 30_000, { type: 'TrackFailed', trackId: trackId(0, 1), reason: 'file missing' });
    const tl = timelineOf(j.events, T0 + 60_000);
    const ids = ofPhase(tl, 0).map((s) => s.trackId);
    expect(ids.slice(0, 4)).toEqual([trackId(0, 0), trackId(0, 2), trackId(0, 0), trackId(0, 2)]);
    expect(ids).not.toContain(trackId(0, 1));
    for (let t = T0; t < T0 + 20 * MIN; t += 1000) expect(segmentsAt(tl, t).length).toBeGreaterThan(0);
  });

  it('tracks without a resolved file are never scheduled', () => {
    const p = makePlan({ phases: [{ plannedMin: 10, tracksS: [60, 60, 60] }] });
    const missing = p.tracks[trackId(0, 1)];
    if (missing) {
      missing.file = null;
      missing.problem = 'not found';
    }
    const j = new Journal();
    j.start(T0, p);
    const tl = timelineOf(j.events, T0);
    expect(tl.segments.map((s) => s.trackId)).not.toContain(trackId(0, 1));
  });
});

describe('end of session', () => {
  it('fades the music out and starts nothing after the end', () => {
    const j = dosed();
    const probe = soloAt(timelineOf(j.events, at(130)), at(130));
    const end = middleOf(probe);
    j.add(end, { type: 'SessionEnded' });
    const tl = timelineOf(j.events, end + MIN);
    const out = tl.segments.find((s) => s.id === probe.id) as AudioSegment;
    expect(out.fadeOutStart).toBe(end);
    expect(out.end).toBe(end + END_FADE_MS);
    expect(tl.segments.every((s) => s.start < end)).toBe(true);
    expect(segmentsAt(tl, end + END_FADE_MS)).toEqual([]);
    expect(segmentEnvelope(out, end + END_FADE_MS / 2)).toBeCloseTo(Math.SQRT1_2, 9);
  });
});

describe('light', () => {
  const initial = { level: 100, kelvin: 4000 };

  it('has one keyframe per phase with the phase’s scene, and returns to working light at the end', () => {
    const j = dosed();
    j.add(at(150), { type: 'SessionEnded' });
    const tl = timelineOf(j.events, at(151));
    const phaseFrames = tl.light.filter((f) => f.cause === 'phase');
    expect(phaseFrames.map((f) => (f.at - T0) / MIN)).toEqual([0, 18, 33, 83, 113]);
    phaseFrames.forEach((f, i) => {
      const sc = plan.preset.phases[i]?.light;
      expect(f).toMatchObject({ level: sc?.level, kelvin: sc?.kelvin, durationMs: (sc?.transitionS ?? 0) * 1000 });
    });
    const end = tl.light.at(-1);
    expect(end).toMatchObject({ cause: 'end', at: at(150), level: SAFE_SCENE.level });
    expect(lightAt(tl.light, at(200), initial).level).toBeCloseTo(SAFE_SCENE.level, 9);
  });

  it('dims into the peak evenly: mid-transition the level is between the two scenes', () => {
    const tl = timelineOf(dosed().events, at(60));
    const onset = plan.preset.phases[1]?.light;
    const peak = plan.preset.phases[2]?.light;
    if (!onset || !peak) throw new Error('fixture');
    // Onset scene fully reached (5 min) long before the peak at 33.
    expect(lightAt(tl.light, at(32), initial).level).toBeCloseTo(onset.level, 9);
    const mid = at(33) + (peak.transitionS * 1000) / 2;
    const l = lightAt(tl.light, mid, initial);
    expect(l.level).toBeLessThan(onset.level);
    expect(l.level).toBeGreaterThan(peak.level);
    // Perceptual: half-way in time is half-way in L*.
    expect(l.level).toBeCloseTo((onset.level + peak.level) / 2, 9);
    // Colour temperature half-way in mireds.
    expect(l.kelvin).toBeCloseTo(miredToKelvin((kelvinToMired(onset.kelvin) + kelvinToMired(peak.kelvin)) / 2), 6);
    expect(l.moving).toBe(true);
    expect(l.target).toEqual({ level: peak.level, kelvin: peak.kelvin });
    // Monotone, no jump: one-second steps over the 15-minute dim.
    let prev = lightAt(tl.light, at(33), initial).level;
    for (let t = at(33); t <= at(33) + peak.transitionS * 1000; t += 1000) {
      const v = lightAt(tl.light, t, initial).level;
      expect(v).toBeLessThanOrEqual(prev + 1e-9);
      expect(prev - v).toBeLessThan(0.05);
      prev = v;
    }
    expect(lightAt(tl.light, at(50), initial).level).toBeCloseTo(peak.level, 9);
  });

  it('safe state: light reaches the safe level within 3 s; off returns to the scene over a minute or more', () => {
    const j = dosed();
    j.add(at(60), { type: 'SafeStateOn' });
    const on = timelineOf(j.events, at(60));
    expect(SAFE_ON_MS).toBeLessThanOrEqual(3000);
    expect(lightAt(on.light, at(60) + 3000, initial).level).toBeCloseTo(SAFE_SCENE.level, 9);
    expect(lightAt(on.light, at(60) + 3000, initial).kelvin).toBeCloseTo(SAFE_SCENE.kelvin, 6);
    expect(lightAt(on.light, at(64), initial).level).toBeCloseTo(SAFE_SCENE.level, 9);

    j.add(at(65), { type: 'SafeStateOff' });
    const off = timelineOf(j.events, at(65));
    const peak = plan.preset.phases[2]?.light.level ?? Number.NaN;
    const frame = off.light.find((f) => f.cause === 'safe-off');
    expect(frame?.durationMs).toBeGreaterThanOrEqual(SAFE_OFF_MIN_MS);
    let prev = lightAt(off.light, at(65), initial).level;
    expect(prev).toBeCloseTo(SAFE_SCENE.level, 9);
    const maxStep = (SAFE_SCENE.level - peak) / (SAFE_OFF_MIN_MS / 1000) + 1e-9;
    for (let t = at(65) + 1000; t <= at(65) + SAFE_OFF_MIN_MS; t += 1000) {
      const v = lightAt(off.light, t, initial).level;
      expect(prev - v).toBeGreaterThanOrEqual(0);
      expect(prev - v).toBeLessThanOrEqual(maxStep);
      prev = v;
    }
    expect(lightAt(off.light, at(67), initial).level).toBeCloseTo(peak, 9);
  });

  it('a phase change during safe state does not pull the light down; off goes to the new phase’s scene', () => {
    const j = dosed();
    j.add(at(80), { type: 'SafeStateOn' });
    j.add(at(90), { type: 'SafeStateOff' }); // return began at 83
    const tl = timelineOf(j.events, at(90));
    for (const m of [81, 83, 84, 89.9]) expect(lightAt(tl.light, at(m), initial).level).toBeCloseTo(SAFE_SCENE.level, 9);
    const ret = plan.preset.phases[3]?.light;
    expect(lightAt(tl.light, at(110), initial).level).toBeCloseTo(ret?.level ?? Number.NaN, 9);
  });
});

describe('reminders', () => {
  it('falls due relative to the dose and the session start', () => {
    const j = new Journal();
    j.start(T0, plan);
    const before = timelineOf(j.events, at(5)).reminders;
    expect(before).toEqual([
      { id: 'vitals-40', label: 'Check vitals', dueAt: null, estimated: false },
      { id: 'vitals-120', label: 'Check vitals again', dueAt: null, estimated: false },
      { id: 'settle', label: 'Client settled? Eye mask on?', dueAt: at(10), estimated: false },
    ]);
    j.add(at(18), { type: 'DoseGiven', note: '' });
    const after = timelineOf(j.events, at(20));
    expect(after.reminders.map((r) => [r.id, r.dueAt === null ? null : (r.dueAt - T0) / MIN])).toEqual([
      ['vitals-40', 58],
      ['vitals-120', 138],
      ['settle', 10],
    ]);
    const next = upcomingChanges(stateOf(j.events), after, at(20)).filter((c) => c.kind === 'reminder');
    expect(next.map((c) => (c.at - T0) / MIN)).toEqual([58, 138]);
  });

  it('phase-anchored reminders are estimates until the phase starts', () => {
    const p = makePlan({
      phases: [
        { plannedMin: 15, untilDose: true, tracksS: [300, 300] },
        { plannedMin: 15, tracksS: [300, 300] },
        { plannedMin: 40, tracksS: [300, 300] },
      ],
    });
    p.preset.reminders.push({ id: 'peak-5', label: 'Peak + 5', anchor: 'peak', offsetMin: 5 });
    const j = new Journal();
    j.start(T0, p);
    const r0 = timelineOf(j.events, at(20)).reminders[0];
    expect(r0?.estimated).toBe(true);
    j.add(at(20), { type: 'DoseGiven', note: '' });
    // The peak begins at 35 by plan; until then it can still be held or advanced: an estimate.
    expect(timelineOf(j.events, at(21)).reminders[0]).toMatchObject({ estimated: true, dueAt: at(40) });
    expect(timelineOf(j.events, at(36)).reminders[0]).toMatchObject({ estimated: false, dueAt: at(40) });
  });
});

describe('segmentEnvelope', () => {
  it('is equal power in a crossfade (g1² + g2² = 1 throughout, 1/√2 each at the mid-point)', () => {
    const tl = timelineOf(dosed().events, at(60));
    const segs = ofPhase(tl, 2);
    const a = segs[1] as AudioSegment;
    const b = segs[2] as AudioSegment;
    const mid = (b.start + a.end) / 2;
    expect(segmentEnvelope(a, mid)).toBeCloseTo(Math.SQRT1_2, 9);
    expect(segmentEnvelope(b, mid)).toBeCloseTo(Math.SQRT1_2, 9);
    for (let t = b.start; t < a.end; t += 250) {
      expect(segmentEnvelope(a, t) ** 2 + segmentEnvelope(b, t) ** 2).toBeCloseTo(1, 9);
    }
    expect(segmentEnvelope(a, a.end)).toBe(0);
    expect(segmentEnvelope(b, b.start)).toBe(0);
    expect(segmentEnvelope(a, b.start - 1)).toBe(1);
  });
});
