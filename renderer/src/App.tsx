/** Chooses the view from the host's state: start, live panel, or the summary of the session that just ended. */
import { AppHeader } from './components/AppHeader';
import { AudioDriver } from './components/AudioDriver';
import { HostLink } from './components/HostLink';
import { useStore } from './stores';
import { LivePanel } from './views/LivePanel';
import { StartView } from './views/StartView';
import { SummaryView } from './views/SummaryView';

function CurrentView() {
  const snapshot = useStore((s) => s.snapshot);
  const dismissed = useStore((s) => s.dismissedSessionId);
  if (!snapshot) {
    return (
      <div className="view">
        <AppHeader />
      </div>
    );
  }
  const session = snapshot.session;
  if (session?.status === 'running') return <LivePanel snapshot={snapshot} session={session} />;
  if (session?.status === 'ended' && session.plan.sessionId !== dismissed) return <SummaryView session={session} />;
  return <StartView snapshot={snapshot} />;
}

export function App() {
  return (
    <>
      <HostLink />
      <AudioDriver />
      <CurrentView />
    </>
  );
}
