/**
 * The clinical record's events in the reducer: notes edited and deleted with history, doses
 * (anchor, repeat, correction), vitals, ratings, adverse events, discharge after the end,
 * reminders, music; old journals replay as before; replaying (also from disk) gives the same state.
 */
import { describe, expect, it } from 'vitest';
import { applyEvent, replay, type SessionEvent, SessionEventSchema, type SessionState } from '../../../electron/core/session';
import { at, Journal, sublingualPlan, T0, vitalsReading } from '../../fixtures/plans';

function stateOf(events: readonly SessionEvent[]): SessionState {
  const s = replay(events);
  if (!s) throw new Error('no session');
  return s;
}

/** A session exercising every new event, including some after the end. */
function fullJournal(): Journal {
  const j = new Journal();
  j.start(T0, sublingualPlan());
  j.add(at(1), { type: 'NoteAdded', id: 'n2', text: 'Arrived, a little anxious' });
  j.add(at(2), { type: 'NoteAdded', id: 'n3', text: 'About the family', private: true, tags: ['speaking'] });
  j.add(at(18), {
    type: 'DoseGiven',
    note: '',
    details: { medicine: 'Ketamine', amount: 100, unit: 'mg', route: 'sublingual', lot: 'A1' },
  });
  j.add(at(20), { type: 'NoteEdited', noteId: 'n2', text: 'Arrived, anxious, settled quickly', tags: [], private: false });
  j.add(at(25), vitalsReading('v6', at(24), [150, 90, 88, 97]));
  j.add(at(30), { type: 'RatingRecorded', id: 'r7', takenAt: at(30), scale: 'moaas', value: 4, note: '' });
  j.add(at(40), {
    type: 'DoseRepeated',
    id: 'dose-2',
    note: 'booster',
    details: { medicine: 'Ketamine', amount: 50, unit: 'mg', givenAt: at(40) },
  });
  j.add(at(41), {
    type: 'DoseCorrected',
    doseId: 'dose-1',
    note: '',
    details: { medicine: 'Ketamine', amount: 100, unit: 'mg', lot: 'A1-7', givenAt: at(17) },
  });
  j.add(at(45), {
    type: 'AdverseEventRecorded',
    id: 'ae10',
    takenAt: at(44),
    description: 'Nausea',
    severity: 'mild',
    action: 'Bag offered',
  });
  j.add(at(46), { type: 'NoteDeleted', noteId: 'n3' });
  j.add(at(50), { type: 'ReminderAdded', id: 'rem12', label: 'Water', anchor: 'added', offsetMin: 10, everyMin: null });
  j.add(at(61), { type: 'ReminderDone', key: 'live/rem12' });
  j.add(at(62), { type: 'MusicLevelSet', db: -6 });
  j.add(at(63), { type: 'MusicDucked' });
  j.add(at(64), { type: 'MusicUnducked' });
  j.add(at(150), { type: 'SessionEnded' });
  j.add(at(160), vitalsReading('v18', at(159), [122, 80, 70, 98]));
  j.add(at(161), { type: 'MusicDucked' }); // ignored: the music has ended
  j.add(at(162), { type: 'DischargeRecorded', id: 'dc20', ready: true, dischargedAt: at(162), accompaniedBy: 'Partner', note: '' });
  return j;
}

describe('record events', () => {
  it('keep every earlier version: an edited note has its history, a deleted one is only marked', () => {
    const s = stateOf(fullJournal().events);
    const n2 = s.notes.find((n) => n.id === 'n2');
    expect(n2).toMatchObject({ text: 'Arrived, anxious, settled quickly', editedAt: at(20) });
    expect(n2?.history).toEqual([{ at: at(20), text: 'Arrived, a little anxious', tags: [], private: false }]);
    const n3 = s.notes.find((n) => n.id === 'n3');
    expect(n3).toMatchObject({ text: 'About the family', private: true, tags: ['speaking'], deletedAt: at(46) });
  });

  it('records the dose anchor, a repeat dose, and a correction that keeps the old details and moves the anchor', () => {
    const s = stateOf(fullJournal().events);
    expect(s.record.doses.map((d) => [d.id, d.givenAt, d.details.amount])).toEqual([
      ['dose-1', at(17), 100],
      ['dose-2', at(40), 50],
    ]);
    expect(s.record.doses[0]?.history[0]?.details.lot).toBe('A1');
    expect(s.doseAt).toBe(at(17));
  });

  it('records vitals, ratings, adverse events and reminders; music level and duck', () => {
    const s = stateOf(fullJournal().events);
    expect(s.record.vitals.map((v) => v.id)).toEqual(['v6', 'v18']);
    expect(s.record.ratings[0]).toMatchObject({ scale: 'moaas', value: 4 });
    expect(s.record.adverseEvents[0]).toMatchObject({ description: 'Nausea', severity: 'mild' });
    expect(s.record.reminders.done['live/rem12']).toBe(at(61));
    expect(s.record.music).toEqual({ levelDb: -6, ducked: false });
  });

  it('after the end, the record goes on (vitals, discharge) but the music does not', () => {
    const s = stateOf(fullJournal().events);
    expect(s.status).toBe('ended');
    expect(s.record.discharges[0]).toMatchObject({ ready: true, accompaniedBy: 'Partner' });
    expect(s.record.music.ducked).toBe(false);
    expect(s.lastSeq).toBe(fullJournal().events.at(-1)?.seq);
  });

  it('a repeat dose before the first is ignored; a note that does not exist is left alone', () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    j.add(at(5), { type: 'DoseRepeated', id: 'dose-2', note: '', details: {} });
    j.add(at(6), { type: 'NoteEdited', noteId: 'nope', text: 'x', tags: [], private: false });
    const s = stateOf(j.events);
    expect(s.record.doses).toEqual([]);
    expect(s.notes).toEqual([]);
  });

  it('old journals (no tags, no details) replay to plain notes exactly as before', () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    j.add(at(1), { type: 'NoteAdded', id: 'n1', text: 'calm' });
    j.add(at(18), { type: 'DoseGiven', note: '56 mg' });
    const raw = j.events.map((e) => JSON.parse(JSON.stringify(e)));
    const s = stateOf(raw.map((e) => SessionEventSchema.parse(e)));
    expect(s.notes).toEqual([{ id: 'n1', at: at(1), text: 'calm' }]);
    expect(s.doseAt).toBe(at(18));
    expect(s.record.doses[0]).toMatchObject({ id: 'dose-1', givenAt: at(18), note: '56 mg', details: {} });
  });
});

describe('replay equality', () => {
  it('replaying the journal (and the journal read back from disk) equals applying events one by one, at every prefix', () => {
    const events = fullJournal().events;
    let incremental: SessionState | null = null;
    for (let i = 0; i < events.length; i++) {
      incremental = applyEvent(incremental, events[i] as SessionEvent);
      const prefix = events.slice(0, i + 1);
      expect(replay(prefix)).toEqual(incremental);
      const fromDisk = prefix.map((e) => SessionEventSchema.parse(JSON.parse(JSON.stringify(e))));
      expect(replay(fromDisk)).toEqual(incremental);
    }
  });
});
