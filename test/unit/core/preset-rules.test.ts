/**
 * The preset editor's validation: every problem names the phase or reminder, the field and what
 * to do, in the therapist's words (never a schema library's), and plans that cannot work are
 * caught before they reach a session.
 */
import { describe, expect, it } from 'vitest';
import type { Preset } from '../../../electron/core/preset';
import { presetDoses, presetProblems, problemsText } from '../../../electron/core/preset-rules';
import { sublingualPreset } from '../../fixtures/plans';

const preset = (): Preset => structuredClone(sublingualPreset());
/** Words that come from zod, not from a person. */
const LIBRARY_WORDS = /expected|received|invalid_|too_small|too_big|Number must|String must|nan|undefined|enum|union|regex/i;

describe('presetProblems', () => {
  it('finds nothing wrong with a sound preset', () => {
    expect(presetProblems(preset())).toEqual([]);
  });

  it('names the phase, the field, the value and the range for a light out of range', () => {
    const p = preset();
    (p.phases[2] as Preset['phases'][number]).light.level = 120;
    (p.phases[2] as Preset['phases'][number]).light.kelvin = 1200;
    const problems = presetProblems(p);
    expect(problems).toEqual([
      { at: { kind: 'phase', phase: 2 }, field: 'light.level', message: 'Phase 3 “Peak”: the light level is 0 to 100 % (it is 120).' },
      {
        at: { kind: 'phase', phase: 2 },
        field: 'light.kelvin',
        message: 'Phase 3 “Peak”: the colour temperature is a whole number from 1500 to 9000 K (it is 1200).',
      },
    ]);
  });

  it('says what to do with an empty name, an emptied number field and a bad reminder, never in library words', () => {
    const p = preset() as unknown as { name: string; phases: Array<Record<string, unknown>>; reminders: Array<Record<string, unknown>> };
    p.name = '   ';
    (p.phases[0] as Record<string, unknown>).plannedMin = Number.NaN;
    (p.phases[1] as Record<string, unknown>).name = '';
    (p.reminders[0] as Record<string, unknown>).offsetMin = 3000;
    (p.reminders[1] as Record<string, unknown>).everyMin = 0;
    const messages = presetProblems(p).map((x) => x.message);
    expect(messages).toEqual([
      'The preset: give the preset a name (up to 200 characters).',
      'Phase 1 “Preparation”: planned minutes are more than 0 and at most 720 (12 hours) (it is not a number).',
      'Phase 2: give the phase a name (up to 200 characters) (it is empty).',
      'Reminder 1 “Check vitals”: the minutes after its start are from −1440 to 1440 (a day either way) (it is 3000).',
      'Reminder 2 “Check vitals again”: a repeat comes every 1 to 1440 minutes (it is 0).',
    ]);
    for (const m of messages) expect(m).not.toMatch(LIBRARY_WORDS);
  });

  it('refuses a reminder counted from the dose in a preset where no phase waits for the dose, and explains the rule', () => {
    const p = preset();
    (p.phases[0] as Preset['phases'][number]).untilDose = false;
    expect(presetDoses(p)).toBe(false);
    const problems = presetProblems(p);
    expect(problems.map((x) => [x.at, x.field])).toEqual([
      [{ kind: 'reminder', reminder: 0 }, 'anchor'],
      [{ kind: 'reminder', reminder: 1 }, 'anchor'],
    ]);
    expect(problems[0]?.message).toBe(
      'Reminder 1 “Check vitals” counts from the dose, but no phase waits for the dose, so nothing in this plan expects one and the reminder would never come. Turn on “until dose” for the phase in which the dose is given, or count the reminder from the session start or a phase.',
    );
    // Counting it from the session start is one of the two fixes offered.
    p.reminders = p.reminders.map((r) => ({ ...r, anchor: 'session' }));
    expect(presetProblems(p)).toEqual([]);
  });

  it('applies the dosing rule to "before the dose" and "further dose" reminders too', () => {
    const p = preset();
    (p.phases[0] as Preset['phases'][number]).untilDose = false;
    p.reminders = [
      { id: 'bp', label: 'BP before dosing', anchor: 'session', offsetMin: 5, kind: 'vitals', beforeDose: true },
      { id: 'top-up', label: 'Second spray', anchor: 'session', offsetMin: 10, kind: 'dose' },
    ];
    expect(presetProblems(p).map((x) => x.field)).toEqual(['beforeDose', 'kind']);
  });

  it('keeps a reminder whose phase was removed and says it has nothing to count from', () => {
    const p = preset();
    p.reminders.push({ id: 'peak-check', label: 'Peak check-in', anchor: 'peak', offsetMin: 20 });
    p.phases.splice(2, 1);
    const problems = presetProblems(p);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ at: { kind: 'reminder', reminder: 3 }, field: 'anchor' });
    expect(problems[0]?.message).toMatch(
      /^Reminder 4 “Peak check-in” counts from the peak phase, but this preset has no peak phase now; count it from another phase/,
    );
  });

  it('allows only one phase to wait for the dose', () => {
    const p = preset();
    (p.phases[2] as Preset['phases'][number]).untilDose = true;
    expect(presetProblems(p)).toEqual([
      {
        at: { kind: 'phase', phase: 2 },
        field: 'untilDose',
        message:
          'Phase 3 “Peak”: only one phase can wait for the dose, and phase 1 “Preparation” already does; turn “until dose” off here.',
      },
    ]);
  });

  it('catches reminders that can never be due, repeat counts without a period, and shared ids', () => {
    const p = preset();
    p.reminders = [
      { id: 'a', label: 'BP', anchor: 'dose', offsetMin: -5, beforeDose: true },
      { id: 'b', label: 'Fluids', anchor: 'session', offsetMin: 30, times: 3 },
      { id: 'b', label: 'Fluids again', anchor: 'session', offsetMin: 60 },
    ];
    const problems = presetProblems(p);
    expect(problems.map((x) => `${x.at.kind === 'reminder' ? x.at.reminder : '-'}:${x.field}`)).toEqual(['0:anchor', '1:everyMin', '2:id']);
    expect(problemsText(problems, 2)).toMatch(/\(and 1 more\)$/);
  });

  it('names the phase count and unknown fields of a file plainly', () => {
    const p = preset() as unknown as Record<string, unknown>;
    p.phases = [];
    p.colour = 'red';
    const messages = presetProblems(p).map((x) => x.message);
    expect(messages).toContain('The preset: a preset has 1 to 12 phases.');
    expect(messages).toContain('The preset: it has fields Stillroom does not know (colour); remove them.');
  });
});
