/**
 * Reminder anchoring as a clinician expects it (issue 13): a "before dosing" reminder is due
 * before the dose and never after it; dose-anchored ones count from the dose; phase-anchored
 * ones are estimates until the phase starts; a vitals reminder is done by a reading recorded
 * in its window; the timeline's "next" line and the panel agree because they share one rule.
 */
import { describe, expect, it } from 'vitest';
import type { Reminder } from '../../../electron/core/preset';
import { signingProblems } from '../../../electron/core/record-sign';
import { reminderItems } from '../../../electron/core/reminders';
import { replay, type SessionState } from '../../../electron/core/session';
import { buildTimeline, upcomingChanges } from '../../../electron/core/timeline';
import { at, Journal, makePlan, T0, vitalsReading } from '../../fixtures/plans';

const vitals = (id: string, m: number) => vitalsReading(id, at(m), [120, 80, 70, 98]);

function planWith(reminders: Reminder[]) {
  const plan = makePlan({
    phases: [
      { plannedMin: 15, untilDose: true, tracksS: [400, 400, 400] },
      { plannedMin: 15, tracksS: [400, 400, 400] },
      { plannedMin: 40, tracksS: [400, 400, 400, 400, 400, 400, 400] },
      { plannedMin: 30, tracksS: [400, 400, 400, 400, 400] },
    ],
  });
  plan.preset.reminders.push(...reminders);
  return plan;
}

const state = (j: Journal): SessionState => replay(j.events) as SessionState;
const byKey = (s: SessionState, now: number) => Object.fromEntries(reminderItems(s, now).map((r) => [r.key, r]));

const BP_BEFORE: Reminder = {
  id: 'bp-before',
  label: 'Blood pressure before dosing',
  anchor: 'session',
  offsetMin: 10,
  kind: 'vitals',
  beforeDose: true,
};
const VITALS_40: Reminder = { id: 'vitals-40', label: 'Vitals', anchor: 'dose', offsetMin: 40, kind: 'vitals' };

describe('a "before dosing" reminder', () => {
  it('is due before the dose, and once the dose is given it is closed — never due after it', () => {
    const j = new Journal();
    j.start(T0, planWith([BP_BEFORE]));
    expect(byKey(state(j), at(11))['preset/bp-before']).toMatchObject({ status: 'due', dueAt: at(10) });
    // The dose comes at 5 min, before the reminder's time: it must not fall due afterwards.
    const early = new Journal();
    early.start(T0, planWith([BP_BEFORE]));
    early.add(at(5), { type: 'DoseGiven', note: '' });
    const s = state(early);
    for (const m of [6, 10, 11, 30]) {
      expect(byKey(s, at(m))['preset/bp-before']).toMatchObject({ status: 'missed', missedBecause: 'dose' });
    }
    const tl = buildTimeline(s, at(6));
    expect(tl.reminders.map((r) => r.id)).not.toContain('bp-before');
    expect(upcomingChanges(s, tl, at(6)).filter((c) => c.kind === 'reminder')).toEqual([]);
  });

  it('is done by a reading taken before the dose, not by one taken after', () => {
    const before = new Journal();
    before.start(T0, planWith([BP_BEFORE]));
    before.add(at(8), vitals('v1', 8));
    before.add(at(12), { type: 'DoseGiven', note: '' });
    expect(byKey(state(before), at(20))['preset/bp-before']).toMatchObject({
      status: 'done',
      doneAt: at(8),
      answeredBy: { kind: 'vitals', id: 'v1' },
    });

    const after = new Journal();
    after.start(T0, planWith([BP_BEFORE]));
    after.add(at(12), { type: 'DoseGiven', note: '' });
    after.add(at(14), vitals('v1', 14));
    expect(byKey(state(after), at(20))['preset/bp-before']).toMatchObject({ status: 'missed', answeredBy: null });
  });
});

