/**
 * The therapist's hand fixes ("this reference is that file"), remembered per machine in
 * `<data>/track-fixes.json` so a re-imported or updated preset resolves the same way.
 * Keys come from other clinics' presets, so they are stored as pairs, never as object keys.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ManualFixes } from '../../core/matching';
import { writeFileAtomic } from './atomic';

const FIXES_FILE = 'track-fixes.json';
const FixesSchema = z.object({
  format: z.literal('stillroom.track-fixes/1'),
  fixes: z.array(z.tuple([z.string().max(2000), z.string().max(64)])).max(100_000),
});

/** Loads the fixes; a missing or damaged file means no fixes (they can be made again). */
export async function loadManualFixes(dataDir: string): Promise<Map<string, string>> {
  try {
    const parsed = FixesSchema.safeParse(JSON.parse(await readFile(join(dataDir, FIXES_FILE), 'utf8')));
    return parsed.success ? new Map(parsed.data.fixes) : new Map();
  } catch {
    return new Map();
  }
}

export async function saveManualFixes(dataDir: string, fixes: ManualFixes): Promise<void> {
  await writeFileAtomic(join(dataDir, FIXES_FILE), JSON.stringify({ format: 'stillroom.track-fixes/1', fixes: [...fixes] }));
}
