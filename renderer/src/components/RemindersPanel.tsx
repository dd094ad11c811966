/**
 * Reminders on the panel: what is due (marked gently, never a pop-up), what is overdue (it
 * stays, saying how late), what is snoozed, and the next few to come. Done and Snooze work by
 * click or by key (Y, Z for the first one due). New reminders can be added live: once or
 * repeating, from now or after the dose.
 */

import { DEFAULT_SNOOZE_MIN, type ReminderItem, reminderItems } from '@core/reminders';
import type { SessionState } from '@core/session';
import { type FormEvent, memo, useId, useState } from 'react';
import { api } from '../bridge';
import { clockTime } from '../lib/time';
import { guarded } from '../panel/perform';
import { useStore } from '../stores';
import { InlineError } from './InlineError';

const mins = (ms: number): string => `${Math.max(1, Math.round(ms / 60_000))} min`;

export function whenText(r: ReminderItem, now: number): string {
  switch (r.status) {
    case 'due':
      return 'due now';
    case 'overdue':
      return `overdue ${mins(r.lateMs)}`;
    case 'snoozed':
      return `snoozed until ${clockTime(r.snoozedUntil ?? now)}`;
    case 'waiting':
      return 'after the dose';
    case 'upcoming':
      return `${r.estimated ? 'about ' : ''}in ${mins((r.dueAt ?? now) - now)}`;
    case 'done':
      return `done ${clockTime(r.doneAt ?? now)}`;
    case 'missed':
      return 'missed';
  }
}

function AddReminder() {
  const [label, setLabel] = useState('');
  const [offset, setOffset] = useState('15');
  const [anchor, setAnchor] = useState<'added' | 'dose'>('added');
  const [repeat, setRepeat] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const minutes = Number(offset);
    if (label.trim() === '') return setError('Give the reminder a label.');
    if (!Number.isFinite(minutes) || minutes < 0 || minutes > 1440) return setError('Minutes: a number from 0 to 1440.');
    if (repeat && minutes < 1) return setError('A repeating reminder needs at least 1 minute between times.');
    setError(null);
    const ok = await guarded('addReminder', 'Add reminder', () =>
      api().addReminder({ label: label.trim(), anchor, offsetMin: minutes, everyMin: repeat ? Math.round(minutes) : null }),
    );
    if (ok) setLabel('');
  };

  return (
    <details className="add-reminder">
      <summary>Add a reminder</summary>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label htmlFor={`${id}-label`} className="field-label">
          Reminder
        </label>
        <input id={`${id}-label`} type="text" maxLength={200} value={label} onChange={(e) => setLabel(e.target.value)} />
        <div className="inline-fields">
          <label htmlFor={`${id}-min`} className="field-label">
            In (minutes)
          </label>
          <input id={`${id}-min`} type="number" min={0} max={1440} step={1} value={offset} onChange={(e) => setOffset(e.target.value)} />
          <label htmlFor={`${id}-anchor`} className="sr-only">
            Counted from
          </label>
          <select id={`${id}-anchor`} value={anchor} onChange={(e) => setAnchor(e.target.value as 'added' | 'dose')}>
            <option value="added">from now</option>
            <option value="dose">after the dose</option>
          </select>
        </div>
        <label className="check small">
          <input type="checkbox" checked={repeat} onChange={(e) => setRepeat(e.target.checked)} /> Repeat at that interval
        </label>
        <button type="submit">Add reminder</button>
        <InlineError text={error} />
      </form>
    </details>
  );
}

/**
 * What the panel shows of the reminders at host time `now`, as one string: the panel renders
 * again only when this changes (a status or a "in N min" moves), not on every tick of the clock.
 */
function shownAt(session: SessionState, now: number): string {
  return reminderItems(session, now)
    .map((r) => `${r.key}:${r.status}:${whenText(r, now)}`)
    .join('|');
}

export const RemindersPanel = memo(function RemindersPanel({ session }: { session: SessionState }) {
  // Subscribes to what is shown, not to the clock (quiet idle: no re-render every second).
  useStore((s) => shownAt(session, s.now));
  const now = useStore.getState().now;
  const items = reminderItems(session, now);
  const active = items.filter((i) => i.status === 'due' || i.status === 'overdue' || i.status === 'snoozed');
  const coming = items.filter((i) => i.status === 'upcoming' || i.status === 'waiting').slice(0, 3);
  const done = items.filter((i) => i.status === 'done').length;

  return (
    <section className="reminders" aria-labelledby="reminders-title" data-testid="reminders">
      <h2 id="reminders-title" className="section-title">
        Reminders
      </h2>
      {active.length === 0 ? <p className="quiet small">Nothing due.</p> : null}
      {active.length > 0 ? (
        <ul className="reminder-list">
          {active.map((r) => (
            <li key={r.key} className={`reminder is-${r.status}`} data-status={r.status} data-key={r.key}>
              <span className="reminder-head">
                <span className="reminder-label">{r.label}</span>
                <span className="reminder-when">{whenText(r, now)}</span>
              </span>
              <span className="reminder-actions">
                <button
                  type="button"
                  className="small-button"
                  aria-label={`Done: ${r.label}`}
                  onClick={() => void guarded(`done:${r.key}`, `Done: ${r.label}`, () => api().completeReminder({ key: r.key }))}
                >
                  Done
                </button>
                <button
                  type="button"
                  className="small-button quiet-button"
                  aria-label={`Snooze ${DEFAULT_SNOOZE_MIN} min: ${r.label}`}
                  onClick={() =>
                    void guarded(`snooze:${r.key}`, `Snooze: ${r.label}`, () =>
                      api().snoozeReminder({ key: r.key, minutes: DEFAULT_SNOOZE_MIN }),
                    )
                  }
                >
                  Snooze {DEFAULT_SNOOZE_MIN} min
                </button>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {coming.length > 0 ? (
        <ul className="reminder-coming">
          {coming.map((r) => (
            <li key={r.key}>
              <span className="reminder-when">{whenText(r, now)}</span> {r.label}
            </li>
          ))}
        </ul>
      ) : null}
      {done > 0 ? <p className="quiet small">{done} done.</p> : null}
      <AddReminder />
    </section>
  );
});
