/**
 * The host's side of the music library and preset sharing: folders, scanning with progress,
 * search, playlist import, preset export/import with the resolution report, signing, and the
 * clinic folder. Results too large for the snapshot (search hits, reports) come back as the
 * command's reply.
 */
import type { TrackRef } from '../core/preset';
import type { Settings } from '../services/settings';
import type { CommandName, ModuleReply, ParsedArgs } from './contract';
import { LIBRARY_COMMANDS } from './library-commands';
import type { LibrarySnapshot } from './library-contract';

export type LibraryCommand = (typeof LIBRARY_COMMANDS)[number];

export function isLibraryCommand(name: CommandName): name is LibraryCommand {
  return (LIBRARY_COMMANDS as readonly string[]).includes(name);
}

export interface HostLibraryOptions {
  dataDir: string;
  appRoot: string;
  settings: Settings;
  clock: () => number;
  log: (line: string) => void;
  /** Something in the snapshot changed. */
  onChange: () => void;
  /** The user's presets changed on disk (an import or a saved preset): reload the catalog. */
  reloadPresets: () => void;
}

export class HostLibrary {
  constructor(private readonly opts: HostLibraryOptions) {}

  static async open(opts: HostLibraryOptions): Promise<HostLibrary> {
    return new HostLibrary(opts);
  }

  async execute(name: LibraryCommand, args: ParsedArgs<LibraryCommand>): Promise<ModuleReply | undefined> {
    switch (name) {
      case 'searchLibrary': {
        void args;
        void this.opts;
        return { data: { tracks: [], total: 0 } };
      }
    }
  }

  /** The library file for a track referenced by metadata (ISRC/MBID, then title+artist ±3 s, manual fixes), or null. */
  lookup(_ref: TrackRef): string | null {
    return null;
  }

  snapshot(): LibrarySnapshot {
    return { folders: [], trackCount: 0, scanning: null };
  }

  close(): void {}
}
