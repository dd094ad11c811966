/**
 * Search the library as you type (title, artist, album): a table of the best hits with
 * duration, loudness and whether the file is there. At most a few hundred rows are ever
 * drawn, so it stays quick with 20,000 tracks. The search runs again when the library changes.
 */
import { useId, useState } from 'react';
import { InlineError } from '../InlineError';
import { formatCount, formatLoudness, lengthText, trackState } from './format';
import { useLibrarySearch } from './useLibrarySearch';

const PAGE = 100;
const MAX_ROWS = 500;

export function LibrarySearch({ revision }: { revision: number }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const { hits: result, error } = useLibrarySearch({ query, limit, revision, whenEmpty: 'everything' });

  const shown = result?.tracks ?? [];
  const total = result?.total ?? 0;
  const summary =
    result === null
      ? ''
      : total === 0
        ? query.trim()
          ? 'No tracks match.'
          : 'The library is empty.'
        : shown.length < total
          ? `Showing ${formatCount(shown.length)} of ${formatCount(total)} tracks${query.trim() ? ' that match' : ''}.`
          : `${formatCount(total)} track${total === 1 ? '' : 's'}${query.trim() ? ' match' : ''}.`;

  return (
    <section className="card library-search" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Tracks
      </h2>
      <div className="library-search-field">
        <label htmlFor={`${id}-q`} className="field-label">
          Search the library
        </label>
        <input
          id={`${id}-q`}
          type="search"
          value={query}
          autoComplete="off"
          spellCheck={false}
          placeholder="Title, artist or album"
          onChange={(e) => {
            setQuery(e.target.value);
            setLimit(PAGE);
          }}
        />
        <p className="quiet small library-result-count" role="status" aria-live="polite" data-testid="library-result-count">
          {summary}
        </p>
        <InlineError text={error} />
      </div>
      {shown.length > 0 ? (
        <div className="library-table-wrap">
          <table className="library-table">
            <caption className="sr-only">Tracks in the library{query.trim() ? ` matching “${query.trim()}”` : ''}</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Artist</th>
                <th scope="col">Album</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col" className="num">
                  Loudness
                </th>
                <th scope="col">File</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((t) => (
                <tr key={t.id} className={t.missing || t.problem ? 'is-gone' : undefined} title={t.problem ?? t.path}>
                  <td>{t.title}</td>
                  <td>{t.artist || '—'}</td>
                  <td>{t.album || '—'}</td>
                  <td className="num tabular">{lengthText(t.durationSec)}</td>
                  <td className="num tabular">{formatLoudness(t)}</td>
                  <td>{trackState(t)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {shown.length < total && limit < MAX_ROWS ? (
        <div className="row-actions">
          <button type="button" className="small-button" onClick={() => setLimit(Math.min(MAX_ROWS, limit + PAGE))}>
            Show {formatCount(Math.min(PAGE, total - shown.length))} more
          </button>
        </div>
      ) : null}
    </section>
  );
}
