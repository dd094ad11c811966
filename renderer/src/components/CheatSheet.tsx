/**
 * The keyboard cheat sheet, drawn from the one shortcut table. A quiet panel at the side (not
 * modal: the session stays in view and every key still works); `?` or Escape closes it and
 * focus goes back where it was.
 */
import { useEffect, useRef } from 'react';
import { keysText, MODE_KEY, PANIC_KEY, SHORTCUTS, type Shortcut } from '../panel/keys';
import { useStore } from '../stores';
import { useDimStyle } from './ThemeRoot';

const GROUPS: Shortcut['group'][] = ['Session', 'Music', 'Notes and record', 'Screen'];

export function CheatSheet() {
  const open = useStore((s) => s.cheatSheetOpen);
  const close = useStore((s) => s.setCheatSheet);
  const dim = useDimStyle();
  const closeRef = useRef<HTMLButtonElement>(null);
  const returnTo = useRef<Element | null>(null);

  useEffect(() => {
    if (open) {
      returnTo.current = document.activeElement;
      closeRef.current?.focus();
    } else if (returnTo.current instanceof HTMLElement) {
      returnTo.current.focus();
      returnTo.current = null;
    }
  }, [open]);

  if (!open) return null;
  return (
    <aside className="cheat-sheet" role="dialog" aria-modal="false" aria-labelledby="cheat-title" style={dim} data-testid="cheat-sheet">
      <div className="cheat-head">
        <h2 id="cheat-title" className="cheat-title">
          Keyboard shortcuts
        </h2>
        <button type="button" ref={closeRef} className="quiet-button" onClick={() => close(false)}>
          Close
        </button>
      </div>
      <p className="quiet small">
        Typing never acts: letters, digits and spaces go into the Note box (or the field you are in). {PANIC_KEY} turns safe state on from
        anywhere. {MODE_KEY} opens the Keys mode, shown on screen: the next key acts once. Enter presses the focused button. A second press
        of the same control within 1.5 s is ignored.
      </p>
      {GROUPS.map((g) => (
        <section key={g} className="cheat-group">
          <h3 className="section-title">{g}</h3>
          <dl>
            {SHORTCUTS.filter((s) => s.group === g).map((s) => (
              <div key={s.action} className="cheat-row">
                <dt>
                  <kbd>{keysText(s.action)}</kbd>
                </dt>
                <dd>{s.label}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </aside>
  );
}
