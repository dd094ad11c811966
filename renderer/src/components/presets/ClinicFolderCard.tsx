/** The clinic's shared folder (a network drive or synced folder): its presets appear in the list and follow changes. */
import { useId, useState } from 'react';
import { api } from '../../bridge';
import { useStore } from '../../stores';
import { InlineError } from '../InlineError';
import { useRun } from '../useCommand';

export function ClinicFolderCard() {
  const id = useId();
  const sharing = useStore((s) => s.snapshot?.sharing);
  const [path, setPath] = useState('');
  const { busy, error, run } = useRun();
  if (!sharing) return null;

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Clinic folder
      </h2>
      {sharing.clinicFolder ? (
        <div className="row-actions">
          <span className="small">
            Following <span className="path">{sharing.clinicFolder}</span>
          </span>
          <button
            type="button"
            className="small-button"
            disabled={busy}
            onClick={() => void run(() => api().setClinicFolder({ path: null }))}
          >
            Stop following
          </button>
        </div>
      ) : (
        <p className="quiet small">A shared folder where the clinic keeps its presets. Stillroom lists them and notices changes.</p>
      )}
      {sharing.clinicFolderProblem ? <p className="small warn-line">{sharing.clinicFolderProblem}</p> : null}
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => api().setClinicFolder({ path })).then((r) => r && setPath(''));
        }}
      >
        <label htmlFor={`${id}-path`} className="field-label">
          {sharing.clinicFolder ? 'Follow another folder' : 'Folder path'}
        </label>
        <span className="inline-field">
          <input
            id={`${id}-path`}
            type="text"
            spellCheck={false}
            value={path}
            placeholder="/Volumes/Clinic/Presets"
            onChange={(e) => setPath(e.target.value)}
          />
          <button type="submit" className="small-button" disabled={busy || !path.trim()}>
            Follow folder
          </button>
        </span>
      </form>
      <InlineError text={error} />
    </section>
  );
}
