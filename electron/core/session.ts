/**
 * (About 480 lines on purpose: the journal's event schema and its fold stay side by side, so a
 * new event and what it does to the session are one change, read in one place.)
 *
 * The session, event-sourced: every change is a `SessionEvent` appended to the journal
 * before it takes effect, and `SessionState` is the fold of those events. A crash, a reload
 * or a restart replays the journal and lands in exactly the same state.
 */
import { z } from 'zod';
import { PHASE_KINDS, type PhaseKind, type Preset, PresetSchema } from './preset';
import { applyRecordEvent, emptyRecord, isRecordEvent, type SessionRecord } from './record';

/**
 * When a reminder added during the session falls due: `offsetMin` after it was added (or after
 * the dose), then every `everyMin` minutes (null: once); up to a day. The command
 * (`addReminder`) and its journal event share these.
 */
export const LiveReminderTiming = {
  offsetMin: z
    .number()
    .min(0)
    .max(24 * 60),
  everyMin: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .nullable()
    .default(null),
};

/** A track as planned for one session: metadata plus what the host found on disk. */
export const PlannedTrackSchema = z.object({
  id: z.string().min(1).max(80),
  title: z.string().max(200),
  artist: z.string().max(200),
  durationS: z.number().positive(),
  /** Absolute path on this machine; null when the file could not be found. */
  file: z.string().nullable(),
  /** Why the track cannot play (missing, unreadable…), shown before the session starts. */
  problem: z.string().nullable(),
  /** Loudness gain (dB) known when the session started (measured or ReplayGain); absent = not yet known. */
  gainDb: z.number().optional(),
  /** Where the music starts and ends in the file (s), from silence detection; absent until measured. */
  cueInS: z.number().nonnegative().optional(),
  cueOutS: z.number().positive().optional(),
});
export type PlannedTrack = z.infer<typeof PlannedTrackSchema>;

/** A preset instantiated for one session: resolved tracks, who it is for, and why. */
export const SessionPlanSchema = z.object({
  sessionId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  preset: PresetSchema,
  clientAlias: z.string().max(80),
  intention: z.string().max(2000),
  /** Track ids per phase, in playlist order (missing tracks already left out). */
  phaseTracks: z.array(z.array(z.string())),
  /** Track ids of each phase's fallback bed (absent in sessions planned before beds existed). */
  fallbackTracks: z.array(z.array(z.string())).optional(),
  tracks: z.record(z.string(), PlannedTrackSchema),
  /** Level and colour temperature the room goes to in safe state. */
  safeScene: z.object({ level: z.number().min(0).max(100), kelvin: z.number() }),
});
export type SessionPlan = z.infer<typeof SessionPlanSchema>;

const base = { seq: z.number().int().nonnegative(), at: z.number() };

/** A note's quick tags (free words, e.g. "tearful"); see notes.ts for the one-tap set. */
const noteTags = z.array(z.string().min(1).max(40)).max(12);

/** What a dose record says. Every field is optional so a bare key press still records the anchor. */
export const DoseDetailsSchema = z
  .object({
    medicine: z.string().max(80),
    /** Amount in `unit`; null when not written down. */
    amount: z.number().positive().max(100_000).nullable(),
    unit: z.string().max(16),
    route: z.string().max(40),
    lot: z.string().max(60),
    /** When the dose was actually given, if not at the moment it was recorded. */
    givenAt: z.number(),
  })
  .partial();
export type DoseDetails = z.infer<typeof DoseDetailsSchema>;

/** One vital sign or other measured value, as entered. */
export const VitalsValuesSchema = z.object({
  systolic: z.number().nullable().default(null),
  diastolic: z.number().nullable().default(null),
  heartRate: z.number().nullable().default(null),
  spo2: z.number().nullable().default(null),
  custom: z
    .array(z.object({ label: z.string().min(1).max(40), value: z.number(), unit: z.string().max(16).default('') }))
    .max(8)
    .default([]),
});
export type VitalsValues = z.infer<typeof VitalsValuesSchema>;

