/**
 * What is wrong with a preset being edited, in the therapist's words: which phase or reminder,
 * which field, and what to do — never a schema library's wording. The editor shows these next to
 * the field and above Save; the host refuses to save a preset that has any.
 *
 * Two kinds of problem:
 * - a field out of its range (the preset schema's limits, reworded here field by field);
 * - a plan that cannot work as written, which the schema cannot see:
 *   · **dosing**: a preset *doses* when one of its phases waits for the dose ("until dose" — the
 *     plan stops there until the dose is recorded). A reminder counted from the dose, one that
 *     must be done before the dose, or one that asks for a further dose needs a dosing preset:
 *     without a phase waiting for it, nothing in the plan expects a dose, so the reminder would
 *     come only if someone happened to record one — a silent gap in monitoring. Only one phase
 *     may wait (the first dose ends that phase; a later "until dose" would never wait).
 *   · **anchors**: a reminder counted from a phase needs a phase of that kind (removing or
 *     changing the last one leaves it nothing to count from).
 *   · a "before the dose" reminder counted from the dose can never be due; a repeat count
 *     without how often; two reminders with one id (their done marks would be shared).
 * Pure; no I/O.
 */
import { PHASE_KINDS, type PhaseKind, type Preset, PresetSchema, type Reminder } from './preset';

/** Where a problem is, so the editor can put it beside the field. */
export interface PresetProblem {
  /** `preset`, `phase` (index), `reminder` (index) or `track` (phase index, track index). */
  at:
    | { kind: 'preset' }
    | { kind: 'phase'; phase: number }
    | { kind: 'reminder'; reminder: number }
    | { kind: 'track'; phase: number; track: number };
  /** The field: `name`, `plannedMin`, `light.level`, `anchor`, `everyMin`… (`''` for the whole thing). */
  field: string;
  /** One sentence a person can act on, naming the place first. */
  message: string;
}

/** How a phase kind reads in a sentence. */
export const PHASE_KIND_WORDS: Record<PhaseKind, string> = {
  preparation: 'preparation',
  onset: 'onset',
  peak: 'peak',
  return: 'return',
  integration: 'integration',
};

type Raw = Record<string, unknown>;

function record(x: unknown): Raw | null {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Raw) : null;
}

function quoted(x: unknown): string {
  return typeof x === 'string' && x.trim() ? ` “${x.trim().slice(0, 60)}”` : '';
}

/** "Phase 2 “Deep rest”" / "Reminder 3 “Vitals”" / "The preset". */
function placeOf(draft: Raw | null, at: PresetProblem['at']): string {
  const phases = Array.isArray(draft?.phases) ? (draft.phases as unknown[]) : [];
  const reminders = Array.isArray(draft?.reminders) ? (draft.reminders as unknown[]) : [];
  switch (at.kind) {
    case 'preset':
      return 'The preset';
    case 'phase':
      return `Phase ${at.phase + 1}${quoted(record(phases[at.phase])?.name)}`;
    case 'reminder':
      return `Reminder ${at.reminder + 1}${quoted(record(reminders[at.reminder])?.label)}`;
    case 'track': {
      const list = record(phases[at.phase])?.playlist;
      const track = Array.isArray(list) ? record(list[at.track]) : null;
      return `Phase ${at.phase + 1}${quoted(record(phases[at.phase])?.name)}, track ${at.track + 1}${quoted(track?.title)}`;
    }
  }
}

/** What each field must be, and what to do — keyed by the field's name within its place. */
const PRESET_FIELDS: Record<string, string> = {
  name: 'give the preset a name (up to 200 characters)',
  route: 'choose the route the medicine is given by',
  description: 'the description is at most 2,000 characters; shorten it',
  author: 'the author is at most 200 characters',
  phases: 'a preset has 1 to 12 phases',
  reminders: 'a preset has at most 100 reminders; remove some',
  id: 'its id is not one Stillroom can use; duplicate the preset to get a new one',
  format: 'this is not a Stillroom preset (stillroom.preset/1)',
};

