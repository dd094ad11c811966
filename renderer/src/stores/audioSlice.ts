/** What the audio engine reports for the "Music" indicator. Visual only; never persisted. */
import type { StateCreator } from 'zustand';
import type { MeterReading } from '../audio/types';
import type { Store } from './index';

export interface AudioSlice {
  meter: MeterReading;
  setMeter(m: MeterReading): void;
}

export const SILENT_METER: MeterReading = { rmsDb: -120, flowing: false, ctxState: 'none', blocked: false, problem: null };

export const createAudioSlice: StateCreator<Store, [], [], AudioSlice> = (set, get) => ({
  meter: SILENT_METER,
  setMeter: (m) => {
    const cur = get().meter;
    if (
      cur.rmsDb === m.rmsDb &&
      cur.flowing === m.flowing &&
      cur.ctxState === m.ctxState &&
      cur.blocked === m.blocked &&
      cur.problem === m.problem
    ) {
      return;
    }
    set({ meter: m });
  },
});
