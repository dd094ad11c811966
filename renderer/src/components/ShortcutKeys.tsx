/**
 * The panel's keyboard: one listener that turns key presses into actions (see panel/keys.ts).
 * It never acts while the therapist types in a text field, never on Enter or Space (those
 * belong to the focused control), never on auto-repeat, and never while the privacy screen
 * is up (that screen takes the key that wakes it). Escape closes what is open, or leaves the
 * text field being typed in. Renders nothing.
 */
import { useEffect } from 'react';
import { matchShortcut } from '../panel/keys';
import { perform } from '../panel/perform';
import { useStore } from '../stores';

const TEXT_INPUTS = new Set(['text', 'search', 'number', 'time', 'date', 'email', 'tel', 'url', 'password', 'datetime-local']);

/** Typing in a field must never trigger a shortcut. */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target instanceof HTMLInputElement && TEXT_INPUTS.has(target.type);
}

export function ShortcutKeys(): null {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.isComposing) return;
      const st = useStore.getState();
      if (st.privacyOn) return;
      if (e.key === 'Escape') {
        if (st.cheatSheetOpen) {
          e.preventDefault();
          st.setCheatSheet(false);
        } else if (st.endArmed) {
          e.preventDefault();
          st.setEndArmed(false);
        } else if (typingIn(e.target) && e.target instanceof HTMLElement) {
          // Escape leaves a text field, so the keys act as shortcuts again.
          e.target.blur();
        }
        return;
      }
      if (typingIn(e.target)) return;
      const action = matchShortcut(e);
      if (!action) return;
      e.preventDefault();
      if (e.repeat) return;
      void perform(action);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return null;
}