const PHASE_FIELDS: Record<string, string> = {
  kind: 'choose what kind of phase it is',
  name: 'give the phase a name (up to 200 characters)',
  plannedMin: 'planned minutes are more than 0 and at most 720 (12 hours)',
  untilDose: '“until dose” is either on or off',
  crossfadeS: 'the crossfade is 0 to 20 seconds',
  volume: 'the phase volume is 0 to 100 %',
  runOut: 'choose what happens when the music runs out',
  playlist: 'a phase holds at most 500 tracks; remove some',
  fallback: '“continue with the fallback bed” needs a fallback bed and this phase has none; choose another “when music runs out”',
  'light.level': 'the light level is 0 to 100 %',
  'light.kelvin': 'the colour temperature is a whole number from 1500 to 9000 K',
  'light.transitionS': 'the light’s change takes 0 seconds to 2 hours (7200 s)',
  light: 'give the phase a light level, colour temperature and change time',
};

const REMINDER_FIELDS: Record<string, string> = {
  id: 'its id is not one Stillroom can use; remove the reminder and add it again',
  label: 'give the reminder a label (up to 200 characters)',
  anchor: 'choose what the reminder counts from: the session start, the dose or a phase',
  offsetMin: 'the minutes after its start are from −1440 to 1440 (a day either way)',
  kind: 'choose what the reminder asks for',
  beforeDose: '“before the dose” is either on or off',
  everyMin: 'a repeat comes every 1 to 1440 minutes',
  times: 'a repeat happens 2 to 200 times in all (a whole number)',
};

/** Where a schema issue's path points, and which field table explains it. */
function locate(path: readonly PropertyKey[]): { at: PresetProblem['at']; field: string; table: Record<string, string> } {
  const [top, i, sub, j, ...rest] = path;
  if (top === 'phases' && typeof i === 'number') {
    if (sub === 'playlist' && typeof j === 'number') return { at: { kind: 'track', phase: i, track: j }, field: rest.join('.'), table: {} };
    const field = [sub, j, ...rest].filter((p) => p !== undefined && typeof p !== 'number').join('.');
    return { at: { kind: 'phase', phase: i }, field, table: PHASE_FIELDS };
  }
  if (top === 'reminders' && typeof i === 'number') {
    return {
      at: { kind: 'reminder', reminder: i },
      field: [sub, j, ...rest].filter((p) => p !== undefined).join('.'),
      table: REMINDER_FIELDS,
    };
  }
  return { at: { kind: 'preset' }, field: typeof top === 'string' ? top : '', table: PRESET_FIELDS };
}

