/**
 * Finds a track in the library as you type and offers each hit with one button ("Add",
 * "Use this file"). Suggestions (near misses from a resolution report) are listed first.
 */

import { formatDurationS } from '@core/format';
import { useId, useState } from 'react';
import { InlineError } from '../InlineError';
import { useLibrarySearch } from '../library/useLibrarySearch';

const LIMIT = 12;

export interface PickedTrack {
  id: string;
  title: string;
  artist: string;
}

export function LibraryPicker({
  label,
  action,
  onPick,
  suggestions = [],
  initialQuery = '',
}: {
  label: string;
  /** The verb on each hit's button, e.g. "Add" or "Use". */
  action: string;
  onPick: (t: PickedTrack) => void | Promise<void>;
  suggestions?: Array<PickedTrack & { why: string }>;
  initialQuery?: string;
}) {
  const id = useId();
  const [query, setQuery] = useState(initialQuery);
  const { hits: found, error } = useLibrarySearch({ query, limit: LIMIT, whenEmpty: 'nothing' });
  const hits = found ? found.tracks.filter((t) => !t.missing && !t.problem) : null;

  return (
    <div className="picker">
      <label htmlFor={`${id}-q`} className="field-label">
        {label}
      </label>
      <input
        id={`${id}-q`}
        type="search"
        value={query}
        autoComplete="off"
        spellCheck={false}
        placeholder="Title, artist or album"
        onChange={(e) => setQuery(e.target.value)}
      />
      {suggestions.length > 0 ? (
        <ul className="picker-hits" aria-label="Suggested files">
          {suggestions.map((s) => (
            <li key={`s-${s.id}`}>
              <span className="picker-track">
                {s.title} <span className="quiet">— {s.artist || 'unknown artist'}</span>
                <span className="quiet small picker-why">{s.why}</span>
              </span>
              <button
                type="button"
                className="small-button"
                onClick={() => void onPick(s)}
                aria-label={`${action} “${s.title}” by ${s.artist || 'unknown artist'}`}
              >
                {action}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {hits !== null ? (
        hits.length === 0 ? (
          <p className="quiet small" role="status">
            Nothing in the library matches.
          </p>
        ) : (
          <ul className="picker-hits" aria-label="Library tracks found">
            {hits.map((t) => (
              <li key={t.id}>
                <span className="picker-track">
                  {t.title} <span className="quiet">— {t.artist || 'unknown artist'}</span>
                  <span className="quiet small tabular picker-why">{t.durationSec !== null ? formatDurationS(t.durationSec) : ''}</span>
                </span>
                <button
                  type="button"
                  className="small-button"
                  onClick={() => void onPick({ id: t.id, title: t.title, artist: t.artist })}
                  aria-label={`${action} “${t.title}” by ${t.artist || 'unknown artist'}`}
                >
                  {action}
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <InlineError text={error} />
    </div>
  );
}
