/**
 * One phase of a preset being edited: its planned length beside the music it has, crossfade,
 * volume, what happens when the music runs out, and its playlist (add from the library, import
 * a playlist file, move up and down, remove — every action a plain button, so the keyboard
 * reaches all of it).
 */

import { useEffect, useId, useState } from 'react';
import { formatDurationS } from '../../../../electron/core/format';
import type { PhaseConfig, TrackRef } from '../../../../electron/core/preset';
import { api } from '../../bridge';
import '../../panel/mini';
import { InlineError } from '../InlineError';
import { onAudition, playAudition, stopAudition } from './audition';
import { LibraryPicker } from './LibraryPicker';
import { formatMinutes, useRun } from './shared';

const RUN_OUT_LABELS: Record<PhaseConfig['runOut'], string> = {
  repeat: 'Play the playlist again',
  fallback: 'Continue with the fallback bed',
  silence: 'Fade to silence',
};

function focusSoon(id: string): void {
  requestAnimationFrame(() => requestAnimationFrame(() => document.getElementById(id)?.focus()));
}

export function musicSeconds(phase: Pick<PhaseConfig, 'playlist'>): number {
  return phase.playlist.reduce((s, t) => s + t.durationS, 0);
}

export function PhaseEditor({
  phase,
  index,
  onChange,
  sessionRunning = false,
}: {
  phase: PhaseConfig;
  index: number;
  onChange: (next: PhaseConfig) => void;
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
  const music = musicSeconds(phase);
  const planned = phase.plannedMin * 60;
  const set = (change: Partial<PhaseConfig>) => onChange({ ...phase, ...change });
  const setList = (playlist: TrackRef[]) => set({ playlist });
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
    <section className="phase-edit" aria-labelledby={`${id}-title`} data-testid={`phase-${index}`}>
      <div className="phase-edit-head">
        <h3 id={`${id}-title`} className="phase-edit-title">
          {index + 1}. {phase.name} <span className="quiet small">({phase.kind})</span>
        </h3>
        <p className="small tabular phase-lengths" data-testid="phase-lengths">
          Planned {formatMinutes(planned)} · music {formatMinutes(music)}
          {music > 0 && music + 1 < planned ? ` (${RUN_OUT_LABELS[phase.runOut].toLowerCase()} after)` : ''}
        </p>
      </div>
      <div className="phase-fields is-phase">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} type="text" value={phase.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} />
        <label htmlFor={`${id}-planned`}>Planned minutes</label>
        <input
          id={`${id}-planned`}
          type="number"
          min={1}
          max={720}
          step={1}
          value={phase.plannedMin}
          onChange={(e) => set({ plannedMin: Number(e.target.value) })}
        />
        <label htmlFor={`${id}-xf`}>Crossfade</label>
        <span className="slider-pair">
          <input
            id={`${id}-xf`}
            type="range"
            min={0}
            max={20}
            step={1}
            value={phase.crossfadeS}
            aria-valuetext={phase.crossfadeS === 0 ? 'gapless' : `${phase.crossfadeS} seconds`}
            onChange={(e) => set({ crossfadeS: Number(e.target.value) })}
          />
          <span className="tabular small">{phase.crossfadeS === 0 ? 'gapless' : `${phase.crossfadeS} s`}</span>
        </span>
        <label htmlFor={`${id}-vol`}>Phase volume</label>
        <span className="slider-pair">
          <input
            id={`${id}-vol`}
            type="range"
            min={0}
            max={100}
            step={5}
            value={Math.round(phase.volume * 100)}
            aria-valuetext={`${Math.round(phase.volume * 100)} %`}
            onChange={(e) => set({ volume: Number(e.target.value) / 100 })}
          />
          <span className="tabular small">{Math.round(phase.volume * 100)} %</span>
        </span>
        <label htmlFor={`${id}-runout`}>When music runs out</label>
        <select id={`${id}-runout`} value={phase.runOut} onChange={(e) => set({ runOut: e.target.value as PhaseConfig['runOut'] })}>
          <option value="repeat">{RUN_OUT_LABELS.repeat}</option>
          <option value="fallback" disabled={(phase.fallback?.length ?? 0) === 0}>
            {RUN_OUT_LABELS.fallback}
            {(phase.fallback?.length ?? 0) === 0 ? ' (this phase has none)' : ''}
          </option>
          <option value="silence">{RUN_OUT_LABELS.silence}</option>
        </select>
      </div>

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
    </section>
  );
}
