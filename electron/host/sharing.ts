/**
 * The host's side of presets as files people share: editing a preset's phases and playlists,
 * export (`.stillroom.json` or a bundle), import with validation and a resolution report
 * (with manual fixes), Ed25519 signing and trusted keys, and the clinic's shared folder.
 */
import type { PresetCatalog } from '../services/presets';
import type { Settings } from '../services/settings';
import type { Vault } from '../services/vault';
import type { CommandName, ModuleReply, ParsedArgs } from './contract';
import type { HostLibrary } from './library';
import { SHARING_COMMANDS } from './sharing-commands';
import type { SharingSnapshot } from './sharing-contract';

export type SharingCommand = (typeof SHARING_COMMANDS)[number];

export function isSharingCommand(name: CommandName): name is SharingCommand {
  return (SHARING_COMMANDS as readonly string[]).includes(name);
}

export interface HostSharingOptions {
  dataDir: string;
  appRoot: string;
  settings: Settings;
  /** Seals this machine's clinic signing key at rest; null only in tests. */
  vault: Vault | null;
  library: HostLibrary;
  /** The presets loaded now (bundled, the user's, the clinic folder's). */
  presets: () => PresetCatalog;
  clock: () => number;
  log: (line: string) => void;
  onChange: () => void;
  /** Presets changed on disk: reload the catalog. */
  reloadPresets: () => void;
}

export class HostSharing {
  constructor(private readonly opts: HostSharingOptions) {}

  async execute(name: SharingCommand, _args: ParsedArgs<SharingCommand>): Promise<ModuleReply | undefined> {
    switch (name) {
      case 'exportPreset':
        void this.opts;
        throw new Error('exporting presets is not built yet');
    }
  }

  snapshot(): SharingSnapshot {
    return { clinicFolder: null };
  }

  close(): void {}
}
