/**
 * The host's handling of the clinical record and the panel's own commands (issue 5): notes
 * edited and deleted, doses, vitals, ratings, adverse events, discharge, reminders, the music
 * level and duck, the panel's preferences and report export. Each command is checked against
 * the session as it is now, then becomes one journal event (appended before it takes effect);
 * a refusal says what to do instead and changes nothing.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fhirBundle } from '../../core/fhir';
import { formatClock } from '../../core/format';
import { liveNotes } from '../../core/notes';
import { allowedAfterEnd } from '../../core/record';
import { signingProblems } from '../../core/record-sign';
import { findReminder } from '../../core/reminders';
import { assembleReport, toMarkdown } from '../../core/report';
import type { NewSessionEvent, SessionState } from '../../core/session';
import type { Timeline } from '../../core/timeline';
import { hasAnyValue, implausibleProblems, ratingProblem } from '../../core/vitals';
import { saveFile, saveReport } from '../../services/report/export';
import type { FontFiles } from '../../services/report/fonts';
import type { Handlers } from '../command';
import { Refusal } from '../refusal';
import type { clinicalCommands } from './contract';
import type { PanelPrefsStore } from './prefs';

export interface ClinicalContext {
  state(): SessionState | null;
  /** The session's journal is open for appending. */
  journalOpen(): boolean;
  now(): number;
  timeline(): Timeline | null;
  append(ev: NewSessionEvent): void;
  prefs: PanelPrefsStore;
  dataDir: string;
  /** Other report font files (tests: a font that cannot be loaded). */
  reportFonts?: FontFiles;
}

/** How far back a time may be entered (a reading taken before it was typed in). */
const BACKDATE_LIMIT_MS = 6 * 3_600_000;
/** A little clock skew between panel and host is fine; the future is not. */
const FUTURE_SLACK_MS = 60_000;

/** The session a record event may go to: running, or ended but still open for the record; never a signed one. */
function sessionFor(ctx: ClinicalContext, eventType: NewSessionEvent['type']): SessionState {
  const s = ctx.state();
  if (!s || !ctx.journalOpen()) throw new Refusal('no session is running');
  const sig = s.record.signature;
  if (sig && eventType !== 'AddendumAdded') {
    throw new Refusal(
      `the record was signed by ${sig.name} at ${formatClock(sig.at, { format: ctx.prefs.clockFormat() })} and is locked; write what you want to add as an addendum (nothing was changed)`,
    );
  }
  if (s.status === 'ended' && !allowedAfterEnd(eventType)) throw new Refusal('the session has ended');
  return s;
}

/** The clinician set on this machine, required by name for signing and addenda. */
function clinicianFor(ctx: ClinicalContext, what: string): { name: string; credentials: string } {
  const c = ctx.prefs.get().clinician;
  if (!c.name.trim())
    throw new Refusal(`set the clinician’s name and credentials first (Record → Clinician): ${what} carries the author’s name`);
  return c;
}

/** A time the therapist entered, checked: not in the future, not long before the session. */
export function checkedTime(s: SessionState, at: number, t: number | undefined, what: string): number {
  if (t === undefined) return at;
  if (t > at + FUTURE_SLACK_MS) throw new Refusal(`${what} is in the future; enter the time it happened`);
  if (t < s.startedAt - BACKDATE_LIMIT_MS) throw new Refusal(`${what} is more than 6 hours before the session started`);
  return Math.min(t, at);
}

