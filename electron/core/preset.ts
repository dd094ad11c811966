/**
 * The shareable preset file (`*.stillroom.json`, format `stillroom.preset/1`).
 *
 * Presets come from other clinics, so every field is validated and capped here; the
 * error messages name the JSON path so a person can fix the file.
 */
import { z } from 'zod';
import { formatPath, jsonProblem, plainErrorMap, plainIssues } from './plain-errors';

export const PRESET_FORMAT = 'stillroom.preset/1';

/** The five kinds of phase a session moves through, in order. */
export const PHASE_KINDS = ['preparation', 'onset', 'peak', 'return', 'integration'] as const;
export type PhaseKind = (typeof PHASE_KINDS)[number];

const shortText = z.string().trim().min(1).max(200);

/** One piece of music, described by metadata so a preset travels without local paths. */
export const TrackRefSchema = z
  .object({
    title: shortText,
    artist: z.string().trim().max(200).default(''),
    album: z.string().trim().max(200).optional(),
    /** Expected duration in seconds (used to plan before the file is resolved). */
    durationS: z
      .number()
      .positive()
      .max(4 * 3600),
    isrc: z
      .string()
      .regex(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/, 'an ISRC looks like CCXXXYYNNNNN')
      .optional(),
    musicbrainzId: z.string().uuid().optional(),
    /**
     * Bundled content only: a path relative to the project's `assets/` folder.
     * User presets resolve tracks through the library instead.
     */
    asset: z
      .string()
      .max(300)
      .regex(/^[a-zA-Z0-9_\-/.]+$/, 'asset paths use letters, digits, - _ . and /')
      .refine((p) => !p.split('/').includes('..') && !p.startsWith('/'), 'asset paths stay inside assets/')
      .optional(),
  })
  .strict();
export type TrackRef = z.infer<typeof TrackRefSchema>;

/** How the room's light should look during a phase. */
export const LightSceneSchema = z
  .object({
    /** Brightness 0–100 %, perceptual (see curves.ts). */
    level: z.number().min(0).max(100),
    /** Colour temperature in kelvin. */
    kelvin: z.number().int().min(1500).max(9000),
    /** How long the change into this scene takes, in seconds (up to 2 h). */
    transitionS: z.number().min(0).max(7200),
  })
  .strict();
export type LightScene = z.infer<typeof LightSceneSchema>;

/**
 * What music does when a phase outlasts its playlist: play it again (`repeat`), continue
 * with the phase's `fallback` bed (`fallback`), or fade to intended silence (`silence`).
 */
export const RunOutSchema = z.enum(['repeat', 'fallback', 'silence']);

export const PhaseSchema = z
  .object({
    kind: z.enum(PHASE_KINDS),
    name: shortText,
    /** Planned length in minutes. */
    plannedMin: z
      .number()
      .positive()
      .max(12 * 60),
    /** The phase stays open until the dose is recorded (e.g. preparation), then advances. */
    untilDose: z.boolean().default(false),
    /** Crossfade between tracks in seconds; 0 = gapless. */
    crossfadeS: z.number().min(0).max(20).default(8),
    /** Listening level for this phase, 0–1 of the master level. */
    volume: z.number().min(0).max(1).default(0.8),
    runOut: RunOutSchema.default('repeat'),
    playlist: z.array(TrackRefSchema).max(500),
    /**
     * A fallback bed (usually one long, even track), looped when the playlist has run out
     * (`runOut: "fallback"`) or cannot play at all. Optional; older presets have none.
     */
    fallback: z.array(TrackRefSchema).max(20).optional(),
    light: LightSceneSchema,
  })
  .strict()
  .refine((p) => p.runOut !== 'fallback' || (p.fallback?.length ?? 0) > 0, {
    message: 'runOut "fallback" needs at least one track in `fallback`',
    path: ['fallback'],
  });
export type PhaseConfig = z.infer<typeof PhaseSchema>;

