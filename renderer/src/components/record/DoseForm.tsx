/** The dose record: medicine, amount, route, lot and time; the first dose is the clinical anchor, later ones are repeats; corrections keep history. */
import { type FormEvent, useId, useState } from 'react';
import type { DoseRecord } from '../../../../electron/core/record';
import type { SessionState } from '../../../../electron/core/session';
import { api } from '../../bridge';
import { numberOrNull, timeOfDay } from '../../lib/entry';
import { clockTime } from '../../lib/time';
import { guarded } from '../../panel/perform';
import { hostNow } from '../../stores';
import { InlineError } from '../InlineError';

const ROUTES = ['sublingual', 'intramuscular', 'intravenous', 'intranasal', 'oral', 'other'];
const UNITS = ['mg', 'mg/kg', 'µg', 'mL'];

export function doseLine(d: DoseRecord): string {
  const x = d.details;
  const parts = [x.medicine, x.amount != null ? `${x.amount} ${x.unit ?? ''}`.trim() : '', x.route, x.lot ? `lot ${x.lot}` : ''].filter(
    Boolean,
  );
  return parts.join(' · ') || 'no details yet';
}

export function DoseForm({ session }: { session: SessionState }) {
  const route = ROUTES.includes(session.plan.preset.route) ? session.plan.preset.route : 'other';
  const [medicine, setMedicine] = useState('Ketamine');
  const [amount, setAmount] = useState('');
  const [unit, setUnit] = useState('mg');
  const [routeV, setRoute] = useState(route);
  const [lot, setLot] = useState('');
  const [time, setTime] = useState('');
  const [correcting, setCorrecting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const doses = session.record.doses;
  const open = session.status === 'running' || correcting !== null;

  const startCorrect = (d: DoseRecord): void => {
    setCorrecting(d.id);
    setMedicine(d.details.medicine ?? '');
    setAmount(d.details.amount != null ? String(d.details.amount) : '');
    setUnit(d.details.unit ?? 'mg');
    setRoute(d.details.route ?? route);
    setLot(d.details.lot ?? '');
    setTime('');
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const n = numberOrNull(amount);
    if (Number.isNaN(n) || (n !== null && n <= 0)) return setError('Dose: a number above 0 (or leave it empty).');
    setError(null);
    const givenAt = timeOfDay(time, hostNow());
    const details = { medicine: medicine.trim(), amount: n, unit, route: routeV, lot: lot.trim(), ...(givenAt ? { givenAt } : {}) };
    let ok: boolean;
    if (correcting)
      ok = await guarded('correctDose', 'Save correction', () => api().correctDose({ doseId: correcting, note: '', details }));
    else if (session.doseAt === null) ok = await guarded('dose', 'Record dose', () => api().recordDose({ note: '', details }));
    else ok = await guarded('repeatDose', 'Record repeat dose', () => api().recordRepeatDose({ note: '', details }));
    if (ok) {
      setCorrecting(null);
      setAmount('');
      setLot('');
      setTime('');
    }
  };

  const submitLabel = correcting ? 'Save correction' : session.doseAt === null ? 'Record dose' : 'Record repeat dose';
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Dose
      </h2>
      {doses.length > 0 ? (
        <ul className="record-list">
          {doses.map((d, i) => (
            <li key={d.id}>
              <span className="tabular">{clockTime(d.givenAt)}</span>
              <span>
                {i === 0 ? 'First' : 'Repeat'}: {doseLine(d)}
                {d.history.length ? <span className="badge">corrected</span> : null}
              </span>
              <button
                type="button"
                className="link-button"
                aria-label={`Correct dose given ${clockTime(d.givenAt)}`}
                onClick={() => startCorrect(d)}
              >
                Correct
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="quiet small">No dose recorded yet. “Dose given” (F4 then D) records the moment; add the details here.</p>
      )}
      {open ? (
        <form className="form-grid" onSubmit={(e) => void submit(e)}>
          <label htmlFor={`${id}-med`}>Medicine</label>
          <input id={`${id}-med`} type="text" maxLength={80} value={medicine} onChange={(e) => setMedicine(e.target.value)} />
          <label htmlFor={`${id}-amount`}>Dose</label>
          <span className="pair">
            <input id={`${id}-amount`} type="text" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
            <label htmlFor={`${id}-unit`} className="sr-only">
              Unit
            </label>
            <select id={`${id}-unit`} value={unit} onChange={(e) => setUnit(e.target.value)}>
              {UNITS.map((u) => (
                <option key={u}>{u}</option>
              ))}
            </select>
          </span>
          <label htmlFor={`${id}-route`}>Route</label>
          <select id={`${id}-route`} value={routeV} onChange={(e) => setRoute(e.target.value)}>
            {ROUTES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <label htmlFor={`${id}-lot`}>Lot number</label>
          <input id={`${id}-lot`} type="text" maxLength={60} value={lot} onChange={(e) => setLot(e.target.value)} />
          <label htmlFor={`${id}-time`}>Given at</label>
          <input
            id={`${id}-time`}
            type="time"
            value={time}
            onChange={(e) => setTime(e.target.value)}
            aria-describedby={`${id}-time-hint`}
          />
          <span id={`${id}-time-hint`} className="quiet small span-2">
            Leave the time empty for now.
          </span>
          <div className="span-2 row-actions">
            <button type="submit">{submitLabel}</button>
            {correcting ? (
              <button type="button" className="quiet-button" onClick={() => setCorrecting(null)}>
                Cancel
              </button>
            ) : null}
          </div>
          <InlineError text={error} />
        </form>
      ) : null}
    </section>
  );
}
