/**
 * The host's side of the room's lights: which devices the room has (from settings), their
 * drivers on the lighting director, pairing, naming, test pulse, scene preview and status.
 * Lighting faults never reach the session: every command answers ok or a readable error.
 */
import type { LightingDirector } from '../services/lighting/director';
import type { Settings } from '../services/settings';
import type { Vault } from '../services/vault';
import type { CommandName, ModuleReply, ParsedArgs } from './contract';
import { LIGHT_COMMANDS } from './lights-commands';
import type { LightsSnapshot } from './lights-contract';

export type LightCommand = (typeof LIGHT_COMMANDS)[number];

export function isLightsCommand(name: CommandName): name is LightCommand {
  return (LIGHT_COMMANDS as readonly string[]).includes(name);
}

export interface HostLightsOptions {
  dataDir: string;
  settings: Settings;
  /** Seals device secrets at rest; null only in tests that do not store secrets. */
  vault: Vault | null;
  director: LightingDirector;
  clock: () => number;
  log: (line: string) => void;
  /** Something in the snapshot changed. */
  onChange: () => void;
}

export class HostLights {
  constructor(private readonly opts: HostLightsOptions) {}

  async execute(name: LightCommand, _args: ParsedArgs<LightCommand>): Promise<ModuleReply | undefined> {
    switch (name) {
      case 'refreshLights':
        this.opts.onChange();
        return undefined;
    }
  }

  snapshot(): LightsSnapshot {
    return {
      devices: this.opts.director.status().map((s) => ({
        id: s.id,
        name: s.name,
        protocol: s.protocol ?? 'virtual',
        health: s.health ?? 'unknown',
        lastError: s.lastError,
      })),
    };
  }

  close(): void {}
}
