/**
 * Before the session begins: does the chosen preset's music play on this machine? Asks the
 * host to look for every file (`checkPreset`) whenever the choice changes, then says quietly
 * which tracks will be skipped — one line per phase, each opening onto its track list, so a
 * route template whose music is not here yet reads as five calm lines, not forty — and how far
 * the loudness measuring has got (tracks measured before the start play levelled from their
 * first second).
 */

import { progressLine } from '@core/playback';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../bridge';
import { anyFromLibrary, type PhaseSkips, type PhaseTracks, phaseLine, reasonOf, skipsByPhase } from '../lib/missing-by-phase';
import { useStore } from '../stores';

/**
 * The chosen preset's music per phase, to say "4 of 5" and to list a track under every phase
 * that plays it. Read with `getPreset` (the snapshot carries only a summary); until it
 * answers, the lines go by the host's grouping and say "4 tracks".
 */
function usePresetMusic(presetId: string): readonly PhaseTracks[] | undefined {
  const [loaded, setLoaded] = useState<{ presetId: string; phases: readonly PhaseTracks[] } | null>(null);
  useEffect(() => {
    let live = true;
    void api()
      .getPreset({ presetId })
      .then((r) => {
        if (live && r.ok && r.data) setLoaded({ presetId, phases: r.data.preset.phases });
      })
      .catch(() => {
        /* the lines simply go without "of N" */
      });
    return () => {
      live = false;
    };
  }, [presetId]);
  return loaded?.presetId === presetId ? loaded.phases : undefined;
}

/** One phase: its line, opening onto the titles (with the reason only where reasons differ). */
function PhaseSkipLine({ skips }: { skips: PhaseSkips }) {
  const mixed = Object.values(skips.reasons).filter((n) => n > 0).length > 1;
  return (
    <li>
      <details className="skip-phase">
        <summary>{phaseLine(skips)}</summary>
        <ul className="skip-tracks">
          {skips.tracks.map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a title may repeat within a phase
            <li key={`${t.title}|${i}`}>
              {t.title}
              {mixed || reasonOf(t) === 'unplayable' ? <span className="quiet"> — {t.problem}</span> : null}
            </li>
          ))}
        </ul>
      </details>
    </li>
  );
}

/** A view named in a sentence, opening it (the same as the navigation bar's button). */
function ViewLink({ label, onOpen }: { label: string; onOpen(): void }) {
  return (
    <button type="button" className="inline-link" onClick={onOpen}>
      {label}
    </button>
  );
}

export function PresetCheck({ presetId }: { presetId: string }) {
  const check = useStore((s) => (s.snapshot?.audio?.check?.presetId === presetId ? s.snapshot.audio.check : null));
  const phases = useStore((s) => s.snapshot?.presets.find((p) => p.id === presetId)?.phases);
  const setView = useStore((s) => s.setView);
  const music = usePresetMusic(presetId);

  // Asked again whenever the host has no check for this preset (a restarted host, a reconnect).
  const missing = check === null;
  useEffect(() => {
    if (missing) void api().checkPreset({ presetId });
  }, [presetId, missing]);

  const problems = check?.problems;
  const groups = useMemo(
    () => (problems ? skipsByPhase(problems, phases?.map((p) => p.name) ?? [], music) : []),
    [problems, phases, music],
  );

  if (!check) {
    return (
      <p className="preset-check quiet small" data-testid="preset-check">
        Looking for the music…
      </p>
    );
  }
  const { tracks, measured, found, analysing } = check;
  const skipped = check.problems.length;
  const measuring = analysing ? progressLine({ done: check.done, total: found }) : null;
  return (
    <section className="preset-check small" aria-label="Music check" data-testid="preset-check">
      {skipped > 0 ? (
        <>
          <p className="skip-lead">
            {skipped === tracks && tracks > 1
              ? `All ${tracks} tracks will be skipped: the session would run without music.`
              : `${skipped} of ${tracks} track${tracks === 1 ? '' : 's'} will be skipped.`}
          </p>
          <ul className="skip-phases" data-testid="preset-check-phases">
            {groups.map((g) => (
              <PhaseSkipLine key={g.phase} skips={g} />
            ))}
          </ul>
          <p className="quiet skip-hint">
            {anyFromLibrary(check.problems) ? (
              <>
                Tracks are matched against your music library by title, artist and length: add the music in{' '}
                <ViewLink label="Library" onOpen={() => setView('library')} />, or choose other tracks for this preset in{' '}
              </>
            ) : (
              'To play something else, choose other tracks for this preset in '
            )}
            <ViewLink label="Presets" onOpen={() => setView('presets')} />.
          </p>
        </>
      ) : (
        <p className="quiet">
          All {tracks} track{tracks === 1 ? '' : 's'} found.
        </p>
      )}
      <p className="quiet analysis-progress" data-testid="preset-check-progress">
        {measuring ? `${measuring}.` : found > 0 && !analysing ? `Loudness measured for ${measured} of ${found}.` : ''}
      </p>
    </section>
  );
}
