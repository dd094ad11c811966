/**
 * The one contract between the renderer and the host, shared by both shells (Electron IPC and
 * the browser host's WebSocket). Each command has a runtime schema because types check
 * nothing at run time; the preload API, the WebSocket client and test doubles are all
 * derived from this map, so they cannot drift.
 */
import { z } from 'zod';
import { NOTE_MAX_CHARS } from '../core/notes';
import type { AudioSnapshot } from '../core/playback';
import type { SessionState } from '../core/session';
import type { Timeline } from '../core/timeline';
import { DEFAULT_VITALS_RANGES, VitalsRangesSchema } from '../core/vitals';
import { COMMAND_NAMES, type CommandName, IPC } from './commands';
import { type LibraryReplies, type LibrarySnapshot, libraryCommandSchemas } from './library-contract';
import { type LightsReplies, type LightsSnapshot, lightsCommandSchemas } from './lights-contract';
import { type SharingReplies, type SharingSnapshot, sharingCommandSchemas } from './sharing-contract';

export { COMMAND_NAMES, type CommandName, IPC };

const none = z.object({}).strict();

/** Host wall-clock time in ms (when something was given, measured, decided). */
const when = z.number().int().positive();
const noteText = z
  .string()
  .trim()
  .min(1, 'a note needs some text')
  .max(NOTE_MAX_CHARS, `notes are capped at ${NOTE_MAX_CHARS} characters; split it into two notes`);
const tags = z.array(z.string().trim().min(1).max(40)).max(12);
const measure = z.number().finite().min(-1000).max(100_000).nullable().default(null);

const DoseDetailsArgs = z
  .object({
    medicine: z.string().trim().max(80).optional(),
    amount: z.number().positive('the dose must be more than 0').max(100_000).nullable().optional(),
    unit: z.string().trim().max(16).optional(),
    route: z.string().trim().max(40).optional(),
    lot: z.string().trim().max(60).optional(),
    givenAt: when.optional(),
  })
  .strict();

/** The panel's look and a few clinic choices, remembered per machine (not per session). */
/**
 * The largest command message the browser host's WebSocket takes: a shared preset file of up to
 * 3 MiB (4 MiB as base64), with room for the JSON envelope and escaping. Loopback only.
 */
export const MAX_BROWSER_MESSAGE_BYTES = 8 * 1024 * 1024;

export const PanelPrefsSchema = z
  .object({
    theme: z.enum(['dark', 'night']),
    /** The whole panel's brightness, 0.3–1. */
    brightness: z.number().min(0.3).max(1),
    /** Compact layout: the essentials only, for a small window beside other work. */
    compact: z.boolean(),
    vitalsRanges: VitalsRangesSchema,
  })
  .strict();
export type PanelPrefs = z.infer<typeof PanelPrefsSchema>;
export type PanelTheme = PanelPrefs['theme'];
export const DEFAULT_PANEL_PREFS: PanelPrefs = { theme: 'dark', brightness: 1, compact: false, vitalsRanges: DEFAULT_VITALS_RANGES };

export const ReportIncludeArgs = z
  .object({
    intention: z.boolean(),
    phases: z.boolean(),
    tracks: z.boolean(),
    light: z.boolean(),
    notes: z.boolean(),
    chart: z.boolean(),
  })
  .partial()
  .strict();