function valueAt(draft: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = draft;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function nowText(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? ` (it is ${Math.round(v * 100) / 100})` : ' (it is not a number)';
  if (v === undefined || v === '') return ' (it is empty)';
  return '';
}

/** The schema's complaints, reworded: one problem per field. */
function fieldProblems(draft: unknown): PresetProblem[] {
  const parsed = PresetSchema.safeParse(draft);
  if (parsed.success) return [];
  const raw = record(draft);
  const seen = new Set<string>();
  const out: PresetProblem[] = [];
  for (const issue of parsed.error.issues) {
    const { at, field, table } = locate(issue.path);
    const key = `${JSON.stringify(at)}|${field}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const place = placeOf(raw, at);
    let what: string;
    if (at.kind === 'track') {
      what =
        field === 'title'
          ? 'give the track a title'
          : field === 'durationS'
            ? 'its length is not usable; remove it and add it again from the library'
            : 'its description is not usable; remove it and add it again from the library';
    } else if (issue.code === 'unrecognized_keys') {
      what = `it has fields Stillroom does not know (${(issue.keys ?? []).slice(0, 3).join(', ')}); remove them`;
    } else {
      what =
        table[field] ??
        (field.startsWith('fallback.')
          ? 'a track of its fallback bed is not usable; remove it and add it again'
          : `${field || 'this'} is not usable here`);
    }
    const value = valueAt(draft, issue.path);
    const tail = typeof value === 'number' || value === '' ? nowText(value) : '';
    out.push({ at, field, message: `${place}: ${what}${tail}.` });
  }
  return out;
}

/** True when the plan expects a dose: one of its phases waits for it. */
export function presetDoses(preset: Pick<Preset, 'phases'>): boolean {
  return preset.phases.some((p) => p.untilDose);
}

/** Why a reminder needs the dose (null when it does not). */
function needsDose(r: Reminder): string | null {
  if (r.anchor === 'dose') return 'counts from the dose';
  if (r.beforeDose) return 'is to be done before the dose';
  if (r.kind === 'dose') return 'asks for a further dose';
  return null;
}

/** Plans that cannot work as written (only for a preset whose fields are all in range). */
function planProblems(p: Preset): PresetProblem[] {
  const out: PresetProblem[] = [];
  const raw = p as unknown as Raw;
  const waiting = p.phases.map((ph, i) => ({ ph, i })).filter((x) => x.ph.untilDose);
  for (const extra of waiting.slice(1)) {
    const first = waiting[0] as (typeof waiting)[number];
    out.push({
      at: { kind: 'phase', phase: extra.i },
      field: 'untilDose',
      message: `${placeOf(raw, { kind: 'phase', phase: extra.i })}: only one phase can wait for the dose, and phase ${first.i + 1} “${first.ph.name}” already does; turn “until dose” off here.`,
    });
  }
  const kinds = new Set(p.phases.map((ph) => ph.kind));
  const ids = new Map<string, number>();
  p.reminders.forEach((r, i) => {
    const place = placeOf(raw, { kind: 'reminder', reminder: i });
    const at = { kind: 'reminder' as const, reminder: i };
    const why = needsDose(r);
    if (why && waiting.length === 0) {
      out.push({
        at,
        field: r.anchor === 'dose' ? 'anchor' : r.beforeDose ? 'beforeDose' : 'kind',
        message: `${place} ${why}, but no phase waits for the dose, so nothing in this plan expects one and the reminder would never come. Turn on “until dose” for the phase in which the dose is given, or count the reminder from the session start or a phase.`,
      });
    }
    if (r.beforeDose && r.anchor === 'dose') {
      out.push({
        at,
        field: 'anchor',
        message: `${place} is to be done before the dose but counts from the dose, so it could never be due; count it from the session start or the first phase.`,
      });
    }
    if (r.anchor !== 'dose' && r.anchor !== 'session' && !kinds.has(r.anchor)) {
      out.push({
        at,
        field: 'anchor',
        message: `${place} counts from the ${PHASE_KIND_WORDS[r.anchor]} phase, but this preset has no ${PHASE_KIND_WORDS[r.anchor]} phase now; count it from another phase, the dose or the session start.`,
      });
    }
    if (r.times !== undefined && r.everyMin === undefined) {
      out.push({
        at,
        field: 'everyMin',
        message: `${place} says how many times it repeats but not how often; give the minutes between repeats, or turn the repeat off.`,
      });
    }
    const twin = ids.get(r.id);
    if (twin !== undefined) {
      out.push({
        at,
        field: 'id',
        message: `${place} has the same id as reminder ${twin + 1}, so marking one done would mark both; remove it and add it again.`,
      });
    } else ids.set(r.id, i);
  });
  return out;
}

/**
 * Every problem with a preset being edited (or received), in plain words, fields first. Empty
 * when it can be saved and played. `draft` may be anything (the editor's state, a file's JSON).
 */
export function presetProblems(draft: unknown): PresetProblem[] {
  const fields = fieldProblems(draft);
  if (fields.length) return fields;
  return planProblems(PresetSchema.parse(draft));
}

/** The problems as one refusal sentence list (the host's answer when asked to save). */
export function problemsText(problems: readonly PresetProblem[], max = 5): string {
  const shown = problems.slice(0, max).map((p) => p.message);
  const more = problems.length - shown.length;
  return `${shown.join(' ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

/** A phase kind's anchors that a reminder may count from, for the editor's choice list. */
export const ANCHOR_CHOICES = ['session', 'dose', ...PHASE_KINDS] as const;
