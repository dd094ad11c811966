/**
 * Vitals: blood pressure, heart rate, SpO₂ and custom fields. Values outside the clinic's
 * ranges are flagged; values outside any plausible range (BP 900/5) are not stored until the
 * therapist checks them and chooses "Store as entered" — never silently.
 */

import type { SessionState, VitalsValues } from '@core/session';
import { hasAnyValue, implausibleProblems, type VitalsRanges, vitalsFlags, vitalsSummary } from '@core/vitals';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../bridge';
import { numberOrNull, timeOfDay } from '../../lib/entry';
import { clockTime } from '../../lib/time';
import { guarded } from '../../panel/perform';
import { hostNow } from '../../stores';
import { InlineError } from '../InlineError';

interface Custom {
  label: string;
  value: string;
  unit: string;
}

export function VitalsForm({ session, ranges }: { session: SessionState; ranges: VitalsRanges }) {
  const [sys, setSys] = useState('');
  const [dia, setDia] = useState('');
  const [hr, setHr] = useState('');
  const [spo2, setSpo2] = useState('');
  const [custom, setCustom] = useState<Custom[]>([]);
  const [time, setTime] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [implausible, setImplausible] = useState<string[] | null>(null);
  const id = useId();

  const values = (): VitalsValues | string => {
    const nums = { systolic: numberOrNull(sys), diastolic: numberOrNull(dia), heartRate: numberOrNull(hr), spo2: numberOrNull(spo2) };
    for (const [k, v] of Object.entries(nums)) if (Number.isNaN(v)) return `${k === 'heartRate' ? 'Heart rate' : k}: not a number.`;
    const extra: VitalsValues['custom'] = [];
    for (const c of custom) {
      if (c.label.trim() === '' && c.value.trim() === '') continue;
      const v = numberOrNull(c.value);
      if (c.label.trim() === '' || v === null || Number.isNaN(v)) return 'Each extra field needs a name and a number.';
      extra.push({ label: c.label.trim(), value: v, unit: c.unit.trim() });
    }
    return { ...nums, custom: extra } as VitalsValues;
  };

  const send = async (confirm: boolean): Promise<void> => {
    const v = values();
    if (typeof v === 'string') return setError(v);
    if (!hasAnyValue(v)) return setError('Enter at least one value.');
    const problems = implausibleProblems(v);
    if (problems.length > 0 && !confirm) {
      setError(null);
      setImplausible(problems);
      return;
    }
    setError(null);
    const takenAt = timeOfDay(time, hostNow());
    const ok = await guarded('recordVitals', 'Record vitals', () =>
      api().recordVitals({ values: v, note: note.trim(), confirmImplausible: confirm, ...(takenAt ? { takenAt } : {}) }),
    );
    if (ok) {
      setSys('');
      setDia('');
      setHr('');
      setSpo2('');
      setCustom([]);
      setTime('');
      setNote('');
      setImplausible(null);
    }
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void send(false);
  };

  const edit = (f: (s: string) => void) => (e: { target: { value: string } }) => {
    f(e.target.value);
    setImplausible(null);
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Vitals
      </h2>
      {session.record.vitals.length > 0 ? (
        <ul className="record-list" data-testid="vitals-list">
          {session.record.vitals.map((v) => {
            const flags = vitalsFlags(v.values, ranges);
            return (
              <li key={v.id} className={flags.length ? 'is-flagged' : undefined}>
                <span className="tabular">{clockTime(v.takenAt)}</span>
                <span>
                  {vitalsSummary(v.values)}
                  {flags.length ? <span className="flag"> {flags.map((f) => f.text).join(', ')}</span> : null}
                  {v.confirmedImplausible.length ? <span className="badge">confirmed as entered</span> : null}
                </span>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="quiet small">No vitals yet.</p>
      )}
      <form className="form-grid" onSubmit={submit}>
        <label htmlFor="vitals-systolic">Blood pressure</label>
        <span className="pair">
          <input id="vitals-systolic" aria-label="Systolic (mmHg)" type="text" inputMode="numeric" value={sys} onChange={edit(setSys)} />
          <span aria-hidden="true">/</span>
          <input id={`${id}-dia`} aria-label="Diastolic (mmHg)" type="text" inputMode="numeric" value={dia} onChange={edit(setDia)} />
          <span className="quiet small">mmHg</span>
        </span>
        <label htmlFor={`${id}-hr`}>Heart rate (/min)</label>
        <input id={`${id}-hr`} type="text" inputMode="numeric" value={hr} onChange={edit(setHr)} />
        <label htmlFor={`${id}-spo2`}>SpO₂ (%)</label>
        <input id={`${id}-spo2`} type="text" inputMode="numeric" value={spo2} onChange={edit(setSpo2)} />
        {custom.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are only added at the end
          <span className="span-2 pair" key={i}>
            <input
              aria-label={`Extra field ${i + 1} name`}
              type="text"
              placeholder="e.g. Temperature"
              maxLength={40}
              value={c.label}
              onChange={(e) => setCustom(custom.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))}
            />
            <input
              aria-label={`Extra field ${i + 1} value`}
              type="text"
              inputMode="decimal"
              value={c.value}
              onChange={(e) => setCustom(custom.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
            />
            <input
              aria-label={`Extra field ${i + 1} unit`}
              type="text"
              placeholder="unit"
              maxLength={16}
              value={c.unit}
              onChange={(e) => setCustom(custom.map((x, j) => (j === i ? { ...x, unit: e.target.value } : x)))}
            />
          </span>
        ))}
        <span className="span-2">
          <button
            type="button"
            className="link-button"
            disabled={custom.length >= 8}
            onClick={() => setCustom([...custom, { label: '', value: '', unit: '' }])}
          >
            Add a field
          </button>
        </span>
        <label htmlFor={`${id}-time`}>Taken at</label>
        <input id={`${id}-time`} type="time" value={time} onChange={(e) => setTime(e.target.value)} />
        <label htmlFor={`${id}-note`}>Comment</label>
        <input id={`${id}-note`} type="text" maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="span-2 row-actions">
          <button type="submit" aria-keyshortcuts="V">
            Record vitals
          </button>
        </div>
        {implausible ? (
          <div className="span-2 implausible" role="status" data-testid="vitals-implausible">
            <p>These values look implausible: {implausible.join('; ')}. Check them. Nothing is stored until you choose.</p>
            <div className="row-actions">
              <button type="button" onClick={() => setImplausible(null)}>
                Correct the values
              </button>
              <button type="button" className="confirm-button" onClick={() => void send(true)}>
                Store as entered
              </button>
            </div>
          </div>
        ) : null}
        <InlineError text={error} />
      </form>
    </section>
  );
}
