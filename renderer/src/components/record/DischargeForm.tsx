/** Discharge: ready or not, when, with whom; and the total monitored time (from the dose). */

import { formatDurationMs } from '@core/format';
import { currentDischarge, monitoredMs } from '@core/record';
import type { SessionState } from '@core/session';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../bridge';
import { timeOfDay } from '../../lib/entry';
import { clockTime } from '../../lib/time';
import { guarded } from '../../panel/perform';
import { hostNow, useStore } from '../../stores';
import { InlineError } from '../InlineError';

function Monitored({ session }: { session: SessionState }) {
  const now = useStore((s) => s.now);
  return <span className="tabular">{formatDurationMs(monitoredMs(session, now))}</span>;
}

export function DischargeForm({ session }: { session: SessionState }) {
  const [ready, setReady] = useState(true);
  const [time, setTime] = useState('');
  const [with_, setWith] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const last = currentDischarge(session.record);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    const dischargedAt = timeOfDay(time, hostNow());
    await guarded('recordDischarge', 'Record discharge', () =>
      api().recordDischarge({ ready, accompaniedBy: with_.trim(), note: note.trim(), ...(dischargedAt ? { dischargedAt } : {}) }),
    );
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Discharge
      </h2>
      <p className="small">
        {last ? (
          <>
            {last.ready ? 'Ready to leave' : 'Not yet ready'} · {clockTime(last.dischargedAt)}
            {last.accompaniedBy ? ` · with ${last.accompaniedBy}` : ''} · total monitored <Monitored session={session} />
          </>
        ) : (
          <>
            Monitored {session.doseAt === null ? 'since the start' : 'since the dose'}: <Monitored session={session} />
          </>
        )}
      </p>
      <form className="form-grid" onSubmit={(e) => void submit(e)}>
        <fieldset className="span-2 radio-row">
          <legend>Readiness</legend>
          <label className="check">
            <input type="radio" name={`${id}-ready`} checked={ready} onChange={() => setReady(true)} /> Ready to leave
          </label>
          <label className="check">
            <input type="radio" name={`${id}-ready`} checked={!ready} onChange={() => setReady(false)} /> Not yet ready
          </label>
        </fieldset>
        <label htmlFor={`${id}-time`}>Time</label>
        <input id={`${id}-time`} type="time" value={time} onChange={(e) => setTime(e.target.value)} />
        <label htmlFor={`${id}-with`}>Accompanied by</label>
        <input id={`${id}-with`} type="text" maxLength={120} value={with_} onChange={(e) => setWith(e.target.value)} />
        <label htmlFor={`${id}-note`}>Comment</label>
        <input id={`${id}-note`} type="text" maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="span-2 row-actions">
          <button type="submit">Record discharge</button>
        </div>
        <InlineError text={error} />
      </form>
    </section>
  );
}
