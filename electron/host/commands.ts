import { LIBRARY_COMMANDS } from './library-commands';
import { LIGHT_COMMANDS } from './lights-commands';
import { SHARING_COMMANDS } from './sharing-commands';

/**
 * Command names and IPC channels, free of any dependency so the sandboxed preload can
 * import them. `contract.ts` checks that its schema map has exactly these names.
 */
export const COMMAND_NAMES = [
  'startSession',
  'recordDose',
  'advancePhase',
  'extendPhase',
  'holdPhase',
  'resumePhase',
  'setSafeState',
  'skipTrack',
  'reportTrackFailed',
  'endSession',
  'addNote',
  'editNote',
  'deleteNote',
  'recordRepeatDose',
  'correctDose',
  'recordVitals',
  'recordRating',
  'recordAdverseEvent',
  'recordDischarge',
  'addReminder',
  'completeReminder',
  'snoozeReminder',
  'setMusicLevel',
  'setDuck',
  'setPanelPrefs',
  'exportReport',
  // music playback (electron/host/audio.ts)
  'setMute',
  'setOutputDevice',
  'checkPreset',
  // the room's lights (electron/host/lights.ts)
  ...LIGHT_COMMANDS,
  // library and sharing (electron/host/library.ts)
  ...LIBRARY_COMMANDS,
  // presets: editing, sharing, signing, clinic folder (electron/host/sharing.ts)
  ...SHARING_COMMANDS,
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/** Electron IPC channel names (preload ↔ main). */
export const IPC = { command: 'stillroom:command', state: 'stillroom:state', ready: 'stillroom:ready' } as const;
