/**
 * IPC between the page and the main process: the host commands, the "I am listening" call
 * that answers the current snapshot (nothing sent before the page listened is lost), the mini
 * panel toggle and the system file picker. Every handler checks its sender first: only
 * Stillroom's own page (the app protocol, or the dev server in an unpackaged run) is served.
 */
import type { OpenDialogOptions } from 'electron';
import { PLAYLIST_EXTENSIONS } from '../core/playlists';
import { COMMAND_NAMES } from '../host/contract';
import type { StillroomHost } from '../host/host';
import { IPC } from '../host/ipc';
import { PICK_KINDS, type PickKind, WINDOW_IPC } from '../preload/window-api';
import { AUDIO_EXTENSIONS } from '../services/library/tags';
import { ORIGIN } from './protocol';

/** Where the page may come from besides the app protocol. */
export interface PageSource {
  /** `app.isPackaged`: a packaged app never trusts a dev server. */
  packaged: boolean;
  /** `ELECTRON_RENDERER_URL` (electron-vite's dev server) in an unpackaged run. */
  devUrl: string | undefined;
}

/** True only for a frame showing Stillroom's own page. */
export function trustedSender(frameUrl: string | undefined | null, source: PageSource): boolean {
  if (!frameUrl) return false;
  if (frameUrl.startsWith(`${ORIGIN}/`)) return true;
  if (source.packaged || !source.devUrl) return false;
  try {
    return new URL(frameUrl).origin === new URL(source.devUrl).origin;
  } catch {
    return false;
  }
}

/** The system picker's options for each kind; null for anything else a page might send. */
export function pickerOptions(kind: unknown): OpenDialogOptions | null {
  if (typeof kind !== 'string' || !(PICK_KINDS as readonly string[]).includes(kind)) return null;
  switch (kind as PickKind) {
    case 'music-folders':
      return { title: 'Add music folders', buttonLabel: 'Add to library', properties: ['openDirectory', 'multiSelections'] };
    case 'music-files':
      return {
        title: 'Add music files',
        buttonLabel: 'Add to library',
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'Music', extensions: AUDIO_EXTENSIONS.map((e) => e.slice(1)) }],
      };
    case 'playlist':
      return {
        title: 'Import a playlist',
        buttonLabel: 'Import',
        properties: ['openFile'],
        filters: [{ name: 'Playlists', extensions: PLAYLIST_EXTENSIONS.map((e) => e.slice(1)) }],
      };
  }
}

/** What an IPC event tells about its sender (Electron's IpcMainEvent / IpcMainInvokeEvent, the part used). */
export interface SenderEvent {
  senderFrame?: { url: string } | null;
  sender: unknown;
  /** The answer to a synchronous `sendSync`. */
  returnValue?: unknown;
}

/** Electron's `ipcMain`, the part used here. */
export interface IpcMainApi {
  handle(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => void): void;
}

export interface IpcDeps {
  ipcMain: IpcMainApi;
  isTrusted(frameUrl: string | undefined | null): boolean;
  /** The host once it is open (commands before that answer "not ready"). */
  host(): Pick<StillroomHost, 'dispatch' | 'snapshot'> | null;
  toggleMini(): void;
  /** Shows the system's open dialog over the window that asked; resolves to the chosen paths. */
  showOpenDialog(sender: unknown, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export function setupIpc(deps: IpcDeps): void {
  const { ipcMain, isTrusted } = deps;
  ipcMain.handle(IPC.command, (event, name, args) => {
    if (!isTrusted(event.senderFrame?.url)) return { ok: false, error: 'refused: untrusted sender' };
    return deps.host()?.dispatch(name, args) ?? { ok: false, error: 'Stillroom is still starting; try again in a moment' };
  });
  // The sandboxed preload asks once, synchronously, which commands exist (derived here from
  // the host's declarations; the preload cannot load them itself).
  ipcMain.on(IPC.commands, (event) => {
    event.returnValue = isTrusted(event.senderFrame?.url) ? COMMAND_NAMES : [];
  });
  ipcMain.handle(IPC.ready, (event) => {
    if (!isTrusted(event.senderFrame?.url)) return null;
    return deps.host()?.snapshot() ?? null;
  });
  ipcMain.on(WINDOW_IPC.toggleMini, (event) => {
    if (isTrusted(event.senderFrame?.url)) deps.toggleMini();
  });
  ipcMain.handle(WINDOW_IPC.choosePaths, async (event, kind) => {
    const options = pickerOptions(kind);
    if (!isTrusted(event.senderFrame?.url) || !options) return [];
    const r = await deps.showOpenDialog(event.sender, options);
    return r.canceled ? [] : r.filePaths;
  });
}