/** Every kind of thing that can happen in a session, as stored in the journal. */
export const SessionEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('SessionStarted'), plan: SessionPlanSchema }),
  z.object({ ...base, type: z.literal('DoseGiven'), note: z.string().max(500).default(''), details: DoseDetailsSchema.optional() }),
  z.object({ ...base, type: z.literal('PhaseAdvanced') }),
  z.object({ ...base, type: z.literal('PhaseExtended'), minutes: z.number() }),
  z.object({ ...base, type: z.literal('PhaseHeld') }),
  z.object({ ...base, type: z.literal('PhaseResumed') }),
  /** `pressedAt`: when the therapist pressed it, if the host heard of it later (the page applied the music part at once). */
  z.object({ ...base, type: z.literal('SafeStateOn'), pressedAt: z.number().optional() }),
  z.object({ ...base, type: z.literal('SafeStateOff') }),
  z.object({ ...base, type: z.literal('TrackSkipped') }),
  z.object({ ...base, type: z.literal('TrackFailed'), trackId: z.string(), reason: z.string().max(500) }),
  z.object({
    ...base,
    type: z.literal('NoteAdded'),
    id: z.string(),
    text: z.string().max(10_000),
    tags: noteTags.optional(),
    private: z.boolean().optional(),
  }),
  z.object({ ...base, type: z.literal('SessionEnded') }),
  // ---- the clinical record (issue 5); these may also follow SessionEnded ----
  /** A note changed; the previous wording stays in the note's history. */
  z.object({
    ...base,
    type: z.literal('NoteEdited'),
    noteId: z.string(),
    text: z.string().max(10_000),
    tags: noteTags,
    private: z.boolean(),
  }),
  /** A note withdrawn: kept, with its history, marked deleted. */
  z.object({ ...base, type: z.literal('NoteDeleted'), noteId: z.string() }),
  /** A further dose after the first (the first is `DoseGiven`, the clinical anchor). */
  z.object({ ...base, type: z.literal('DoseRepeated'), id: z.string(), note: z.string().max(500).default(''), details: DoseDetailsSchema }),
  /** Details written down after a dose was recorded, filling only what was empty (not a correction: no history). */
  z.object({ ...base, type: z.literal('DoseCompleted'), doseId: z.string(), details: DoseDetailsSchema }),
  /** Corrected details of a recorded dose; the earlier details stay in its history. */
  z.object({
    ...base,
    type: z.literal('DoseCorrected'),
    doseId: z.string(),
    note: z.string().max(500).default(''),
    details: DoseDetailsSchema,
  }),
  z.object({
    ...base,
    type: z.literal('VitalsRecorded'),
    id: z.string(),
    takenAt: z.number(),
    values: VitalsValuesSchema,
    /** Values outside any plausible range that the therapist confirmed as entered. */
    confirmedImplausible: z.array(z.string().max(200)).max(10).default([]),
    note: z.string().max(1000).default(''),
  }),
  /** A sedation or dissociation rating on a named scale. */
  z.object({
    ...base,
    type: z.literal('RatingRecorded'),
    id: z.string(),
    takenAt: z.number(),
    scale: z.string().min(1).max(40),
    value: z.number(),
    note: z.string().max(1000).default(''),
  }),
  z.object({
    ...base,
    type: z.literal('AdverseEventRecorded'),
    id: z.string(),
    takenAt: z.number(),
    description: z.string().min(1).max(2000),
    severity: z.enum(['mild', 'moderate', 'severe']),
    action: z.string().max(2000).default(''),
  }),
  z.object({
    ...base,
    type: z.literal('DischargeRecorded'),
    id: z.string(),
    ready: z.boolean(),
    dischargedAt: z.number(),
    accompaniedBy: z.string().max(120).default(''),
    note: z.string().max(2000).default(''),
  }),
  /** A reminder added during the session: `offsetMin` after the moment it was added, or after the dose. */
  z.object({
    ...base,
    type: z.literal('ReminderAdded'),
    id: z.string(),
    label: z.string().min(1).max(200),
    anchor: z.enum(['added', 'dose']),
    ...LiveReminderTiming,
  }),
  /** One occurrence of a reminder done (`key` from reminders.ts). */
  z.object({ ...base, type: z.literal('ReminderDone'), key: z.string().max(120) }),
  z.object({ ...base, type: z.literal('ReminderSnoozed'), key: z.string().max(120), until: z.number() }),
  /** The therapist's music level (dB below the plan's levels) and the duck for speaking. */
  z.object({ ...base, type: z.literal('MusicLevelSet'), db: z.number().min(-60).max(0) }),
  z.object({ ...base, type: z.literal('MusicDucked') }),
  z.object({ ...base, type: z.literal('MusicUnducked') }),
  // ---- signing (issue 13): after RecordSigned the record is locked; later additions are addenda ----
  /** The clinician signed the record (name and credentials as set on this machine). */
  z.object({ ...base, type: z.literal('RecordSigned'), name: z.string().min(1).max(120), credentials: z.string().max(120) }),
  /** Something added after signing, with its own time and author. */
  z.object({
    ...base,
    type: z.literal('AddendumAdded'),
    id: z.string(),
    text: z.string().min(1).max(10_000),
    name: z.string().min(1).max(120),
    credentials: z.string().max(120),
  }),
]);
export type SessionEvent = z.infer<typeof SessionEventSchema>;
export type SessionEventType = SessionEvent['type'];
/** An event before the journal gives it a sequence number. */
export type NewSessionEvent = SessionEvent extends infer E ? (E extends SessionEvent ? Omit<E, 'seq'> : never) : never;

