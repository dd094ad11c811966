/**
 * Bundle imports that were never finished must not pile up (each can be gigabytes of audio).
 *
 * An inspected bundle is unpacked into `<data>/bundles/<id>/` at once (the resolution report
 * points at its files) and carries a mark, `.import-pending`, until the therapist completes the
 * import (`keepBundle` removes it). Whatever still carries the mark when the host starts or
 * closes was abandoned — the pending imports live only in the host's memory — and goes, with
 * half-unpacked `.incoming-*` folders and `imports/.upload-*.zip` copies of dropped bundles.
 * Bundle folders without the mark (completed imports, and those from before the mark) are kept.
 *
 * Synchronous on purpose: it runs while the host opens and in its `close()`, which the shells
 * call right before the process exits — an asynchronous removal would be cut off half-way.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncFolder } from '../durable';

export const PENDING_MARK = '.import-pending';

/** Marks a freshly unpacked bundle folder as not yet imported (before it is moved into place). */
export function markPending(folder: string): void {
  writeFileSync(join(folder, PENDING_MARK), 'This bundle was inspected but not imported; Stillroom removes it at the next start.\n', {
    flag: 'wx',
  });
}

/** The therapist completed the import: the bundle folder stays from now on. */
export function keepBundle(folder: string): void {
  rmSync(join(folder, PENDING_MARK), { force: true });
  fsyncFolder(folder);
}

/** Removes abandoned bundle imports under `dataDir`; returns what it removed (for the log). */
export function cleanAbandonedImports(dataDir: string): string[] {
  const removed: string[] = [];
  const remove = (path: string): void => {
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      /* in use (Windows) or no permission: tried again next time */
    }
  };
  const bundles = join(dataDir, 'bundles');
  for (const name of safeList(bundles)) {
    const path = join(bundles, name);
    if (name.startsWith('.incoming-') || existsSync(join(path, PENDING_MARK))) remove(path);
  }
  const uploads = join(dataDir, 'imports');
  for (const name of safeList(uploads)) if (name.startsWith('.upload-') && name.endsWith('.zip')) remove(join(uploads, name));
  return removed;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