/**
 * What a reminder asks for. `vitals`, `rating` and `dose` are done by recording one (a reading,
 * a rating, a further dose) in the reminder's window; `check` is done by pressing Done.
 */
export const REMINDER_KINDS = ['check', 'vitals', 'rating', 'dose'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** What a preset reminder counts from: the dose, the session start, or the start of a phase of that kind. */
export const ReminderAnchorSchema = z.union([z.literal('dose'), z.literal('session'), z.enum(PHASE_KINDS)]);
export type ReminderAnchor = z.infer<typeof ReminderAnchorSchema>;

/**
 * A reminder anchored to the dose, the session start or a phase start. The optional fields keep
 * older files valid: no `kind` is a plain check, no `everyMin` falls due once.
 */
export const ReminderSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'reminder ids are lower-case letters, digits and -'),
    label: shortText,
    anchor: ReminderAnchorSchema,
    offsetMin: z
      .number()
      .min(-24 * 60)
      .max(24 * 60),
    kind: z.enum(REMINDER_KINDS).optional(),
    /** Must be done before the dose (e.g. baseline blood pressure): once the dose is given it is closed, never due. */
    beforeDose: z.boolean().optional(),
    /** Falls due again every so many minutes after the first time. */
    everyMin: z
      .number()
      .min(1)
      .max(24 * 60)
      .optional(),
    /** How many times in all when repeating (absent: until the session ends). */
    times: z.number().int().min(2).max(200).optional(),
  })
  .strict();
export type Reminder = z.infer<typeof ReminderSchema>;

export const PresetSchema = z
  .object({
    format: z.literal(PRESET_FORMAT),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'preset ids are lower-case letters, digits and -'),
    name: shortText,
    author: z.string().trim().max(200).default(''),
    route: z.enum(['sublingual', 'intramuscular', 'intravenous', 'intranasal', 'oral', 'demo']),
    /** What the dose sheet offers at the moment of dosing (each field optional; the therapist confirms or changes it). */
    dose: z
      .object({
        medicine: z.string().trim().max(80),
        amount: z.number().positive().max(100_000),
        unit: z.enum(['mg', 'mg/kg', 'µg', 'mL']),
      })
      .partial()
      .strict()
      .optional(),
    description: z.string().max(2000).default(''),
    phases: z.array(PhaseSchema).min(1).max(12),
    reminders: z.array(ReminderSchema).max(100).default([]),
  })
  .strict();
export type Preset = z.infer<typeof PresetSchema>;

/** A human-readable reason a preset file was refused. */
export class PresetError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
    this.name = 'PresetError';
  }
}

const MAX_PRESET_BYTES = 2 * 1024 * 1024;

/** Formats a zod issue path as `phases[2].light.level` (kept here for the modules that import it). */
export { formatPath };

/**
 * Parses and validates preset text. Throws `PresetError` naming the source and every
 * problem with its JSON path. Never mutates prototypes (JSON.parse + strict schema).
 */
export function parsePreset(text: string, source: string): Preset {
  if (text.length > MAX_PRESET_BYTES) {
    throw new PresetError(source, [`file is larger than ${MAX_PRESET_BYTES / 1024 / 1024} MiB`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PresetError(source, [jsonProblem(err, text)]);
  }
  if (raw && typeof raw === 'object' && 'format' in raw) {
    const format = (raw as { format: unknown }).format;
    const version = typeof format === 'string' ? /^stillroom\.preset\/(\d+)$/.exec(format) : null;
    if (version && format !== PRESET_FORMAT) {
      const newer = Number(version[1]) > 1;
      throw new PresetError(source, [
        newer
          ? `format: "${format}" is newer than this version of Stillroom understands (${PRESET_FORMAT}); please update Stillroom`
          : `format: "${format}" is not a format this version of Stillroom understands (${PRESET_FORMAT})`,
      ]);
    }
  }
  const result = PresetSchema.safeParse(raw, { error: plainErrorMap });
  if (!result.success) throw new PresetError(source, plainIssues(result.error.issues));
  return result.data;
}
