/**
 * The two windows: the main window (it plays the music) and the mini panel (small, always on
 * top, compact, silent; the same page with `?mini=1`). Both are sandboxed, isolated, never
 * throttled in the background (timers drive the fades), spellcheck off, painted dark before
 * the page loads so neither ever flashes white.
 *
 * - A renderer that dies (crash, out of memory, killed) is reloaded at once: the page asks the
 *   host for the snapshot and the audio engine joins the session where the wall clock says it
 *   is (a late join), so a crash costs seconds of sound, not the session. A window that keeps
 *   dying (3 times within a minute) is left alone and the therapist is told.
 * - macOS: the mini panel is a `panel` window, which floats over other apps' full-screen spaces
 *   without `setVisibleOnAllWorkspaces(…, {visibleOnFullScreen})` — that call turns the app into
 *   a UI-element process for a moment, so the windows and the Dock icon blink (electron#26350).
 * - Where the window system cannot keep a window on top (Wayland without XWayland, see
 *   display.ts), the mini panel says so in its title instead of pretending.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** Painted before the page loads. */
export const BACKGROUND = '#0d0f12';

export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    spellcheck: false,
    // A middle click on a link would ask for a new window (refused anyway, navigation.ts); don't even ask.
    disableBlinkFeatures: 'Auxclick',
    // Timers drive the music's fades: never throttle them when the window is hidden.
    backgroundThrottling: false,
    autoplayPolicy: 'no-user-gesture-required',
  };
}

export function mainWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 520,
    show: false,
    backgroundColor: BACKGROUND,
    title: 'Stillroom',
    autoHideMenuBar: true,
    webPreferences: webPreferences(preload),
  };
}

export const MINI_TITLE = 'Stillroom — mini panel';

/** The mini panel; `onTopLimit` is a short reason when this system cannot keep it on top. */
export function miniWindowOptions(preload: string, platform: NodeJS.Platform, onTopLimit: string | null): BrowserWindowConstructorOptions {
  return {
    width: 380,
    height: 500,
    minWidth: 300,
    minHeight: 320,
    show: false,
    backgroundColor: BACKGROUND,
    title: onTopLimit ? `${MINI_TITLE} (${onTopLimit})` : MINI_TITLE,
    alwaysOnTop: true,
    fullscreenable: false,
    autoHideMenuBar: true,
    ...(platform === 'darwin' ? { type: 'panel' } : {}),
    webPreferences: webPreferences(preload),
  };
}

/** Why a renderer went away (Electron's RenderProcessGoneDetails, the part used). */
export interface GoneDetails {
  reason: string;
  exitCode?: number;
}

export const CRASH_WINDOW_MS = 60_000;
export const CRASHES_BEFORE_GIVING_UP = 3;

/**
 * What to do when a window's renderer is gone: reload it, unless it exited cleanly (the window
 * is closing) or it has died `CRASHES_BEFORE_GIVING_UP` times within `CRASH_WINDOW_MS`.
 * `history` holds the times of earlier crashes of this window (kept by the caller).
 */
export function afterRendererGone(reason: string, history: readonly number[], now: number): 'reload' | 'give-up' | 'ignore' {
  if (reason === 'clean-exit') return 'ignore';
  const recent = history.filter((t) => now - t < CRASH_WINDOW_MS).length;
  return recent + 1 >= CRASHES_BEFORE_GIVING_UP ? 'give-up' : 'reload';
}

/** A browser window, the part used here (Electron's BrowserWindow satisfies it). */
export interface WindowLike {
  readonly webContents: {
    send(channel: string, ...args: unknown[]): void;
    reload(): void;
    on(event: 'render-process-gone', listener: (event: unknown, details: GoneDetails) => void): unknown;
  };
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  close(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  setAlwaysOnTop(flag: boolean, level?: 'floating'): void;
}

export interface WindowsDeps {
  create(options: BrowserWindowConstructorOptions): WindowLike;
  /** The page's address; `query` is '' or '?mini=1'. */
  pageUrl(query: string): string;
  preload: string;
  platform: NodeJS.Platform;
  /** Set when this system cannot keep the mini panel on top (see display.ts). */
  onTopLimit: string | null;
  /** The main window is about to close (the close/quit guard may prevent it, see lifecycle.ts). */
  onMainClose(event: { preventDefault(): void }, win: WindowLike): void;
  /** The mini panel opened or closed (the menu's check mark follows). */
  onMiniChange(open: boolean): void;
  /** A window kept crashing and was not reloaded again. */
  onGiveUp(win: WindowLike): void;
  log(line: string): void;
  now(): number;
}

/** Owns the main window and the mini panel. */
export class AppWindows {
  main: WindowLike | null = null;
  mini: WindowLike | null = null;

  constructor(private readonly deps: WindowsDeps) {}

  /** Both windows, for state messages. */
  all(): WindowLike[] {
    return [this.main, this.mini].filter((w): w is WindowLike => w !== null && !w.isDestroyed());
  }

  send(channel: string, message: unknown): void {
    for (const w of this.all()) w.webContents.send(channel, message);
  }

  /** Creates the main window (the music plays there). */
  openMain(): WindowLike {
    const win = this.deps.create(mainWindowOptions(this.deps.preload));
    this.main = win;
    win.once('ready-to-show', () => win.show());
    this.watchRenderer(win);
    win.on('close', (event) => this.deps.onMainClose(event, win));
    win.on('closed', () => {
      if (this.main === win) this.main = null;
      // The music plays in the main window: the mini panel does not outlive it.
      this.mini?.close();
    });
    void win.loadURL(this.deps.pageUrl(''));
    return win;
  }

  /** Brings the main window forward (a second launch, the Dock icon); creates it when there is none. */
  showMain(): void {
    const win = this.main;
    if (!win || win.isDestroyed()) {
      this.openMain();
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  /** Opens the mini panel, or closes it when it is open. */
  toggleMini(): void {
    if (this.mini) {
      this.mini.close();
      return;
    }
    const { preload, platform, onTopLimit } = this.deps;
    const mini = this.deps.create(miniWindowOptions(preload, platform, onTopLimit));
    this.mini = mini;
    // Above ordinary windows without stealing focus later. (No setVisibleOnAllWorkspaces: see the top.)
    mini.setAlwaysOnTop(true, 'floating');
    mini.once('ready-to-show', () => mini.show());
    this.watchRenderer(mini);
    mini.on('closed', () => {
      if (this.mini === mini) this.mini = null;
      this.deps.onMiniChange(false);
    });
    void mini.loadURL(this.deps.pageUrl('?mini=1'));
    this.deps.onMiniChange(true);
  }

  private watchRenderer(win: WindowLike): void {
    const crashes: number[] = [];
    win.webContents.on('render-process-gone', (_event, details) => {
      const now = this.deps.now();
      const action = afterRendererGone(details.reason, crashes, now);
      crashes.push(now);
      if (action === 'ignore' || win.isDestroyed()) return;
      this.deps.log(`a window's page stopped (${details.reason}, exit code ${details.exitCode ?? '?'})`);
      if (action === 'reload') win.webContents.reload();
      else this.deps.onGiveUp(win);
    });
  }
}
