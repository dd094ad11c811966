/**
 * Per-machine settings behind a small interface: electron-store in the desktop shell, `conf`
 * (the library electron-store is built on, same API) in the browser host and in tests,
 * because electron-store imports Electron when loaded.
 */
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
}

/** Validates what comes back from disk: a hand-edited or damaged file falls back to defaults. */
export function settingsOver(store: KeyValueStore): Settings {
  return {
    get(key) {
      const v = store.get(key);
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
      store.set(key, value);
    },
  };
}

/** Settings stored with `conf` in a folder of our choosing (browser host, tests). */
export function confSettings(dir: string): Settings {
  const conf = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', projectName: 'stillroom' });
  return settingsOver(conf);
}
