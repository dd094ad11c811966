/**
 * Writes a file the therapist asked for (a report, a support log) readable by this user only:
 * 0600 in a 0700 folder, through a temporary file renamed into place, so a full or refusing
 * disk never leaves half a file. A failure comes back as an Error whose message a person can
 * act on ("the disk is full"); nothing already saved is touched.
 */
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Makes `dir` (and its parents) with mode 0700, and narrows an existing one to 0700. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * Writes `bytes` to `dir/name` (0600; `dir` made 0700); returns the path. A failure throws an
 * Error worded by `failure` from the problem ("the disk is full"); by default "<name> was not
 * saved: <problem>. Nothing else was changed."
 */
export function writePrivateFile(
  dir: string,
  name: string,
  bytes: Uint8Array | string,
  failure: (problem: string) => string = (problem) => `${name} was not saved: ${problem}. Nothing else was changed.`,
): string {
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    privateDir(dir);
    writeFileSync(tmp, bytes, { mode: 0o600 });
    renameSync(tmp, path);
    return path;
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* nothing was written */
    }
    throw new Error(failure(writeProblem(err)));
  }
}
