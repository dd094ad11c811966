/** This machine's choices and its support log (see `machine/contract.ts`). */
import { arch, platform, release } from 'node:os';
import { join } from 'node:path';
import type { SupportLog } from '../../services/log';
import { writePrivateFile } from '../../services/private-file';
import type { Settings } from '../../services/settings';
import type { Handlers } from '../command';
import { Refusal } from '../refusal';
import type { MachineSnapshot, machineCommands } from './contract';

export interface MachineContext {
  settings: Settings;
  dataDir: string;
  /** The support log, when the shell keeps one. */
  supportLog: SupportLog | null;
  now(): number;
}

export function machineSnapshot(settings: Settings): MachineSnapshot {
  return { keepAwake: settings.get('powerSaveBlocker') };
}

/** The support log's first lines: which Stillroom on which system (no user or machine names). */
function about(at: number): string {
  const shell = process.versions.electron ? `desktop app (Electron ${process.versions.electron})` : 'browser host';
  return [
    `Stillroom support log, saved ${new Date(at).toISOString()}`,
    `${shell}; Node ${process.versions.node}; ${platform()} ${release()} ${arch()}`,
    'It holds what Stillroom said about itself; no notes, names, intentions or vitals.',
    '',
    '',
  ].join('\n');
}

export function machineHandlers(ctx: MachineContext): Handlers<typeof machineCommands> {
  return {
    setKeepAwake: (a) => {
      ctx.settings.set('powerSaveBlocker', a.choice);
      return undefined;
    },
    saveSupportLog: async () => {
      if (!ctx.supportLog) throw new Refusal('This Stillroom keeps no support log (it was started without one).');
      const at = ctx.now();
      const text = about(at) + (await ctx.supportLog.read());
      const name = `stillroom-support-${new Date(at).toISOString().slice(0, 16).replace(/[:T]/g, '-')}.log`;
      let path: string;
      try {
        path = writePrivateFile(join(ctx.dataDir, 'exports'), name, text);
      } catch (err) {
        throw new Refusal((err as Error).message);
      }
      return { file: { name, path, mediaType: 'text/plain', encoding: 'utf8', data: text } };
    },
  };
}
