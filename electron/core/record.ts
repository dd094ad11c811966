/**
 * The clinical record of a session, folded from its journal events: doses, vitals, ratings,
 * adverse events, discharge, live reminders and what was done about reminders, note edits and
 * deletions, and the therapist's music level. Kept apart from the session's timing so
 * `session.ts` stays about phases and music. Nothing here is ever dropped: an edit keeps the
 * earlier version, a deletion only marks.
 */
import { completion } from './dose';
import type { DoseDetails, Note, SessionEvent, SessionState, VitalsValues } from './session';

export interface DoseRecord {
  id: string;
  /** When it was written down (the journal event). */
  recordedAt: number;
  /** When it was given (the clinical anchor for the first dose). */
  givenAt: number;
  details: DoseDetails;
  note: string;
  /** Earlier details, oldest first, with the time they were replaced. */
  history: Array<{ at: number; details: DoseDetails; note: string }>;
}

export interface VitalsEntry {
  id: string;
  recordedAt: number;
  takenAt: number;
  values: VitalsValues;
  confirmedImplausible: string[];
  note: string;
}

export interface RatingEntry {
  id: string;
  recordedAt: number;
  takenAt: number;
  scale: string;
  value: number;
  note: string;
}

export interface AdverseEntry {
  id: string;
  recordedAt: number;
  takenAt: number;
  description: string;
  severity: 'mild' | 'moderate' | 'severe';
  action: string;
}

export interface DischargeEntry {
  id: string;
  recordedAt: number;
  ready: boolean;
  dischargedAt: number;
  accompaniedBy: string;
  note: string;
}

export interface LiveReminder {
  id: string;
  addedAt: number;
  label: string;
  anchor: 'added' | 'dose';
  offsetMin: number;
  everyMin: number | null;
}

/** Who signed the record, and when. */
export interface Signature {
  at: number;
  name: string;
  credentials: string;
}

/** Something added after the record was signed: its own time and author. */
export interface Addendum extends Signature {
  id: string;
  text: string;
}

export interface SessionRecord {
  doses: DoseRecord[];
  vitals: VitalsEntry[];
  ratings: RatingEntry[];
  adverseEvents: AdverseEntry[];
  /** Every discharge entry, in order; the last one counts. */
  discharges: DischargeEntry[];
  reminders: {
    added: LiveReminder[];
    /** Occurrence key → when it was marked done. */
    done: Record<string, number>;
    /** Occurrence key → until when it is snoozed. */
    snoozed: Record<string, number>;
  };
  music: { levelDb: number; ducked: boolean };
  /** Set once the clinician signs: from then on the record is locked and only addenda are added. */
  signature: Signature | null;
  addenda: Addendum[];
}

export function emptyRecord(): SessionRecord {
  return {
    doses: [],
    vitals: [],
    ratings: [],
    adverseEvents: [],
    discharges: [],
    reminders: { added: [], done: {}, snoozed: {} },
    music: { levelDb: 0, ducked: false },
    signature: null,
    addenda: [],
  };
}

const RECORD_TYPES = [
  'NoteEdited',
  'NoteDeleted',
  'DoseRepeated',
  'DoseCorrected',
  'DoseCompleted',
  'VitalsRecorded',
  'RatingRecorded',
  'AdverseEventRecorded',
  'DischargeRecorded',
  'ReminderAdded',
  'ReminderDone',
  'ReminderSnoozed',
  'MusicLevelSet',
  'MusicDucked',
  'MusicUnducked',
  'RecordSigned',
  'AddendumAdded',
] as const;
export type RecordEventType = (typeof RECORD_TYPES)[number];
export type RecordEvent = Extract<SessionEvent, { type: RecordEventType }>;

const RECORD_TYPE_SET: ReadonlySet<string> = new Set(RECORD_TYPES);

export function isRecordEvent(ev: SessionEvent): ev is RecordEvent {
  return RECORD_TYPE_SET.has(ev.type);
}

/** Events that may still be recorded after the session has ended (the music has stopped, the care goes on). */
export function allowedAfterEnd(type: string): boolean {
  return RECORD_TYPE_SET.has(type) && !type.startsWith('Music') && type !== 'ReminderAdded';
}

function editNote(notes: Note[], id: string, at: number, change: (n: Note) => Note): Note[] {
  return notes.map((n) => {
    if (n.id !== id || n.deletedAt !== undefined) return n;
    const before = { at, text: n.text, tags: [...(n.tags ?? [])], private: n.private === true };
    return { ...change(n), history: [...(n.history ?? []), before] };
  });
}

/**
 * Applies one record event. `state.lastSeq` is already set by the caller. Like the rest of the
 * reducer it tolerates odd journals: an event that refers to nothing changes nothing.
 */
