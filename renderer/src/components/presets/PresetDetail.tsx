/**
 * The chosen preset: the editor for the therapist's own presets (name, description, each
 * phase), a read-only outline with "Duplicate to edit" for bundled and clinic presets, and
 * the export card for any of them.
 */

import { formatDurationWordsMs } from '@core/format';
import type { LoadedPresetView } from '@host/presets/contract';
import { useEffect, useState } from 'react';
import { api } from '../../bridge';
import { useStore } from '../../stores';
import { InlineError } from '../InlineError';
import { useRun } from '../useCommand';
import { ExportCard } from './ExportCard';
import { musicSeconds } from './PhaseEditor';
import { PresetEditor } from './PresetEditor';

const ORIGIN: Record<LoadedPresetView['origin'], string> = {
  bundled: 'Built in (read-only)',
  user: 'Your preset',
  clinic: 'From the clinic folder (read-only)',
};

export function PresetDetail({ presetId, onSelect }: { presetId: string; onSelect: (id: string | null) => void }) {
  // This preset's entry in the catalog changes when it is saved, imported or changed in the
  // clinic folder. Compared as text: the host sends the catalog again after every presets
  // command (getPreset included), and a new array each time must not mean "load again".
  const entry = useStore((s) => JSON.stringify(s.snapshot?.presets?.find((p) => p.id === presetId) ?? null));
  const [loaded, setLoaded] = useState<LoadedPresetView | null>(null);
  const { error, run } = useRun();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `entry` is the trigger: load again when this preset changes on disk
  useEffect(() => {
    let live = true;
    void api()
      .getPreset({ presetId })
      .then((r) => {
        if (!live) return;
        if (r.ok && r.data) setLoaded(r.data);
        else if (!r.ok) setLoaded(null);
      });
    return () => {
      live = false;
    };
  }, [presetId, entry]);

  if (!loaded || loaded.preset.id !== presetId) return <InlineError text={error} />;

  const duplicate = async () => {
    const r = await run(() => api().duplicatePreset({ presetId }));
    if (r?.data) onSelect(r.data.id);
  };

  return (
    <div className="preset-detail">
      {loaded.editable ? (
        <PresetEditor key={presetId} loaded={loaded} onSelect={onSelect} />
      ) : (
        <section className="card" aria-label={`${loaded.preset.name} (read-only)`}>
          <h2 className="card-title">{loaded.preset.name}</h2>
          <p className="quiet small">
            {ORIGIN[loaded.origin]}
            {loaded.provenance ? ` · ${loaded.provenance.message}` : ''}
          </p>
          {loaded.preset.description ? <p className="small">{loaded.preset.description}</p> : null}
          <ol className="outline">
            {loaded.preset.phases.map((ph, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: phases are positional
              <li key={i} className="small">
                <span>{ph.name}</span>{' '}
                <span className="quiet tabular">
                  Planned {formatDurationWordsMs(ph.plannedMin * 60_000, 'minute')} · music{' '}
                  {formatDurationWordsMs(musicSeconds(ph) * 1000, 'minute')} · {ph.playlist.length} track
                  {ph.playlist.length === 1 ? '' : 's'}
                </span>
              </li>
            ))}
          </ol>
          <div className="row-actions">
            <button type="button" className="primary-button" onClick={() => void duplicate()}>
              Duplicate to edit
            </button>
          </div>
          <InlineError text={error} />
        </section>
      )}
      <ExportCard presetId={presetId} name={loaded.preset.name} origin={loaded.origin} />
    </div>
  );
}
