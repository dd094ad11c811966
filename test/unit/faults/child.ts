/**
 * The process the crash suite kills. It appends notes as fast as it can, through the real
 * journal (`journal` mode) or the real host (`host` mode: StillroomHost.open, resume,
 * dispatch('addNote')), and prints one line per acknowledged note on stdout — stdout to a
 * pipe is synchronous on Linux, so a line printed is a line the parent sees even if the
 * process dies right after. Lines: `ready <ms since the process began>`, then `ack <id>` for each note the journal or host
 * confirmed.
 *
 * Usage: node child.js <journal|host> <dataDir> <keyFile> <round> [appRoot]
 */
import { join } from 'node:path';
import { Journal, listJournals, readJournal } from '../../../electron/services/journal';
import { Vault } from '../../../electron/services/vault';

const [mode, dataDir, keyFile, round, appRoot] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function journalMode(): void {
  const vault = Vault.open(keyFile);
  const dir = join(dataDir, 'sessions');
  const file = listJournals(dir).at(-1);
  let journal: Journal;
  if (file) {
    const { events } = readJournal(file, vault);
    journal = Journal.reopen(file, events.at(-1)?.seq ?? -1, vault);
  } else {
    journal = Journal.create(dir, 'crash-session', vault);
  }
  say(`ready ${performance.now().toFixed(1)}`);
  for (let k = 0; ; k++) {
    const id = `r${round}-${k}`;
    journal.append({ type: 'NoteAdded', at: Date.now(), id, text: `note ${id}` });
    say(`ack ${id}`);
  }
}

async function hostMode(): Promise<void> {
  // Loaded here, not above: the journal rounds start without the host's modules (most of a start).
  const [{ StillroomHost }, { confSettings }] = await Promise.all([
    import('../../../electron/host/host'),
    import('../../../electron/services/settings'),
  ]);
  const host = await StillroomHost.open({
    dataDir,
    appRoot: appRoot as string,
    settings: confSettings(dataDir),
    vault: Vault.open(keyFile),
    log: () => undefined,
    tickMs: 60_000,
  });
  if (host.snapshot().session?.status !== 'running') {
    const started = await host.dispatch('startSession', { presetId: 'test' });
    if (!started.ok) throw new Error(started.error);
  }
  say(`ready ${performance.now().toFixed(1)}`);
  for (let k = 0; ; k++) {
    // The host names notes itself; the text carries the round and number the parent checks.
    const text = `r${round}-${k}`;
    const r = await host.dispatch('addNote', { text });
    if (!r.ok) throw new Error(r.error);
    say(`ack ${text}`);
  }
}

if (mode === 'journal') journalMode();
else
  void hostMode().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
