/**
 * The mini panel: in the desktop app a small always-on-top second window (electron/main) that
 * loads this page with `?mini=1`; it always shows the compact layout and plays no music (the
 * main window does). In the browser host there is no second window: the same shortcut toggles
 * the compact layout instead.
 */
import type { StillroomWindowApi } from '@preload/window-api';

declare global {
  interface Window {
    /** Exposed by the Electron preload only. */
    stillroomWindow?: StillroomWindowApi;
  }
}

/** This page is the Electron mini panel window (or was opened as one with `?mini=1`). */
export function isMiniWindow(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).get('mini') === '1';
}

// Marks the page so the stylesheet can leave out what only the main window can say (panel.css).
if (typeof document !== 'undefined' && isMiniWindow()) document.documentElement.dataset.mini = 'true';

/** Opens or closes the mini panel window; false when this shell has none (the browser host). */
export function toggleMiniWindow(): boolean {
  const w = typeof window !== 'undefined' ? window.stillroomWindow : undefined;
  if (!w) return false;
  w.toggleMiniPanel();
  return true;
}
