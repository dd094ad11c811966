/**
 * Writes a file the therapist asked for (a report, a support log) readable by this user only:
 * 0600 in a 0700 folder, through a temporary file renamed into place, so a full or refusing
 * disk never leaves half a file. A failure comes back as an Error whose message a person can
 * act on ("the disk is full"); nothing already saved is touched.
 */
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Why a write failed, in words. */
export function writeProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EACCES':
    case 'EPERM':
      return 'Stillroom is not allowed to write there';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file is in the way of the folder';
    case 'EIO':
      return 'the disk reported an input/output error';
    default:
      return code ? `${code}: ${(err as Error).message}` : (err as Error).message;
  }
}

/** Writes `bytes` to `dir/name` (0600; `dir` made 0700); returns the path. */
export function writePrivateFile(dir: string, name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    writeFileSync(tmp, bytes, { mode: 0o600 });
    renameSync(tmp, path);
    return path;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`${name} was not saved: ${writeProblem(err)}. Nothing else was changed.`);
  }
}
