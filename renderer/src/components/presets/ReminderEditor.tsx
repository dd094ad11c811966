/**
 * The preset's reminders in the editor: what each asks for (a check, vitals, a rating, a further
 * dose), what it counts from (the session start, the dose, or the start of a phase), how many
 * minutes after, whether it must be done before the dose, and whether it repeats. A reminder
 * whose phase was removed is kept and marked, never dropped: the therapist chooses what it
 * counts from now. Meanings follow core/reminders.ts.
 */
import {
  PHASE_KINDS,
  type PhaseKind,
  type Preset,
  REMINDER_KINDS,
  type Reminder,
  type ReminderAnchor,
  type ReminderKind,
} from '@core/preset';
import { PHASE_KIND_LABELS, reminderFieldId } from './editorModel';

const KIND_LABELS: Record<ReminderKind, string> = {
  check: 'A check (press Done)',
  vitals: 'Vitals (a reading)',
  rating: 'A rating',
  dose: 'A further dose',
};

function anchorLabel(anchor: ReminderAnchor, preset: Preset): string {
  if (anchor === 'session') return 'The session start';
  if (anchor === 'dose') return 'The dose';
  const phase = preset.phases.find((p) => p.kind === anchor);
  return phase
    ? `Start of the ${PHASE_KIND_LABELS[anchor].toLowerCase()} phase (“${phase.name.trim() || 'unnamed'}”)`
    : `Start of the ${PHASE_KIND_LABELS[anchor].toLowerCase()} phase (there is none now)`;
}

/** Numbers typed in a field: empty stays empty (NaN), so the rules can say "type a number". */
function num(v: string): number {
  return v === '' ? Number.NaN : Number(v);
}

function shown(v: number | undefined): number | string {
  return v === undefined || !Number.isFinite(v) ? '' : v;
}

export function ReminderEditor({
  base,
  preset,
  index,
  reminder,
  invalid,
  onChange,
  onRemove,
}: {
  base: string;
  preset: Preset;
  index: number;
  reminder: Reminder;
  /** Fields of this reminder with a problem. */
  invalid: ReadonlySet<string>;
  onChange: (next: Reminder) => void;
  onRemove: () => void;
}) {
  const id = (f: string) => reminderFieldId(base, index, f);
  const bad = (f: string) => invalid.has(f) || undefined;
  const name = reminder.label.trim() || `reminder ${index + 1}`;
  const set = (change: Partial<Reminder>) => onChange({ ...reminder, ...change });
  const repeats = reminder.everyMin !== undefined || reminder.times !== undefined;
  const present = new Set<PhaseKind>(preset.phases.map((p) => p.kind));
  const anchors: ReminderAnchor[] = ['session', 'dose', ...PHASE_KINDS.filter((k) => present.has(k) || reminder.anchor === k)];

  const setRepeat = (on: boolean) => {
    const { everyMin: _e, times: _t, ...rest } = reminder;
    onChange(on ? { ...rest, everyMin: 30 } : rest);
  };

  return (
    <fieldset className="reminder-edit" data-testid={`reminder-${index}`}>
      <legend className="reminder-title">
        Reminder {index + 1}: {name}
      </legend>
      <div className="reminder-grid">
        <label htmlFor={id('label')}>Label</label>
        <input
          id={id('label')}
          type="text"
          maxLength={200}
          value={reminder.label}
          aria-invalid={bad('label')}
          onChange={(e) => set({ label: e.target.value })}
        />
        <label htmlFor={id('kind')}>Asks for</label>
        <select
          id={id('kind')}
          value={reminder.kind ?? 'check'}
          aria-invalid={bad('kind')}
          onChange={(e) => set({ kind: e.target.value as ReminderKind })}
        >
          {REMINDER_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <label htmlFor={id('anchor')}>Counts from</label>
        <select
          id={id('anchor')}
          value={reminder.anchor}
          aria-invalid={bad('anchor')}
          onChange={(e) => set({ anchor: e.target.value as ReminderAnchor })}
        >
          {anchors.map((a) => (
            <option key={a} value={a}>
              {anchorLabel(a, preset)}
            </option>
          ))}
        </select>
        <label htmlFor={id('offsetMin')}>Minutes after</label>
        <span className="inline-pair">
          <input
            id={id('offsetMin')}
            type="number"
            min={-1440}
            max={1440}
            step="any"
            value={shown(reminder.offsetMin)}
            aria-invalid={bad('offsetMin')}
            aria-describedby={id('offsetMin-help')}
            onChange={(e) => set({ offsetMin: num(e.target.value) })}
          />
          <span id={id('offsetMin-help')} className="quiet small">
            minus for before
          </span>
        </span>
        <label htmlFor={id('beforeDose')}>Before the dose</label>
        <span className="check-cell">
          <input
            id={id('beforeDose')}
            type="checkbox"
            checked={reminder.beforeDose === true}
            aria-invalid={bad('beforeDose')}
            aria-describedby={id('beforeDose-help')}
            onChange={(e) => {
              const { beforeDose: _b, ...rest } = reminder;
              onChange(e.target.checked ? { ...rest, beforeDose: true } : rest);
            }}
          />
          <span id={id('beforeDose-help')} className="quiet small">
            due only before the dose; the dose closes it
          </span>
        </span>
        <label htmlFor={id('repeat')}>Repeats</label>
        <span className="check-cell">
          <input id={id('repeat')} type="checkbox" checked={repeats} onChange={(e) => setRepeat(e.target.checked)} />
          {repeats ? (
            <span className="repeat-fields">
              <span className="small quiet" aria-hidden="true">
                every
              </span>
              <input
                id={id('everyMin')}
                type="number"
                min={1}
                max={1440}
                step={1}
                value={shown(reminder.everyMin)}
                aria-invalid={bad('everyMin')}
                aria-label="Repeat every (minutes)"
                onChange={(e) => set({ everyMin: num(e.target.value) })}
              />
              <span className="small quiet">min,</span>
              <input
                id={id('times')}
                type="number"
                min={2}
                max={200}
                step={1}
                value={shown(reminder.times)}
                placeholder="—"
                aria-invalid={bad('times')}
                aria-label="How many times in all (empty: until the session ends)"
                onChange={(e) => {
                  const { times: _t, ...rest } = reminder;
                  onChange(e.target.value === '' ? rest : { ...rest, times: num(e.target.value) });
                }}
              />
              <span className="small quiet">times in all (empty: until the end)</span>
            </span>
          ) : null}
        </span>
      </div>
      <div className="row-actions">
        <button type="button" className="small-button" aria-label={`Remove reminder “${name}”`} onClick={onRemove}>
          Remove reminder
        </button>
      </div>
    </fieldset>
  );
}
