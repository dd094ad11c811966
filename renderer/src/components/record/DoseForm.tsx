/**
 * The dose. `DoseSheet` is the live panel's small sheet that "Dose given" opens: pre-filled
 * from the preset (medicine, dose and unit, route) and the last lot number used on this
 * machine; Enter confirms; the time is the press of "Dose given", not the confirmation. Repeat
 * doses the same way. `DoseForm` is the Record view's card: the doses given, "Complete" for
 * details still missing (not a correction), and "Correct" with a reason (the earlier details
 * are kept in the record's history).
 */

import { type DoseEntry, doseProblems, missingFields } from '@core/dose';
import type { DoseRecord } from '@core/record';
import type { SessionState } from '@core/session';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { api } from '../../bridge';
import { numberOrNull } from '../../lib/entry';
import { clockTime } from '../../lib/time';
import { guarded } from '../../panel/perform';
import { useStore } from '../../stores';
import { InlineError } from '../InlineError';
import { PanelSheet } from '../PanelSheet';

const ROUTES = ['sublingual', 'intramuscular', 'intravenous', 'intranasal', 'oral', 'other'];
const UNITS = ['mg', 'mg/kg', 'µg', 'mL'];
/** A suggestion only (this machine's last lot), never the record: the journal holds what was given. */
const LAST_LOT_KEY = 'stillroom.lastLot';

