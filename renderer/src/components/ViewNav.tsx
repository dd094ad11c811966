/** The row of views under the header. F4 then Shift+1… switch views from the keyboard. */
import { VIEWS } from '../lib/views';
import { useStore } from '../stores';

export function ViewNav() {
  const view = useStore((s) => s.view);
  const snapshot = useStore((s) => s.snapshot);
  const setView = useStore((s) => s.setView);
  const cheat = useStore((s) => s.setCheatSheet);
  return (
    <nav className="view-nav" aria-label="Views">
      <ul>
        {VIEWS.map((v) => {
          const available = v.available(snapshot);
          return (
            <li key={v.id}>
              <button
                type="button"
                className="nav-button"
                aria-current={view === v.id ? 'page' : undefined}
                disabled={!available}
                onClick={() => setView(v.id)}
              >
                {v.label}
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="nav-button help-button" aria-keyshortcuts="?" onClick={() => cheat(true)}>
        Keyboard shortcuts{' '}
        <span className="kbd" aria-hidden="true">
          ?
        </span>
      </button>
    </nav>
  );
}
