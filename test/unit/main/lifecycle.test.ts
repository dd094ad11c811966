/**
 * Closing and quitting while a session runs (macOS hides, the others ask; quitting always
 * asks; a shutdown never does), the power-save blocker from the first snapshot and the
 * therapist's choice, the Wayland decision and the menu.
 */
import { describe, expect, it } from 'vitest';
import { chooseDisplay } from '../../../electron/main/display';
import { confirmQuitDialog, KEEP_OPEN, mainCloseAction, QUIT_ANYWAY, QuitGuard, setupLifecycle } from '../../../electron/main/lifecycle';
import { menuTemplate, setupMenu } from '../../../electron/main/menu';
import { PowerGuard, wantedBlocker } from '../../../electron/main/power';
import { DEFAULT_SETTINGS, type KeyValueStore, settingsOver } from '../../../electron/services/settings';
import { Emitter, FakeEvent, FakePowerSaveBlocker, FakeWindow } from '../../fixtures/fake-electron';

function guardFor(platform: NodeJS.Platform, answer = KEEP_OPEN) {
  const log: string[] = [];
  let running = true;
  const guard = new QuitGuard({
    platform,
    sessionRunning: () => running,
    ask: (options) => {
      log.push(`ask: ${options.message}`);
      return answer;
    },
    closeHost: () => log.push('close host'),
    quit: () => log.push('quit'),
  });
  return { guard, log, stop: () => (running = false) };
}

describe('the close/quit guard', () => {
  it('decides: no session closes; a session hides on macOS and asks elsewhere', () => {
    expect(mainCloseAction('darwin', false, false)).toBe('close');
    expect(mainCloseAction('darwin', true, false)).toBe('hide');
    expect(mainCloseAction('win32', true, false)).toBe('ask');
    expect(mainCloseAction('linux', true, false)).toBe('ask');
    expect(mainCloseAction('linux', true, true)).toBe('close');
  });

  it('macOS: Cmd+W during a session hides the window; the music keeps playing in it', () => {
    const { guard, log } = guardFor('darwin');
    const win = new FakeWindow({});
    win.show();
    win.on('close', (e: FakeEvent) => guard.onMainClose(e, win));
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
    expect(log).toEqual([]);
  });

  it('Windows/Linux: closing during a session asks, and “Keep Stillroom open” keeps it', () => {
    const { guard, log } = guardFor('win32', KEEP_OPEN);
    const win = new FakeWindow({});
    win.on('close', (e: FakeEvent) => guard.onMainClose(e, win));
    win.close();
    expect(win.destroyed).toBe(false);
    expect(log).toEqual(['ask: Close Stillroom while the session runs?']);
  });

  it('Windows/Linux: “Quit” closes the window and quits without asking again', () => {
    const { guard, log } = guardFor('linux', QUIT_ANYWAY);
    const win = new FakeWindow({});
    win.on('close', (e: FakeEvent) => guard.onMainClose(e, win));
    win.close();
    expect(log).toEqual(['ask: Close Stillroom while the session runs?', 'quit']);
    // app.quit() then emits before-quit and closes the window: no second question.
    const e = new FakeEvent();
    guard.onBeforeQuit(e);
    expect(e.defaultPrevented).toBe(false);
    win.close();
    expect(win.destroyed).toBe(true);
    expect(log).toEqual(['ask: Close Stillroom while the session runs?', 'quit', 'close host']);
  });

  it('quitting (Cmd+Q, the menu) during a session asks on every system; no session quits at once', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const { guard, log, stop } = guardFor(platform, KEEP_OPEN);
      const e = new FakeEvent();
      guard.onBeforeQuit(e);
      expect(e.defaultPrevented).toBe(true);
      expect(log).toEqual(['ask: Quit Stillroom while the session runs?']);
      stop();
      const e2 = new FakeEvent();
      guard.onBeforeQuit(e2);
      expect(e2.defaultPrevented).toBe(false);
      expect(log.at(-1)).toBe('close host');
    }
  });

  it('a system shutdown or logout never asks, closes the host (and its lock) and lets windows close', () => {
    const { guard, log } = guardFor('win32');
    const win = new FakeWindow({});
    win.on('close', (e: FakeEvent) => guard.onMainClose(e, win));
    guard.onSystemEnding();
    win.close();
    expect(win.destroyed).toBe(true);
    expect(log).toEqual(['close host']);
  });

  it('asks quietly: no icon type (no sound on Windows), “Keep Stillroom open” first and default', () => {
    const d = confirmQuitDialog('app');
    expect(d.type).toBe('none');
    expect(d.buttons?.[d.defaultId as number]).toBe('Keep Stillroom open');
    expect(d.cancelId).toBe(KEEP_OPEN);
    expect(d.detail).toMatch(/session itself is kept/);
  });

  it('wires before-quit, window-all-closed (quit except on macOS) and shutdown', () => {
    for (const platform of ['darwin', 'linux'] as const) {
      const app = new Emitter();
      const quits: string[] = [];
      const { guard, log } = guardFor(platform);
      setupLifecycle(
        {
          onBeforeQuit: (l) => app.on('before-quit', l),
          onWindowAllClosed: (l) => app.on('window-all-closed', l),
          onSystemShutdown: (l) => app.on('shutdown', l),
        },
        guard,
        platform,
        () => quits.push('quit'),
      );
      app.emit('window-all-closed');
      expect(quits).toEqual(platform === 'darwin' ? [] : ['quit']);
      app.emit('shutdown');
      expect(log).toEqual(['close host']);
    }
  });
});

