/** A session is running: where we are, what comes next, the timeline, the controls, reminders and notes. */

import { progressLine } from '../../../electron/core/playback';
import type { SessionState } from '../../../electron/core/session';
import type { HostSnapshot } from '../../../electron/host/contract';
import { AppHeader } from '../components/AppHeader';
import { Controls } from '../components/Controls';
import { lightsStatusText } from '../components/lights/status';
import { MusicControls } from '../components/MusicControls';
import { NotesPanel } from '../components/NotesPanel';
import { PhaseStrip } from '../components/PhaseStrip';
import { CurrentTrack, NextChange, PhaseClock, PhaseName, SinceDose } from '../components/Readouts';
import { RemindersPanel } from '../components/RemindersPanel';
import { TimelineChart } from '../components/TimelineChart';

export function headerContext(session: SessionState): string {
  const alias = session.plan.clientAlias.trim();
  return alias ? `${alias} · ${session.plan.preset.name}` : session.plan.preset.name;
}

export function LivePanel({ snapshot, session }: { snapshot: HostSnapshot; session: SessionState }) {
  const timeline = snapshot.timeline;
  const intention = session.plan.intention.trim();
  // Unmeasured tracks already play at the conservative gain; this only says the levelling is still coming.
  const measuring = progressLine(snapshot.audio?.analysis);
  return (
    <div className={`view live-view${session.safe.on ? ' is-safe' : ''}`}>
      <AppHeader context={headerContext(session)} />
      {session.safe.on ? (
        <p className="safe-banner" role="status">
          Safe state is on — music lowered, light up.
        </p>
      ) : null}
      <main className="live-main">
        <div className="live-primary">
          <PhaseStrip session={session} />
          <PhaseName session={session} />
          <PhaseClock session={session} />
          <div className="live-row">
            <SinceDose session={session} />
          </div>
          <NextChange session={session} timeline={timeline} />
          <CurrentTrack session={session} timeline={timeline} />
          {measuring ? (
            <p className="quiet small analysis-progress" data-testid="analysis-progress">
              {measuring}
            </p>
          ) : null}
          {lightsStatusText(snapshot.lights?.summary) ? (
            <p className="quiet small" data-testid="lights-status">
              {lightsStatusText(snapshot.lights?.summary)}
            </p>
          ) : null}
          {intention ? <p className="intention">Intention: {intention}</p> : null}
          {snapshot.notices.length > 0 ? (
            <ul className="notices" aria-label="Notices">
              {snapshot.notices.slice(-3).map((n, i) => (
                // Notices are plain lines without ids; position is their identity.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <li key={i}>{n}</li>
              ))}
            </ul>
          ) : null}
          <TimelineChart session={session} timeline={timeline} ranges={snapshot.prefs.vitalsRanges} />
        </div>
        <aside className="live-side" aria-label="Controls and reminders">
          <Controls session={session} />
          <RemindersPanel session={session} />
          <MusicControls />
        </aside>
        <div className="live-notes">
          <NotesPanel notes={session.notes} doseAt={session.doseAt} />
        </div>
      </main>
    </div>
  );
}
