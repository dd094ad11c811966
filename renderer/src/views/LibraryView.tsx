/** The library view (placeholder until filled in). */
import { AppHeader } from '../components/AppHeader';

export function LibraryView() {
  return (
    <div className="view">
      <AppHeader />
      <main className="view-body" aria-label="Library">
        <h1 className="view-title">Library</h1>
      </main>
    </div>
  );
}
