/**
 * Durable writes, one way for the whole host: every byte of a buffer goes down (a short write
 * carries on where it stopped; a write that takes nothing is an I/O error, never a spin), the
 * file is fsynced, and a new or renamed entry is made durable by fsyncing its folder. The
 * journal appends through `writeAll` (with its own write seam, so a test can fail the disk at
 * any byte); the data key and its id are replaced whole through `writeDurably`.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** A positional write as node:fs does it: returns how many bytes went down (possibly fewer). */
export type WriteAt = (fd: number, data: Buffer, offset: number, length: number, position: number) => number;

const nodeWrite: WriteAt = (fd, data, offset, length, position) => writeSync(fd, data, offset, length, position);

/**
 * Writes all of `data` to `fd` from byte `position` on. Throws like node:fs does; a write that
 * accepts no bytes throws an `EIO` error.
 */
export function writeAll(fd: number, data: Buffer, position = 0, write: WriteAt = nodeWrite): void {
  let done = 0;
  while (done < data.length) {
    const n = write(fd, data, done, data.length - done, position + done);
    if (!(n > 0)) throw Object.assign(new Error('the disk accepted no bytes'), { code: 'EIO' });
    done += n;
  }
}

/** fsyncs a folder so a new or renamed entry in it survives a power cut (not possible on Windows). */
export function fsyncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* Windows cannot open a folder for this; its file system keeps the entry with the file's own flush */
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Writes a file all at once or not at all: temp file, every byte, fsync, rename, fsync the folder. */
export function writeDurably(file: string, data: Buffer, mode: number): void {
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeAll(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* closed already */
    }
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncFolder(dirname(file));
}
