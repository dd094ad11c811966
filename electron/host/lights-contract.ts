/**
 * The lights part of the host contract: command schemas, what each command answers, and the
 * `lights` part of the snapshot. Spread into contract.ts.
 */
import { z } from 'zod';
import type { LIGHT_COMMANDS } from './lights-commands';

type LightCommand = (typeof LIGHT_COMMANDS)[number];

export const lightsCommandSchemas = {
  /** Re-reads every device's state. */
  refreshLights: z.object({}).strict(),
} as const satisfies Record<LightCommand, z.ZodType>;

/** What a lights command answers besides ok (by command name). */
export interface LightsReplies {
  refreshLights: undefined;
}

/** The room's devices and their state, for the Lights view and the panel's quiet status. */
export interface LightsSnapshot {
  devices: Array<{ id: string; name: string; protocol: string; health: 'online' | 'offline' | 'unknown'; lastError: string | null }>;
}
