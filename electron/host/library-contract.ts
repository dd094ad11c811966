/**
 * The library and sharing part of the host contract: command schemas, what each command
 * answers, and the `library` part of the snapshot. Spread into contract.ts.
 */
import { z } from 'zod';
import type { LIBRARY_COMMANDS } from './library-commands';

type LibraryCommand = (typeof LIBRARY_COMMANDS)[number];

export const libraryCommandSchemas = {
  searchLibrary: z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(500).default(50) }).strict(),
} as const satisfies Record<LibraryCommand, z.ZodType>;

export interface LibraryTrackSummary {
  id: string;
  title: string;
  artist: string;
  album: string;
  durationSec: number | null;
}

/** What a library command answers besides ok (by command name). */
export interface LibraryReplies {
  searchLibrary: { tracks: LibraryTrackSummary[]; total: number };
}

/** Small, always-current library facts (never the whole index: that is searched by command). */
export interface LibrarySnapshot {
  folders: string[];
  trackCount: number;
  scanning: { done: number; total: number } | null;
}