describe('the power-save blocker', () => {
  const running = { session: { status: 'running' } };
  const ended = { session: { status: 'ended' } };

  it('keeps the machine awake but lets the screen sleep by default', () => {
    expect(DEFAULT_SETTINGS.powerSaveBlocker).toBe('prevent-app-suspension');
    expect(wantedBlocker(running, 'prevent-app-suspension')).toBe('prevent-app-suspension');
    expect(wantedBlocker(ended, 'prevent-display-sleep')).toBeNull();
    expect(wantedBlocker({ session: null }, 'prevent-display-sleep')).toBeNull();
  });

  it('starts from the first snapshot (a resumed session), follows the therapist’s choice, and stops after the session', () => {
    const api = new FakePowerSaveBlocker();
    const store = new Map<string, unknown>();
    const kv: KeyValueStore = { get: (k) => store.get(k), set: (k, v) => void store.set(k, v) };
    const settings = settingsOver(kv);
    const guard = new PowerGuard(api, () => settings.get('powerSaveBlocker'));
    guard.update(running); // the host's snapshot right after it resumed the session
    expect(api.calls).toEqual(['start prevent-app-suspension']);
    guard.update(running);
    expect(api.calls).toHaveLength(1);
    settings.set('powerSaveBlocker', 'prevent-display-sleep');
    guard.update(running);
    expect(api.calls).toEqual(['start prevent-app-suspension', 'stop prevent-app-suspension', 'start prevent-display-sleep']);
    guard.update(ended);
    expect(api.active.size).toBe(0);
    expect(guard.holding).toBeNull();
  });

  it('reads a damaged setting as the default', () => {
    const kv: KeyValueStore = { get: () => 'prevent-everything', set: () => {} };
    expect(settingsOver(kv).get('powerSaveBlocker')).toBe('prevent-app-suspension');
  });
});

describe('Wayland', () => {
  const wayland = { XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0' };
  it('runs on X11 through XWayland where it is there, so the mini panel can stay on top', () => {
    expect(chooseDisplay('linux', { ...wayland, DISPLAY: ':0' }, [])).toEqual({ switch: ['ozone-platform', 'x11'], onTopLimit: null });
  });

  it('says the limit where there is no XWayland, or where the user chose Wayland', () => {
    expect(chooseDisplay('linux', wayland, [])).toEqual({ switch: null, onTopLimit: 'cannot stay on top under Wayland' });
    expect(chooseDisplay('linux', { ...wayland, DISPLAY: ':0' }, ['--ozone-platform=wayland'])).toMatchObject({
      switch: null,
      onTopLimit: expect.any(String),
    });
  });

  it('leaves X11 sessions and other systems alone', () => {
    expect(chooseDisplay('linux', { XDG_SESSION_TYPE: 'x11', DISPLAY: ':0' }, [])).toEqual({ switch: null, onTopLimit: null });
    expect(chooseDisplay('darwin', wayland, [])).toEqual({ switch: null, onTopLimit: null });
    expect(chooseDisplay('linux', { ...wayland, DISPLAY: ':0' }, ['--ozone-platform=x11'])).toEqual({ switch: null, onTopLimit: null });
  });
});

describe('the menu', () => {
  it('shows the mini panel’s state and toggles it; the app menu only on macOS', () => {
    const toggles: string[] = [];
    const t = menuTemplate('linux', true, () => toggles.push('t'));
    const view = t.find((m) => m.label === 'View');
    const item = (view?.submenu as Array<{ label?: string; checked?: boolean; click?: () => void; accelerator?: string }> | undefined)?.[0];
    expect(item).toMatchObject({ label: 'Mini panel (always on top) — F4, then Shift+C', checked: true });
    // No accelerator: one would act on plain typing (a capital C in a note).
    expect(item?.accelerator).toBeUndefined();
    item?.click?.();
    expect(toggles).toEqual(['t']);
    expect(t.some((m) => m.role === 'appMenu')).toBe(false);
    expect(menuTemplate('darwin', false, () => {})[0]?.role).toBe('appMenu');
  });

  it('rebuilds the menu when the mini panel opens', () => {
    const set: unknown[] = [];
    const update = setupMenu({ buildFromTemplate: (t) => t, setApplicationMenu: (m) => set.push(m) }, 'win32', () => {});
    update(true);
    expect(set).toHaveLength(2);
  });
});
