/**
 * The panel's one-second clock, aligned to the host's whole seconds so every readout turns over
 * together. Only the small components that show a time select `now`; the panel itself does not
 * re-render every second.
 */
import type { StateCreator } from 'zustand';
import type { Store } from './index';

export interface ClockSlice {
  /** Host time (ms) at the last tick. */
  now: number;
  setNow(now: number): void;
}

export const createClockSlice: StateCreator<Store, [], [], ClockSlice> = (set) => ({
  now: Date.now(),
  setNow: (now) => set({ now }),
});
