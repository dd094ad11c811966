/**
 * This clinic's signing identity (made by naming the clinic; the key stays on this machine,
 * sealed) and the clinics whose keys this machine trusts.
 */

import type { SavedFile } from '@host/contract';
import { useId, useRef, useState } from 'react';
import { api } from '../../bridge';
import { useStore } from '../../stores';
import { InlineError } from '../InlineError';
import { SavedFileLine } from '../SavedFileLine';
import { useRun } from '../useCommand';
import { readChosenFile } from './shared';

const KEY_FILE_MAX = 32 * 1024;

export function SigningCard() {
  const id = useId();
  const sharing = useStore((s) => s.snapshot?.sharing);
  const [clinic, setClinic] = useState('');
  const [trustName, setTrustName] = useState('');
  const [keyFile, setKeyFile] = useState<SavedFile | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const { busy, error, setError, run } = useRun();
  if (!sharing) return null;

  const create = async () => {
    if (!clinic.trim()) return setError('Type the clinic’s name first.');
    const r = await run(() => api().createClinicIdentity({ clinic }));
    if (r) setClinic('');
  };

  const trust = async () => {
    setNote(null);
    const file = fileInput.current?.files?.[0];
    if (!file) return setError('Choose the clinic’s key file (.stillroom-key.json) first.');
    const read = await readChosenFile(file, KEY_FILE_MAX);
    if (!read.ok) return setError(read.error);
    if (read.text === undefined) return setError(`${file.name} is not a key file.`);
    const text = read.text;
    const r = await run(() => api().trustKey({ text, clinic: trustName }));
    if (r?.data) {
      setNote(`Trusted ${r.data.clinic} (fingerprint ${r.data.fingerprint}).`);
      setTrustName('');
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Signing
      </h2>
      {sharing.identityProblem ? <p className="small warn-line">{sharing.identityProblem}</p> : null}
      {sharing.identity ? (
        <>
          <p className="small" data-testid="identity">
            This machine signs as <strong>{sharing.identity.clinic}</strong>.
          </p>
          <p className="quiet small tabular">Fingerprint {sharing.identity.fingerprint}</p>
          <div className="row-actions">
            <button
              type="button"
              className="small-button"
              disabled={busy}
              onClick={() => void run(() => api().exportPublicKey({})).then((r) => r?.file && setKeyFile(r.file))}
            >
              Export public key file
            </button>
          </div>
          {keyFile ? <SavedFileLine file={keyFile} testId="key-saved" /> : null}
        </>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <label htmlFor={`${id}-clinic`} className="field-label">
            Name your clinic to sign what you share
          </label>
          <span className="inline-field">
            <input id={`${id}-clinic`} type="text" value={clinic} maxLength={200} onChange={(e) => setClinic(e.target.value)} />
            <button type="submit" className="small-button" disabled={busy}>
              Create signing key
            </button>
          </span>
        </form>
      )}

      <h3 className="section-title">Trusted clinics</h3>
      {sharing.trusted.length === 0 ? (
        <p className="quiet small">None yet. Presets signed by other clinics show a warning until you trust their key.</p>
      ) : (
        <ul className="trusted-list">
          {sharing.trusted.map((k) => (
            <li key={k.publicKey}>
              <span className="small">
                {k.clinic} <span className="quiet tabular">· {k.fingerprint}</span>
              </span>
              <button
                type="button"
                className="small-button"
                aria-label={`Stop trusting ${k.clinic}`}
                onClick={() => void run(() => api().untrustKey({ publicKey: k.publicKey }))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="stack">
        <label htmlFor={`${id}-keyfile`} className="field-label">
          Trust a clinic’s key file
        </label>
        <input id={`${id}-keyfile`} ref={fileInput} type="file" accept=".json,application/json" className="file-input" />
        <label htmlFor={`${id}-trustname`} className="field-label">
          Their name, as you know them (optional)
        </label>
        <span className="inline-field">
          <input id={`${id}-trustname`} type="text" value={trustName} maxLength={200} onChange={(e) => setTrustName(e.target.value)} />
          <button type="button" className="small-button" disabled={busy} onClick={() => void trust()}>
            Trust this key
          </button>
        </span>
      </div>
      {note ? (
        <p className="small quiet" role="status">
          {note}
        </p>
      ) : null}
      <InlineError text={error} />
    </section>
  );
}
