/**
 * The session reducer, driven through whole sessions with a fake clock (we simply choose
 * each event's `at`). Every assertion is something the therapist would see on the panel.
 */
import { describe, expect, it } from 'vitest';
import { applyEvent, phaseIndexAt, phaseSpans, replay, type SessionEvent, type SessionState } from '../../../electron/core/session';
import { at, Journal, MIN, sublingualPlan, T0 } from '../../fixtures/plans';

const plan = sublingualPlan();

/** State after the events so far; fails the test if the journal did not start a session. */
function stateOf(events: readonly SessionEvent[]): SessionState {
  const s = replay(events);
  if (!s) throw new Error('no session');
  return s;
}

/** A running session started at T0. */
function started(): Journal {
  const j = new Journal();
  j.start(T0, plan);
  return j;
}

/** Phase boundaries (minutes after T0) of the spans as of `now`. */
function boundaries(state: SessionState, now: number): Array<[number, number | null]> {
  return phaseSpans(state, now).map((s) => [(s.start - T0) / MIN, s.end === null ? null : (s.end - T0) / MIN]);
}

describe('a full 2½-hour sublingual session', () => {
  it('waits in preparation for the dose, then moves through the phases by plan', () => {
    const j = started();
    // 16 minutes in: preparation has run over its 15 planned minutes but waits for the dose.
    let s = stateOf(j.events);
    expect(phaseIndexAt(s, at(16))).toBe(0);
    const waiting = phaseSpans(s, at(16));
    expect(waiting[0]?.end).toBeNull();
    expect(waiting[0]?.plannedEnd).toBe(at(15));
    // Later phases are estimates, counted from now.
    expect(waiting[1]).toMatchObject({ start: at(16), expected: true });
    expect(waiting.slice(1).every((sp) => sp.expected)).toBe(true);

    j.add(at(18), { type: 'DoseGiven', note: '56 mg troche' });
    s = stateOf(j.events);
    expect(s.doseAt).toBe(at(18));
    expect(boundaries(s, at(20))).toEqual([
      [0, 18],
      [18, 33],
      [33, 83],
      [83, 113],
      [113, null], // integration: open-ended (overtime allowed)
    ]);
    expect(phaseSpans(s, at(20)).every((sp) => !sp.expected)).toBe(true);

    // The phase in effect at each moment: pure function of time, no event needed.
    const expectations: Array<[number, string]> = [
      [17.9, 'preparation'],
      [18, 'onset'],
      [32.99, 'onset'],
      [33, 'peak'],
      [82.99, 'peak'],
      [83, 'return'],
      [113, 'integration'],
      [140, 'integration'], // planned end of integration (143) not reached
      [149, 'integration'], // overtime: stays in the last phase
    ];
    for (const [m, kind] of expectations) {
      expect(s.phases[phaseIndexAt(s, at(m))]?.kind, `at ${m} min`).toBe(kind);
    }

    j.add(at(150), { type: 'SessionEnded' });
    s = stateOf(j.events);
    expect(s.status).toBe('ended');
    expect(s.endedAt).toBe(at(150));
    expect(boundaries(s, at(160))).toEqual([
      [0, 18],
      [18, 33],
      [33, 83],
      [83, 113],
      [113, 150],
    ]);
  });

  it('a dose given before the planned preparation time also advances preparation at once', () => {
    const j = started();
    j.add(at(9), { type: 'DoseGiven', note: '' });
    const s = stateOf(j.events);
    expect(boundaries(s, at(10)).slice(0, 2)).toEqual([
      [0, 9],
      [9, 24],
    ]);
  });

  it('a second dose does not move anything', () => {
    const j = started();
    j.add(at(18), { type: 'DoseGiven', note: '' });
    const before = stateOf(j.events);
    j.add(at(40), { type: 'DoseGiven', note: 'booster' });
    const after = stateOf(j.events);
    expect(after.doseAt).toBe(at(18));
    expect(phaseSpans(after, at(41))).toEqual(phaseSpans(before, at(41)));
  });

  it('extends and shortens the current phase, moving every later boundary', () => {
    const j = started();
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(50), { type: 'PhaseExtended', minutes: 10 }); // peak 33→93
    let s = stateOf(j.events);
    expect(boundaries(s, at(50)).slice(2)).toEqual([
      [33, 93],
      [93, 123],
      [123, null],
    ]);
    j.add(at(60), { type: 'PhaseExtended', minutes: -15 }); // peak 33→78
    s = stateOf(j.events);
    expect(boundaries(s, at(60)).slice(2)).toEqual([
      [33, 78],
      [78, 108],
      [108, null],
    ]);
  });

  it('shortening never ends the phase before the moment it was asked', () => {
    const j = started();
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(60), { type: 'PhaseExtended', minutes: -120 });
    const s = stateOf(j.events);
    const peak = phaseSpans(s, at(60))[2];
    expect(peak?.end).toBe(at(60));
    expect(s.phases[phaseIndexAt(s, at(60))]?.kind).toBe('return');
    expect(s.phases[phaseIndexAt(s, at(59.99))]?.kind).toBe('peak');
  });

  it('hold then advance: the phase stays open past its plan and ends exactly at the advance', () => {
    const j = started();
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(70), { type: 'PhaseHeld' });
    let s = stateOf(j.events);
    // Planned end (83) has passed, but the peak is on hold.
    expect(s.phases[phaseIndexAt(s, at(95))]?.kind).toBe('peak');
    const held = phaseSpans(s, at(95))[2];
    expect(held).toMatchObject({ end: null, held: true });
    // Later phases are estimated from now.
    expect(phaseSpans(s, at(95))[3]?.expected).toBe(true);

    j.add(at(100), { type: 'PhaseAdvanced' });
    s = stateOf(j.events);
    expect(boundaries(s, at(100)).slice(2)).toEqual([
      [33, 100],
      [100, 130],
      [130, null],
    ]);
    expect(phaseSpans(s, at(100))[2]?.held).toBe(false);
    expect(s.phases[2]?.heldSince).toBeNull();
  });

  it('hold then resume: the countdown pauses while held and continues from where it was', () => {
    const j = started();
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(40), { type: 'PhaseHeld' }); // 43 min of peak left
    let s = stateOf(j.events);
    for (const m of [41, 50, 70, 90]) {
      const peak = phaseSpans(s, at(m))[2];
      expect(peak?.held).toBe(true);
      expect(((peak?.plannedEnd ?? 0) - at(m)) / MIN, `remaining at ${m}`).toBe(43);
    }
    j.add(at(55), { type: 'PhaseResumed' }); // held 15 min → peak ends at 98
    s = stateOf(j.events);
    expect(boundaries(s, at(56)).slice(2)).toEqual([
      [33, 98],
      [98, 128],
      [128, null],
    ]);
    // Remaining time counts down again after the resume.
    const later = phaseSpans(s, at(60))[2];
    expect(((later?.plannedEnd ?? 0) - at(60)) / MIN).toBe(38);
  });

  it('advance moves on at once, whatever the plan said', () => {
    const j = started();
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(25), { type: 'PhaseAdvanced' }); // onset cut short
    const s = stateOf(j.events);
    expect(boundaries(s, at(26)).slice(1, 3)).toEqual([
      [18, 25],
      [25, 75],
    ]);
  });

  it('advance in the last phase is ignored', () => {
    const j = started();
    j.add(at(18), { type: 'DoseGiven', note: '' });
    const before = stateOf(j.events);
    j.add(at(130), { type: 'PhaseAdvanced' });
    const after = stateOf(j.events);
    expect(after.phases).toEqual(before.phases);
    expect(phaseSpans(after, at(160))).toEqual(phaseSpans(before, at(160)));
    expect(after.phases[phaseIndexAt(after, at(200))]?.kind).toBe('integration');
  });

  it('ending the session closes the current phase, clears hold and safe state, and later events change nothing', () => {
    const j = started();
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(60), { type: 'PhaseHeld' });
    j.add(at(65), { type: 'SafeStateOn' });
    j.add(at(70), { type: 'SessionEnded' });
    const s = stateOf(j.events);
    expect(s.status).toBe('ended');
    expect(s.safe.on).toBe(false);
    expect(s.safe.intervals).toEqual([{ from: at(65), to: at(70) }]);
    expect(s.phases.every((p) => p.heldSince === null)).toBe(true);
    const spans = phaseSpans(s, at(200));
    expect(spans[2]).toMatchObject({ start: at(33), end: at(70), held: false });
    // Phases that never happened are empty, at the end time.
    for (const sp of spans.slice(3)) expect(sp).toMatchObject({ start: at(70), end: at(70), expected: false });

    j.add(at(75), { type: 'PhaseAdvanced' });
    j.add(at(76), { type: 'NoteAdded', id: 'n1', text: 'late' });
    expect(stateOf(j.events)).toEqual(s);
  });

  it('holding preparation and then giving the dose ends preparation and clears the hold', () => {
    const j = started();
    j.add(at(5), { type: 'PhaseHeld' });
    j.add(at(20), { type: 'DoseGiven', note: '' });
    const s = stateOf(j.events);
    const spans = phaseSpans(s, at(30));
    expect(spans[0]).toMatchObject({ end: at(20), held: false });
    expect(s.phases[0]?.heldSince).toBeNull();
    expect(spans[1]).toMatchObject({ start: at(20), end: at(35), held: false });
  });

  it('records notes, skips, failures and safe state intervals', () => {
    const j = started();
    j.add(at(1), { type: 'NoteAdded', id: 'n1', text: 'Intention: rest' });
    j.add(at(2), { type: 'TrackSkipped' });
    j.add(at(3), { type: 'TrackFailed', trackId: 'p0-t2', reason: 'unreadable' });
    j.add(at(4), { type: 'SafeStateOn' });
    j.add(at(4.5), { type: 'SafeStateOn' }); // second press: no new interval
    j.add(at(6), { type: 'SafeStateOff' });
    j.add(at(7), { type: 'SafeStateOff' }); // ignored
    const s = stateOf(j.events);
    expect(s.notes).toEqual([{ id: 'n1', at: at(1), text: 'Intention: rest' }]);
    expect(s.skips).toEqual([at(2)]);
    expect(s.failures).toEqual([{ at: at(3), trackId: 'p0-t2', reason: 'unreadable' }]);
    expect(s.safe).toEqual({ on: false, since: null, intervals: [{ from: at(4), to: at(6) }] });
    expect(s.lastSeq).toBe(8);
  });
});

