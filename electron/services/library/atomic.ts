/**
 * Atomic file writes: a reader (this app after a power cut, or another clinic machine reading a
 * shared folder) sees the old file or the new one, never half of one. The data goes to a temp
 * file in the same folder (same filesystem, so the rename is atomic), is fsynced, then renamed
 * over the target; the folder is fsynced too where the OS allows it.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The temp name starts with "." and ends with ".partial", so folder listings and watchers that
 * look for `*.stillroom.json` or audio extensions never pick it up.
 */
export function tempNameFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
}

/** Whether a file name is one of our in-progress temp files. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.partial');
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Windows cannot open a folder for fsync; the rename is still atomic there.
  }
}

/** Writes `data` to `target` atomically (temp + fsync + rename). */
export async function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const temp = tempNameFor(target);
  const fh = await open(temp, 'wx', mode);
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await fsyncDir(dirname(target));
}

/** Renames a finished file or folder into place and fsyncs the parent folder. */
export async function commitRename(from: string, to: string): Promise<void> {
  await rename(from, to);
  await fsyncDir(dirname(to));
}

/** fsyncs a file that was written by a stream. */
export async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
