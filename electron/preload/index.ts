/**
 * The preload: exposes exactly the named commands of the contract, the state stream and the
 * media URL helper as `window.stillroom`. Nothing else of Electron reaches the page.
 * Sandboxed, so it imports nothing but `electron` and dependency-free files: the command names
 * come from the main process once, derived there from the host's command declarations.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { CommandResult, HostSnapshot } from '../host/contract';
import { IPC } from '../host/ipc';
import { applyHostMessage, type HostMessage } from '../host/messages';
import { type PickKind, type StillroomWindowApi, WINDOW_IPC } from './window-api';

let last: HostSnapshot | null = null;
const listeners = new Set<(s: HostSnapshot) => void>();
let readyAsked = false;

function deliver(s: HostSnapshot): void {
  last = s;
  for (const l of listeners) l(s);
}

ipcRenderer.on(IPC.state, (_event, m: HostMessage) => {
  const next = applyHostMessage(last, m);
  if (next) deliver(next);
});

const names: unknown = ipcRenderer.sendSync(IPC.commands);
const methods: Record<string, (args: unknown) => Promise<CommandResult>> = {};
for (const name of Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : []) {
  methods[name] = (args: unknown) => ipcRenderer.invoke(IPC.command, name, args ?? {}) as Promise<CommandResult>;
}

contextBridge.exposeInMainWorld('stillroom', {
  ...methods,
  onState(listener: (s: HostSnapshot) => void): () => void {
    listeners.add(listener);
    if (last) listener(last);
    if (!readyAsked) {
      readyAsked = true;
      // Tell main we listen; it answers with the current snapshot (nothing sent earlier is lost).
      void (ipcRenderer.invoke(IPC.ready) as Promise<HostSnapshot>).then(deliver);
    }
    return () => listeners.delete(listener);
  },
  mediaUrl: (trackId: string) => `/media/${encodeURIComponent(trackId)}`,
  shell: 'electron',
});

const windowApi: StillroomWindowApi = {
  toggleMiniPanel: () => ipcRenderer.send(WINDOW_IPC.toggleMini),
  choosePaths: (kind: PickKind) => ipcRenderer.invoke(WINDOW_IPC.choosePaths, kind) as Promise<string[]>,
  pathForFile: (file: File) => {
    try {
      return webUtils.getPathForFile(file);
    } catch {
      return '';
    }
  },
};
contextBridge.exposeInMainWorld('stillroomWindow', windowApi);
