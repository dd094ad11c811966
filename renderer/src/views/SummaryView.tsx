/** After the session: a quiet summary (phases, duration, notes), the way to the record and the report, and back to the start view. */

import { formatDurationMs } from '@core/format';
import { currentDischarge } from '@core/record';
import { phaseSpans, type SessionState } from '@core/session';
import type { HostSnapshot } from '@host/contract';
import { AppHeader } from '../components/AppHeader';
import { NotesList } from '../components/NotesPanel';
import { TimelineChart } from '../components/TimelineChart';
import { clockTime } from '../lib/time';
import { useStore } from '../stores';

export function SummaryView({ snapshot, session }: { snapshot: HostSnapshot; session: SessionState }) {
  const setView = useStore((s) => s.setView);
  const discharge = currentDischarge(session.record);
  const end = session.endedAt ?? session.startedAt;
  const spans = phaseSpans(session, end).filter((s) => !s.expected && (s.end ?? end) > s.start);
  const alias = session.plan.clientAlias.trim();
  return (
    <div className="view summary-view">
      <AppHeader />
      <main className="summary-main">
        <h1 className="summary-title">Session ended</h1>
        <p className="summary-preset">
          {session.plan.preset.name}
          {alias ? ` · ${alias}` : ''}
        </p>
        {session.plan.intention.trim() ? <p className="intention">Intention: {session.plan.intention.trim()}</p> : null}
        <dl className="summary-facts">
          <div>
            <dt>Started</dt>
            <dd>{clockTime(session.startedAt)}</dd>
          </div>
          <div>
            <dt>Dose</dt>
            <dd>{session.doseAt === null ? 'not recorded' : clockTime(session.doseAt)}</dd>
          </div>
          <div>
            <dt>Ended</dt>
            <dd>{clockTime(end)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd className="tabular">{formatDurationMs(end - session.startedAt)}</dd>
          </div>
          <div>
            <dt>Discharge</dt>
            <dd>{discharge ? `${discharge.ready ? 'ready' : 'not yet ready'} · ${clockTime(discharge.dischargedAt)}` : 'not recorded'}</dd>
          </div>
        </dl>

        <TimelineChart session={session} timeline={snapshot.timeline} ranges={snapshot.prefs.vitalsRanges} />

        <div className="row-actions">
          <button type="button" onClick={() => setView('record')}>
            Open the record (discharge, vitals)
          </button>
          <button type="button" onClick={() => setView('report')}>
            Session report
          </button>
        </div>

        <h2 className="section-title">Phases</h2>
        <ol className="summary-phases">
          {spans.map((s) => (
            <li key={s.index}>
              <span>{s.name}</span>
              <span className="tabular quiet">
                {clockTime(s.start)} · {formatDurationMs((s.end ?? end) - s.start)}
              </span>
            </li>
          ))}
        </ol>

        <h2 className="section-title">Notes</h2>
        <NotesList notes={session.notes} doseAt={session.doseAt} editable />

        <button type="button" className="primary-button" onClick={() => useStore.getState().dismissSummary(session.plan.sessionId)}>
          New session
        </button>
      </main>
    </div>
  );
}