/** Runtime facts about one phase, accumulated from events. */
export interface PhaseRuntime {
  kind: PhaseKind;
  name: string;
  plannedMs: number;
  /** Minutes added or removed by the therapist (and time spent on hold), in ms. */
  adjustMs: number;
  /** Set while the phase is held open-ended. */
  heldSince: number | null;
  /** Set when the phase was advanced explicitly (or by the dose). */
  endedAt: number | null;
  untilDose: boolean;
}

/**
 * A note. The optional fields appear only when they say something (tags given, marked private,
 * edited or deleted), so a plain note stays `{ id, at, text }` as it always was.
 */
export interface Note {
  id: string;
  at: number;
  text: string;
  tags?: string[];
  private?: boolean;
  /** Earlier versions, oldest first, each with the time it was replaced. */
  history?: Array<{ at: number; text: string; tags: string[]; private: boolean }>;
  editedAt?: number;
  deletedAt?: number;
}

/**
 * What the therapist did to a phase's timing, in order, for the record: holds and resumes,
 * extensions and shortenings (the change that took effect, in ms), advances (by hand, or by
 * the dose for a phase that waits for it).
 */
export interface PhaseControl {
  at: number;
  phaseIndex: number;
  kind: 'held' | 'resumed' | 'extended' | 'advanced' | 'dose-advanced';
  /** For `extended`: the change that took effect (negative: shortened). For `resumed`: how long it was held. */
  ms?: number;
}

export interface SessionState {
  status: 'running' | 'ended';
  plan: SessionPlan;
  startedAt: number;
  doseAt: number | null;
  phases: PhaseRuntime[];
  safe: { on: boolean; since: number | null; intervals: Array<{ from: number; to: number | null }> };
  /** Times at which the therapist skipped the current track. */
  skips: number[];
  /** Holds, extensions, advances: the record lists them. */
  controls: PhaseControl[];
  failures: Array<{ at: number; trackId: string; reason: string }>;
  notes: Note[];
  endedAt: number | null;
  lastSeq: number;
  /** The clinical record: doses, vitals, ratings, adverse events, discharge, reminders, music level. */
  record: SessionRecord;
}

