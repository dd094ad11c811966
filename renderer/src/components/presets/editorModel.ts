/**
 * The preset editor's changes as pure functions of the draft: add, remove, move phases (their
 * keys move with them, so an open panel stays with its phase), add reminders with ids of their
 * own, and the id of the control each validation problem points at, so "Go to it" lands there.
 */
import { PHASE_KINDS, type PhaseConfig, type PhaseKind, type Preset, type Reminder } from '@core/preset';
import type { PresetProblem } from '@core/preset-rules';

/** A draft and a stable key per phase (React keys and control ids survive reordering). */
export interface Draft {
  preset: Preset;
  keys: string[];
}

let counter = 0;
function nextKey(): string {
  counter += 1;
  return `k${counter}`;
}

export function draftOf(preset: Preset): Draft {
  return { preset: structuredClone(preset), keys: preset.phases.map(() => nextKey()) };
}

/** Light a new phase starts with, by kind (the room dims towards the peak and comes back). */
const DEFAULT_LIGHT: Record<PhaseKind, PhaseConfig['light']> = {
  preparation: { level: 50, kelvin: 2700, transitionS: 60 },
  onset: { level: 30, kelvin: 2500, transitionS: 300 },
  peak: { level: 10, kelvin: 2200, transitionS: 600 },
  return: { level: 25, kelvin: 2500, transitionS: 600 },
  integration: { level: 50, kelvin: 2700, transitionS: 300 },
};

export const PHASE_KIND_LABELS: Record<PhaseKind, string> = {
  preparation: 'Preparation',
  onset: 'Onset',
  peak: 'Peak',
  return: 'Return',
  integration: 'Integration',
};

/** A new phase after the last: the next kind in the usual order, 10 minutes, no music yet. */
export function addPhase(d: Draft): Draft {
  const last = d.preset.phases.at(-1)?.kind;
  const kind: PhaseKind = PHASE_KINDS[Math.min(PHASE_KINDS.length - 1, last ? PHASE_KINDS.indexOf(last) + 1 : 0)] ?? 'integration';
  const phase: PhaseConfig = {
    kind,
    name: PHASE_KIND_LABELS[kind],
    plannedMin: 10,
    untilDose: false,
    crossfadeS: 8,
    volume: 0.7,
    runOut: 'repeat',
    playlist: [],
    light: { ...DEFAULT_LIGHT[kind] },
  };
  return { preset: { ...d.preset, phases: [...d.preset.phases, phase] }, keys: [...d.keys, nextKey()] };
}

export function removePhase(d: Draft, index: number): Draft {
  return {
    preset: { ...d.preset, phases: d.preset.phases.filter((_, i) => i !== index) },
    keys: d.keys.filter((_, i) => i !== index),
  };
}

export function movePhase(d: Draft, index: number, by: -1 | 1): Draft {
  const j = index + by;
  if (j < 0 || j >= d.preset.phases.length) return d;
  const swap = <T>(xs: readonly T[]): T[] => {
    const next = [...xs];
    const [x] = next.splice(index, 1);
    if (x !== undefined) next.splice(j, 0, x);
    return next;
  };
  return { preset: { ...d.preset, phases: swap(d.preset.phases) }, keys: swap(d.keys) };
}

export function setPhase(d: Draft, index: number, phase: PhaseConfig): Draft {
  return { ...d, preset: { ...d.preset, phases: d.preset.phases.map((p, i) => (i === index ? phase : p)) } };
}

/** An id no other reminder of the preset has (lower-case letters, digits and -). */
export function freshReminderId(taken: readonly Reminder[]): string {
  const ids = new Set(taken.map((r) => r.id));
  for (let n = taken.length + 1; ; n++) if (!ids.has(`reminder-${n}`)) return `reminder-${n}`;
}

/** A new reminder: a check 10 minutes after the dose when the plan waits for one, else after the start. */
export function newReminder(preset: Preset): Reminder {
  const doses = preset.phases.some((p) => p.untilDose);
  return { id: freshReminderId(preset.reminders), label: '', anchor: doses ? 'dose' : 'session', offsetMin: 10, kind: 'check' };
}

const PRESET_CONTROLS = new Set(['name', 'route', 'description']);
const PHASE_CONTROLS = new Set([
  'name',
  'kind',
  'plannedMin',
  'untilDose',
  'crossfadeS',
  'volume',
  'runOut',
  'light.level',
  'light.kelvin',
  'light.transitionS',
]);
const REMINDER_CONTROLS = new Set(['label', 'anchor', 'offsetMin', 'kind', 'beforeDose', 'everyMin', 'times']);

/** The control a problem is about (`<base>-name`, `<base>-ph-<key>-light-level`, `<base>-rem-<i>-anchor`…). */
export function fieldId(base: string, d: Draft, p: PresetProblem): string {
  switch (p.at.kind) {
    case 'preset':
      return `${base}-${PRESET_CONTROLS.has(p.field) ? p.field : 'name'}`;
    case 'phase': {
      const field = PHASE_CONTROLS.has(p.field) ? p.field : p.field === 'fallback' ? 'runOut' : 'name';
      return phaseFieldId(base, d.keys[p.at.phase] ?? '', field);
    }
    case 'track':
      return phaseFieldId(base, d.keys[p.at.phase] ?? '', 'name');
    case 'reminder':
      return reminderFieldId(base, p.at.reminder, REMINDER_CONTROLS.has(p.field) ? p.field : 'label');
  }
}

export function phaseFieldId(base: string, key: string, field: string): string {
  return `${base}-ph-${key}-${field.replace(/\./g, '-')}`;
}

export function reminderFieldId(base: string, index: number, field: string): string {
  return `${base}-rem-${index}-${field}`;
}
