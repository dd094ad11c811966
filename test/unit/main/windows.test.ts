/**
 * The main window and the mini panel against a stand-in BrowserWindow: security settings, a
 * crashed page reloaded (the page then joins the session by the wall clock), a second launch
 * bringing the window back or making one, the mini panel without the macOS blink.
 */
import { describe, expect, it } from 'vitest';
import { setupSingleInstance } from '../../../electron/main/instance';
import {
  AppWindows,
  afterRendererGone,
  CRASH_WINDOW_MS,
  mainWindowOptions,
  miniWindowOptions,
  type WindowsDeps,
} from '../../../electron/main/windows';
import { Emitter, FakeEvent, type FakeWindow, fakeWindowFactory } from '../../fixtures/fake-electron';

function setup(over: Partial<WindowsDeps> = {}) {
  const factory = fakeWindowFactory();
  const events: string[] = [];
  let now = 1_000_000;
  const windows = new AppWindows({
    create: factory.create,
    pageUrl: (q) => `stillroom://app/index.html${q}`,
    preload: '/app/out/preload/index.cjs',
    platform: 'linux',
    onTopLimit: null,
    onMainClose: () => events.push('main-close'),
    onMiniChange: (open) => events.push(`mini ${open}`),
    onGiveUp: () => events.push('give-up'),
    log: (l) => events.push(`log ${l}`),
    now: () => now,
    ...over,
  });
  return { windows, factory, events, tick: (ms: number) => (now += ms) };
}

describe('window settings', () => {
  it('sandboxes and isolates both windows, keeps timers running in the background and turns spellcheck off', () => {
    for (const o of [mainWindowOptions('/p.cjs'), miniWindowOptions('/p.cjs', 'linux', null)]) {
      expect(o.webPreferences).toMatchObject({
        preload: '/p.cjs',
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
        disableBlinkFeatures: 'Auxclick',
        backgroundThrottling: false,
        autoplayPolicy: 'no-user-gesture-required',
      });
      expect(o.backgroundColor).toBe('#0d0f12');
      expect(o.show).toBe(false);
    }
  });

  it('makes the macOS mini panel a floating panel, and names the Wayland limit in its title', () => {
    expect(miniWindowOptions('/p', 'darwin', null).type).toBe('panel');
    expect(miniWindowOptions('/p', 'win32', null).type).toBeUndefined();
    expect(miniWindowOptions('/p', 'linux', 'cannot stay on top under Wayland').title).toBe(
      'Stillroom — mini panel (cannot stay on top under Wayland)',
    );
  });
});

describe('AppWindows', () => {
  it('opens the main window on the app page and shows it when it is ready', () => {
    const { windows, factory } = setup();
    const win = windows.openMain();
    expect(factory.made).toHaveLength(1);
    expect((win as FakeWindow).loaded).toBe('stillroom://app/index.html');
    expect((win as FakeWindow).visible).toBe(false);
    (win as FakeWindow).emit('ready-to-show');
    expect((win as FakeWindow).visible).toBe(true);
  });

  it('toggles an always-on-top mini panel without setVisibleOnAllWorkspaces, on every platform', () => {
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      const { windows, factory, events } = setup({ platform });
      windows.openMain();
      windows.toggleMini();
      const mini = factory.made[1] as FakeWindow;
      expect(mini.loaded).toBe('stillroom://app/index.html?mini=1');
      expect(mini.isAlwaysOnTop()).toBe(true);
      expect(mini.calls.some((c) => c.startsWith('setVisibleOnAllWorkspaces'))).toBe(false);
      expect(windows.all()).toHaveLength(2);
      windows.toggleMini();
      expect(mini.destroyed).toBe(true);
      expect(windows.mini).toBeNull();
      expect(events).toEqual(['mini true', 'mini false']);
    }
  });

  it('closes the mini panel with the main window (the music plays there)', () => {
    const { windows, factory } = setup();
    windows.openMain();
    windows.toggleMini();
    (factory.made[0] as FakeWindow).close();
    expect((factory.made[1] as FakeWindow).destroyed).toBe(true);
    expect(windows.all()).toEqual([]);
  });

  it('sends state to both windows', () => {
    const { windows, factory } = setup();
    windows.openMain();
    windows.toggleMini();
    windows.send('stillroom:state', { kind: 'lamp' });
    expect(factory.made.map((w) => w.webContents.sent)).toEqual([
      [['stillroom:state', { kind: 'lamp' }]],
      [['stillroom:state', { kind: 'lamp' }]],
    ]);
  });

  it('lets the close guard see the main window’s close', () => {
    const { windows, events } = setup({ onMainClose: (e) => e.preventDefault() });
    const win = windows.openMain() as FakeWindow;
    win.close();
    expect(win.destroyed).toBe(false);
    expect(events).toEqual([]);
  });

  it('reloads a crashed page at once, and gives up after three crashes within a minute', () => {
    const { windows, events, tick } = setup();
    const win = windows.openMain() as FakeWindow;
    win.webContents.emit('render-process-gone', new FakeEvent(), { reason: 'crashed', exitCode: 139 });
    expect(win.webContents.reloads).toBe(1);
    tick(CRASH_WINDOW_MS + 1);
    win.webContents.emit('render-process-gone', new FakeEvent(), { reason: 'oom', exitCode: 0 });
    tick(1000);
    win.webContents.emit('render-process-gone', new FakeEvent(), { reason: 'killed', exitCode: 9 });
    expect(win.webContents.reloads).toBe(3);
    tick(1000);
    win.webContents.emit('render-process-gone', new FakeEvent(), { reason: 'crashed', exitCode: 139 });
    expect(win.webContents.reloads).toBe(3);
    expect(events.at(-1)).toBe('give-up');
    win.webContents.emit('render-process-gone', new FakeEvent(), { reason: 'clean-exit', exitCode: 0 });
    expect(win.webContents.reloads).toBe(3);
  });

  it('decides crash handling purely', () => {
    expect(afterRendererGone('clean-exit', [], 0)).toBe('ignore');
    expect(afterRendererGone('crashed', [], 0)).toBe('reload');
    expect(afterRendererGone('crashed', [-1000], 0)).toBe('reload');
    expect(afterRendererGone('crashed', [-2000, -1000], 0)).toBe('give-up');
    expect(afterRendererGone('crashed', [-CRASH_WINDOW_MS - 5, -1000], 0)).toBe('reload');
  });
});

describe('a second launch', () => {
  class FakeApp extends Emitter {
    locked = true;
    quits = 0;
    requestSingleInstanceLock(): boolean {
      return this.locked;
    }
    quit(): void {
      this.quits++;
    }
  }

  it('quits at once when another Stillroom holds the lock', () => {
    const app = new FakeApp();
    app.locked = false;
    expect(setupSingleInstance(app, () => {})).toBe(false);
    expect(app.quits).toBe(1);
  });

  it('brings the minimised main window back, and makes one when none exists', () => {
    const app = new FakeApp();
    const { windows, factory } = setup();
    expect(setupSingleInstance(app, () => windows.showMain())).toBe(true);
    const win = windows.openMain() as FakeWindow;
    win.minimize();
    app.emit('second-instance');
    expect(win.calls.slice(-3)).toEqual(['restore', 'show', 'focus']);
    win.close();
    app.emit('second-instance');
    expect(factory.made).toHaveLength(2);
    expect(windows.main).toBe(factory.made[1]);
  });
});
