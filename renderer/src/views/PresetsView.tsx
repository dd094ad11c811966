/** The presets view (placeholder until filled in). */
import { AppHeader } from '../components/AppHeader';

export function PresetsView() {
  return (
    <div className="view">
      <AppHeader />
      <main className="view-body" aria-label="Presets">
        <h1 className="view-title">Presets</h1>
      </main>
    </div>
  );
}
