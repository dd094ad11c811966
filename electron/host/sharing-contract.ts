/**
 * The presets and sharing part of the host contract: command schemas, what each command
 * answers, and the `sharing` part of the snapshot. Spread into contract.ts.
 */
import { z } from 'zod';
import type { SHARING_COMMANDS } from './sharing-commands';

type SharingCommand = (typeof SHARING_COMMANDS)[number];

export const sharingCommandSchemas = {
  /** Writes a preset as a shareable `.stillroom.json` (tracks by metadata, never local paths). */
  exportPreset: z.object({ presetId: z.string().min(1).max(64) }).strict(),
} as const satisfies Record<SharingCommand, z.ZodType>;

/** What a sharing command answers besides ok (by command name). */
export interface SharingReplies {
  exportPreset: undefined;
}

export interface SharingSnapshot {
  clinicFolder: string | null;
}
