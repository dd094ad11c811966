/**
 * Picks the shell's bridge once: Electron's preload API when it is there (`window.stillroom`),
 * otherwise the WebSocket client of the browser host on the page's own origin.
 */
import type { StillroomApi } from '../../../electron/host/contract';
import type { Bridge } from './types';
import { createWsBridge } from './wsClient';

export type { Bridge, ConnectionState } from './types';

function electronBridge(api: StillroomApi): Bridge {
  return { api, connection: () => 'open', onConnection: () => () => {}, close: () => {} };
}

let bridge: Bridge | null = null;

/** The one bridge of this page. */
export function getBridge(): Bridge {
  if (!bridge) {
    const preload = window.stillroom;
    bridge = preload ? electronBridge(preload) : createWsBridge(`ws://${location.host}/bridge`);
  }
  return bridge;
}

/** Shorthand for the API (commands, state stream, media URLs). */
export const api = (): StillroomApi => getBridge().api;
