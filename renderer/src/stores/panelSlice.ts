/**
 * The panel's own visual state: which view is shown, the overlays (cheat sheet, privacy
 * screen), the end-session confirmation, the plan-editing lock, and the quiet status line for
 * presses (a refusal, or a repeated press that was ignored). Never persisted: a reload comes
 * back to the session view with nothing armed.
 */
import type { StateCreator } from 'zustand';
import type { ViewId } from '../lib/views';
import type { Store } from './index';

export interface PressStatus {
  /** What the line says. */
  text: string;
  kind: 'ignored' | 'refused';
  /** Which control it is about (to mark that control). */
  action: string;
  at: number;
}

export type PanelSheetId = 'vitals' | 'dose';

export interface PanelSlice {
  view: ViewId;
  cheatSheetOpen: boolean;
  privacyOn: boolean;
  /** The Keys mode is open (F4): the next key acts once. Shown on screen while it lasts. */
  keysMode: boolean;
  /**
   * Host time of a Safe state press the host has not confirmed yet (null when none): the page
   * has lowered the music itself and shows safe state on (panel/safeState.ts).
   */
  localSafe: number | null;
  /** Host time "Dose given" was pressed, for the dose sheet (the dose's time is the press, not the confirmation). */
  doseSheetAt: number | null;
  /** The small sheet open on the live panel (vitals, the dose), if any. */
  sheet: PanelSheetId | null;
  /** The end-session confirmation is showing. */
  endArmed: boolean;
  /**
   * While a session runs, editing the plan is locked unless explicitly unlocked. (There is no
   * plan editor yet; whatever edits the plan later checks `planEditable`.)
   */
  planUnlocked: boolean;
  pressStatus: PressStatus | null;
  /** Action ids with a command in flight. */
  pending: string[];
  /** The note being written (kept here so a quick tag can take it along). */
  noteDraft: string;
  notePrivate: boolean;
  setNoteDraft(text: string): void;
  setNotePrivate(on: boolean): void;
  setView(v: ViewId): void;
  setCheatSheet(open: boolean): void;
  setKeysMode(on: boolean): void;
  setSheet(sheet: PanelSheetId | null): void;
  setLocalSafe(pressedAt: number | null): void;
  openDoseSheet(pressedAt: number): void;
  setPrivacy(on: boolean): void;
  setEndArmed(armed: boolean): void;
  setPlanUnlocked(unlocked: boolean): void;
  setPressStatus(s: PressStatus | null): void;
  setPending(action: string, busy: boolean): void;
}

export const createPanelSlice: StateCreator<Store, [], [], PanelSlice> = (set) => ({
  view: 'session',
  cheatSheetOpen: false,
  privacyOn: false,
  keysMode: false,
  sheet: null,
  localSafe: null,
  doseSheetAt: null,
  endArmed: false,
  planUnlocked: false,
  pressStatus: null,
  pending: [],
  noteDraft: '',
  notePrivate: false,
  setNoteDraft: (noteDraft) => set({ noteDraft }),
  setNotePrivate: (notePrivate) => set({ notePrivate }),
  setView: (view) => set({ view }),
  setCheatSheet: (cheatSheetOpen) => set({ cheatSheetOpen }),
  setKeysMode: (keysMode) => set({ keysMode }),
  setSheet: (sheet) => set({ sheet }),
  setLocalSafe: (localSafe) => set({ localSafe }),
  openDoseSheet: (doseSheetAt) => set({ sheet: 'dose', doseSheetAt }),
  setPrivacy: (privacyOn) => set({ privacyOn }),
  setEndArmed: (endArmed) => set({ endArmed }),
  setPlanUnlocked: (planUnlocked) => set({ planUnlocked }),
  setPressStatus: (pressStatus) => set({ pressStatus }),
  setPending: (action, busy) =>
    set((s) => ({ pending: busy ? [...s.pending.filter((a) => a !== action), action] : s.pending.filter((a) => a !== action) })),
});

/** True when the plan may be edited: no session running, or the therapist unlocked it. */
export function planEditable(s: Pick<Store, 'snapshot' | 'planUnlocked'>): boolean {
  return s.snapshot?.session?.status !== 'running' || s.planUnlocked;
}
