/** Every preset Stillroom knows: where it came from, how long, who signed it; and the files that were refused, with why. */

import type { PresetProblem, PresetSummary } from '@host/contract';
import { useId } from 'react';

const ORIGIN: Record<PresetSummary['origin'], string> = { bundled: 'Built in', user: 'Yours', clinic: 'Clinic folder' };

export function PresetList({
  presets,
  problems,
  selected,
  onSelect,
  onImport,
}: {
  presets: PresetSummary[];
  problems: PresetProblem[];
  selected: string | null;
  onSelect: (id: string) => void;
  onImport: () => void;
}) {
  const id = useId();
  const order: PresetSummary['origin'][] = ['user', 'clinic', 'bundled'];
  const sorted = [...presets].sort((a, b) => order.indexOf(a.origin) - order.indexOf(b.origin) || a.name.localeCompare(b.name));
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        All presets
      </h2>
      <ul className="preset-list">
        {sorted.map((p) => (
          <li key={p.id}>
            <button
              type="button"
              className="preset-pick"
              aria-current={selected === p.id ? 'true' : undefined}
              onClick={() => onSelect(p.id)}
              data-testid={`preset-${p.id}`}
            >
              <span className="preset-pick-name">{p.name}</span>
              <span className="quiet small">
                {ORIGIN[p.origin]} · {p.totalMin} min · {p.phases.length} phases
              </span>
              {p.provenance ? <span className={`small provenance-line is-${p.provenance.status}`}>{p.provenance.message}</span> : null}
            </button>
          </li>
        ))}
      </ul>
      <div className="row-actions">
        <button type="button" onClick={onImport}>
          Import a preset…
        </button>
      </div>
      {problems.length > 0 ? (
        <details className="preset-refused">
          <summary className="small">
            {problems.length} file{problems.length === 1 ? '' : 's'} refused
          </summary>
          <ul>
            {problems.map((p) => (
              <li key={p.source} className="small">
                <span className="path">{p.source.split(/[\\/]/).pop()}</span>: {p.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
