/** The session journal of a test's data folder, read as the host writes it (encrypted with the test's data key). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../electron/services/journal';
import { Vault } from '../../electron/services/vault';
import { keyFileFor } from './launcher';

/** The newest journal file of a data folder ('' when there is none). */
export function journalFile(dataDir: string): string {
  let files: string[];
  try {
    files = readdirSync(join(dataDir, 'sessions'));
  } catch {
    return '';
  }
  const file = files
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .at(-1);
  return file ? join(dataDir, 'sessions', file) : '';
}

export type JournalLine = { type: string; at: number } & Record<string, unknown>;

/** The session's journal events, in order; throws when a line could not be read. */
export function journalEvents(dataDir: string): JournalLine[] {
  const file = journalFile(dataDir);
  if (!file) return [];
  const { events, skipped } = readJournal(file, Vault.open(keyFileFor(dataDir)));
  if (skipped.length > 0) throw new Error(`journal lines skipped: ${skipped.join('; ')}`);
  return events as unknown as JournalLine[];
}
