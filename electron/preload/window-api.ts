/**
 * The window glue between the Electron main process and the page, besides the host commands:
 * the mini panel (a small always-on-top second window), the system's file and folder picker,
 * and the on-disk path of a dropped file. Dependency-free: the sandboxed preload imports it.
 */
export const WINDOW_IPC = {
  /** renderer → main: open the mini panel, or close it when it is open. */
  toggleMini: 'stillroom:window:toggle-mini',
  /** renderer → main (invoke): show the system picker; answers the chosen absolute paths ([] when cancelled). */
  choosePaths: 'stillroom:window:choose-paths',
} as const;

/** What the picker is for: music folders, music files, or one playlist file. */
export type PickKind = 'music-folders' | 'music-files' | 'playlist';

export const PICK_KINDS: readonly PickKind[] = ['music-folders', 'music-files', 'playlist'];

/** What the preload exposes as `window.stillroomWindow`. */
export interface StillroomWindowApi {
  /** Opens or closes the always-on-top mini panel. */
  toggleMiniPanel(): void;
  /** The system's open dialog; resolves to the chosen absolute paths, [] when cancelled. */
  choosePaths(kind: PickKind): Promise<string[]>;
  /** Where a dropped file or folder lives on disk ('' when it has no path, e.g. text dragged from a page). */
  pathForFile(file: File): string;
}
