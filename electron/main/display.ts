/**
 * Linux window systems. Under Wayland (Ubuntu's default session) a window cannot keep itself on
 * top: `alwaysOnTop` does nothing while `isAlwaysOnTop()` still answers true (electron#50403),
 * so the mini panel would silently sink behind other windows. Where XWayland is there (a
 * `DISPLAY` beside the Wayland one), Stillroom runs on X11 through it (Chromium's
 * `--ozone-platform=x11`, set before the app is ready), where always-on-top works. Where it is
 * not, the mini panel's title says it cannot stay on top. A platform the user chose on the
 * command line is left alone.
 */

export interface DisplayChoice {
  /** A Chromium switch to set before ready, e.g. ['ozone-platform', 'x11']. */
  switch: [string, string] | null;
  /** Set when the mini panel cannot stay on top here; shown in its title. */
  onTopLimit: string | null;
}

/** Decides from the environment and the command line (`process.env`, `process.argv`). */
export function chooseDisplay(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, argv: readonly string[]): DisplayChoice {
  const none: DisplayChoice = { switch: null, onTopLimit: null };
  if (platform !== 'linux') return none;
  const wayland = env.XDG_SESSION_TYPE === 'wayland' || !!env.WAYLAND_DISPLAY;
  if (!wayland) return none;
  const chosen = argv.find((a) => a.startsWith('--ozone-platform='));
  if (chosen) return chosen === '--ozone-platform=x11' ? none : { switch: null, onTopLimit: 'cannot stay on top under Wayland' };
  if (env.DISPLAY) return { switch: ['ozone-platform', 'x11'], onTopLimit: null };
  return { switch: null, onTopLimit: 'cannot stay on top under Wayland' };
}
