/**
 * The shell's entry (electron/main/index.ts) loaded under Node with the `electron` module
 * replaced by the recorded stand-in: it starts in the right order (privileged scheme and
 * single-instance lock before ready; protocol, permissions and the host after; the window
 * last), takes over a data-folder lock an earlier desktop run left, answers the page over IPC,
 * and closes the host (releasing the lock) when the app quits.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC } from '../../../electron/host/ipc';

const userData = mkdtempSync(join(tmpdir(), 'stillroom-entry-'));
const order: string[] = [];

vi.mock('electron-store', () => ({
  default: class {
    private readonly m = new Map<string, unknown>();
    get(k: string): unknown {
      return this.m.get(k);
    }
    set(k: string, v: unknown): void {
      this.m.set(k, v);
    }
  },
}));

vi.mock('electron', async () => {
  const f = await import('../../fixtures/fake-electron');
  const made: InstanceType<typeof f.FakeWindow>[] = [];
  class BrowserWindow extends f.FakeWindow {
    constructor(options: Record<string, unknown>) {
      super(options);
      made.push(this);
      order.push('window');
    }
    static getAllWindows() {
      return made.filter((w) => !w.destroyed);
    }
  }
  const app = Object.assign(new f.Emitter(), {
    isPackaged: false,
    setName: () => {},
    commandLine: { appendSwitch: (...a: string[]) => order.push(`switch ${a.join('=')}`) },
    requestSingleInstanceLock: () => {
      order.push('single-instance lock');
      return true;
    },
    whenReady: async () => {
      order.push('ready');
    },
    getPath: () => userData,
    getAppPath: () => join(import.meta.dirname, '..', '..', '..'),
    quit: () => order.push('quit'),
  });
  return {
    app,
    BrowserWindow,
    made,
    dialog: {
      showErrorBox: (title: string, body: string) => order.push(`error ${title}: ${body}`),
      showMessageBoxSync: () => 0,
      showMessageBox: async () => ({ response: 0 }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    },
    ipcMain: new f.FakeIpcMain(),
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => order.push('menu') },
    powerMonitor: new f.Emitter(),
    powerSaveBlocker: new f.FakePowerSaveBlocker(),
    protocol: {
      registerSchemesAsPrivileged: () => order.push('privileged scheme'),
      handle: (scheme: string) => order.push(`handle ${scheme}`),
    },
    safeStorage: new f.FakeSafeStorage('login'),
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => order.push('permissions'),
        setPermissionCheckHandler: () => {},
        setDevicePermissionHandler: () => {},
        setSpellCheckerEnabled: (on: boolean) => order.push(`spellcheck ${on}`),
      },
    },
    shell: { openExternal: async () => {} },
  };
});

afterAll(() => rmSync(userData, { recursive: true, force: true }));

describe('electron/main/index.ts under the stand-in', () => {
  it('starts in order, takes over a stale desktop lock, serves the page and releases the lock on quit', async () => {
    // A lock left by an earlier desktop run whose process id is alive again (here: our parent).
    writeFileSync(join(userData, 'stillroom.lock'), JSON.stringify({ pid: process.ppid, startedAt: 0, kind: 'desktop' }));
    const electron = (await import('electron')) as unknown as {
      app: import('../../fixtures/fake-electron').Emitter;
      made: import('../../fixtures/fake-electron').FakeWindow[];
      ipcMain: import('../../fixtures/fake-electron').FakeIpcMain;
    };
    await import('../../../electron/main/index');
    await vi.waitFor(() => expect(electron.made).toHaveLength(1), { timeout: 15_000 });

    expect(order.filter((o) => !o.startsWith('switch'))).toEqual([
      'privileged scheme',
      'single-instance lock',
      'ready',
      'permissions',
      'spellcheck false',
      'handle stillroom',
      'menu',
      'window',
    ]);
    const lock = JSON.parse(readFileSync(join(userData, 'stillroom.lock'), 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, kind: 'browser' }); // vitest runs in plain Node
    expect(electron.made[0]?.loaded).toBe('stillroom://app/index.html');

    const snapshot = (await electron.ipcMain.invoke('stillroom://app/index.html', IPC.ready)) as { presets: unknown[] };
    expect(snapshot.presets.length).toBeGreaterThan(0);
    expect(await electron.ipcMain.invoke('https://example.com/', IPC.command, 'endSession', {})).toMatchObject({ ok: false });

    // A second launch with the window closed makes a new one (macOS keeps running without windows).
    electron.made[0]?.close();
    electron.app.emit('second-instance');
    expect(electron.made).toHaveLength(2);

    const { FakeEvent } = await import('../../fixtures/fake-electron');
    const quitting = new FakeEvent();
    electron.app.emit('before-quit', quitting);
    expect(quitting.defaultPrevented).toBe(false); // no session: no question
    expect(existsSync(join(userData, 'stillroom.lock'))).toBe(false);
  });
});
