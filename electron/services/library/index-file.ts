/**
 * The library index on disk (`<data>/library.json`): the folders and files the therapist added
 * and what was read from each file. Written atomically; read back through a schema, and a
 * damaged file is set aside (not deleted) so the library starts empty instead of failing.
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic';

export const LIBRARY_FORMAT = 'stillroom.library/1';
export const LIBRARY_FILE = 'library.json';
const MAX_INDEX_BYTES = 256 * 1024 * 1024;

export const LibraryTrackSchema = z.object({
  id: z.string().min(1).max(64),
  path: z.string().min(1).max(4096),
  size: z.number().nonnegative(),
  mtimeMs: z.number(),
  title: z.string().max(400),
  titleFromFileName: z.boolean(),
  artist: z.string().max(400),
  album: z.string().max(400),
  durationS: z.number().positive().nullable(),
  isrc: z.string().max(20).nullable(),
  musicbrainzId: z.string().max(40).nullable(),
  replayGainDb: z.number().nullable(),
  container: z.string().max(60),
  /** Why the file could not be read (it stays listed, so the therapist sees it). */
  problem: z.string().max(500).nullable(),
  /** The file was there before and is gone now (moved, deleted, drive not connected). */
  missing: z.boolean(),
});
/** One audio file the library knows about. */
export type LibraryTrack = z.infer<typeof LibraryTrackSchema>;

export const LibraryFileSchema = z.object({
  format: z.literal(LIBRARY_FORMAT),
  folders: z.array(z.string().min(1).max(4096)),
  files: z.array(z.string().min(1).max(4096)),
  tracks: z.array(LibraryTrackSchema),
});
export type LibraryFile = z.infer<typeof LibraryFileSchema>;

export function emptyLibraryFile(): LibraryFile {
  return { format: LIBRARY_FORMAT, folders: [], files: [], tracks: [] };
}

/** Loads the index; a missing file is an empty library, a damaged one is set aside and reported. */
export async function loadLibraryFile(dataDir: string): Promise<{ file: LibraryFile; problem: string | null }> {
  const path = join(dataDir, LIBRARY_FILE);
  let text: string;
  try {
    const st = await stat(path);
    if (st.size > MAX_INDEX_BYTES) throw new Error(`larger than ${MAX_INDEX_BYTES / 1024 / 1024} MiB`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file: emptyLibraryFile(), problem: null };
    return { file: emptyLibraryFile(), problem: `${path}: could not be read (${(err as Error).message}); starting an empty library` };
  }
  let problem: string;
  try {
    const parsed = LibraryFileSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { file: parsed.data, problem: null };
    const issue = parsed.error.issues[0];
    problem = `${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`;
  } catch (err) {
    problem = `not valid JSON (${(err as Error).message})`;
  }
  const aside = `${path}.damaged-${Date.now()}`;
  await rename(path, aside).catch(() => undefined);
  return {
    file: emptyLibraryFile(),
    problem: `${path}: ${problem}; kept as ${aside} and started an empty library (add the folders again)`,
  };
}

export async function saveLibraryFile(dataDir: string, file: LibraryFile): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFileAtomic(join(dataDir, LIBRARY_FILE), JSON.stringify(file));
}
