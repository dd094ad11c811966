/**
 * The clinical record's commands (notes edited and deleted, doses, vitals, ratings, adverse
 * events, discharge, reminders), the therapist's music level and duck, the panel's look, and
 * the report export. Record commands replan (the timeline shows reminders and the music level);
 * the panel's look publishes only `prefs`; an export changes nothing.
 */
import { z } from 'zod';
import { NOTE_MAX_CHARS } from '../../core/notes';
import { LiveReminderTiming } from '../../core/session';
import { DEFAULT_VITALS_RANGES, VitalsRangesSchema } from '../../core/vitals';
import { command } from '../command';

/** Host wall-clock time in ms (when something was given, measured, decided). */
const when = z.number().int().positive();
export const noteText = z
  .string()
  .trim()
  .min(1, 'a note needs some text')
  .max(NOTE_MAX_CHARS, `notes are capped at ${NOTE_MAX_CHARS} characters; split it into two notes`);
export const tags = z.array(z.string().trim().min(1).max(40)).max(12);
const measure = z.number().finite().min(-1000).max(100_000).nullable().default(null);

export const DoseDetailsArgs = z
  .object({
    medicine: z.string().trim().max(80).optional(),
    amount: z.number().positive('the dose must be more than 0').max(100_000).nullable().optional(),
    unit: z.string().trim().max(16).optional(),
    route: z.string().trim().max(40).optional(),
    lot: z.string().trim().max(60).optional(),
    givenAt: when.optional(),
  })
  .strict();

/** The clinician who signs records on this machine. */
export const ClinicianSchema = z
  .object({
    name: z.string().trim().max(120, 'a name of at most 120 characters'),
    credentials: z.string().trim().max(120, 'credentials of at most 120 characters'),
  })
  .strict();

/** The panel's look and a few clinic choices, remembered per machine (not per session). */
export const PanelPrefsSchema = z
  .object({
    theme: z.enum(['dark', 'night']),
    /** The whole panel's brightness, 0.3–1. */
    brightness: z.number().min(0.3).max(1),
    /** Compact layout: the essentials only, for a small window beside other work. */
    compact: z.boolean(),
    /** Clock times everywhere: 'auto' = 12-hour in the US, 24-hour elsewhere (core/format.ts). */
    clockFormat: z.enum(['auto', '24h', '12h']),
    vitalsRanges: VitalsRangesSchema,
    /** Who signs records on this machine (name and credentials, e.g. "Dr Ana Ruiz", "MD, licence 12345"). */
    clinician: ClinicianSchema,
  })
  .strict();
export type PanelPrefs = z.infer<typeof PanelPrefsSchema>;
export type PanelTheme = PanelPrefs['theme'];
export const DEFAULT_PANEL_PREFS: PanelPrefs = {
  theme: 'dark',
  brightness: 1,
  compact: false,
  clockFormat: 'auto',
  vitalsRanges: DEFAULT_VITALS_RANGES,
  clinician: { name: '', credentials: '' },
};

export const ReportIncludeArgs = z
  .object({
    intention: z.boolean(),
    phases: z.boolean(),
    tracks: z.boolean(),
    light: z.boolean(),
    notes: z.boolean(),
    chart: z.boolean(),
    vitals: z.boolean(),
  })
  .partial()
  .strict();

