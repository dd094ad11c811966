/** Purely visual state: what the therapist has typed or chosen but not yet sent to the host. */
import type { StateCreator } from 'zustand';
import type { Store } from './index';

export interface UiSlice {
  /** Chosen preset on the start view; null means "the host's default, else the first". */
  selectedPresetId: string | null;
  clientAlias: string;
  intention: string;
  /** An ended session whose summary the therapist has put away ("New session"). */
  dismissedSessionId: string | null;
  selectPreset(id: string): void;
  setClientAlias(v: string): void;
  setIntention(v: string): void;
  dismissSummary(sessionId: string): void;
  clearStartForm(): void;
}

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set) => ({
  selectedPresetId: null,
  clientAlias: '',
  intention: '',
  dismissedSessionId: null,
  selectPreset: (selectedPresetId) => set({ selectedPresetId }),
  setClientAlias: (clientAlias) => set({ clientAlias }),
  setIntention: (intention) => set({ intention }),
  dismissSummary: (dismissedSessionId) => set({ dismissedSessionId }),
  clearStartForm: () => set({ clientAlias: '', intention: '' }),
});
