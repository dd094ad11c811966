/**
 * Vitals recorded on the live panel, in a small sheet: blood pressure, heart rate, SpO₂ (the
 * Record view has the full form with extra fields, a comment and another time). Values outside
 * any plausible range are stored only after "Store as entered". A due vitals reminder is done by
 * the reading itself (core/reminders.ts).
 */

import type { VitalsValues } from '@core/session';
import { hasAnyValue, implausibleProblems } from '@core/vitals';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../bridge';
import { numberOrNull } from '../lib/entry';
import { guarded } from '../panel/perform';
import { useStore } from '../stores';
import { InlineError } from './InlineError';
import { PanelSheet } from './PanelSheet';

const FIELDS = [
  ['systolic', 'Systolic (mmHg)'],
  ['diastolic', 'Diastolic (mmHg)'],
  ['heartRate', 'Heart rate (/min)'],
  ['spo2', 'SpO₂ (%)'],
] as const;
type Field = (typeof FIELDS)[number][0];

export function VitalsSheet() {
  const close = (): void => useStore.getState().setSheet(null);
  const [text, setText] = useState<Record<Field, string>>({ systolic: '', diastolic: '', heartRate: '', spo2: '' });
  const [error, setError] = useState<string | null>(null);
  const [implausible, setImplausible] = useState<string[] | null>(null);
  const id = useId();

  const send = async (confirm: boolean): Promise<void> => {
    const nums = {} as Record<Field, number | null>;
    for (const [f, label] of FIELDS) {
      const n = numberOrNull(text[f]);
      if (Number.isNaN(n)) return setError(`${label}: not a number.`);
      nums[f] = n;
    }
    const values: VitalsValues = { ...nums, custom: [] };
    if (!hasAnyValue(values)) return setError('Enter at least one value.');
    const problems = implausibleProblems(values);
    if (problems.length > 0 && !confirm) {
      setError(null);
      setImplausible(problems);
      return;
    }
    setError(null);
    const ok = await guarded('recordVitals', 'Record vitals', () => api().recordVitals({ values, note: '', confirmImplausible: confirm }));
    if (ok) close();
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void send(false);
  };

  return (
    <PanelSheet title="Vitals" onClose={close} testId="vitals-sheet">
      <form className="sheet-form" onSubmit={submit}>
        <div className="sheet-fields">
          {FIELDS.map(([f, label]) => (
            <span key={f} className="sheet-field">
              <label htmlFor={`${id}-${f}`} className="field-label small">
                {label}
              </label>
              <input
                id={`${id}-${f}`}
                type="text"
                inputMode="numeric"
                autoComplete="off"
                value={text[f]}
                onChange={(e) => {
                  setText({ ...text, [f]: e.target.value });
                  setImplausible(null);
                }}
              />
            </span>
          ))}
        </div>
        {implausible ? (
          <div className="implausible" role="status" data-testid="sheet-vitals-implausible">
            <p className="small">These look implausible: {implausible.join('; ')}. Nothing is stored until you choose.</p>
            <div className="row-actions">
              <button type="button" className="small-button" onClick={() => setImplausible(null)}>
                Correct the values
              </button>
              <button type="button" className="small-button confirm-button" onClick={() => void send(true)}>
                Store as entered
              </button>
            </div>
          </div>
        ) : null}
        <div className="row-actions">
          <button type="submit">Save vitals</button>
          <span className="quiet small">Taken now. Enter saves.</span>
        </div>
        <InlineError text={error} />
      </form>
    </PanelSheet>
  );
}