export const commandSchemas = {
  /** Starts a session from a preset. */
  startSession: z
    .object({
      presetId: z.string().min(1).max(64),
      clientAlias: z.string().trim().max(80).default(''),
      intention: z.string().trim().max(2000).default(''),
    })
    .strict(),
  /** Records the dose: the anchor of clinical timing; a phase waiting for it advances. */
  recordDose: z.object({ note: z.string().max(500).default(''), details: DoseDetailsArgs.optional() }).strict(),
  advancePhase: none,
  /** Extends (positive) or shortens (negative) the current phase by whole minutes. */
  extendPhase: z
    .object({
      minutes: z
        .number()
        .int()
        .min(-240)
        .max(240)
        .refine((m) => m !== 0, 'must not be 0'),
    })
    .strict(),
  holdPhase: none,
  resumePhase: none,
  setSafeState: z.object({ on: z.boolean() }).strict(),
  skipTrack: none,
  /** The audio player reports a track it could not play; music moves on. */
  reportTrackFailed: z.object({ trackId: z.string().min(1).max(80), reason: z.string().min(1).max(500) }).strict(),
  endSession: none,
  /** A note; `tags` from the quick-tag buttons; private notes never reach the client's report. */
  addNote: z.object({ text: noteText, tags: tags.default([]), private: z.boolean().default(false) }).strict(),
  /** Replaces a note's text, tags and privacy; the earlier version is kept in its history. */
  editNote: z.object({ noteId: z.string().min(1).max(40), text: noteText, tags: tags.default([]), private: z.boolean() }).strict(),
  /** Marks a note deleted; it stays in the journal and in the therapist's record. */
  deleteNote: z.object({ noteId: z.string().min(1).max(40) }).strict(),
  /** A further dose after the first (a booster). */
  recordRepeatDose: z.object({ note: z.string().max(500).default(''), details: DoseDetailsArgs }).strict(),
  /** Corrects what a dose record says; the earlier details are kept. */
  correctDose: z.object({ doseId: z.string().min(1).max(40), note: z.string().max(500).default(''), details: DoseDetailsArgs }).strict(),
  /**
   * A set of vitals. Values outside any plausible range (BP 900/5) are refused unless
   * `confirmImplausible` says the therapist checked them.
   */
  recordVitals: z
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
  /** A sedation or dissociation rating on a named scale (vitals.ts `RATING_SCALES`). */
  recordRating: z
    .object({
      scale: z.string().min(1).max(40),
      value: z.number().finite(),
      note: z.string().trim().max(1000).default(''),
      takenAt: when.optional(),
    })
    .strict(),
  recordAdverseEvent: z
    .object({
      description: z.string().trim().min(1, 'say what happened').max(2000),
      severity: z.enum(['mild', 'moderate', 'severe']),
      action: z.string().trim().max(2000).default(''),
      takenAt: when.optional(),
    })
    .strict(),
  recordDischarge: z
    .object({
      ready: z.boolean(),
      dischargedAt: when.optional(),
      accompaniedBy: z.string().trim().max(120).default(''),
      note: z.string().trim().max(2000).default(''),
    })
    .strict(),
  /** A reminder added live: after `offsetMin` from now (or from the dose), once or every `everyMin`. */
  addReminder: z
    .object({
      label: z.string().trim().min(1, 'a reminder needs a label').max(200),
      anchor: z.enum(['added', 'dose']).default('added'),
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
    })
    .strict(),
  completeReminder: z.object({ key: z.string().min(1).max(120) }).strict(),
  snoozeReminder: z.object({ key: z.string().min(1).max(120), minutes: z.number().int().min(1).max(60) }).strict(),
  /** The therapist's music level below the plan (0 = as planned). */
  setMusicLevel: z.object({ db: z.number().min(-40).max(0) }).strict(),
  /** Lowers the music while the therapist speaks; off brings it back. */
  setDuck: z.object({ on: z.boolean() }).strict(),
  /** Changes the panel's look (remembered on this machine). */
  setPanelPrefs: PanelPrefsSchema.partial().strict(),
  /** Writes the session report (Markdown or PDF) to the reports folder and returns it. */
  exportReport: z
    .object({
      audience: z.enum(['therapist', 'client']),
      format: z.enum(['markdown', 'pdf']),
      include: ReportIncludeArgs.default({}),
      noteIds: z.array(z.string().max(40)).max(5000).nullable().default(null),
    })
    .strict(),
  /** Mutes the music with a fade (off brings it back, also with a fade). Music plays on silently. */
  setMute: z.object({ on: z.boolean() }).strict(),
  /** Where music plays on this machine: a device id from the renderer (empty = system default) and its name. */
  setOutputDevice: z.object({ deviceId: z.string().max(500), label: z.string().max(200).default('') }).strict(),
  /** Looks for a preset's files before a session: what is missing or unplayable, and measures the rest. */
  checkPreset: z.object({ presetId: z.string().min(1).max(64) }).strict(),
  ...lightsCommandSchemas,
  ...libraryCommandSchemas,
  ...sharingCommandSchemas,
} as const satisfies Record<CommandName, z.ZodType>;

// `satisfies` plus the object literal's excess-property check: exactly the listed names.
export type CommandArgs<K extends CommandName> = z.input<(typeof commandSchemas)[K]>;
export type ParsedArgs<K extends CommandName> = z.output<(typeof commandSchemas)[K]>;

/** A file the host wrote for the therapist (a report): where it is, and its bytes for a browser download. */
export interface SavedFile {
  name: string;
  path: string;
  mediaType: string;
  /** Text for Markdown, base64 for PDF. */
  encoding: 'utf8' | 'base64';
  data: string;
}

