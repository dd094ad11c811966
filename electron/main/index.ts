/**
 * The Electron shell: the main window and the always-on-top mini panel (a second, small window
 * on the same host), the app menu, the app protocol, IPC and power-save blocking. It only wires
 * the host services together; everything it calls is testable in plain Node.
 */
import { createReadStream } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  type MenuItemConstructorOptions,
  powerSaveBlocker,
  protocol,
  session,
  shell,
} from 'electron';
import Store from 'electron-store';
import { PLAYLIST_EXTENSIONS } from '../core/playlists';
import { IPC } from '../host/commands';
import { StillroomHost } from '../host/host';
import { PICK_KINDS, WINDOW_IPC } from '../preload/window-api';
import { AUDIO_EXTENSIONS } from '../services/library/tags';
import { settingsOver } from '../services/settings';
import { planStatic } from '../services/static';
import { openDataVault } from './vault';

const SCHEME = 'stillroom';
const ORIGIN = `${SCHEME}://app`;
const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = resolve(here, '..', 'renderer');

app.setName('Stillroom');
// The renderer and its audio share one origin, so routed <audio> elements are not silenced
// by CORS; `stream` lets the player seek (we answer Range ourselves, electron#38749).
protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
]);

let host: StillroomHost | null = null;
let win: BrowserWindow | null = null;
/** The mini panel: compact layout, always on top; plays no music (the main window does). */
let mini: BrowserWindow | null = null;
/** Painted before the page loads, so neither window ever flashes white. */
const BACKGROUND = '#0d0f12';
let blocker: number | null = null;

function fileResponse(file: string, rangeHeader: string | null): Response {
  const plan = planStatic(file, rangeHeader);
  if (!('file' in plan)) return new Response(plan.body || null, { status: plan.status, headers: plan.headers });
  if (plan.end < plan.start) return new Response(null, { status: plan.status, headers: plan.headers });
  const body = Readable.toWeb(createReadStream(plan.file, { start: plan.start, end: plan.end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status: plan.status, headers: plan.headers });
}

function serveApp(request: Request): Response {
  const url = new URL(request.url);
  if (url.host !== 'app') return new Response('forbidden', { status: 403 });
  if (url.pathname.startsWith('/media/')) {
    const file = host?.mediaFile(decodeURIComponent(url.pathname.slice('/media/'.length)));
    return file ? fileResponse(file, request.headers.get('range')) : new Response('no such track', { status: 404 });
  }
  const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '') || 'index.html';
  const file = resolve(rendererDir, rel);
  if (!file.startsWith(rendererDir + sep)) return new Response('forbidden', { status: 403 });
  return fileResponse(file, null);
}

/** Only our own page may send commands. */
function trustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false;
  if (frameUrl.startsWith(`${ORIGIN}/`)) return true;
  const dev = process.env.ELECTRON_RENDERER_URL;
  return !app.isPackaged && !!dev && frameUrl.startsWith(dev);
}

const webPreferences = (): Electron.WebPreferences => ({
  preload: join(here, '..', 'preload', 'index.cjs'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
  // Timers drive the music's fades: never throttle them when the window is hidden.
  backgroundThrottling: false,
  autoplayPolicy: 'no-user-gesture-required',
});

function pageUrl(query = ''): string {
  const dev = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  return `${dev ?? `${ORIGIN}/index.html`}${query}`;
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 520,
    show: false,
    backgroundColor: BACKGROUND,
    title: 'Stillroom',
    autoHideMenuBar: true,
    webPreferences: webPreferences(),
  });
  win.once('ready-to-show', () => win?.show());
  void win.loadURL(pageUrl());
  win.on('closed', () => {
    win = null;
    // The music plays in the main window: the mini panel does not outlive it.
    mini?.close();
  });
}

/** Opens the mini panel, or closes it when it is open. */
function toggleMini(): void {
  if (mini) {
    mini.close();
    return;
  }
  mini = new BrowserWindow({
    width: 380,
    height: 500,
    minWidth: 300,
    minHeight: 320,
    show: false,
    backgroundColor: BACKGROUND,
    title: 'Stillroom — mini panel',
    alwaysOnTop: true,
    fullscreenable: false,
    autoHideMenuBar: true,
    webPreferences: webPreferences(),
  });
  // Above ordinary windows (and, on macOS, over full-screen apps) without stealing focus later.
  mini.setAlwaysOnTop(true, 'floating');
  if (process.platform === 'darwin') mini.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
  mini.once('ready-to-show', () => mini?.show());
  void mini.loadURL(pageUrl('?mini=1'));
  mini.on('closed', () => {
    mini = null;
    updateMenu();
  });
  updateMenu();
}

