/**
 * Per-machine settings behind a small interface: electron-store in the desktop shell, `conf`
 * (the library electron-store is built on, same API) in the browser host and in tests,
 * because electron-store imports Electron when loaded.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';

export interface SettingsShape {
  /** Where the room goes in safe state and after a session: a calm working light. */
  safeScene: { level: number; kelvin: number };
  /** Where music plays on this machine: a renderer audio-output device id ('' = system default) and its name. */
  outputDevice: { deviceId: string; label: string };
  /**
   * The room's light connections (Hue bridges, bulbs, brokers, Home Assistant) and their lights.
   * Entries are validated one by one by electron/services/lighting/room.ts (a damaged one is
   * dropped with a log line); secrets in them are sealed with the vault, never in clear.
   */
  lightDevices: unknown[];
  /**
   * Desktop app: what stays awake while a session runs. `prevent-app-suspension` (default)
   * keeps the machine and its timers awake and lets the screen go dark in a dim room;
   * `prevent-display-sleep` keeps the screen lit too. Read by electron/main/power.ts.
   */
  powerSaveBlocker: PowerSaveChoice;
}

/** What the desktop app keeps awake during a session (see `SettingsShape.powerSaveBlocker`). */
export type PowerSaveChoice = 'prevent-app-suspension' | 'prevent-display-sleep';

export const DEFAULT_SETTINGS: SettingsShape = {
  safeScene: { level: 60, kelvin: 2700 },
  outputDevice: { deviceId: '', label: '' },
  lightDevices: [],
  powerSaveBlocker: 'prevent-app-suspension',
};

export interface Settings {
  get<K extends keyof SettingsShape>(key: K): SettingsShape[K];
  set<K extends keyof SettingsShape>(key: K, value: SettingsShape[K]): void;
}

/** The minimal surface of conf / electron-store that Stillroom uses. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /** The file behind the store (both libraries have it), to set a damaged one aside. */
  readonly path?: string;
}

/**
 * Runs a store operation; a settings file that is not JSON (a power cut mid-write, a bad hand
 * edit) is renamed aside once — `settings.damaged-<time>.json`, kept for whoever wants to look
 * — and the operation runs again on a fresh file. Never silently emptied, never a crash.
 */
function withIntactFile<T>(file: string | undefined, op: () => T, log: (line: string) => void): T {
  try {
    return op();
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'SyntaxError' || !file || !existsSync(file)) throw err;
    const aside = `${file.replace(/\.json$/, '')}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    renameSync(file, aside);
    log(`settings: ${file} was not readable (${err.message}); set aside as ${aside}, starting from the defaults`);
    return op();
  }
}

/**
 * Opens a store whose file may be damaged: both libraries read the file as they open, so a file
 * that is not JSON is set aside there too. `file` is where the store keeps its data.
 */
export function openSettings(file: string, open: () => KeyValueStore, log: (line: string) => void = stderrLog): Settings {
  return settingsOver(withIntactFile(file, open, log), log);
}

const stderrLog = (line: string): void => void process.stderr.write(`${line}\n`);

/** Validates what comes back from disk: a hand-edited or damaged file falls back to defaults. */
export function settingsOver(store: KeyValueStore, log: (line: string) => void = stderrLog): Settings {
  return {
    get(key) {
      const v = withIntactFile(store.path, () => store.get(key), log);
      if (key === 'safeScene') {
        const s = v as { level?: unknown; kelvin?: unknown } | undefined;
        if (
          s &&
          typeof s.level === 'number' &&
          typeof s.kelvin === 'number' &&
          s.level >= 0 &&
          s.level <= 100 &&
          s.kelvin >= 1500 &&
          s.kelvin <= 9000
        ) {
          return { level: s.level, kelvin: s.kelvin } as SettingsShape[typeof key];
        }
      }
      if (key === 'outputDevice') {
        const d = v as { deviceId?: unknown; label?: unknown } | undefined;
        if (d && typeof d.deviceId === 'string' && typeof d.label === 'string' && d.deviceId.length <= 500 && d.label.length <= 200) {
          return { deviceId: d.deviceId, label: d.label } as SettingsShape[typeof key];
        }
      }
      if (key === 'lightDevices' && Array.isArray(v)) return v.slice(0, 100) as SettingsShape[typeof key];
      if (key === 'powerSaveBlocker' && (v === 'prevent-app-suspension' || v === 'prevent-display-sleep')) {
        return v as SettingsShape[typeof key];
      }
      return DEFAULT_SETTINGS[key];
    },
    set(key, value) {
      withIntactFile(store.path, () => store.set(key, value), log);
    },
  };
}

/** Settings stored with `conf` in a folder of our choosing (browser host, tests). */
export function confSettings(dir: string, log?: (line: string) => void): Settings {
  // 0600: the room's device list (addresses, sealed keys) is nobody else's business.
  const open = () =>
    new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', projectName: 'stillroom', configFileMode: 0o600 });
  return openSettings(join(dir, 'settings.json'), open, log);
}
