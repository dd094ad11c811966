/**
 * Where Stillroom keeps its data when no folder is given: the same per-user folder Electron
 * uses as `userData` for an app named "Stillroom", so the desktop app and the browser host
 * share sessions, settings and presets.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Stillroom');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Stillroom');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Stillroom');
}