describe('reducer tolerance and replay', () => {
  it('ignores events that come before SessionStarted', () => {
    expect(applyEvent(null, { seq: 1, at: T0, type: 'DoseGiven', note: '' })).toBeNull();
    const j = new Journal();
    j.add(T0 - 5 * MIN, { type: 'PhaseAdvanced' });
    j.add(T0 - 4 * MIN, { type: 'DoseGiven', note: '' });
    j.add(T0 - 3 * MIN, { type: 'NoteAdded', id: 'x', text: 'stray' });
    j.start(T0, plan);
    j.add(at(18), { type: 'DoseGiven', note: '' });
    const withJunk = stateOf(j.events);

    const clean = new Journal();
    clean.start(T0, plan);
    clean.add(at(18), { type: 'DoseGiven', note: '' });
    const expected = stateOf(clean.events);
    expect(withJunk).toEqual({ ...expected, lastSeq: withJunk.lastSeq });
    expect(withJunk.notes).toEqual([]);
    expect(withJunk.doseAt).toBe(at(18));
  });

  it('replaying the journal gives the same state as applying events one by one', () => {
    const j = started();
    j.add(at(2), { type: 'NoteAdded', id: 'n1', text: 'calm' });
    j.add(at(16), { type: 'PhaseExtended', minutes: 5 });
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(26), { type: 'TrackSkipped' });
    j.add(at(40), { type: 'PhaseHeld' });
    j.add(at(44), { type: 'SafeStateOn' });
    j.add(at(46), { type: 'SafeStateOff' });
    j.add(at(50), { type: 'PhaseResumed' });
    j.add(at(70), { type: 'PhaseExtended', minutes: -10 });
    j.add(at(90), { type: 'TrackFailed', trackId: 'p3-t1', reason: 'decode error' });
    j.add(at(100), { type: 'PhaseAdvanced' });
    j.add(at(150), { type: 'SessionEnded' });

    let incremental: SessionState | null = null;
    const snapshots: SessionState[] = [];
    for (const ev of j.events) {
      incremental = applyEvent(incremental, ev);
      if (incremental) snapshots.push(structuredClone(incremental));
    }
    expect(replay(j.events)).toEqual(incremental);
    // Earlier states were not mutated by later events (the reducer copies).
    let again: SessionState | null = null;
    j.events.forEach((ev, i) => {
      again = applyEvent(again, ev);
      expect(again).toEqual(snapshots[i]);
    });
    // A journal that went through JSON (as on disk) replays to the same state.
    const fromDisk = JSON.parse(JSON.stringify(j.events)) as SessionEvent[];
    expect(replay(fromDisk)).toEqual(incremental);
  });
});
