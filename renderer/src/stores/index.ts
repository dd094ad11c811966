/**
 * The renderer's one store, combined from slices. It mirrors the host and holds visual state
 * only; nothing in it is persisted, so a reload always comes back from the host's truth.
 */
import { create } from 'zustand';
import { type AudioSlice, createAudioSlice } from './audioSlice';
import { type ClockSlice, createClockSlice } from './clockSlice';
import { createHostSlice, type HostSlice } from './hostSlice';
import { createPanelSlice, type PanelSlice } from './panelSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type Store = HostSlice & ClockSlice & UiSlice & AudioSlice & PanelSlice;

export const useStore = create<Store>()((...a) => ({
  ...createHostSlice(...a),
  ...createClockSlice(...a),
  ...createUiSlice(...a),
  ...createAudioSlice(...a),
  ...createPanelSlice(...a),
}));

/** The host's wall clock as best we know it. */
export const hostNow = (): number => Date.now() + useStore.getState().clockOffset;
