/**
 * Closing and quitting while a session runs. The music plays only in the main window's page,
 * so closing it or quitting silently stops the music in a room where a client lies with an eye
 * mask. The guard:
 * - macOS, main window closed (Cmd+W, the red button) during a session: the window hides and
 *   the music goes on; the Dock icon brings it back.
 * - Windows and Linux, main window closed during a session; and every system, quitting
 *   (Cmd+Q, the menu) during a session: Stillroom asks first, "Keep Stillroom open" being the
 *   default. Quitting keeps the session: it continues when Stillroom opens again.
 * - The system shutting down or logging out never asks (it would block the shutdown): the host
 *   is closed cleanly, which also releases the data-folder lock that `before-quit` would have
 *   released (Windows sends no `before-quit` then).
 * The dialog has no icon type, so Windows plays no sound with it.
 */
import type { MessageBoxSyncOptions } from 'electron';

export type CloseAction = 'close' | 'hide' | 'ask';

/** What closing the main window does. */
export function mainCloseAction(platform: NodeJS.Platform, sessionRunning: boolean, quitConfirmed: boolean): CloseAction {
  if (!sessionRunning || quitConfirmed) return 'close';
  return platform === 'darwin' ? 'hide' : 'ask';
}

/** What quitting does: ask while a session runs, unless already confirmed (or the system is ending). */
export function quitAction(sessionRunning: boolean, quitConfirmed: boolean): 'quit' | 'ask' {
  return sessionRunning && !quitConfirmed ? 'ask' : 'quit';
}

export const KEEP_OPEN = 0;
export const QUIT_ANYWAY = 1;

export function confirmQuitDialog(closing: 'window' | 'app'): MessageBoxSyncOptions {
  return {
    type: 'none',
    title: 'A session is running',
    message: closing === 'window' ? 'Close Stillroom while the session runs?' : 'Quit Stillroom while the session runs?',
    detail:
      'The music and the lights stop until Stillroom is opened again. The session itself is kept: ' +
      'it continues where the clock says when you reopen Stillroom.',
    buttons: ['Keep Stillroom open', 'Quit'],
    defaultId: KEEP_OPEN,
    cancelId: KEEP_OPEN,
    noLink: true,
  };
}

interface Preventable {
  preventDefault(): void;
}

export interface LifecycleDeps {
  platform: NodeJS.Platform;
  sessionRunning(): boolean;
  /** Shows the confirmation (modal on `win` when given); answers the button index. */
  ask(options: MessageBoxSyncOptions, win: unknown): number;
  /** Closes the host (journal, lights, lock). */
  closeHost(): void;
  quit(): void;
}

/** The close/quit guard's state: whether quitting was confirmed (or the system is ending). */
export class QuitGuard {
  private confirmed = false;

  constructor(private readonly deps: LifecycleDeps) {}

  /** The main window's `close` event. */
  onMainClose(event: Preventable, win: { hide(): void }): void {
    const action = mainCloseAction(this.deps.platform, this.deps.sessionRunning(), this.confirmed);
    if (action === 'close') return;
    event.preventDefault();
    if (action === 'hide') {
      win.hide();
      return;
    }
    if (this.deps.ask(confirmQuitDialog('window'), win) !== QUIT_ANYWAY) return;
    this.confirmed = true;
    this.deps.quit();
  }

  /** `app`'s `before-quit`. */
  onBeforeQuit(event: Preventable): void {
    if (quitAction(this.deps.sessionRunning(), this.confirmed) === 'ask') {
      event.preventDefault();
      if (this.deps.ask(confirmQuitDialog('app'), null) !== QUIT_ANYWAY) return;
      this.confirmed = true;
      this.deps.quit();
      return;
    }
    this.confirmed = true;
    this.deps.closeHost();
  }

  /** The system is shutting down or the user logs out (Windows `session-end`, `powerMonitor` `shutdown`). */
  onSystemEnding(): void {
    this.confirmed = true;
    this.deps.closeHost();
  }
}

/** Electron's `app` and `powerMonitor`, the parts used here. */
export interface LifecycleEvents {
  onBeforeQuit(listener: (event: Preventable) => void): void;
  onWindowAllClosed(listener: () => void): void;
  onSystemShutdown(listener: () => void): void;
}

export function setupLifecycle(events: LifecycleEvents, guard: QuitGuard, platform: NodeJS.Platform, quit: () => void): void {
  events.onBeforeQuit((e) => guard.onBeforeQuit(e));
  events.onWindowAllClosed(() => {
    if (platform !== 'darwin') quit();
  });
  events.onSystemShutdown(() => guard.onSystemEnding());
}
