/**
 * This machine's own choices that are not the panel's look: what the desktop app keeps awake
 * during a session. Publishes only the `machine` part of the snapshot; the support log.
 */
import { z } from 'zod';
import { command } from '../command';

export const KEEP_AWAKE = ['prevent-app-suspension', 'prevent-display-sleep'] as const;

export const machineCommands = {
  /**
   * Desktop app: `prevent-app-suspension` keeps the computer and its timers awake and lets the
   * screen go dark in a dim room (the default); `prevent-display-sleep` keeps the screen lit too.
   */
  setKeepAwake: command(z.object({ choice: z.enum(KEEP_AWAKE) }).strict()),
  /**
   * Saves the support log (what Stillroom said about itself, never notes, names or vitals) to
   * the exports folder and hands it back, for the clinic to send to whoever supports them.
   */
  saveSupportLog: command(z.object({}).strict(), { slow: true }),
};

export interface MachineSnapshot {
  keepAwake: (typeof KEEP_AWAKE)[number];
}
