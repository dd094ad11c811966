/**
 * Importing a preset someone shared: choose the file (or type its path), see who signed it and
 * whether the key is trusted, and a resolution report — every track, how it was found in this
 * library or that it is missing, with a way to choose the file by hand — then save it as one of
 * your presets. Nothing is saved until "Save as my preset".
 */

import { formatDurationS } from '@core/format';
import type { ImportView, ResolutionRow } from '@host/presets/contract';
import { useId, useRef, useState } from 'react';
import { api } from '../../bridge';
import { InlineError } from '../InlineError';
import { useRun } from '../useCommand';
import { LibraryPicker } from './LibraryPicker';
import { readChosenFile } from './shared';

/** A shared preset file or bundle chosen in the page: at most 3 MiB (the host's own limit; both shells carry it). */
const MAX_CHOSEN_BYTES = 3 * 1024 * 1024;

const HOW: Record<NonNullable<ResolutionRow['how']>, string> = {
  isrc: 'ISRC',
  musicbrainz: 'MusicBrainz id',
  tags: 'title + artist',
  manual: 'chosen by hand',
  bundle: 'from the bundle',
  path: 'path',
  'path-tail': 'path',
  app: 'Stillroom’s own audio',
};

export function ImportPanel({ onDone }: { onDone: (presetId: string | null) => void }) {
  const id = useId();
  const [view, setView] = useState<ImportView | null>(null);
  const [path, setPath] = useState('');
  const [conflict, setConflict] = useState<'replace' | 'keep-both'>('keep-both');
  const [fixing, setFixing] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const { busy, error, setError, run } = useRun();

  const inspectChosen = async () => {
    const file = fileInput.current?.files?.[0];
    if (!file) return setError('Choose a preset file first.');
    const read = await readChosenFile(file, MAX_CHOSEN_BYTES);
    if (!read.ok) return setError(read.error);
    const r = await run(() =>
      api().inspectImport(read.text !== undefined ? { name: read.name, text: read.text } : { name: read.name, base64: read.base64 ?? '' }),
    );
    if (r?.data) setView(r.data);
  };

  const inspectPath = async () => {
    const p = path.trim();
    if (!p) return setError('Type the full path of a .stillroom.json or bundle .zip.');
    const r = await run(() => api().inspectImport({ name: p.split(/[\\/]/).pop() || p, path: p }));
    if (r?.data) setView(r.data);
  };

  const fix = async (row: ResolutionRow, trackId: string) => {
    if (!view) return;
    const r = await run(() =>
      api().fixImportTrack({ importId: view.importId, phaseIndex: row.phaseIndex, trackIndex: row.trackIndex, trackId }),
    );
    if (r?.data) {
      setView(r.data);
      setFixing(null);
    }
  };

  const save = async () => {
    if (!view) return;
    const r = await run(() => api().completeImport({ importId: view.importId, onConflict: view.idTaken ? conflict : 'refuse' }));
    if (r?.data) onDone(r.data.id);
  };

  const cancel = async () => {
    if (view) await api().cancelImport({ importId: view.importId });
    onDone(null);
  };

  if (!view) {
    return (
      <section className="card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`} className="card-title">
          Import a preset
        </h2>
        <p className="quiet small">
          A .stillroom.json or a bundle another clinic shared. It is checked first; nothing is saved until you say so.
        </p>
        <div className="stack">
          <label htmlFor={`${id}-file`} className="field-label">
            Preset file
          </label>
          <span className="inline-field">
            <input
              id={`${id}-file`}
              ref={fileInput}
              type="file"
              accept=".json,.zip,application/json,application/zip"
              className="file-input"
            />
            <button type="button" className="small-button" disabled={busy} onClick={() => void inspectChosen()}>
              Check file
            </button>
          </span>
        </div>
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void inspectPath();
          }}
        >
          <label htmlFor={`${id}-path`} className="field-label">
            Or its path on this computer (large bundles)
          </label>
          <span className="inline-field">
            <input id={`${id}-path`} type="text" spellCheck={false} value={path} onChange={(e) => setPath(e.target.value)} />
            <button type="submit" className="small-button" disabled={busy}>
              Check path
            </button>
          </span>
        </form>
        <div className="row-actions">
          <button type="button" className="quiet-button" onClick={() => onDone(null)}>
            Close
          </button>
          {busy ? <span className="quiet small">Checking…</span> : null}
        </div>
        <InlineError text={error} />
      </section>
    );
  }

  const { report, provenance } = view;
  const total = report.rows.length;
  return (
    <section className="card import-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Import “{view.preset.name}”
      </h2>
      <p className={`provenance is-${provenance.status}`} data-testid="provenance" role="status">
        {provenance.status === 'trusted' ? '✓ ' : provenance.status === 'unknown-key' ? '⚠ ' : ''}
        {provenance.message}
      </p>
      <p className="quiet small">
        From {view.source} · {view.preset.phases.length} phases · {view.preset.phases.map((p) => p.name).join(', ')}
        {view.strippedAssets ? ` · ${view.strippedAssets} built-in audio reference${view.strippedAssets === 1 ? '' : 's'} removed` : ''}
      </p>
      <h3 className="section-title" data-testid="resolution-summary">
        {total === 0
          ? 'No tracks'
          : report.matched === total
            ? `All ${total} tracks found in your library`
            : `${report.matched} of ${total} tracks found · ${report.missing + report.ambiguous} to choose`}
      </h3>
      {total > 0 ? (
        <table className="resolution" data-testid="resolution-report">
          <thead>
            <tr>
              <th scope="col">Phase</th>
              <th scope="col">Track</th>
              <th scope="col">In your library</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((row) => {
              const key = `${row.phaseIndex}:${row.trackIndex}`;
              return (
                <tr key={key} className={`is-${row.status}`} data-status={row.status}>
                  <td className="small quiet">{view.preset.phases[row.phaseIndex]?.name}</td>
                  <td>
                    {row.title} <span className="quiet">— {row.artist || 'unknown artist'}</span>{' '}
                    <span className="quiet small tabular">{formatDurationS(row.durationS)}</span>
                  </td>
                  <td>
                    {row.status === 'matched' && row.matched ? (
                      <span className="small" data-testid="resolution-how">
                        {row.how === 'manual'
                          ? 'Chosen by hand'
                          : row.how === 'app'
                            ? `Found in ${HOW.app}`
                            : `Matched by ${row.how ? HOW[row.how] : 'the library'}`}{' '}
                        <span className="quiet">· {row.matched.fileName}</span>
                        {row.note ? <span className="quiet"> ({row.note})</span> : null}
                      </span>
                    ) : (
                      <span className="small warn-line">
                        {row.status === 'ambiguous' ? 'Several files fit' : `Missing: ${row.note ?? ''}`}
                      </span>
                    )}{' '}
                    <button
                      type="button"
                      className="link-button"
                      aria-expanded={fixing === key}
                      aria-label={`${row.status === 'matched' ? 'Choose another file' : 'Choose a file'} for “${row.title}”`}
                      onClick={() => setFixing(fixing === key ? null : key)}
                    >
                      {row.status === 'matched' ? 'Change' : 'Choose a file…'}
                    </button>
                    {fixing === key ? (
                      <LibraryPicker
                        label={`Find “${row.title}” in your library`}
                        action="Use"
                        initialQuery={row.title}
                        suggestions={row.candidates.map((c) => ({ id: c.trackId, title: c.title, artist: c.artist, why: c.why }))}
                        onPick={(t) => fix(row, t.id)}
                      />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {view.planProblems.length ? (
        <div className="import-plan-problems" data-testid="import-plan-problems">
          <p className="small warn-line">
            {view.planProblems.length === 1 ? 'One thing' : `${view.planProblems.length} things`} to fix in the editor after saving (until
            then the plan does not work as written):
          </p>
          <ul className="small">
            {view.planProblems.slice(0, 5).map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {view.idTaken ? (
        <fieldset className="stack">
          <legend className="section-title">You already have a preset with this id</legend>
          <label className="check">
            <input type="radio" name={`${id}-conf`} checked={conflict === 'keep-both'} onChange={() => setConflict('keep-both')} /> Keep
            both (this one is saved under a name of its own, such as “{view.preset.name} (2)”)
          </label>
          <label className="check">
            <input type="radio" name={`${id}-conf`} checked={conflict === 'replace'} onChange={() => setConflict('replace')} /> Replace my
            preset
          </label>
        </fieldset>
      ) : null}
      <div className="row-actions">
        <button type="button" className="primary-button" disabled={busy} onClick={() => void save()}>
          Save as my preset
        </button>
        <button type="button" disabled={busy} onClick={() => void cancel()}>
          Cancel import
        </button>
        {report.missing + report.ambiguous > 0 ? (
          <span className="quiet small">Tracks still missing are skipped in sessions until found.</span>
        ) : null}
      </div>
      <InlineError text={error} />
    </section>
  );
}
