/**
 * One host per data folder. A second Stillroom on the same folder would interleave two
 * journals' writes, so it refuses with a message instead. A lock left by a process that
 * died is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another Stillroom (process ${pid}) is already using the data folder ${dataDir}. ` +
        'Close it first, or start this one with a different --data-dir.',
    );
    this.name = 'DataDirBusyError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files this process holds (a second host in the same process must refuse too). */
const held = new Set<string>();

/** Takes the data folder's lock; returns a function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'stillroom.lock');
  if (held.has(file)) throw new DataDirBusyError(dataDir, process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      closeSync(fd);
      held.add(file);
      return () => {
        held.delete(file);
        try {
          const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number };
          if (owner.pid === process.pid) rmSync(file, { force: true });
        } catch {
          /* lock already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let pid = 0;
      try {
        pid = Number((JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid) || 0;
      } catch {
        /* unreadable lock: treat as stale */
      }
      if (pid && pid !== process.pid && alive(pid)) throw new DataDirBusyError(dataDir, pid);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock on ${dataDir}`);
}
