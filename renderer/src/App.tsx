/**
 * The panel: the chosen view (Session — start, live or summary by the host's state — Record,
 * Report, Settings), the keyboard, the cheat sheet and the privacy screen. A new view is an
 * entry in lib/views.ts and a case below.
 *
 * Only what the first screen needs (start view, live panel, the audio engine) is in the
 * entry chunk; every other view is its own chunk, fetched once the first screen has painted
 * (the whole renderer in one chunk made the cold start paint late). A view still loading
 * shows nothing; one whose code could not be fetched says so (`ViewBoundary`).
 */
import { lazy, Suspense, useEffect } from 'react';
import { AppHeader } from './components/AppHeader';
import { AudioDriver } from './components/AudioDriver';
import { CheatSheet } from './components/CheatSheet';
import { HostLink } from './components/HostLink';
import { KeysModeBadge } from './components/KeysModeBadge';
import { PrivacyBlank } from './components/PrivacyBlank';
import { ShortcutKeys } from './components/ShortcutKeys';
import { ThemeRoot } from './components/ThemeRoot';
import { ViewBoundary } from './components/ViewBoundary';
import { VIEWS } from './lib/views';
import { useStore } from './stores';
import { LivePanel } from './views/LivePanel';
import { StartView } from './views/StartView';

// Each view's code, fetched once: when first opened, or after the first paint (`prefetchViews`).
const load = {
  library: () => import('./views/LibraryView').then((m) => ({ default: m.LibraryView })),
  lights: () => import('./views/LightsView').then((m) => ({ default: m.LightsView })),
  presets: () => import('./views/PresetsView').then((m) => ({ default: m.PresetsView })),
  record: () => import('./views/RecordView').then((m) => ({ default: m.RecordView })),
  report: () => import('./views/ReportView').then((m) => ({ default: m.ReportView })),
  settings: () => import('./views/SettingsView').then((m) => ({ default: m.SettingsView })),
  summary: () => import('./views/SummaryView').then((m) => ({ default: m.SummaryView })),
};
const LibraryView = lazy(load.library);
const LightsView = lazy(load.lights);
const PresetsView = lazy(load.presets);
const RecordView = lazy(load.record);
const ReportView = lazy(load.report);
const SettingsView = lazy(load.settings);
const SummaryView = lazy(load.summary);

/**
 * Fetches every view's code once the first screen is up and the page is idle, so that opening
 * a view later — the summary at the end of a session above all — shows at once and needs
 * nothing from the host. A fetch that fails here is left to `ViewBoundary` when the view opens.
 */
function prefetchViews(): () => void {
  const id = requestIdleCallback(
    () => {
      for (const f of Object.values(load)) f().catch(() => undefined);
    },
    { timeout: 5000 },
  );
  return () => cancelIdleCallback(id);
}

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
  const view = useStore((s) => s.view);
  useEffect(() => {
    let cancel: (() => void) | null = null;
    const frame = requestAnimationFrame(() => {
      cancel = prefetchViews();
    });
    return () => {
      cancelAnimationFrame(frame);
      cancel?.();
    };
  }, []);
  return (
    <>
      <HostLink />
      <AudioDriver />
      <ShortcutKeys />
      <ThemeRoot>
        <ViewBoundary view={view}>
          <Suspense fallback={null}>
            <CurrentView />
          </Suspense>
        </ViewBoundary>
      </ThemeRoot>
      <KeysModeBadge />
      <CheatSheet />
      <PrivacyBlank />
    </>
  );
}
