/**
 * One desktop Stillroom per user: a second launch hands over to the first (its main window
 * comes forward, and is created when none is open — e.g. on macOS after it was closed), and
 * quits. Holding this lock also tells the data-folder lock (services/lock.ts) that a lock left
 * by an earlier desktop run is stale (a crash, a Windows shutdown) and may be taken over.
 */

/** Electron's `app`, the part used here. */
export interface InstanceApi {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  quit(): void;
}

/** Takes the single-instance lock; false (and the app quits) when another instance holds it. */
export function setupSingleInstance(app: InstanceApi, showMain: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => showMain());
  return true;
}
