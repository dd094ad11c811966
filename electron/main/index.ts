/**
 * The Electron shell: one window, the app protocol, IPC and power-save blocking. It only
 * wires the host services together; everything it calls is testable in plain Node.
 */
import { createReadStream, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, powerSaveBlocker, protocol, shell } from 'electron';
import Store from 'electron-store';
import { IPC } from '../host/commands';
import { StillroomHost } from '../host/host';
import { MEDIA_TYPES, parseRange } from '../services/range';
import { settingsOver } from '../services/settings';

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
let blocker: number | null = null;

function fileResponse(file: string, rangeHeader: string | null): Response {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return new Response('not found', { status: 404 });
    size = st.size;
  } catch {
    return new Response('not found', { status: 404 });
  }
  const headers: Record<string, string> = {
    'content-type': MEDIA_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'accept-ranges': 'bytes',
  };
  const range = parseRange(rangeHeader, size);
  if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { 'content-range': `bytes */${size}` } });
  const [start, end, status] = range.kind === 'partial' ? [range.start, range.end, 206] : [0, size - 1, 200];
  headers['content-length'] = String(end - start + 1);
  if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  const body = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
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

function createWindow(): void {
  win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 520,
    show: false,
    backgroundColor: '#0d0f12',
    title: 'Stillroom',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(here, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // Timers drive the music's fades: never throttle them when the window is hidden.
      backgroundThrottling: false,
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
  win.once('ready-to-show', () => win?.show());
  const dev = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  void win.loadURL(dev ?? `${ORIGIN}/index.html`);
  win.on('closed', () => {
    win = null;
  });
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

  protocol.handle(SCHEME, serveApp);
  try {
    host = await StillroomHost.open({
      dataDir: app.getPath('userData'),
      appRoot: app.getAppPath(),
      settings: settingsOver(new Store({ name: 'settings' })),
      log: (l) => console.error(`stillroom: ${l}`),
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
  host.subscribe((m) => {
    win?.webContents.send(IPC.state, m);
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
