/**
 * One contract for the settings store, run over both back ends the app uses: electron-store in
 * the desktop app and conf in the browser host. electron-store imports `electron` when loaded,
 * so here it loads against a small stand-in of the two things it reads from Electron (the user
 * data folder and the app version) — enough to run the real library in Node.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { confSettings, DEFAULT_SETTINGS, openSettings, type Settings } from '../../electron/services/settings';

let dir: string;

vi.mock('electron', () => {
  const app = { getPath: () => dir, getVersion: () => '0.0.0-test', getName: () => 'Stillroom' };
  const ipcMain = { on: () => ipcMain, handle: () => ipcMain };
  return { default: { app, ipcMain, shell: {} }, app, ipcMain, shell: {} };
});

async function electronStoreSettings(folder: string): Promise<Settings> {
  const { default: Store } = await import('electron-store');
  // As the desktop app opens it (electron/main), with the folder given instead of userData.
  return openSettings(
    join(folder, 'settings.json'),
    () => new Store({ name: 'settings', cwd: folder, configFileMode: 0o600 }),
    () => {},
  );
}

const backEnds: Array<[string, (folder: string) => Promise<Settings>, string]> = [
  ['conf (browser host)', async (folder) => confSettings(folder, () => {}), 'settings.json'],
  ['electron-store (desktop app)', electronStoreSettings, 'settings.json'],
];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each(backEnds)('settings over %s', (_name, open, fileName) => {
  it('starts from the defaults and keeps what was set across a reopen', async () => {
    const a = await open(dir);
    expect(a.get('safeScene')).toEqual(DEFAULT_SETTINGS.safeScene);
    expect(a.get('outputDevice')).toEqual(DEFAULT_SETTINGS.outputDevice);
    a.set('safeScene', { level: 45, kelvin: 3000 });
    a.set('outputDevice', { deviceId: 'abc', label: 'Speakers' });
    const b = await open(dir);
    expect(b.get('safeScene')).toEqual({ level: 45, kelvin: 3000 });
    expect(b.get('outputDevice')).toEqual({ deviceId: 'abc', label: 'Speakers' });
    // Both write the same file, so a clinic moving between the two shells keeps its settings.
    expect(JSON.parse(readFileSync(join(dir, fileName), 'utf8')).safeScene).toEqual({ level: 45, kelvin: 3000 });
    expect(statSync(join(dir, fileName)).mode & 0o777).toBe(0o600);
  });

  it('a hand-edited value out of range falls back to the default instead of reaching the room', async () => {
    writeFileSync(join(dir, fileName), JSON.stringify({ safeScene: { level: 400, kelvin: 2700 }, outputDevice: 'speakers' }));
    const s = await open(dir);
    expect(s.get('safeScene')).toEqual(DEFAULT_SETTINGS.safeScene);
    expect(s.get('outputDevice')).toEqual(DEFAULT_SETTINGS.outputDevice);
  });

  it('a file that is not JSON is set aside, kept: defaults, and the next write works', async () => {
    writeFileSync(join(dir, fileName), '{ not json');
    const s = await open(dir);
    expect(s.get('safeScene')).toEqual(DEFAULT_SETTINGS.safeScene);
    const aside = readdirSync(dir).filter((f) => f.startsWith('settings.damaged-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0] ?? ''), 'utf8')).toBe('{ not json');
    s.set('safeScene', { level: 50, kelvin: 2700 });
    expect((await open(dir)).get('safeScene')).toEqual({ level: 50, kelvin: 2700 });
  });

  it.skipIf(process.getuid?.() === 0)('a folder it cannot write to is an error at the write, not a silent loss', async () => {
    const s = await open(dir);
    chmodSync(dir, 0o500);
    try {
      expect(() => s.set('safeScene', { level: 50, kelvin: 2700 })).toThrow();
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});