/** Where a phase sits in time. `end` is null while it is open-ended (held, waiting for dose, last). */
export interface PhaseSpan {
  index: number;
  kind: PhaseKind;
  name: string;
  start: number;
  end: number | null;
  /** When the phase would end by plan (with extensions and hold time). */
  plannedEnd: number;
  /** True for phases that have not started yet: their times are estimates. */
  expected: boolean;
  held: boolean;
}

function initialState(plan: SessionPlan, at: number, seq: number): SessionState {
  return {
    status: 'running',
    plan,
    startedAt: at,
    doseAt: null,
    phases: plan.preset.phases.map((p) => ({
      kind: p.kind,
      name: p.name,
      plannedMs: p.plannedMin * 60_000,
      adjustMs: 0,
      heldSince: null,
      endedAt: null,
      untilDose: p.untilDose,
    })),
    safe: { on: false, since: null, intervals: [] },
    skips: [],
    controls: [],
    failures: [],
    notes: [],
    endedAt: null,
    lastSeq: seq,
    record: emptyRecord(),
  };
}

/**
 * Phase spans as of `now`. Phases after an open-ended one get estimated times, as if the
 * open phase ended at `now`.
 */
export function phaseSpans(state: SessionState, now: number): PhaseSpan[] {
  const spans: PhaseSpan[] = [];
  let t = state.startedAt;
  let expected = false;
  const last = state.phases.length - 1;
  state.phases.forEach((ph, index) => {
    const start = t;
    const heldFor = ph.heldSince !== null ? Math.max(0, now - ph.heldSince) : 0;
    const plannedEnd = start + ph.plannedMs + ph.adjustMs + heldFor;
    const endedAt = state.status === 'ended' ? state.endedAt : null;
    const open = ph.heldSince !== null || (ph.untilDose && state.doseAt === null) || index === last;
    let end: number | null;
    if (expected) end = plannedEnd;
    else if (ph.endedAt !== null) end = ph.endedAt;
    else if (endedAt !== null && (open || plannedEnd >= endedAt)) end = Math.max(start, endedAt);
    else if (open) end = null;
    else end = plannedEnd;
    spans.push({ index, kind: ph.kind, name: ph.name, start, end, plannedEnd, expected, held: ph.heldSince !== null });
    if (end === null) {
      expected = true;
      t = Math.max(now, plannedEnd);
    } else {
      t = end;
    }
  });
  return spans;
}

/** Index of the phase in effect at time `t` (the last one once the plan has run out). */
export function phaseIndexAt(state: SessionState, t: number): number {
  const spans = phaseSpans(state, t);
  for (const s of spans) {
    if (s.end === null || s.end > t) return s.index;
  }
  return spans.length - 1;
}

