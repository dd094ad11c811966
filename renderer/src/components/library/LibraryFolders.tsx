/**
 * The library's folders and files: add by the system picker (desktop app), by dropping folders
 * or music files onto this card, or by typing a path (the browser host has no picker); remove;
 * rescan; a quiet progress line while a scan runs. Every command answers at once; the scan's
 * progress arrives in the snapshot.
 */

import type { AddedToLibrary, LibrarySnapshot } from '@host/library/contract';
import { type DragEvent, type FormEvent, useId, useRef, useState } from 'react';
import { api } from '../../bridge';
import { droppedPaths } from '../../lib/dropped';
import '../../panel/mini';
import { InlineError } from '../InlineError';
import { formatCount } from './format';

/** The desktop app's window glue (picker, dropped files' paths); undefined in the browser host. */
const desktop = () => (typeof window !== 'undefined' ? window.stillroomWindow : undefined);

/** Single files listed before "and N more". */
const FILES_SHOWN = 20;

function addedLine(a: AddedToLibrary): string {
  const parts: string[] = [];
  if (a.folders.length) parts.push(a.folders.length === 1 ? '1 folder' : `${a.folders.length} folders`);
  if (a.files.length) parts.push(a.files.length === 1 ? '1 music file' : `${a.files.length} music files`);
  return parts.length ? `Adding ${parts.join(' and ')}.` : '';
}

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

/** Folders or single files of the library, each with its Remove button. */
function PathList(props: {
  label: string;
  paths: readonly string[];
  noun: 'folder' | 'file';
  busy: string | null;
  onRemove(path: string): void;
}) {
  const { label, paths, noun, busy, onRemove } = props;
  return (
    <ul className="library-folders" aria-label={label}>
      {paths.map((p) => (
        <li key={p}>
          <span className="library-folder-path">{p}</span>
          <button
            type="button"
            className="small-button"
            aria-label={`Remove ${noun} ${p}`}
            disabled={busy === `remove:${p}`}
            onClick={() => onRemove(p)}
          >
            Remove {noun}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function LibraryFolders({ library }: { library: LibrarySnapshot | undefined }) {
  const id = useId();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<AddedToLibrary | null>(null);
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const folders = library?.folders ?? [];
  const files = library?.files ?? [];
  const shell = desktop();

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

  const addPaths = async (paths: string[]): Promise<void> => {
    if (paths.length === 0) return;
    setBusy('add');
    try {
      const r = await api().addToLibrary({ paths });
      setError(r.ok ? null : r.error);
      setAdded(r.ok ? (r.data ?? null) : null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const choose = async (kind: 'music-folders' | 'music-files'): Promise<void> => {
    if (!shell) return;
    await addPaths(await shell.choosePaths(kind));
  };

  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    depth.current = 0;
    setDragging(false);
    const { paths, withoutPath } = droppedPaths(
      { files: [...e.dataTransfer.files], getData: (t) => e.dataTransfer.getData(t) },
      shell ? (f) => shell.pathForFile(f) : undefined,
    );
    if (paths.length > 0) return void addPaths(paths);
    setAdded(null);
    setError(
      withoutPath > 0
        ? "This browser window cannot see where dropped files are on the computer. Type or paste the folder's path instead (the desktop app takes drops and has a folder picker)."
        : 'Nothing in that drop is a folder or a music file on this computer.',
    );
  };

  const dragProps = {
    onDragEnter: (e: DragEvent) => {
      e.preventDefault();
      depth.current++;
      setDragging(true);
    },
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop,
  };

  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const p = path.trim();
    if (!p) return setError('Type the full path of a folder first.');
    setAdded(null);
    if (await run('add', () => api().addLibraryFolder({ path: p }))) setPath('');
  };

  return (
    <section
      className={`card library-drop${dragging ? ' is-dragging' : ''}`}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-drop`}
      data-testid="library-drop"
      {...dragProps}
    >
      <h2 id={`${id}-title`} className="card-title">
        Music folders
      </h2>
      <p id={`${id}-drop`} className="quiet small library-drop-hint">
        {dragging ? 'Let go to add them to the library.' : 'Drop folders or music files here to add them.'}
      </p>
      {shell ? (
        <div className="library-pick-row">
          <button type="button" disabled={busy === 'add'} onClick={() => void choose('music-folders')}>
            Choose folders…
          </button>
          <button type="button" disabled={busy === 'add'} onClick={() => void choose('music-files')}>
            Choose music files…
          </button>
        </div>
      ) : null}
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
          {shell ? '' : ' (a browser window cannot offer a folder picker)'}. Files stay where they are; Stillroom only reads them.
        </p>
        <InlineError text={error} />
        {added ? (
          <div className="quiet small library-added" role="status" data-testid="library-added">
            <p>{addedLine(added)}</p>
            {added.skipped.length > 0 ? (
              <ul aria-label="Not added">
                {added.skipped.slice(0, 10).map((s) => (
                  <li key={s.path}>
                    Not added: {s.path} — {s.reason}.
                  </li>
                ))}
                {added.skipped.length > 10 ? <li>and {added.skipped.length - 10} more not added.</li> : null}
              </ul>
            ) : null}
          </div>
        ) : null}
      </form>
      {folders.length === 0 ? (
        <p className="quiet small">No folders yet.</p>
      ) : (
        <PathList
          label="Folders in the library"
          paths={folders}
          noun="folder"
          busy={busy}
          onRemove={(f) => void run(`remove:${f}`, () => api().removeLibraryFolder({ path: f }))}
        />
      )}
      {files.length > 0 ? (
        <div className="library-files">
          <h3 className="library-subtitle small">Music files added on their own</h3>
          <PathList
            label="Files in the library"
            paths={files.slice(0, FILES_SHOWN)}
            noun="file"
            busy={busy}
            onRemove={(f) => void run(`remove:${f}`, () => api().removeLibraryFile({ path: f }))}
          />
          {files.length > FILES_SHOWN ? <p className="quiet small">and {formatCount(files.length - FILES_SHOWN)} more files.</p> : null}
        </div>
      ) : null}
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
