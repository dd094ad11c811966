import type { StillroomApi } from '@host/contract';
import type { AudioDebug } from './audio/debug';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in the browser host, where the WebSocket bridge is used. */
    stillroom?: StillroomApi;
    /** Read-only view of the audio engine for tests and diagnosis. */
    __stillroomAudio?: AudioDebug;
  }
}