export function applyRecordEvent(state: SessionState, ev: RecordEvent): SessionState {
  if (state.status === 'ended' && !allowedAfterEnd(ev.type)) return state;
  const r = state.record;
  // A signed record is locked: only addenda change it (the host refuses the rest; a journal that has them anyway is read the same way).
  if (r.signature !== null && ev.type !== 'AddendumAdded') return state;
  switch (ev.type) {
    case 'RecordSigned':
      if (state.status !== 'ended') return state;
      return { ...state, record: { ...r, signature: { at: ev.at, name: ev.name, credentials: ev.credentials } } };
    case 'AddendumAdded':
      if (r.signature === null) return state;
      return {
        ...state,
        record: { ...r, addenda: [...r.addenda, { id: ev.id, at: ev.at, text: ev.text, name: ev.name, credentials: ev.credentials }] },
      };
    case 'NoteEdited':
      return {
        ...state,
        notes: editNote(state.notes, ev.noteId, ev.at, (n) => {
          const next: Note = { id: n.id, at: n.at, text: ev.text, editedAt: ev.at };
          if (ev.tags.length > 0) next.tags = [...ev.tags];
          if (ev.private) next.private = true;
          return next;
        }),
      };
    case 'NoteDeleted':
      return { ...state, notes: editNote(state.notes, ev.noteId, ev.at, (n) => ({ ...n, deletedAt: ev.at })) };
    case 'DoseRepeated':
      if (state.doseAt === null) return state;
      return {
        ...state,
        record: {
          ...r,
          doses: [
            ...r.doses,
            { id: ev.id, recordedAt: ev.at, givenAt: ev.details.givenAt ?? ev.at, details: { ...ev.details }, note: ev.note, history: [] },
          ],
        },
      };
    case 'DoseCompleted': {
      // Only what was still empty is filled in; the time and anything already written stay.
      const doses = r.doses.map((d) =>
        d.id === ev.doseId ? { ...d, details: { ...d.details, ...completion(d.details, ev.details).adds } } : d,
      );
      return { ...state, record: { ...r, doses } };
    }
    case 'DoseCorrected': {
      const doses = r.doses.map((d) =>
        d.id === ev.doseId
          ? {
              ...d,
              details: { ...ev.details },
              note: ev.note,
              givenAt: ev.details.givenAt ?? d.givenAt,
              history: [...d.history, { at: ev.at, details: d.details, note: d.note }],
            }
          : d,
      );
      // Correcting when the first dose was given moves the clinical anchor with it.
      const first = doses[0];
      const doseAt = first && first.id === ev.doseId ? first.givenAt : state.doseAt;
      return { ...state, doseAt, record: { ...r, doses } };
    }
    case 'VitalsRecorded':
      return {
        ...state,
        record: {
          ...r,
          vitals: [
            ...r.vitals,
            {
              id: ev.id,
              recordedAt: ev.at,
              takenAt: ev.takenAt,
              values: { ...ev.values, custom: ev.values.custom.map((c) => ({ ...c })) },
              confirmedImplausible: [...ev.confirmedImplausible],
              note: ev.note,
            },
          ],
        },
      };
    case 'RatingRecorded':
      return {
        ...state,
        record: {
          ...r,
          ratings: [...r.ratings, { id: ev.id, recordedAt: ev.at, takenAt: ev.takenAt, scale: ev.scale, value: ev.value, note: ev.note }],
        },
      };
    case 'AdverseEventRecorded':
      return {
        ...state,
        record: {
          ...r,
          adverseEvents: [
            ...r.adverseEvents,
            { id: ev.id, recordedAt: ev.at, takenAt: ev.takenAt, description: ev.description, severity: ev.severity, action: ev.action },
          ],
        },
      };
    case 'DischargeRecorded':
      return {
        ...state,
        record: {
          ...r,
          discharges: [
            ...r.discharges,
            {
              id: ev.id,
              recordedAt: ev.at,
              ready: ev.ready,
              dischargedAt: ev.dischargedAt,
              accompaniedBy: ev.accompaniedBy,
              note: ev.note,
            },
          ],
        },
      };
    case 'ReminderAdded':
      return {
        ...state,
        record: {
          ...r,
          reminders: {
            ...r.reminders,
            added: [
              ...r.reminders.added,
              { id: ev.id, addedAt: ev.at, label: ev.label, anchor: ev.anchor, offsetMin: ev.offsetMin, everyMin: ev.everyMin },
            ],
          },
        },
      };
    case 'ReminderDone':
      if (r.reminders.done[ev.key] !== undefined) return state;
      return { ...state, record: { ...r, reminders: { ...r.reminders, done: { ...r.reminders.done, [ev.key]: ev.at } } } };
    case 'ReminderSnoozed':
      return { ...state, record: { ...r, reminders: { ...r.reminders, snoozed: { ...r.reminders.snoozed, [ev.key]: ev.until } } } };
    case 'MusicLevelSet':
      return { ...state, record: { ...r, music: { ...r.music, levelDb: ev.db } } };
    case 'MusicDucked':
      return { ...state, record: { ...r, music: { ...r.music, ducked: true } } };
    case 'MusicUnducked':
      return { ...state, record: { ...r, music: { ...r.music, ducked: false } } };
  }
}

/** The discharge that counts (the last one written), or null. */
export function currentDischarge(record: SessionRecord): DischargeEntry | null {
  return record.discharges.at(-1) ?? null;
}

/** Total monitored time: from the dose (or the start) to discharge, or to `now` while still monitoring. */
export function monitoredMs(state: SessionState, now: number): number {
  const from = state.doseAt ?? state.startedAt;
  const d = currentDischarge(state.record);
  const to = d ? d.dischargedAt : now;
  return Math.max(0, to - from);
}

/** How far the duck lowers the music while the therapist speaks (the audio engine applies it). */
export const DUCK_DB = -12;
