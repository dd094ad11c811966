/**
 * The Keys mode, shown while it is open (F4): the next key acts once, then the mode closes.
 * A deliberate, visible step, so a sentence typed at the panel can never act.
 */
import { MODE_KEY } from '../panel/keys';
import { useStore } from '../stores';
import { useDimStyle } from './ThemeRoot';

export function KeysModeBadge() {
  const on = useStore((s) => s.keysMode);
  const dim = useDimStyle();
  if (!on) return null;
  return (
    <p className="keys-mode" role="status" aria-live="assertive" data-testid="keys-mode" style={dim}>
      <kbd>{MODE_KEY}</kbd> Keys: the next key acts once — <kbd>S</kbd> safe state, <kbd>D</kbd> dose, <kbd>N</kbd> note, <kbd>?</kbd> all
      keys. Escape cancels.
    </p>
  );
}
