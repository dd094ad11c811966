/**
 * The panel: the chosen view (Session — start, live or summary by the host's state — Record,
 * Report, Settings), the keyboard, the cheat sheet and the privacy screen. A new view is an
 * entry in lib/views.ts and a case below.
 *
 * Only what the first screen needs (start view, live panel, the audio engine) is in the
 * entry chunk; every other view is its own chunk, loaded when it is first opened (the whole
 * renderer in one chunk made the cold start paint late). A view still loading shows nothing.
 */
import { lazy, Suspense } from 'react';
import { AppHeader } from './components/AppHeader';
import { AudioDriver } from './components/AudioDriver';
import { CheatSheet } from './components/CheatSheet';
import { HostLink } from './components/HostLink';
import { KeysModeBadge } from './components/KeysModeBadge';
import { PrivacyBlank } from './components/PrivacyBlank';
import { ShortcutKeys } from './components/ShortcutKeys';
import { ThemeRoot } from './components/ThemeRoot';
import { VIEWS } from './lib/views';
import { useStore } from './stores';
import { LivePanel } from './views/LivePanel';
import { StartView } from './views/StartView';

const LibraryView = lazy(() => import('./views/LibraryView').then((m) => ({ default: m.LibraryView })));
const LightsView = lazy(() => import('./views/LightsView').then((m) => ({ default: m.LightsView })));
const PresetsView = lazy(() => import('./views/PresetsView').then((m) => ({ default: m.PresetsView })));
const RecordView = lazy(() => import('./views/RecordView').then((m) => ({ default: m.RecordView })));
const ReportView = lazy(() => import('./views/ReportView').then((m) => ({ default: m.ReportView })));
const SettingsView = lazy(() => import('./views/SettingsView').then((m) => ({ default: m.SettingsView })));
const SummaryView = lazy(() => import('./views/SummaryView').then((m) => ({ default: m.SummaryView })));

function SessionView() {
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
  if (session?.status === 'ended' && session.plan.sessionId !== dismissed) return <SummaryView snapshot={snapshot} session={session} />;
  return <StartView snapshot={snapshot} />;
}

function CurrentView() {
  const view = useStore((s) => s.view);
  // A change of the clock setting redraws every time on screen at once.
  const clock = useStore((s) => s.snapshot?.prefs.clockFormat ?? 'auto');
  const snapshot = useStore((s) => s.snapshot);
  // A view with nothing to show (no session yet) falls back to the session view.
  const def = VIEWS.find((v) => v.id === view);
  const shown = snapshot && def?.available(snapshot) ? view : 'session';
  return <ShownView key={clock} shown={shown} />;
}

function ShownView({ shown }: { shown: string }) {
  switch (shown) {
    case 'record':
      return <RecordView />;
    case 'report':
      return <ReportView />;
    case 'presets':
      return <PresetsView />;
    case 'library':
      return <LibraryView />;
    case 'lights':
      return <LightsView />;
    case 'settings':
      return <SettingsView />;
    default:
      return <SessionView />;
  }
}

export function App() {
  return (
    <>
      <HostLink />
      <AudioDriver />
      <ShortcutKeys />
      <ThemeRoot>
        <Suspense fallback={null}>
          <CurrentView />
        </Suspense>
      </ThemeRoot>
      <KeysModeBadge />
      <CheatSheet />
      <PrivacyBlank />
    </>
  );
}
