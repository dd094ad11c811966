/**
 * Mirror of the host: the last snapshot, the link state, and the offset between the host's
 * clock and ours. Nothing here is decided by the renderer.
 */

import type { HostSnapshot } from '@host/contract';
import type { StateCreator } from 'zustand';
import type { ConnectionState } from '../bridge';
import type { Store } from './index';

export interface HostSlice {
  snapshot: HostSnapshot | null;
  /** `hostNow - Date.now()`, in ms. */
  clockOffset: number;
  connection: ConnectionState;
  receiveSnapshot(s: HostSnapshot): void;
  setConnection(c: ConnectionState): void;
}

/** Recent offset samples. A message is only ever late, so the largest recent sample is the best estimate. */
const samples: number[] = [];
const SAMPLE_COUNT = 8;
let lastSampledNow = Number.NaN;

function estimateOffset(sample: number): number {
  const newest = samples.at(-1);
  // A jump of more than a second is a clock change (host or ours), not latency: start over.
  if (newest !== undefined && Math.abs(sample - newest) > 1000) samples.length = 0;
  samples.push(sample);
  if (samples.length > SAMPLE_COUNT) samples.shift();
  return Math.max(...samples);
}

export const createHostSlice: StateCreator<Store, [], [], HostSlice> = (set) => ({
  snapshot: null,
  clockOffset: 0,
  connection: 'connecting',
  receiveSnapshot: (s) => {
    // A lamp-only update carries the previous snapshot's `now`: it says nothing new about the clock.
    if (s.now === lastSampledNow) {
      set({ snapshot: s });
      return;
    }
    lastSampledNow = s.now;
    set({ snapshot: s, clockOffset: estimateOffset(s.now - Date.now()) });
  },
  setConnection: (connection) => set({ connection }),
});
