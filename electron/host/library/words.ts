/** The library's outcomes in words, for the status line under the folders and for refusals. */
import { readdir, stat } from 'node:fs/promises';
import type { ScanSummary } from '../../services/library/library';

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** A scan's outcome in words, for the status line under the folders. */
export function describeScan(s: ScanSummary): string {
  if (s.aborted) return 'The scan was stopped before it finished; Rescan completes it.';
  const parts = [`${plural(s.added, 'track')} added`];
  if (s.updated) parts.push(`${s.updated.toLocaleString('en')} changed`);
  if (s.missing) parts.push(`${s.missing.toLocaleString('en')} now missing`);
  if (s.unreadable) parts.push(`${plural(s.unreadable, 'file')} not readable as audio`);
  if (s.unchanged) parts.push(`${s.unchanged.toLocaleString('en')} unchanged`);
  return `Scan finished: ${parts.join(', ')}.`;
}

/** Two scans' outcomes as one (counts added up). */
export function mergeScans(a: ScanSummary | null, b: ScanSummary): ScanSummary {
  if (!a) return b;
  return {
    added: a.added + b.added,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    missing: a.missing + b.missing,
    unreadable: a.unreadable + b.unreadable,
    offlineFolders: [...a.offlineFolders, ...b.offlineFolders],
    aborted: a.aborted || b.aborted,
    durationMs: a.durationMs + b.durationMs,
  };
}

/** Why a folder can't be added, as a sentence; null when it can be read. */
export async function folderProblem(path: string): Promise<string | null> {
  try {
    const st = await stat(path);
    if (!st.isDirectory()) return `${path} is a file, not a folder. Give the folder that holds the music.`;
    await readdir(path);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return `There is no folder at ${path}. Check the spelling, or whether the drive is connected.`;
    if (code === 'EACCES' || code === 'EPERM') return `The folder ${path} could not be read: permission denied.`;
    return `The folder ${path} could not be read (${code ?? (err as Error).message}).`;
  }
}
