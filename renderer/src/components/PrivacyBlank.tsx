/**
 * The privacy screen: the panel goes black (a slow fade), the session runs on underneath.
 * Any key or click brings the panel back — and that key or click does nothing else (except
 * F2, the panic key, which also turns safe state on): it is
 * caught before any control or shortcut sees it, and so is the matching key release (a
 * focused button acts on Space's release).
 */
import { useEffect } from 'react';
import { PANIC_KEY } from '../panel/keys';
import { useStore } from '../stores';

/** The press that turned the screen on must not also turn it off. */
const SETTLE_MS = 250;

export function PrivacyBlank() {
  const on = useStore((s) => s.privacyOn);

  useEffect(() => {
    if (!on) return;
    const since = performance.now();
    const swallow = (e: Event): void => {
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    let wokenBy: string | null = null;
    const wake = (): void => useStore.getState().setPrivacy(false);
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.key === PANIC_KEY && !e.repeat) {
        // The panic key is never swallowed: it wakes the panel and turns safe state on.
        wake();
        return;
      }
      swallow(e);
      if (e.repeat || performance.now() - since < SETTLE_MS) return;
      wokenBy = e.code || e.key;
      wake();
    };
    window.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('keypress', swallow, true);
    window.addEventListener('keyup', swallow, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('keypress', swallow, true);
      window.removeEventListener('keyup', swallow, true);
      if (wokenBy === null) return;
      // Swallow the waking key's release (and its repeats) once the panel is back.
      const key = wokenBy;
      const late = (e: KeyboardEvent): void => {
        if ((e.code || e.key) !== key) return;
        swallow(e);
        if (e.type === 'keyup') cleanup();
      };
      const cleanup = (): void => {
        window.removeEventListener('keyup', late, true);
        window.removeEventListener('keydown', late, true);
      };
      window.addEventListener('keyup', late, true);
      window.addEventListener('keydown', late, true);
      setTimeout(cleanup, 3000);
    };
  }, [on]);

  if (!on) return null;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: every key is handled on the window while the screen is up
    <div
      className="privacy-blank"
      role="dialog"
      aria-modal="true"
      aria-label="Privacy screen"
      data-testid="privacy-blank"
      onPointerDown={(e) => e.preventDefault()}
      onClick={(e) => {
        e.preventDefault();
        e.stopPropagation();
        useStore.getState().setPrivacy(false);
      }}
    >
      <p className="sr-only">Privacy screen on. The session continues. Press any key or click to bring the panel back.</p>
    </div>
  );
}
