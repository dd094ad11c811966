/** Sedation and dissociation ratings, each on a named scale with its bounds. */

import type { SessionState } from '@core/session';
import { RATING_SCALES, ratingProblem, scaleById } from '@core/vitals';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../bridge';
import { numberOrNull, timeOfDay } from '../../lib/entry';
import { clockTime } from '../../lib/time';
import { guarded } from '../../panel/perform';
import { hostNow } from '../../stores';
import { InlineError } from '../InlineError';

export function RatingForm({ session }: { session: SessionState }) {
  const [scale, setScale] = useState(RATING_SCALES[0]?.id ?? 'moaas');
  const [value, setValue] = useState('');
  const [time, setTime] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const def = scaleById(scale);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const v = numberOrNull(value);
    if (v === null || Number.isNaN(v)) return setError('Enter the rating as a number.');
    const problem = ratingProblem(scale, v);
    if (problem) return setError(`${problem}.`);
    setError(null);
    const takenAt = timeOfDay(time, hostNow());
    const ok = await guarded('recordRating', 'Record rating', () =>
      api().recordRating({ scale, value: v, note: note.trim(), ...(takenAt ? { takenAt } : {}) }),
    );
    if (ok) {
      setValue('');
      setNote('');
      setTime('');
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Sedation and dissociation
      </h2>
      {session.record.ratings.length > 0 ? (
        <ul className="record-list">
          {session.record.ratings.map((r) => (
            <li key={r.id}>
              <span className="tabular">{clockTime(r.takenAt)}</span>
              <span>
                {scaleById(r.scale)?.name ?? r.scale}: {r.value}
                {r.note ? ` — ${r.note}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="quiet small">No ratings yet.</p>
      )}
      <form className="form-grid" onSubmit={(e) => void submit(e)}>
        <label htmlFor={`${id}-scale`}>Scale</label>
        <select id={`${id}-scale`} value={scale} onChange={(e) => setScale(e.target.value)}>
          {RATING_SCALES.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.kind})
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-value`}>Rating</label>
        <input
          id={`${id}-value`}
          type="text"
          inputMode="numeric"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-describedby={`${id}-hint`}
        />
        <span id={`${id}-hint`} className="quiet small span-2">
          {def ? `${def.min} to ${def.max}: ${def.hint}` : ''}
        </span>
        <label htmlFor={`${id}-time`}>Taken at</label>
        <input id={`${id}-time`} type="time" value={time} onChange={(e) => setTime(e.target.value)} />
        <label htmlFor={`${id}-note`}>Comment</label>
        <input id={`${id}-note`} type="text" maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="span-2 row-actions">
          <button type="submit">Record rating</button>
        </div>
        <InlineError text={error} />
      </form>
    </section>
  );
}
