/**
 * The window glue between the Electron main process and the page, besides the host commands:
 * only the mini panel (a small always-on-top second window). Dependency-free: the sandboxed
 * preload imports it.
 */
export const WINDOW_IPC = {
  /** renderer → main: open the mini panel, or close it when it is open. */
  toggleMini: 'stillroom:window:toggle-mini',
} as const;

/** What the preload exposes as `window.stillroomWindow`. */
export interface StillroomWindowApi {
  /** Opens or closes the always-on-top mini panel. */
  toggleMiniPanel(): void;
}
