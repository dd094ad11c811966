/**
 * A phase's playlist in the editor: listen (before a session), move up and down, remove, add
 * from the library or from a playlist file — every action a plain button, so the keyboard
 * reaches all of it, and the focus stays with a moved track.
 */

import type { PhaseConfig, TrackRef } from '@core/preset';
import { useEffect, useId, useState } from 'react';
import { api } from '../../bridge';
import '../../panel/mini';
import { formatDurationS } from '@core/format';
import { InlineError } from '../InlineError';
import { useRun } from '../useCommand';
import { onAudition, playAudition, stopAudition } from './audition';
import { LibraryPicker } from './LibraryPicker';

function focusSoon(id: string): void {
  requestAnimationFrame(() => requestAnimationFrame(() => document.getElementById(id)?.focus()));
}

export function PhasePlaylist({
  phase,
  index,
  onChange,
  sessionRunning = false,
}: {
  phase: PhaseConfig;
  index: number;
  onChange: (playlist: TrackRef[]) => void;
  /** A session is running: listening to tracks is off. */
  sessionRunning?: boolean;
}) {
  const id = useId();
  const [playing, setPlaying] = useState<string | null>(null);
  useEffect(() => onAudition(setPlaying), []);
  const [adding, setAdding] = useState(false);
  const [playlistPath, setPlaylistPath] = useState('');
  const [importNote, setImportNote] = useState<string | null>(null);
  const { busy, error, setError, run } = useRun();
  const setList = onChange;
  const btn = (i: number, what: string) => `${id}-t${i}-${what}`;

  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= phase.playlist.length) return;
    const next = [...phase.playlist];
    const [t] = next.splice(i, 1);
    if (t) next.splice(j, 0, t);
    setList(next);
    // Keep the keyboard where it was: on the same button of the moved track (or its other one at an end).
    const edgeUp = by === -1 && j === 0;
    const edgeDown = by === 1 && j === next.length - 1;
    focusSoon(btn(j, edgeUp ? 'down' : edgeDown ? 'up' : by === -1 ? 'up' : 'down'));
  };

  const remove = (i: number) => {
    const next = phase.playlist.filter((_, k) => k !== i);
    setList(next);
    focusSoon(next.length === 0 ? `${id}-add` : btn(Math.min(i, next.length - 1), 'remove'));
  };

  const addFromLibrary = async (trackId: string) => {
    const r = await run(() => api().libraryRefs({ trackIds: [trackId] }));
    const ref = r?.data?.refs[0];
    if (!r) return;
    if (!ref) return setError('That track is missing or unreadable in the library.');
    setList([...phase.playlist, ref]);
    setImportNote(`Added “${ref.title}”.`);
  };

  const choosePlaylist = async () => {
    const [picked] = (await window.stillroomWindow?.choosePaths('playlist')) ?? [];
    if (picked) await importPlaylist(picked);
  };

  const importPlaylist = async (chosen?: string) => {
    setImportNote(null);
    const path = (chosen ?? playlistPath).trim();
    if (!path) return setError('Type the full path of an M3U, PLS or XSPF playlist.');
    const r = await run(() => api().importPlaylistFile({ path }));
    if (!r?.data) return;
    const refs = r.data.entries.map((e) => e.ref).filter((x): x is TrackRef => x !== null);
    const missing = r.data.entries.filter((e) => e.ref === null);
    const byTags = r.data.entries.filter((e) => e.ref !== null && e.trackId === null).length;
    setList([...phase.playlist, ...refs]);
    const list = (xs: typeof missing) =>
      `${xs
        .slice(0, 3)
        .map((e) => e.line)
        .join(', ')}${xs.length > 3 ? '…' : ''}`;
    setImportNote(
      [
        `Added ${refs.length} of ${r.data.entries.length} tracks from “${r.data.name}”.`,
        byTags ? `${byTags} of them ${byTags === 1 ? 'is' : 'are'} not in your library yet (described by the playlist's tags).` : '',
        missing.length ? `Left out (nothing to describe them by): ${list(missing)}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
    setPlaylistPath('');
  };

  return (
    <>
      {phase.playlist.length === 0 ? (
        <p className="quiet small">
          No music in this phase{phase.kind === 'integration' ? ' (often intended: a quiet room to talk)' : ''}.
        </p>
      ) : (
        <ol className="track-list" aria-label={`Playlist of ${phase.name}`}>
          {phase.playlist.map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same track may appear twice; position is its identity here
            <li key={`${i}-${t.title}`} className="track-row">
              <span className="track-pos tabular quiet small">{i + 1}</span>
              <span className="track-text">
                {t.title} <span className="quiet">— {t.artist || 'unknown artist'}</span>
              </span>
              <span className="tabular small quiet">{formatDurationS(t.durationS)}</span>
              <span className="track-actions">
                {sessionRunning ? null : playing === `${index}:${i}` ? (
                  <button
                    type="button"
                    className="small-button"
                    aria-label={`Stop listening to “${t.title}”`}
                    onClick={() => stopAudition()}
                  >
                    Stop
                  </button>
                ) : (
                  <button
                    type="button"
                    className="small-button"
                    aria-label={`Listen to “${t.title}”`}
                    onClick={() =>
                      void playAudition(`${index}:${i}`, t).then((problem) => {
                        if (problem) setError(problem);
                      })
                    }
                  >
                    Listen
                  </button>
                )}
                <button
                  id={btn(i, 'up')}
                  type="button"
                  className="small-button"
                  disabled={i === 0}
                  aria-label={`Move “${t.title}” up`}
                  onClick={() => move(i, -1)}
                >
                  ↑
                </button>
                <button
                  id={btn(i, 'down')}
                  type="button"
                  className="small-button"
                  disabled={i === phase.playlist.length - 1}
                  aria-label={`Move “${t.title}” down`}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </button>
                <button
                  id={btn(i, 'remove')}
                  type="button"
                  className="small-button"
                  aria-label={`Remove “${t.title}”`}
                  onClick={() => remove(i)}
                >
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}

      <div className="row-actions">
        <button id={`${id}-add`} type="button" className="small-button" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {adding ? 'Done adding' : `Add music to ${phase.name}`}
        </button>
      </div>
      {adding ? (
        <div className="phase-add">
          <LibraryPicker label={`Search the library for ${phase.name}`} action="Add" onPick={(t) => addFromLibrary(t.id)} />
          <form
            className="playlist-import"
            onSubmit={(e) => {
              e.preventDefault();
              void importPlaylist();
            }}
          >
            <label htmlFor={`${id}-pl`} className="field-label">
              Or import a playlist file (M3U, PLS, XSPF) into this phase
            </label>
            <span className="inline-field">
              <input
                id={`${id}-pl`}
                type="text"
                value={playlistPath}
                spellCheck={false}
                placeholder="/full/path/to/playlist.m3u"
                onChange={(e) => setPlaylistPath(e.target.value)}
              />
              <button type="submit" className="small-button" disabled={busy}>
                Import playlist
              </button>
              {window.stillroomWindow ? (
                <button type="button" className="small-button" disabled={busy} onClick={() => void choosePlaylist()}>
                  Choose playlist…
                </button>
              ) : null}
            </span>
          </form>
        </div>
      ) : null}
      {importNote ? (
        <p className="small quiet" role="status" data-testid="phase-note">
          {importNote}
        </p>
      ) : null}
      <InlineError text={error} />
    </>
  );
}