/** Applies one event. Tolerant of odd journals: an event that cannot apply leaves state as it was. */
export function applyEvent(state: SessionState | null, ev: SessionEvent): SessionState | null {
  if (ev.type === 'SessionStarted') return initialState(ev.plan, ev.at, ev.seq);
  if (!state) return state;
  // The clinical record goes on after the music has ended (discharge, late vitals); nothing else does.
  if (isRecordEvent(ev)) return applyRecordEvent({ ...state, lastSeq: ev.seq }, ev);
  if (state.status === 'ended') return state;
  const s: SessionState = {
    ...state,
    phases: state.phases.map((p) => ({ ...p })),
    safe: { ...state.safe, intervals: state.safe.intervals.map((i) => ({ ...i })) },
    lastSeq: ev.seq,
  };
  const idx = phaseIndexAt(state, ev.at);
  const ph = s.phases[idx];
  if (!ph) return s;
  const span = phaseSpans(state, ev.at)[idx];
  switch (ev.type) {
    case 'DoseGiven':
      if (s.doseAt === null) {
        // The dose may be written down a little after it was given: the anchor is when it was given.
        const given = ev.details?.givenAt;
        s.doseAt = given !== undefined && given <= ev.at && given >= s.startedAt - 24 * 3_600_000 ? given : ev.at;
        s.record = { ...s.record, doses: [firstDose(ev, s.doseAt)] };
        if (ph.untilDose && ph.endedAt === null && idx < s.phases.length - 1) {
          ph.endedAt = ev.at;
          s.controls = [...s.controls, { at: ev.at, phaseIndex: idx, kind: 'dose-advanced' }];
          // Like an advance: a phase that has ended is no longer on hold.
          if (ph.heldSince !== null) {
            ph.adjustMs += ev.at - ph.heldSince;
            ph.heldSince = null;
          }
        }
      }
      return s;
    case 'PhaseAdvanced':
      if (idx < s.phases.length - 1) {
        ph.endedAt = ev.at;
        s.controls = [...s.controls, { at: ev.at, phaseIndex: idx, kind: 'advanced' }];
        if (ph.heldSince !== null) {
          ph.adjustMs += ev.at - ph.heldSince;
          ph.heldSince = null;
        }
      }
      return s;
    case 'PhaseExtended': {
      const start = span?.start ?? ev.at;
      const minAdjust = ev.at - start - ph.plannedMs; // never end before now
      const before = ph.adjustMs;
      ph.adjustMs = Math.max(minAdjust, ph.adjustMs + ev.minutes * 60_000);
      s.controls = [...s.controls, { at: ev.at, phaseIndex: idx, kind: 'extended', ms: ph.adjustMs - before }];
      return s;
    }
    case 'PhaseHeld':
      if (ph.heldSince === null) {
        ph.heldSince = ev.at;
        s.controls = [...s.controls, { at: ev.at, phaseIndex: idx, kind: 'held' }];
      }
      return s;
    case 'PhaseResumed':
      if (ph.heldSince !== null) {
        s.controls = [...s.controls, { at: ev.at, phaseIndex: idx, kind: 'resumed', ms: ev.at - ph.heldSince }];
        ph.adjustMs += ev.at - ph.heldSince;
        ph.heldSince = null;
      }
      return s;
    case 'SafeStateOn':
      if (!s.safe.on) {
        s.safe.on = true;
        s.safe.since = ev.at;
        s.safe.intervals.push({ from: ev.at, to: null });
      }
      return s;
    case 'SafeStateOff': {
      if (s.safe.on) {
        s.safe.on = false;
        s.safe.since = null;
        const open = s.safe.intervals[s.safe.intervals.length - 1];
        if (open) open.to = ev.at;
      }
      return s;
    }
    case 'TrackSkipped':
      s.skips = [...s.skips, ev.at];
      return s;
    case 'TrackFailed':
      s.failures = [...s.failures, { at: ev.at, trackId: ev.trackId, reason: ev.reason }];
      return s;
    case 'NoteAdded': {
      const note: Note = { id: ev.id, at: ev.at, text: ev.text };
      if (ev.tags && ev.tags.length > 0) note.tags = [...ev.tags];
      if (ev.private) note.private = true;
      s.notes = [...s.notes, note];
      return s;
    }
    case 'SessionEnded':
      for (const p of s.phases) {
        if (p.heldSince !== null) {
          p.adjustMs += ev.at - p.heldSince;
          p.heldSince = null;
        }
      }
      s.status = 'ended';
      s.endedAt = ev.at;
      if (s.safe.on) {
        const open = s.safe.intervals[s.safe.intervals.length - 1];
        if (open) open.to = ev.at;
        s.safe.on = false;
      }
      return s;
  }
}

function firstDose(ev: Extract<SessionEvent, { type: 'DoseGiven' }>, givenAt: number): SessionRecord['doses'][number] {
  return { id: 'dose-1', recordedAt: ev.at, givenAt, details: { ...(ev.details ?? {}) }, note: ev.note, history: [] };
}

/** Folds a whole journal into state. */
export function replay(events: readonly SessionEvent[]): SessionState | null {
  let state: SessionState | null = null;
  for (const ev of events) state = applyEvent(state, ev);
  return state;
}

export const ALL_PHASE_KINDS = PHASE_KINDS;
export type { Preset };
