/** The lights view (placeholder until filled in). */
import { AppHeader } from '../components/AppHeader';

export function LightsView() {
  return (
    <div className="view">
      <AppHeader />
      <main className="view-body" aria-label="Lights">
        <h1 className="view-title">Lights</h1>
      </main>
    </div>
  );
}
