/**
 * The library's folders: add one by path (the browser host has no folder picker), remove one,
 * rescan, and a quiet progress line while a scan runs. Every command answers at once; the
 * scan's progress arrives in the snapshot.
 */
import { type FormEvent, useId, useState } from 'react';
import type { LibrarySnapshot } from '../../../../electron/host/library-contract';
import { api } from '../../bridge';
import { InlineError } from '../InlineError';
import { formatCount } from './format';

const inBrowser = (): boolean => typeof window !== 'undefined' && !('stillroom' in window && window.stillroom);

function ScanProgress({ scanning }: { scanning: NonNullable<LibrarySnapshot['scanning']> }) {
  const text =
    scanning.stage === 'listing'
      ? `Looking for music files: ${formatCount(scanning.total)} found so far`
      : `Scanning ${formatCount(scanning.done)} of ${formatCount(scanning.total)} files`;
  return (
    <div className="library-progress">
      <progress
        aria-label="Scan progress"
        aria-valuetext={text}
        max={Math.max(1, scanning.total)}
        {...(scanning.stage === 'reading' ? { value: scanning.done } : {})}
      />
      <p className="quiet small tabular" data-testid="scan-progress">
        {text}
      </p>
    </div>
  );
}

export function LibraryFolders({ library }: { library: LibrarySnapshot | undefined }) {
  const id = useId();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const folders = library?.folders ?? [];

  const run = async (what: string, fn: () => ReturnType<ReturnType<typeof api>['rescanLibrary']>): Promise<boolean> => {
    setBusy(what);
    try {
      const r = await fn();
      setError(r.ok ? null : r.error);
      return r.ok;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setBusy(null);
    }
  };

  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const p = path.trim();
    if (!p) return setError('Type the full path of a folder first.');
    if (await run('add', () => api().addLibraryFolder({ path: p }))) setPath('');
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Music folders
      </h2>
      <form className="library-add" onSubmit={(e) => void add(e)}>
        <label htmlFor={`${id}-path`} className="field-label">
          Folder path
        </label>
        <div className="library-add-row">
          <input
            id={`${id}-path`}
            type="text"
            value={path}
            spellCheck={false}
            autoComplete="off"
            placeholder="/home/you/Music"
            aria-describedby={`${id}-hint`}
            onChange={(e) => setPath(e.target.value)}
          />
          <button type="submit" disabled={busy === 'add'}>
            Add folder
          </button>
        </div>
        <p id={`${id}-hint`} className="quiet small field-hint">
          Type or paste the folder's full path on the computer running Stillroom
          {inBrowser() ? ' (a browser window cannot offer a folder picker)' : ''}. Files stay where they are; Stillroom only reads them.
        </p>
        <InlineError text={error} />
      </form>
      {folders.length === 0 ? (
        <p className="quiet small">No folders yet.</p>
      ) : (
        <ul className="library-folders" aria-label="Folders in the library">
          {folders.map((f) => (
            <li key={f}>
              <span className="library-folder-path">{f}</span>
              <button
                type="button"
                className="small-button"
                aria-label={`Remove folder ${f}`}
                disabled={busy === `remove:${f}`}
                onClick={() => void run(`remove:${f}`, () => api().removeLibraryFolder({ path: f }))}
              >
                Remove folder
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="library-status">
        <p className="sr-only" role="status" aria-live="polite">
          {library?.scanning ? 'Scanning the library.' : (library?.lastScan ?? '')}
        </p>
        <div className="library-status-text">
          {library?.scanning ? (
            <ScanProgress scanning={library.scanning} />
          ) : (
            <p className="quiet small" data-testid="library-status">
              {formatCount(library?.trackCount ?? 0)} tracks
              {library?.missingCount ? `, ${formatCount(library.missingCount)} missing` : ''}
              {library?.unreadableCount ? `, ${formatCount(library.unreadableCount)} not readable` : ''}. {library?.lastScan ?? ''}
            </p>
          )}
          {library?.problem ? <p className="library-problem small">{library.problem}</p> : null}
        </div>
        <button
          type="button"
          disabled={folders.length === 0 || busy === 'rescan'}
          onClick={() => void run('rescan', () => api().rescanLibrary({}))}
        >
          Rescan
        </button>
      </div>
    </section>
  );
}