function lastLot(): string {
  try {
    return localStorage.getItem(LAST_LOT_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberLot(lot: string): void {
  try {
    if (lot) localStorage.setItem(LAST_LOT_KEY, lot);
  } catch {
    /* private mode: no suggestion next time */
  }
}

export function doseLine(d: DoseRecord): string {
  const x = d.details;
  const parts = [x.medicine, x.amount != null ? `${x.amount} ${x.unit ?? ''}`.trim() : '', x.route, x.lot ? `lot ${x.lot}` : ''].filter(
    Boolean,
  );
  return parts.join(' · ') || 'no details yet';
}

interface EntryText {
  medicine: string;
  amount: string;
  unit: string;
  route: string;
  lot: string;
}

/** The typed entry as values, or the first thing wrong with it. */
function toEntry(t: EntryText): DoseEntry | string {
  const amount = numberOrNull(t.amount);
  if (Number.isNaN(amount)) return 'Dose: enter a number, e.g. 100 or 0.5.';
  const e: DoseEntry = { medicine: t.medicine.trim(), amount, unit: t.unit, route: t.route, lot: t.lot.trim() };
  return doseProblems(e)[0] ?? e;
}

/** Medicine, dose + unit, route, lot: the fields of both the sheet and the Record view's forms. */
function DoseFields({ value, onChange, only }: { value: EntryText; onChange: (v: EntryText) => void; only?: ReadonlySet<string> }) {
  const id = useId();
  const off = (f: keyof EntryText): boolean => only !== undefined && !only.has(f);
  const set = (f: keyof EntryText) => (e: { target: { value: string } }) => onChange({ ...value, [f]: e.target.value });
  return (
    <div className="sheet-fields">
      <span className="sheet-field wide">
        <label htmlFor={`${id}-med`} className="field-label small">
          Medicine
        </label>
        <input id={`${id}-med`} type="text" maxLength={80} value={value.medicine} onChange={set('medicine')} disabled={off('medicine')} />
      </span>
      <span className="sheet-field wide">
        <label htmlFor={`${id}-amount`} className="field-label small">
          Dose
        </label>
        <span className="pair">
          <input
            id={`${id}-amount`}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={value.amount}
            onChange={set('amount')}
            disabled={off('amount')}
          />
          <label htmlFor={`${id}-unit`} className="sr-only">
            Unit
          </label>
          <select id={`${id}-unit`} value={value.unit} onChange={set('unit')} disabled={off('unit')}>
            {UNITS.map((u) => (
              <option key={u}>{u}</option>
            ))}
          </select>
        </span>
      </span>
      <span className="sheet-field">
        <label htmlFor={`${id}-route`} className="field-label small">
          Route
        </label>
        <select id={`${id}-route`} value={value.route} onChange={set('route')} disabled={off('route')}>
          {ROUTES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </span>
      <span className="sheet-field">
        <label htmlFor={`${id}-lot`} className="field-label small">
          Lot number
        </label>
        <input
          id={`${id}-lot`}
          type="text"
          maxLength={60}
          autoComplete="off"
          value={value.lot}
          onChange={set('lot')}
          disabled={off('lot')}
        />
      </span>
    </div>
  );
}

/** "Dose given" on the live panel: confirm (Enter) what the preset and this machine suggest. */
export function DoseSheet({ session, pressedAt }: { session: SessionState; pressedAt: number }) {
  const preset = session.plan.preset;
  const close = (): void => useStore.getState().setSheet(null);
  const [text, setText] = useState<EntryText>(() => {
    // A repeat is offered as the dose before it; a first dose as the preset says.
    const before = session.record.doses.at(-1)?.details;
    return {
      medicine: before?.medicine || preset.dose?.medicine || 'Ketamine',
      amount: before?.amount != null ? String(before.amount) : preset.dose?.amount != null ? String(preset.dose.amount) : '',
      unit: before?.unit || preset.dose?.unit || 'mg',
      route: before?.route || (ROUTES.includes(preset.route) ? preset.route : 'other'),
      lot: lastLot(),
    };
  });
  const [error, setError] = useState<string | null>(null);
  /** An empty lot was pointed out once; a second Enter records without it. */
  const [noLotOk, setNoLotOk] = useState(false);
  const repeat = session.doseAt !== null;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const entry = toEntry(text);
    if (typeof entry === 'string') return setError(entry);
    if (entry.lot === '' && !noLotOk) {
      setNoLotOk(true);
      return setError('No lot number. Press Enter again to record the dose without it (add it later in Record), or type it.');
    }
    setError(null);
    const details = { ...entry, givenAt: pressedAt };
    const ok = repeat
      ? await guarded('repeatDose', 'Record repeat dose', () => api().recordRepeatDose({ note: '', details }))
      : await guarded('dose', 'Dose given', () => api().recordDose({ note: '', details }));
    if (!ok) return;
    rememberLot(entry.lot);
    close();
  };

  return (
    <PanelSheet title={`${repeat ? 'Repeat dose' : 'Dose'} given at ${clockTime(pressedAt)}`} onClose={close} testId="dose-sheet">
      <form className="sheet-form" onSubmit={(e) => void submit(e)}>
        <DoseFields
          value={text}
          onChange={(v) => {
            setText(v);
            if (v.lot !== text.lot) setNoLotOk(false);
            setError(null);
          }}
        />
        <div className="row-actions">
          <button type="submit">{repeat ? 'Record repeat dose' : 'Record dose'}</button>
          <span className="quiet small">Enter records it at {clockTime(pressedAt)}.</span>
        </div>
        <InlineError text={error} />
      </form>
    </PanelSheet>
  );
}

type Editing = { kind: 'complete' | 'correct'; dose: DoseRecord } | null;

function textOf(d: DoseRecord, route: string): EntryText {
  const x = d.details;
  return {
    medicine: x.medicine ?? '',
    amount: x.amount != null ? String(x.amount) : '',
    unit: x.unit || 'mg',
    route: x.route || route,
    lot: x.lot ?? '',
  };
}

/** Complete (the empty fields only) or correct (everything, with a reason) one recorded dose. */
function EditDose({ editing, route, onDone }: { editing: NonNullable<Editing>; route: string; onDone: () => void }) {
  const { kind, dose } = editing;
  const [text, setText] = useState<EntryText>(() => textOf(dose, route));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const missing = new Set<string>(missingFields(dose.details));
  // An empty unit or route shows a default in its list; completing sends it only if it was empty.

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const entry = toEntry(text);
    if (typeof entry === 'string') return setError(entry);
    let ok: boolean;
    if (kind === 'complete') {
      const details = Object.fromEntries(Object.entries(entry).filter(([k, v]) => missing.has(k) && v !== '' && v !== null));
      if (Object.keys(details).length === 0) return setError('Fill in at least one of the empty fields.');
      ok = await guarded('completeDose', 'Complete dose', () => api().completeDose({ doseId: dose.id, details }));
    } else {
      if (reason.trim() === '') return setError('Say why it is corrected (e.g. “wrote 100, gave 120”); the earlier details are kept.');
      ok = await guarded('correctDose', 'Save correction', () =>
        api().correctDose({ doseId: dose.id, note: reason.trim(), details: { ...entry, givenAt: dose.givenAt } }),
      );
    }
    setError(null);
    if (ok) onDone();
  };

  return (
    <form
      className="sheet-form dose-edit"
      onSubmit={(e) => void submit(e)}
      aria-label={kind === 'complete' ? 'Complete the dose' : 'Correct the dose'}
    >
      <DoseFields value={text} onChange={setText} only={kind === 'complete' ? missing : undefined} />
      {kind === 'correct' ? (
        <span className="sheet-field">
          <label htmlFor={`${id}-reason`} className="field-label small">
            Reason for the correction
          </label>
          <input id={`${id}-reason`} type="text" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </span>
      ) : null}
      <div className="row-actions">
        <button type="submit">{kind === 'complete' ? 'Save details' : 'Save correction'}</button>
        <button type="button" className="quiet-button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <InlineError text={error} />
    </form>
  );
}

export function DoseForm({ session }: { session: SessionState }) {
  const route = ROUTES.includes(session.plan.preset.route) ? session.plan.preset.route : 'other';
  const [editing, setEditing] = useState<Editing>(null);
  const id = useId();
  const doses = session.record.doses;

  let body: ReactNode;
  if (doses.length === 0) {
    body = (
      <p className="quiet small">
        No dose recorded yet. “Dose given” on the session panel (F4 then D) records it at the moment you press it.
      </p>
    );
  } else {
    body = (
      <ul className="record-list" data-testid="dose-list">
        {doses.map((d, i) => {
          const missing = missingFields(d.details);
          return (
            <li key={d.id}>
              <span className="tabular">{clockTime(d.givenAt)}</span>
              <span>
                {i === 0 ? 'First' : 'Repeat'}: {doseLine(d)}
                {d.history.length ? <span className="badge">corrected</span> : null}
                {missing.length ? <span className="quiet small"> · still to add: {missing.join(', ')}</span> : null}
              </span>
              <span className="row-actions">
                {missing.length ? (
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Complete dose given ${clockTime(d.givenAt)}`}
                    onClick={() => setEditing({ kind: 'complete', dose: d })}
                  >
                    Complete
                  </button>
                ) : null}
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Correct dose given ${clockTime(d.givenAt)}`}
                  onClick={() => setEditing({ kind: 'correct', dose: d })}
                >
                  Correct
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    );
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Dose
      </h2>
      {body}
      {editing ? (
        <EditDose key={`${editing.kind}:${editing.dose.id}`} editing={editing} route={route} onDone={() => setEditing(null)} />
      ) : null}
    </section>
  );
}
