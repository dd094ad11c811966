/**
 * A session is running. Laid out so that what matters is on screen at 1280×800 and 1366×768
 * without scrolling (issue 12): on the left the phase, its clocks, the time since the dose, what
 * changes next, then the Note box; on the right Safe state, Dose given, Record vitals and every
 * due reminder. Below the fold: the phase controls, the music's own controls, the notes so far,
 * the timeline. The compact layout stacks the same parts in the same order of importance.
 */

import { progressLine } from '@core/playback';
import type { SessionState } from '@core/session';
import type { HostSnapshot } from '@host/contract';
import { useLayoutEffect } from 'react';
import { AppHeader } from '../components/AppHeader';
import { PhaseControls, UrgentControls } from '../components/Controls';
import { lightsStatusText } from '../components/lights/status';
import { MusicControls } from '../components/MusicControls';
import { NotesPanel } from '../components/NotesPanel';
import { PhaseStrip } from '../components/PhaseStrip';
import { CurrentTrack, NextChange, PhaseClock, PhaseName, SinceDose } from '../components/Readouts';
import { RemindersPanel } from '../components/RemindersPanel';
import { TimelineChart } from '../components/TimelineChart';
import { safeShownOn } from '../panel/safeState';
import { useStore } from '../stores';

export function headerContext(session: SessionState): string {
  const alias = session.plan.clientAlias.trim();
  return alias ? `${alias} · ${session.plan.preset.name}` : session.plan.preset.name;
}

export function LivePanel({ snapshot, session }: { snapshot: HostSnapshot; session: SessionState }) {
  const sessionId = session.plan.sessionId;
  const safeOn = useStore((s) => safeShownOn(s));
  // A session always opens at the top of the panel, never where the Start view was scrolled to.
  useLayoutEffect(() => {
    if (sessionId) window.scrollTo(0, 0);
  }, [sessionId]);
  const timeline = snapshot.timeline;
  const intention = session.plan.intention.trim();
  // Unmeasured tracks already play at the conservative gain; this only says the levelling is still coming.
  const measuring = progressLine(snapshot.audio?.analysis);
  return (
    <div className={`view live-view${safeOn ? ' is-safe' : ''}`}>
      <AppHeader context={headerContext(session)} />
      {safeOn ? (
        <p className="safe-banner" role="status">
          {session.safe.on
            ? 'Safe state is on — music lowered, light up.'
            : 'Safe state is on here — music lowered; the light follows when Stillroom answers.'}
        </p>
      ) : null}
      <main className="live-main">
        <div className="live-primary">
          <PhaseStrip session={session} />
          <PhaseName session={session} />
          <PhaseClock session={session} />
          <div className="live-row">
            <SinceDose session={session} />
            <NextChange session={session} timeline={timeline} />
          </div>
          <CurrentTrack session={session} timeline={timeline} />
        </div>
        <aside className="live-side" aria-label="Controls and reminders">
          <div className="live-urgent">
            <UrgentControls session={session} />
            <RemindersPanel session={session} />
          </div>
          <div className="live-secondary">
            <PhaseControls session={session} />
            <MusicControls />
          </div>
        </aside>
        <div className="live-notes">
          <NotesPanel notes={session.notes} doseAt={session.doseAt} />
        </div>
        <div className="live-more">
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
      </main>
    </div>
  );
}
