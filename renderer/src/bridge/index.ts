/**
 * Picks the shell's bridge once: Electron's preload API when it is there (`window.stillroom`),
 * otherwise the WebSocket client of the browser host on the page's own origin, with the
 * host's secret taken from the address (`secret.ts`).
 */
import type { StillroomApi } from '@host/contract';
import { bridgeUrl, takeSecret } from './secret';
import type { Bridge } from './types';
import { createWsBridge } from './wsClient';

export type { Bridge, ConnectionState } from './types';

function electronBridge(api: StillroomApi): Bridge {
  return { api, connection: () => 'open', onConnection: () => () => {}, close: () => {} };
}

let bridge: Bridge | null = null;

/** The host's secret for this page (sessionStorage may be refused outright: then it serves this load only). */
function pageSecret(): string {
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  return takeSecret({ location, history, storage });
}

/** The one bridge of this page. */
export function getBridge(): Bridge {
  if (!bridge) {
    const preload = window.stillroom;
    if (preload) bridge = electronBridge(preload);
    else {
      const secret = pageSecret();
      if (!secret)
        console.warn(
          "Stillroom: this page was opened without the host's secret; open the whole address the terminal printed (…/?token=…).",
        );
      bridge = createWsBridge(bridgeUrl(location.host, secret), secret);
    }
  }
  return bridge;
}

/** Shorthand for the API (commands, state stream, media URLs). */
export const api = (): StillroomApi => getBridge().api;