export const clinicalCommands = {
  /** Replaces a note's text, tags and privacy; the earlier version is kept in its history. */
  editNote: command(
    z.object({ noteId: z.string().min(1).max(40), text: noteText, tags: tags.default([]), private: z.boolean() }).strict(),
    { replans: true },
  ),
  /** Marks a note deleted; it stays in the journal and in the therapist's record. */
  deleteNote: command(z.object({ noteId: z.string().min(1).max(40) }).strict(), { replans: true }),
  /** A further dose after the first (a booster). */
  recordRepeatDose: command(z.object({ note: z.string().max(500).default(''), details: DoseDetailsArgs }).strict(), { replans: true }),
  /** Corrects what a dose record says; the earlier details are kept. */
  correctDose: command(
    z.object({ doseId: z.string().min(1).max(40), note: z.string().max(500).default(''), details: DoseDetailsArgs }).strict(),
    { replans: true },
  ),
  /**
   * A set of vitals. Values outside any plausible range (BP 900/5) are refused unless
   * `confirmImplausible` says the therapist checked them.
   */
  recordVitals: command(
    z
      .object({
        values: z
          .object({
            systolic: measure,
            diastolic: measure,
            heartRate: measure,
            spo2: measure,
            custom: z
              .array(
                z
                  .object({
                    label: z.string().trim().min(1).max(40),
                    value: z.number().finite(),
                    unit: z.string().trim().max(16).default(''),
                  })
                  .strict(),
              )
              .max(8)
              .default([]),
          })
          .strict(),
        takenAt: when.optional(),
        note: z.string().trim().max(1000).default(''),
        confirmImplausible: z.boolean().default(false),
      })
      .strict(),
    { replans: true },
  ),
  /** A sedation or dissociation rating on a named scale (vitals.ts `RATING_SCALES`). */
  recordRating: command(
    z
      .object({
        scale: z.string().min(1).max(40),
        value: z.number().finite(),
        note: z.string().trim().max(1000).default(''),
        takenAt: when.optional(),
      })
      .strict(),
    { replans: true },
  ),
  recordAdverseEvent: command(
    z
      .object({
        description: z.string().trim().min(1, 'say what happened').max(2000),
        severity: z.enum(['mild', 'moderate', 'severe']),
        action: z.string().trim().max(2000).default(''),
        takenAt: when.optional(),
      })
      .strict(),
    { replans: true },
  ),
  recordDischarge: command(
    z
      .object({
        ready: z.boolean(),
        dischargedAt: when.optional(),
        accompaniedBy: z.string().trim().max(120).default(''),
        note: z.string().trim().max(2000).default(''),
      })
      .strict(),
    { replans: true },
  ),
  /** A reminder added live: after `offsetMin` from now (or from the dose), once or every `everyMin`. */
  addReminder: command(
    z
      .object({
        label: z.string().trim().min(1, 'a reminder needs a label').max(200),
        anchor: z.enum(['added', 'dose']).default('added'),
        ...LiveReminderTiming,
      })
      .strict(),
    { replans: true },
  ),
  completeReminder: command(z.object({ key: z.string().min(1).max(120) }).strict(), { replans: true }),
  snoozeReminder: command(z.object({ key: z.string().min(1).max(120), minutes: z.number().int().min(1).max(60) }).strict(), {
    replans: true,
  }),
  /** The therapist's music level below the plan (0 = as planned). */
  setMusicLevel: command(z.object({ db: z.number().min(-40).max(0) }).strict(), { replans: true }),
  /** Lowers the music while the therapist speaks; off brings it back. */
  setDuck: command(z.object({ on: z.boolean() }).strict(), { replans: true }),
  /** Changes the panel's look (remembered on this machine). */
  setPanelPrefs: command(PanelPrefsSchema.partial().strict()),
  /** Sets who signs records on this machine (remembered with the panel's settings). */
  setClinician: command(ClinicianSchema),
  /**
   * Signs the ended session's record as the clinician set on this machine. Refused, naming
   * each missing item, while something required is missing; afterwards the record is locked.
   */
  signRecord: command(z.object({}).strict(), { replans: true }),
  /** Adds to a signed record: its own time and author, the signed part unchanged. */
  addAddendum: command(
    z
      .object({
        text: z
          .string()
          .trim()
          .min(1, 'an addendum needs some text')
          .max(NOTE_MAX_CHARS, `addenda are capped at ${NOTE_MAX_CHARS} characters`),
      })
      .strict(),
    { replans: true },
  ),
  /** Writes the signed session as a FHIR R4 Bundle (JSON) to the exports folder and returns it. */
  exportFhir: command(z.object({}).strict(), { slow: true }).answers<{ resources: number; bytes: number }>(),
  /** Writes the session report (Markdown or PDF) to the reports folder and returns it. */
  exportReport: command(
    z
      .object({
        audience: z.enum(['therapist', 'client']),
        format: z.enum(['markdown', 'pdf']),
        include: ReportIncludeArgs.default({}),
        noteIds: z.array(z.string().max(40)).max(5000).nullable().default(null),
      })
      .strict(),
    { slow: true },
  ),
};