/** A UUID (version 5 layout) derived from the session and a key: the same record always exports the same ids. */
function stableUuid(sessionId: string, key: string): string {
  const h = createHash('sha1').update(`stillroom:${sessionId}:${key}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const nextId = (s: SessionState, prefix: string): string => `${prefix}${s.lastSeq + 1}`;

function noteFor(s: SessionState, id: string) {
  const note = s.notes.find((n) => n.id === id);
  if (!note) throw new Refusal(`there is no note "${id}"`);
  if (note.deletedAt !== undefined) throw new Refusal('that note was deleted; it can no longer be changed');
  return note;
}

/** The clinical record's and the panel's command handlers (see `clinical/contract.ts`). */
export function clinicalHandlers(ctx: ClinicalContext): Handlers<typeof clinicalCommands> {
  /**
   * A record command: the session it may go to (`sessionFor`, checked for `type`), then at most
   * one journal event decided from it at this moment (null: nothing to change).
   */
  const record =
    <A>(type: NewSessionEvent['type'], decide: (args: A, s: SessionState, at: number) => NewSessionEvent | null) =>
    (args: A): undefined => {
      const at = ctx.now();
      const ev = decide(args, sessionFor(ctx, type), at);
      if (ev) ctx.append(ev);
      return undefined;
    };
  return {
    editNote: record('NoteEdited', (a, s, at) => {
      const note = noteFor(s, a.noteId);
      if (note.text === a.text && (note.tags ?? []).join() === a.tags.join() && (note.private === true) === a.private) return null;
      return { type: 'NoteEdited', at, noteId: a.noteId, text: a.text, tags: a.tags, private: a.private };
    }),
    deleteNote: record('NoteDeleted', (a, s, at) => {
      noteFor(s, a.noteId);
      return { type: 'NoteDeleted', at, noteId: a.noteId };
    }),
    recordRepeatDose: record('DoseRepeated', (a, s, at) => {
      if (s.doseAt === null) throw new Refusal('record the first dose first (Dose given)');
      const givenAt = checkedTime(s, at, a.details.givenAt, 'the dose time');
      return { type: 'DoseRepeated', at, id: `dose-${s.record.doses.length + 1}`, note: a.note, details: { ...a.details, givenAt } };
    }),
    correctDose: record('DoseCorrected', (a, s, at) => {
      const dose = s.record.doses.find((d) => d.id === a.doseId);
      if (!dose) throw new Refusal(`there is no dose "${a.doseId}"`);
      const givenAt = checkedTime(s, at, a.details.givenAt ?? dose.givenAt, 'the dose time');
      return { type: 'DoseCorrected', at, doseId: a.doseId, note: a.note, details: { ...a.details, givenAt } };
    }),
    recordVitals: record('VitalsRecorded', (a, s, at) => {
      const values = { ...a.values, custom: a.values.custom.map((c) => ({ ...c })) };
      if (!hasAnyValue(values)) throw new Refusal('enter at least one value');
      const problems = implausibleProblems(values);
      if (problems.length > 0 && !a.confirmImplausible) {
        throw new Refusal(
          `These values look implausible: ${problems.join('; ')}. Check them; if they are right, confirm to store them as entered.`,
        );
      }
      const takenAt = checkedTime(s, at, a.takenAt, 'the time of the reading');
      return { type: 'VitalsRecorded', at, id: nextId(s, 'v'), takenAt, values, confirmedImplausible: problems, note: a.note };
    }),
    recordRating: record('RatingRecorded', (a, s, at) => {
      const problem = ratingProblem(a.scale, a.value);
      if (problem) throw new Refusal(problem);
      const takenAt = checkedTime(s, at, a.takenAt, 'the time of the rating');
      return { type: 'RatingRecorded', at, id: nextId(s, 'r'), takenAt, scale: a.scale, value: a.value, note: a.note };
    }),
    recordAdverseEvent: record('AdverseEventRecorded', (a, s, at) => {
      const takenAt = checkedTime(s, at, a.takenAt, 'the time of the event');
      const { description, severity, action } = a;
      return { type: 'AdverseEventRecorded', at, id: nextId(s, 'ae'), takenAt, description, severity, action };
    }),
    recordDischarge: record('DischargeRecorded', (a, s, at) => {
      const dischargedAt = checkedTime(s, at, a.dischargedAt, 'the discharge time');
      if (dischargedAt < s.startedAt) throw new Refusal('the discharge time is before the session started');
      const { ready, accompaniedBy, note } = a;
      return { type: 'DischargeRecorded', at, id: nextId(s, 'dc'), ready, dischargedAt, accompaniedBy, note };
    }),
    addReminder: record('ReminderAdded', (a, s, at) => {
      const { label, anchor, offsetMin, everyMin } = a;
      return { type: 'ReminderAdded', at, id: nextId(s, 'rem'), label, anchor, offsetMin, everyMin };
    }),
    completeReminder: record('ReminderDone', (a, s, at) => {
      const item = findReminder(s, a.key, at);
      if (!item) throw new Refusal('there is no such reminder');
      if (item.status === 'done') throw new Refusal(`“${item.label}” is already done`);
      if (item.status === 'missed') throw new Refusal(`“${item.label}” was missed; the next one is the one to mark`);
      return { type: 'ReminderDone', at, key: a.key };
    }),
    snoozeReminder: record('ReminderSnoozed', (a, s, at) => {
      const item = findReminder(s, a.key, at);
      if (!item) throw new Refusal('there is no such reminder');
      if (item.status === 'done' || item.status === 'missed') throw new Refusal(`“${item.label}” is not waiting any more`);
      return { type: 'ReminderSnoozed', at, key: a.key, until: at + a.minutes * 60_000 };
    }),
    setMusicLevel: record('MusicLevelSet', (a, s, at) => {
      if (s.status !== 'running') throw new Refusal('no session is running');
      return s.record.music.levelDb !== a.db ? { type: 'MusicLevelSet', at, db: a.db } : null;
    }),
    setDuck: record('MusicDucked', (a, s, at) => {
      if (s.status !== 'running') throw new Refusal('no session is running');
      return s.record.music.ducked !== a.on ? { type: a.on ? 'MusicDucked' : 'MusicUnducked', at } : null;
    }),
    setClinician: (a) => {
      try {
        ctx.prefs.update({ clinician: { name: a.name, credentials: a.credentials } });
      } catch (err) {
        throw new Refusal(`could not save the clinician: ${(err as Error).message}`);
      }
      return;
    },
    signRecord: () => {
      const at = ctx.now();
      const s = ctx.state();
      if (!s || !ctx.journalOpen()) throw new Refusal('there is no session record to sign');
      const c = ctx.prefs.get().clinician;
      const problems = signingProblems(s, c, at, { format: ctx.prefs.clockFormat() });
      if (problems.length) throw new Refusal(`The record cannot be signed yet. Missing: ${problems.join('; ')}.`);
      sessionFor(ctx, 'RecordSigned');
      ctx.append({ type: 'RecordSigned', at, name: c.name.trim(), credentials: c.credentials.trim() });
      return;
    },
    addAddendum: (a) => {
      const at = ctx.now();
      const s = sessionFor(ctx, 'AddendumAdded');
      if (!s.record.signature) throw new Refusal('the record is not signed yet: change it directly (addenda are for signed records)');
      const c = clinicianFor(ctx, 'an addendum');
      ctx.append({ type: 'AddendumAdded', at, id: nextId(s, 'add'), text: a.text, name: c.name.trim(), credentials: c.credentials.trim() });
      return;
    },
    exportFhir: () => {
      const at = ctx.now();
      const s = ctx.state();
      if (!s) throw new Refusal('there is no session to export yet');
      if (!s.record.signature) throw new Refusal('sign the record first: only a signed record goes to the clinic’s health record');
      const report = assembleReport(s, ctx.timeline(), {
        audience: 'therapist',
        now: at,
        vitalsRanges: ctx.prefs.get().vitalsRanges,
        clockFormat: ctx.prefs.clockFormat(),
      });
      const bundle = fhirBundle(s, {
        report: toMarkdown(report),
        reportTitle: report.title,
        now: at,
        vitalsRanges: ctx.prefs.get().vitalsRanges,
        uuid: (key) => stableUuid(s.plan.sessionId, key),
      });
      const text = `${JSON.stringify(bundle, null, 2)}\n`;
      try {
        const file = saveFile(
          join(ctx.dataDir, 'exports'),
          `${report.fileStem.replace(/-therapist$/, '')}-fhir.json`,
          'application/fhir+json',
          Buffer.from(text, 'utf8'),
          'the FHIR bundle',
        );
        return { file, data: { resources: bundle.entry.length, bytes: Buffer.byteLength(text) } };
      } catch (err) {
        throw new Refusal((err as Error).message);
      }
    },
    setPanelPrefs: (a) => {
      try {
        ctx.prefs.update(a);
      } catch (err) {
        throw new Refusal(`could not save the panel settings: ${(err as Error).message}`);
      }
      return;
    },
    exportReport: async (a) => {
      const at = ctx.now();

      const s = ctx.state();
      if (!s) throw new Refusal('there is no session to report on yet; start a session first');
      if (a.noteIds) {
        const known = new Set(liveNotes(s.notes).map((n) => n.id));
        const unknown = a.noteIds.filter((id) => !known.has(id));
        if (unknown.length) throw new Refusal(`unknown or deleted notes chosen: ${unknown.slice(0, 3).join(', ')}`);
      }
      const report = assembleReport(s, ctx.timeline(), {
        audience: a.audience,
        include: a.include,
        noteIds: a.noteIds,
        now: at,
        vitalsRanges: ctx.prefs.get().vitalsRanges,
        clockFormat: ctx.prefs.clockFormat(),
      });
      try {
        return { file: await saveReport(join(ctx.dataDir, 'reports'), report, a.format, ctx.reportFonts ?? {}) };
      } catch (err) {
        throw new Refusal((err as Error).message);
      }
    },
  };
}
