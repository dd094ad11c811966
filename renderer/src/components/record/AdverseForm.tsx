/** Adverse events: what happened, how severe, what was done. */

import type { SessionState } from '@core/session';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../bridge';
import { timeOfDay } from '../../lib/entry';
import { clockTime } from '../../lib/time';
import { guarded } from '../../panel/perform';
import { hostNow } from '../../stores';
import { InlineError } from '../InlineError';

type Severity = 'mild' | 'moderate' | 'severe';

export function AdverseForm({ session }: { session: SessionState }) {
  const [description, setDescription] = useState('');
  const [severity, setSeverity] = useState<Severity>('mild');
  const [action, setAction] = useState('');
  const [time, setTime] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (description.trim() === '') return setError('Say what happened.');
    setError(null);
    const takenAt = timeOfDay(time, hostNow());
    const ok = await guarded('recordAdverse', 'Record adverse event', () =>
      api().recordAdverseEvent({ description: description.trim(), severity, action: action.trim(), ...(takenAt ? { takenAt } : {}) }),
    );
    if (ok) {
      setDescription('');
      setAction('');
      setTime('');
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Adverse events
      </h2>
      {session.record.adverseEvents.length > 0 ? (
        <ul className="record-list">
          {session.record.adverseEvents.map((a) => (
            <li key={a.id}>
              <span className="tabular">{clockTime(a.takenAt)}</span>
              <span>
                <span className="badge">{a.severity}</span> {a.description}
                {a.action ? ` — ${a.action}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="quiet small">None recorded.</p>
      )}
      <form className="form-grid" onSubmit={(e) => void submit(e)}>
        <label htmlFor={`${id}-what`}>What happened</label>
        <textarea id={`${id}-what`} rows={2} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
        <label htmlFor={`${id}-sev`}>Severity</label>
        <select id={`${id}-sev`} value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
          <option value="mild">mild</option>
          <option value="moderate">moderate</option>
          <option value="severe">severe</option>
        </select>
        <label htmlFor={`${id}-action`}>Action taken</label>
        <textarea id={`${id}-action`} rows={2} maxLength={2000} value={action} onChange={(e) => setAction(e.target.value)} />
        <label htmlFor={`${id}-time`}>At</label>
        <input id={`${id}-time`} type="time" value={time} onChange={(e) => setTime(e.target.value)} />
        <div className="span-2 row-actions">
          <button type="submit">Record adverse event</button>
        </div>
        <InlineError text={error} />
      </form>
    </section>
  );
}
