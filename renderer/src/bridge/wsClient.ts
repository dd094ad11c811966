/**
 * The browser shell's bridge: a WebSocket client that implements `StillroomApi` from the one
 * contract (`commandMethods`), so it cannot drift from the Electron preload. It reconnects
 * quietly with backoff; the host sends a full snapshot on every connect, so nothing has to be
 * replayed here. Every request answers within 10 s, with a readable error if the host did not.
 */
import {
  applyHostMessage,
  type ClientMessage,
  type CommandName,
  type CommandResult,
  commandMethods,
  type HostSnapshot,
  isSlowCommand,
  type ServerMessage,
  type StillroomApi,
} from '@host/contract';
import type { Bridge, ConnectionState } from './types';

export const REQUEST_TIMEOUT_MS = 10_000;
/**
 * Commands that read or write whole files (declared `slow`) may take longer than a panel press:
 * a bundle with an hour of audio, an import read from a slow network drive, a long report as PDF.
 */
const FILE_WORK_TIMEOUT_MS = 180_000;

/** How long the page waits for the host's answer to `command`. */
export function timeoutFor(command: CommandName): number {
  return isSlowCommand(command) ? FILE_WORK_TIMEOUT_MS : REQUEST_TIMEOUT_MS;
}
/** Reconnect delays; the last one repeats. Short at first: a host restart takes about a second. */
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 5000] as const;

interface Pending {
  command: CommandName;
  payload: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (r: CommandResult) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Checks the outline of a server message; the host is local but a bad frame must not crash the panel. */
function parseServerMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== 'string') return null;
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(msg)) return null;
  if (msg.kind === 'reply' && typeof msg.id === 'number' && isObject(msg.result) && typeof msg.result.ok === 'boolean') {
    return msg as ServerMessage;
  }
  if (msg.kind === 'state' && isObject(msg.snapshot) && typeof msg.snapshot.now === 'number') return msg as ServerMessage;
  if (msg.kind === 'patch' && isObject(msg.patch) && typeof msg.patch.now === 'number') return msg as ServerMessage;
  return null;
}

/** Connects to `url` (e.g. `ws://127.0.0.1:4321/bridge?token=…`) and keeps connecting; `secret` goes on media URLs. */
export function createWsBridge(url: string, secret = ''): Bridge {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let nextId = 1;
  let last: HostSnapshot | null = null;
  let connection: ConnectionState = 'connecting';
  const pending = new Map<number, Pending>();
  const stateListeners = new Set<(s: HostSnapshot) => void>();
  const connectionListeners = new Set<(c: ConnectionState) => void>();

  const setConnection = (c: ConnectionState): void => {
    if (c === connection) return;
    connection = c;
    for (const l of connectionListeners) l(c);
  };

  const publish = (s: HostSnapshot): void => {
    last = s;
    for (const l of stateListeners) {
      try {
        l(s);
      } catch (err) {
        console.error('state listener failed', err);
      }
    }
  };

  const settle = (id: number, result: CommandResult): void => {
    const p = pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(id);
    p.resolve(result);
  };

  const flush = (): void => {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    for (const p of pending.values()) {
      if (p.sent) continue;
      ws.send(p.payload);
      p.sent = true;
    }
  };

  const onMessage = (ev: MessageEvent): void => {
    const msg = parseServerMessage(ev.data);
    if (!msg) {
      console.warn('bridge: ignored a message that is not a Stillroom server message');
      return;
    }
    if (msg.kind === 'reply') {
      settle(msg.id, msg.result);
      return;
    }
    const next = applyHostMessage(last, msg);
    if (next) publish(next);
  };

  const scheduleReconnect = (): void => {
    if (closed || reconnectTimer) return;
    const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 5000;
    attempt++;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  };

  function connect(): void {
    if (closed) return;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch (err) {
      console.warn('bridge: could not open the connection', err);
      setConnection('closed');
      scheduleReconnect();
      return;
    }
    ws = socket;
    socket.addEventListener('open', () => {
      if (ws !== socket) return;
      attempt = 0;
      setConnection('open');
      flush();
    });
    socket.addEventListener('message', onMessage);
    socket.addEventListener('close', () => {
      if (ws !== socket) return;
      ws = null;
      // Requests already sent will never be answered on a new socket: say so now.
      for (const [id, p] of pending) {
        if (p.sent) {
          settle(id, {
            ok: false,
            error: `The connection to Stillroom dropped before it answered (${p.command}); check the panel before trying again.`,
          });
        }
      }
      setConnection('closed');
      scheduleReconnect();
    });
    // 'error' is always followed by 'close', which does the work.
  }

  const send = (command: CommandName, args: unknown): Promise<CommandResult> =>
    new Promise<CommandResult>((resolve) => {
      // A press made while the host is away must not fire later by surprise: refuse it now.
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        resolve({ ok: false, error: 'Not connected to Stillroom right now; nothing was changed. Try again once the panel reconnects.' });
        return;
      }
      const id = nextId++;
      const message: ClientMessage = { id, command, args: args ?? {} };
      const wait = timeoutFor(command);
      const timer = setTimeout(() => {
        settle(id, {
          ok: false,
          error: `Stillroom did not answer within ${wait / 1000} s (${command}); check the panel before trying again.`,
        });
      }, wait);
      pending.set(id, { command, payload: JSON.stringify(message), sent: false, timer, resolve });
      flush();
    });

  const api: StillroomApi = {
    ...commandMethods(send),
    onState(listener) {
      stateListeners.add(listener);
      const current = last;
      if (current) queueMicrotask(() => stateListeners.has(listener) && listener(current));
      return () => {
        stateListeners.delete(listener);
      };
    },
    mediaUrl: (trackId) => `/media/${encodeURIComponent(trackId)}?token=${encodeURIComponent(secret)}`,
    shell: 'browser',
  };

  connect();

  return {
    api,
    connection: () => connection,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      ws?.close();
      for (const id of [...pending.keys()]) settle(id, { ok: false, error: 'The panel closed its connection to Stillroom.' });
    },
  };
}
