/**
 * What the panel shows when a view cannot open — in practice, a view's code that could not be
 * fetched from the host (see App.tsx: views load after the first paint). Without it React
 * would take the whole panel down and leave a blank screen; here the header stays, the
 * therapist reads what happened in plain words, and a reload (or another view from the
 * header) brings it back. The session, music and lights run in the host and carry on.
 */
import { Component, type ReactNode } from 'react';
import { AppHeader } from './AppHeader';

interface Props {
  /** The view asked for: choosing another one tries again. */
  view: string;
  children: ReactNode;
}

export class ViewBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidUpdate(prev: Props): void {
    if (this.state.failed && prev.view !== this.props.view) this.setState({ failed: false });
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="view">
        <AppHeader />
        <main className="summary-main" data-testid="view-failed">
          <h1 className="view-title">This view could not open</h1>
          <p>Nothing is lost: the music, the lights, the notes and the timings are kept by Stillroom’s host, which carries on.</p>
          <p>Reloading the panel opens the view again.</p>
          <div className="start-actions">
            <button type="button" onClick={() => window.location.reload()}>
              Reload the panel
            </button>
          </div>
        </main>
      </div>
    );
  }
}
