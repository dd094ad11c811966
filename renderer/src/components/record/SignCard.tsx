/**
 * Signing the record: who signs on this machine (name and credentials), what is still missing
 * (the same list the host checks), **Sign record**, and once signed the signature, addenda
 * (each with its own time and author) and **Export FHIR bundle** for the clinic's health record.
 */

import { signingProblems } from '@core/record-sign';
import type { SessionState } from '@core/session';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../../bridge';
import { clockFormat, clockTime } from '../../lib/time';
import { guarded } from '../../panel/perform';
import { useStore } from '../../stores';

function ClinicianForm() {
  const saved = useStore((s) => s.snapshot?.prefs.clinician) ?? { name: '', credentials: '' };
  const [name, setName] = useState(saved.name);
  const [credentials, setCredentials] = useState(saved.credentials);
  const id = useId();
  useEffect(() => {
    setName(saved.name);
    setCredentials(saved.credentials);
  }, [saved.name, saved.credentials]);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    await guarded('setClinician', 'Save clinician', () => api().setClinician({ name: name.trim(), credentials: credentials.trim() }));
  };
  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} aria-label="Clinician">
      <label htmlFor={`${id}-name`}>Clinician</label>
      <input
        id={`${id}-name`}
        type="text"
        maxLength={120}
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="Dr Ana Ruiz"
      />
      <label htmlFor={`${id}-cred`}>Credentials</label>
      <input
        id={`${id}-cred`}
        type="text"
        maxLength={120}
        value={credentials}
        onChange={(e) => setCredentials(e.target.value)}
        placeholder="MD, licence number"
      />
      <div className="span-2 row-actions">
        <button type="submit">Save clinician</button>
      </div>
    </form>
  );
}

function AddendumForm() {
  const [text, setText] = useState('');
  const id = useId();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const ok = await guarded('addAddendum', 'Add addendum', () => api().addAddendum({ text: text.trim() }));
    if (ok) setText('');
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-text`}>Addendum</label>
      <textarea id={`${id}-text`} rows={3} maxLength={5000} value={text} onChange={(e) => setText(e.target.value)} />
      <div className="row-actions">
        <button type="submit" disabled={!text.trim()}>
          Add addendum
        </button>
      </div>
    </form>
  );
}

export function SignCard({ session }: { session: SessionState }) {
  const clinician = useStore((s) => s.snapshot?.prefs.clinician) ?? { name: '', credentials: '' };
  const now = useStore((s) => s.now);
  const [fhir, setFhir] = useState<string | null>(null);
  const id = useId();
  const sig = session.record.signature;
  const missing = sig ? [] : signingProblems(session, clinician, now, { format: clockFormat() });

  const exportFhir = async (): Promise<void> => {
    let path: string | null = null;
    const ok = await guarded('exportFhir', 'Export FHIR bundle', async () => {
      const r = await api().exportFhir({});
      if (r.ok) path = r.file?.path ?? null;
      return r;
    });
    if (ok) setFhir(path);
  };

  return (
    <section className="card sign-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Signature
      </h2>
      <ClinicianForm />
      {sig ? (
        <>
          <p className="small" data-testid="signature">
            Signed by {[sig.name, sig.credentials].filter(Boolean).join(', ')} at {clockTime(sig.at)}. The record is locked: later additions
            are addenda.
          </p>
          {session.record.addenda.length ? (
            <ul className="small addenda">
              {session.record.addenda.map((a) => (
                <li key={a.id}>
                  {clockTime(a.at)} · {[a.name, a.credentials].filter(Boolean).join(', ')}: {a.text}
                </li>
              ))}
            </ul>
          ) : null}
          <AddendumForm />
          <div className="row-actions">
            <button type="button" onClick={() => void exportFhir()}>
              Export FHIR bundle
            </button>
          </div>
          {fhir ? (
            <p className="small" role="status" data-testid="fhir-saved">
              Saved to <span className="path">{fhir}</span>.
            </p>
          ) : null}
        </>
      ) : (
        <>
          {missing.length ? (
            <div className="small">
              <p>Before signing, the record needs:</p>
              <ul data-testid="sign-missing">
                {missing.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="small">Everything the record needs is there.</p>
          )}
          <div className="row-actions">
            <button type="button" onClick={() => void guarded('signRecord', 'Sign record', () => api().signRecord({}))}>
              Sign record
            </button>
          </div>
        </>
      )}
    </section>
  );
}
