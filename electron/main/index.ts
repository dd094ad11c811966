/**
 * The Electron shell's entry: it only wires Electron's objects into the small modules beside
 * it, each of which decides with pure functions and is tested in plain Node against a stand-in
 * of the Electron API (test/unit/main/, test/fixtures/fake-electron.ts):
 * protocol (the app's files and audio) · ipc (commands, with sender checks) · permissions ·
 * navigation · windows (main window, mini panel, crash reload) · menu · power (power-save
 * blocker) · lifecycle (close/quit guard) · instance (single instance) · display (Wayland) ·
 * vault (where the data key lives).
 *
 * Order matters: the privileged scheme and Chromium switches before `ready`; the single-instance
 * lock before anything touches the data folder; the data-folder lock cleared of an earlier
 * desktop run's leftovers before the host takes it.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, powerSaveBlocker, protocol, safeStorage, session, shell } from 'electron';
import Store from 'electron-store';
import { StillroomHost } from '../host/host';
import { IPC } from '../host/ipc';
import { clearStaleLock } from '../services/lock';
import { openSupportLog, type SupportLog } from '../services/log';
import { openSettings, type Settings } from '../services/settings';
import { chooseDisplay } from './display';
import { setupSingleInstance } from './instance';
import { setupIpc, trustedSender } from './ipc';
import { QuitGuard, setupLifecycle } from './lifecycle';
import { setupMenu } from './menu';
import { setupNavigation } from './navigation';
import { setupPermissions } from './permissions';
import { PowerGuard } from './power';
import { ORIGIN, registerAppScheme, setupProtocol } from './protocol';
import { openDataVault } from './vault';
import { AppWindows } from './windows';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = resolve(here, '..', 'renderer');
const preload = join(here, '..', 'preload', 'index.cjs');
/** The support log in the data folder once it is open (services/log.ts); the console until then. */
let supportLog: SupportLog | null = null;
const echo = (line: string) => console.error(`stillroom: ${line}`);
const log = (line: string) => (supportLog ? supportLog.line(line) : echo(line));

app.setName('Stillroom');
registerAppScheme(protocol);
const display = chooseDisplay(process.platform, process.env, process.argv);
if (display.switch) app.commandLine.appendSwitch(...display.switch);

const source = { packaged: app.isPackaged, devUrl: process.env.ELECTRON_RENDERER_URL };
const isTrusted = (url: string | undefined | null) => trustedSender(url, source);
const pageUrl = (query: string) => `${(!app.isPackaged && process.env.ELECTRON_RENDERER_URL) || `${ORIGIN}/index.html`}${query}`;

let host: StillroomHost | null = null;
let settings: Settings | null = null;
let ready = false;
const closeHost = () => {
  host?.close();
  host = null;
};
const sessionRunning = () => host?.snapshot().session?.status === 'running';

const guard = new QuitGuard({
  platform: process.platform,
  sessionRunning,
  ask: (options, win) => (win instanceof BrowserWindow ? dialog.showMessageBoxSync(win, options) : dialog.showMessageBoxSync(options)),
  closeHost,
  quit: () => app.quit(),
});

let updateMenu: (miniOpen: boolean) => void = () => {};
const windows = new AppWindows({
  create: (options) => {
    const win = new BrowserWindow(options);
    // Windows: the session is ending (shutdown, logout); `before-quit` will not come.
    win.on('session-end', () => guard.onSystemEnding());
    return win;
  },
  pageUrl,
  preload,
  platform: process.platform,
  onTopLimit: display.onTopLimit,
  onMainClose: (event, win) => guard.onMainClose(event, win as BrowserWindow),
  onMiniChange: (open) => updateMenu(open),
  onGiveUp: (win) => {
    const parent = win instanceof BrowserWindow ? win : null;
    const options = {
      type: 'none' as const,
      title: 'Stillroom',
      message: 'Stillroom’s window stopped several times within a minute, so the music has stopped.',
      detail: 'The session and its notes are kept. Quit Stillroom and open it again to continue where the clock says.',
    };
    void (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
  },
  log,
  now: Date.now,
});

async function start(): Promise<void> {
  if (!setupSingleInstance(app, () => ready && windows.showMain())) return;
  await app.whenReady();

  setupPermissions(session.defaultSession, isTrusted);
  setupNavigation({
    onContentsCreated: (listener) => app.on('web-contents-created', (_e, contents) => listener(contents)),
    openExternal: (url) => shell.openExternal(url),
    isTrusted: (url) => isTrusted(url),
  });
  setupProtocol(protocol, { rendererDir, mediaFile: (id) => host?.mediaFile(id) ?? null });
  setupLifecycle(
    {
      onBeforeQuit: (listener) => app.on('before-quit', listener),
      onWindowAllClosed: (listener) => app.on('window-all-closed', listener),
      onSystemShutdown: (listener) => powerMonitor.on('shutdown', listener),
    },
    guard,
    process.platform,
    () => app.quit(),
  );

  const dataDir = app.getPath('userData');
  supportLog = openSupportLog(dataDir, echo);
  try {
    const cleared = clearStaleLock(dataDir);
    if (cleared) log(`took over the data folder's lock left by process ${cleared.pid} (no longer running Stillroom)`);
    settings = openSettings(join(dataDir, 'settings.json'), () => new Store({ name: 'settings', configFileMode: 0o600 }), log);
    host = await StillroomHost.open({
      vault: openDataVault(dataDir, { safeStorage, log }),
      dataDir,
      appRoot: app.getAppPath(),
      settings,
      supportLog,
    });
  } catch (err) {
    dialog.showErrorBox('Stillroom cannot start', (err as Error).message);
    app.quit();
    return;
  }

  setupIpc({
    ipcMain,
    isTrusted,
    host: () => host,
    toggleMini: () => windows.toggleMini(),
    showOpenDialog: (sender, options) => {
      const parent = BrowserWindow.getAllWindows().find((w) => w.webContents === sender);
      return parent ? dialog.showOpenDialog(parent, options) : dialog.showOpenDialog(options);
    },
  });

  const power = new PowerGuard(powerSaveBlocker, () => settings?.get('powerSaveBlocker') ?? 'prevent-app-suspension');
  // From the first snapshot: a session resumed after a restart keeps the machine awake at once.
  power.update(host.snapshot());
  host.subscribe((m) => {
    windows.send(IPC.state, m);
    // A session change comes whole; the keep-awake choice comes as its own part.
    if (m.kind === 'state') power.update(m.snapshot);
    else if (m.patch.machine && host) power.update(host.snapshot());
  });

  updateMenu = setupMenu(Menu, process.platform, () => windows.toggleMini());
  windows.openMain();
  ready = true;
  app.on('activate', () => windows.showMain());
}

void start();
