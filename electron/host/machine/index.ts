/** This machine's choices (see `machine/contract.ts`), kept in the settings store. */
import type { Settings } from '../../services/settings';
import type { Handlers } from '../command';
import type { MachineSnapshot, machineCommands } from './contract';

export function machineSnapshot(settings: Settings): MachineSnapshot {
  return { keepAwake: settings.get('powerSaveBlocker') };
}

export function machineHandlers(settings: Settings): Handlers<typeof machineCommands> {
  return {
    setKeepAwake: (a) => {
      settings.set('powerSaveBlocker', a.choice);
      return undefined;
    },
  };
}