/** What a command answers besides ok, by command name (commands not listed answer nothing more). */
export type CommandReplies = LightsReplies & LibraryReplies & SharingReplies;
export type ReplyData<K extends CommandName> = K extends keyof CommandReplies ? CommandReplies[K] : undefined;

/** What every command answers: ok (with a file for exports, data for queries), or an error a person can read. */
export type CommandResult<K extends CommandName = CommandName> =
  | { ok: true; file?: SavedFile; data?: ReplyData<K> }
  | { ok: false; error: string };

/** What a host module's command returns to the host (which wraps it into a CommandResult). */
export interface ModuleReply {
  file?: SavedFile;
  data?: unknown;
}

export interface PresetSummary {
  id: string;
  name: string;
  route: string;
  description: string;
  totalMin: number;
  phases: Array<{ kind: string; name: string; plannedMin: number }>;
  /** Where it came from: bundled, the user's folder, or the clinic's shared folder. */
  origin: 'bundled' | 'user' | 'clinic';
  /** Signed files: who signed it ("Signed by …" or a warning about an unknown key); null when unsigned. */
  provenance?: { status: 'unsigned' | 'trusted' | 'unknown-key'; message: string } | null;
}

export interface PresetProblem {
  source: string;
  message: string;
}

/** The light the room has now (mirrored by the on-screen virtual lamp). */
export interface LampState {
  level: number;
  kelvin: number;
  moving: boolean;
}

/** Everything the renderer mirrors. Sent on every change and periodically. */
export interface HostSnapshot {
  /** Host wall clock when sent; the renderer uses it to correct its own clock offset. */
  now: number;
  presets: PresetSummary[];
  /** The preset to offer first (e.g. from `--preset ID`). */
  defaultPresetId: string | null;
  presetProblems: PresetProblem[];
  session: SessionState | null;
  timeline: Timeline | null;
  lamp: LampState;
  /** Quiet status lines (e.g. a resumed session, a skipped track). */
  notices: string[];
  /** The panel's look, remembered on this machine. */
  prefs: PanelPrefs;
  /** Playback beside the timeline: track gains, mute, output device, file check (electron/host/audio.ts). */
  audio?: AudioSnapshot;
  /** The room's light devices and their state (electron/host/lights.ts). */
  lights?: LightsSnapshot;
  /** Library folders, size and scan progress (electron/host/library.ts). */
  library?: LibrarySnapshot;
  /** Clinic folder, trusted keys, this machine's signing identity (electron/host/sharing.ts). */
  sharing?: SharingSnapshot;
}

/** Validates a command at the boundary; returns a message naming the problem when it is bad. */
export function validateCommand(
  name: unknown,
  args: unknown,
): { ok: true; name: CommandName; args: ParsedArgs<CommandName> } | { ok: false; error: string } {
  // Own names only: `constructor`, `toString` or `__proto__` are not commands.
  if (typeof name !== 'string' || !Object.hasOwn(commandSchemas, name)) {
    return { ok: false, error: `unknown command ${JSON.stringify(name)}` };
  }
  const cmd = name as CommandName;
  const parsed = commandSchemas[cmd].safeParse(args ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`);
    return { ok: false, error: `${cmd}: ${problems.join('; ')}` };
  }
  return { ok: true, name: cmd, args: parsed.data };
}

/** The API a renderer sees: one named method per command, plus the state stream. */
export type StillroomApi = {
  [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>>;
} & {
  /** Calls back with every snapshot; returns an unsubscribe function. */
  onState(listener: (s: HostSnapshot) => void): () => void;
  /** URL the audio player uses for a track. */
  mediaUrl(trackId: string): string;
  /** Which shell the renderer runs in. */
  readonly shell: 'electron' | 'browser';
};

/** Builds the named methods from a single transport function. */
export function commandMethods(send: (name: CommandName, args: unknown) => Promise<CommandResult>): {
  [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>>;
} {
  const out = {} as { [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>> };
  for (const name of COMMAND_NAMES) {
    (out as Record<string, (a: unknown) => Promise<CommandResult>>)[name] = (args: unknown) => send(name, args);
  }
  return out;
}

/** WebSocket wire messages (browser host). */
export type ClientMessage = { id: number; command: string; args: unknown };
export type ServerMessage =
  | { kind: 'reply'; id: number; result: CommandResult }
  | { kind: 'state'; snapshot: HostSnapshot }
  /**
   * The lamp moves every second during a fade; only the lamp is sent then. Clients merge it
   * into the last snapshot (keeping the same `timeline` object, so the audio player does not
   * re-plan) and notify `onState` listeners.
   */
  | { kind: 'lamp'; lamp: LampState };