describe('a dose-anchored vitals reminder', () => {
  it('counts from the dose and is done by the reading recorded in its window (even a little early)', () => {
    const j = new Journal();
    j.start(T0, planWith([VITALS_40]));
    expect(byKey(state(j), at(5))['preset/vitals-40']).toMatchObject({ status: 'waiting', dueAt: null });
    j.add(at(18), { type: 'DoseGiven', note: '' });
    expect(byKey(state(j), at(20))['preset/vitals-40']).toMatchObject({ status: 'upcoming', dueAt: at(58) });
    j.add(at(55), vitals('v1', 55));
    expect(byKey(state(j), at(60))['preset/vitals-40']).toMatchObject({ status: 'done', doneAt: at(55) });
  });

  it('is not done by a reading from before the dose or long before it was due', () => {
    const j = new Journal();
    j.start(T0, planWith([VITALS_40]));
    j.add(at(10), vitals('v1', 10));
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(30), vitals('v2', 30));
    expect(byKey(state(j), at(60))['preset/vitals-40']).toMatchObject({ status: 'due', answeredBy: null });
    // A late reading still answers it.
    j.add(at(70), vitals('v3', 70));
    expect(byKey(state(j), at(71))['preset/vitals-40']).toMatchObject({ status: 'done', doneAt: at(70) });
  });

  it('one reading answers one reminder: the earliest that is open', () => {
    const j = new Journal();
    j.start(T0, planWith([BP_BEFORE, VITALS_40, { ...VITALS_40, id: 'vitals-45', offsetMin: 45 }]));
    j.add(at(5), vitals('v1', 5));
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(58), vitals('v2', 58));
    const r = byKey(state(j), at(60));
    expect(r['preset/bp-before']?.answeredBy?.id).toBe('v1');
    expect(r['preset/vitals-40']?.answeredBy?.id).toBe('v2');
    expect(r['preset/vitals-45']).toMatchObject({ status: 'upcoming', answeredBy: null });
  });
});

describe('phase-anchored and repeating reminders', () => {
  it('a phase-anchored reminder is an estimate until its phase starts, in the panel and on the timeline alike', () => {
    const j = new Journal();
    j.start(T0, planWith([{ id: 'peak-5', label: 'Peak check', anchor: 'peak', offsetMin: 5 }]));
    j.add(at(20), { type: 'DoseGiven', note: '' });
    // Onset runs 20–35, the peak starts at 35: the reminder at 40 is a guess until 35.
    for (const m of [21, 34, 36]) {
      const s = state(j);
      const panel = byKey(s, at(m))['preset/peak-5'];
      const tl = buildTimeline(s, at(m)).reminders[0];
      expect(panel?.estimated).toBe(m < 35);
      expect(tl).toMatchObject({ estimated: m < 35, dueAt: panel?.dueAt });
    }
    // A hold moves the estimate with it: held 10 min at 40, the peak would start at 45, the reminder at 50.
    j.add(at(30), { type: 'PhaseHeld' });
    expect(byKey(state(j), at(40))['preset/peak-5']).toMatchObject({ estimated: true, dueAt: at(50) });
  });

  it('a repeating preset reminder falls due every N minutes; one left undone when the next comes is missed', () => {
    const j = new Journal();
    j.start(T0, planWith([{ id: 'obs', label: 'Observations', anchor: 'dose', offsetMin: 10, everyMin: 15, times: 3, kind: 'vitals' }]));
    j.add(at(5), { type: 'DoseGiven', note: '' });
    j.add(at(16), vitals('v1', 16));
    const r = byKey(state(j), at(50));
    expect(r['preset/obs#0']).toMatchObject({ status: 'done', dueAt: at(15) });
    expect(r['preset/obs#1']).toMatchObject({ status: 'missed', missedBecause: 'next', dueAt: at(30) });
    expect(r['preset/obs#2']).toMatchObject({ status: 'overdue', dueAt: at(45) });
    expect(r['preset/obs#3']).toBeUndefined();
    expect(buildTimeline(state(j), at(20)).reminders[0]).toMatchObject({ id: 'obs', dueAt: at(30) });
  });
});

describe('what signing still needs', () => {
  it('names a vitals reminder with no reading by its due time, in the clock format given', () => {
    const j = new Journal();
    j.start(T0, planWith([VITALS_40]));
    j.add(at(18), { type: 'DoseGiven', note: '' });
    j.add(at(80), { type: 'SessionEnded' });
    const clinician = { name: 'Dr Ana Ruiz', credentials: 'MD' };
    const due = (format: '24h' | '12h') =>
      signingProblems(state(j), clinician, at(80), { format, timeZone: 'UTC' })
        .find((p) => p.startsWith('vitals “Vitals”'))
        ?.replace(/\s/g, ' ');
    // The dose at 09:18 UTC, the reminder 40 minutes later.
    expect(due('24h')).toBe('vitals “Vitals” (due 09:58): no reading recorded in its window');
    expect(due('12h')).toBe('vitals “Vitals” (due 9:58 AM): no reading recorded in its window');
  });
});
