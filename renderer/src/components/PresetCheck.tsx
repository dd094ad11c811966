/**
 * Before the session begins: does the chosen preset's music play on this machine? Asks the
 * host to look for every file (`checkPreset`) whenever the choice changes, then says quietly
 * which tracks will be skipped and why, and how far the loudness measuring has got (tracks
 * measured before the start play levelled from their first second).
 */
import { useEffect } from 'react';
import { progressLine } from '../../../electron/core/playback';
import { api } from '../bridge';
import { useStore } from '../stores';

export function PresetCheck({ presetId }: { presetId: string }) {
  const check = useStore((s) => (s.snapshot?.audio?.check?.presetId === presetId ? s.snapshot.audio.check : null));

  // Asked again whenever the host has no check for this preset (a restarted host, a reconnect).
  const missing = check === null;
  useEffect(() => {
    if (missing) void api().checkPreset({ presetId });
  }, [presetId, missing]);

  if (!check) {
    return (
      <p className="preset-check quiet small" data-testid="preset-check">
        Looking for the music…
      </p>
    );
  }
  const { problems, tracks, measured, found, analysing } = check;
  const measuring = analysing ? progressLine({ done: check.done, total: found }) : null;
  return (
    <section className="preset-check small" aria-label="Music check" data-testid="preset-check">
      {problems.length > 0 ? (
        <>
          <p>
            {problems.length} of {tracks} track{tracks === 1 ? '' : 's'} will be skipped:
          </p>
          <ul>
            {problems.map((p) => (
              <li key={`${p.phase}|${p.title}|${p.problem}`}>
                {p.phase}: {p.title} — {p.problem}
              </li>
            ))}
          </ul>
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
