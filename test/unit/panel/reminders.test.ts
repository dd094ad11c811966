/** Reminder scheduling: anchors (dose, session, phase), due → overdue, snooze, done, live and repeating reminders. */
import { describe, expect, it } from 'vitest';
import { actionable, OVERDUE_AFTER_MS, reminderItems } from '../../../electron/core/reminders';
import { replay, type SessionState } from '../../../electron/core/session';
import { at, Journal, sublingualPlan, T0 } from '../../fixtures/plans';

function stateOf(j: Journal): SessionState {
  const s = replay(j.events);
  if (!s) throw new Error('no session');
  return s;
}

const byKey = (s: SessionState, now: number) => Object.fromEntries(reminderItems(s, now).map((r) => [r.key, r]));

describe('preset reminders', () => {
  it('wait for the dose, then fall due at dose + offset, and stay visible as overdue', () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    let r = byKey(stateOf(j), at(5));
    expect(r['preset/vitals-40']).toMatchObject({ status: 'waiting', dueAt: null });
    expect(r['preset/settle']).toMatchObject({ status: 'upcoming', dueAt: at(10) });

    j.add(at(18), { type: 'DoseGiven', note: '' });
    const s = stateOf(j);
    r = byKey(s, at(57));
    expect(r['preset/vitals-40']).toMatchObject({ status: 'upcoming', dueAt: at(58) });
    expect(byKey(s, at(58))['preset/vitals-40']?.status).toBe('due');
    const late = byKey(s, at(58) + OVERDUE_AFTER_MS + 1)['preset/vitals-40'];
    expect(late).toMatchObject({ status: 'overdue' });
    expect(late?.lateMs).toBe(OVERDUE_AFTER_MS + 1);
    // Hours later it is still there, still overdue.
    expect(byKey(s, at(300))['preset/vitals-40']?.status).toBe('overdue');
  });

  it('uses a dose time written down later (givenAt) as the anchor', () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    j.add(at(20), { type: 'DoseGiven', note: '', details: { givenAt: at(17) } });
    const s = stateOf(j);
    expect(s.doseAt).toBe(at(17));
    expect(byKey(s, at(20))['preset/vitals-40']?.dueAt).toBe(at(57));
  });

  it('done stops it for good; snooze hides it until the snooze ends, then it is due again', () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    j.add(at(11), { type: 'ReminderSnoozed', key: 'preset/settle', until: at(16) });
    let s = stateOf(j);
    expect(byKey(s, at(12))['preset/settle']).toMatchObject({ status: 'snoozed', snoozedUntil: at(16) });
    expect(byKey(s, at(16))['preset/settle']).toMatchObject({ status: 'due', lateMs: 0 });
    expect(byKey(s, at(16) + OVERDUE_AFTER_MS)['preset/settle']?.status).toBe('overdue');
    j.add(at(17), { type: 'ReminderDone', key: 'preset/settle' });
    s = stateOf(j);
    expect(byKey(s, at(100))['preset/settle']).toMatchObject({ status: 'done', doneAt: at(17) });
    expect(actionable(reminderItems(s, at(100))).map((r) => r.key)).not.toContain('preset/settle');
  });

  it('a reminder anchored to a phase that has not started is an estimate', () => {
    const j = new Journal();
    const plan = sublingualPlan();
    plan.preset.reminders.push({ id: 'peak-check', label: 'Peak check', anchor: 'peak', offsetMin: 5 });
    j.start(T0, plan);
    j.add(at(18), { type: 'DoseGiven', note: '' });
    const s = stateOf(j);
    const r = byKey(s, at(20))['preset/peak-check'];
    // Onset starts at the dose (18) and lasts 15 min: peak at 33, reminder at 38.
    expect(r).toMatchObject({ estimated: true, dueAt: at(38), status: 'upcoming' });
    expect(byKey(s, at(40))['preset/peak-check']).toMatchObject({ estimated: false, status: 'due' });
  });
});

describe('live reminders', () => {
  it('a one-off reminder falls due offset minutes after it was added', () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    j.add(at(3), { type: 'ReminderAdded', id: 'rem4', label: 'Offer water', anchor: 'added', offsetMin: 10, everyMin: null });
    const s = stateOf(j);
    expect(byKey(s, at(5))['live/rem4']).toMatchObject({ status: 'upcoming', dueAt: at(13), origin: 'live' });
    expect(byKey(s, at(13))['live/rem4']?.status).toBe('due');
  });

  it('a repeating check-in: one occurrence at a time; an earlier one left undone is missed', () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    j.add(at(0), { type: 'ReminderAdded', id: 'rem1', label: 'Check-in', anchor: 'added', offsetMin: 15, everyMin: 15 });
    j.add(at(16), { type: 'ReminderDone', key: 'live/rem1#0' });
    const s = stateOf(j);
    const items = reminderItems(s, at(46)).filter((r) => r.key.startsWith('live/rem1'));
    expect(items.map((r) => [r.key, r.status])).toEqual([
      ['live/rem1#2', 'due'],
      ['live/rem1#3', 'upcoming'],
      ['live/rem1#1', 'missed'],
      ['live/rem1#0', 'done'],
    ]);
    expect(items.find((r) => r.key === 'live/rem1#3')?.dueAt).toBe(at(60));
  });

  it('after the dose: waits, then counts from the dose', () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    j.add(at(2), { type: 'ReminderAdded', id: 'rem2', label: 'BP', anchor: 'dose', offsetMin: 30, everyMin: null });
    expect(byKey(stateOf(j), at(5))['live/rem2']?.status).toBe('waiting');
    j.add(at(20), { type: 'DoseGiven', note: '' });
    expect(byKey(stateOf(j), at(21))['live/rem2']?.dueAt).toBe(at(50));
  });

  it('the list puts what needs attention first', () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    j.add(at(12), { type: 'ReminderDone', key: 'preset/settle' });
    j.add(at(18), { type: 'DoseGiven', note: '' });
    // At dose + 45: vitals-40 due 5 min ago (overdue), vitals-120 upcoming, settle done.
    const order = reminderItems(stateOf(j), at(18 + 45)).map((r) => [r.key, r.status]);
    expect(order).toEqual([
      ['preset/vitals-40', 'overdue'],
      ['preset/vitals-120', 'upcoming'],
      ['preset/settle', 'done'],
    ]);
  });
});