function updateMenu(): void {
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      {
        label: 'Mini panel (always on top)',
        type: 'checkbox',
        checked: mini !== null,
        // The page handles the key (so typing a capital C into a note still works); shown here for reference.
        accelerator: 'Shift+C',
        registerAccelerator: false,
        click: () => toggleMini(),
      },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** The system's open dialog for the library and playlist import; [] when cancelled or asked for something unknown. */
async function choosePaths(parent: BrowserWindow | null, kind: unknown): Promise<string[]> {
  if (typeof kind !== 'string' || !(PICK_KINDS as readonly string[]).includes(kind)) return [];
  const options: Electron.OpenDialogOptions =
    kind === 'music-folders'
      ? { title: 'Add music folders', buttonLabel: 'Add to library', properties: ['openDirectory', 'multiSelections'] }
      : kind === 'music-files'
        ? {
            title: 'Add music files',
            buttonLabel: 'Add to library',
            properties: ['openFile', 'multiSelections'],
            filters: [{ name: 'Music', extensions: AUDIO_EXTENSIONS.map((e) => e.slice(1)) }],
          }
        : {
            title: 'Import a playlist',
            buttonLabel: 'Import',
            properties: ['openFile'],
            filters: [{ name: 'Playlists', extensions: PLAYLIST_EXTENSIONS.map((e) => e.slice(1)) }],
          };
  const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return r.canceled ? [] : r.filePaths;
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  await app.whenReady();

  // Deny new windows and navigation everywhere; open http(s) links in the system browser.
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
    });
  });

  // Permissions: the page needs only to pick the music's output and go full screen. Everything
  // else a page could ask for (camera, location, notifications, MIDI…) is refused. Device names
  // (permission checks) stay allowed so the output list shows "Headphones", not "Output 2".
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => {
    const ours = trustedSender(contents.getURL());
    const audioOnly = permission === 'media' && 'mediaTypes' in details && (details.mediaTypes ?? []).every((t) => t === 'audio');
    callback(ours && (permission === 'fullscreen' || permission === 'speaker-selection' || audioOnly));
  });

  protocol.handle(SCHEME, serveApp);
  const log = (l: string) => console.error(`stillroom: ${l}`);
  try {
    host = await StillroomHost.open({
      vault: openDataVault(app.getPath('userData'), log),
      dataDir: app.getPath('userData'),
      appRoot: app.getAppPath(),
      settings: settingsOver(new Store({ name: 'settings' })),
      log,
    });
  } catch (err) {
    dialog.showErrorBox('Stillroom cannot start', (err as Error).message);
    app.quit();
    return;
  }

  ipcMain.handle(IPC.command, (event, name: unknown, args: unknown) => {
    if (!trustedSender(event.senderFrame?.url)) return { ok: false, error: 'refused: untrusted sender' };
    return host?.dispatch(name, args) ?? { ok: false, error: 'not ready' };
  });
  ipcMain.handle(IPC.ready, (event) => {
    if (!trustedSender(event.senderFrame?.url)) return null;
    return host?.snapshot() ?? null;
  });
  ipcMain.on(WINDOW_IPC.toggleMini, (event) => {
    if (trustedSender(event.senderFrame?.url)) toggleMini();
  });
  ipcMain.handle(WINDOW_IPC.choosePaths, (event, kind: unknown) => {
    if (!trustedSender(event.senderFrame?.url)) return [];
    return choosePaths(BrowserWindow.fromWebContents(event.sender), kind);
  });
  host.subscribe((m) => {
    // Both windows show the same host state.
    win?.webContents.send(IPC.state, m);
    mini?.webContents.send(IPC.state, m);
    // Keep the machine and display awake while a session runs.
    const running = m.kind === 'state' && m.snapshot.session?.status === 'running';
    if (m.kind === 'state') {
      if (running && blocker === null) blocker = powerSaveBlocker.start('prevent-display-sleep');
      if (!running && blocker !== null) {
        powerSaveBlocker.stop(blocker);
        blocker = null;
      }
    }
  });

  updateMenu();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', () => {
  host?.close();
  host = null;
});

void start();
