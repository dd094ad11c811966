/**
 * Crash rounds: a child process appends notes through the real journal (and, in fewer rounds,
 * through the real host) and is SIGKILLed at a random moment — mid-write, mid-fsync, during
 * its own start while it replays and cuts a torn line. After every round the journal must hold
 * every note the child acknowledged, with no line missing, altered, repeated or out of order.
 *
 * Rounds: STILLROOM_CRASH_ROUNDS (default 200) through the journal and STILLROOM_HOST_CRASH_ROUNDS
 * (default 10) through the host. Seeded (STILLROOM_CRASH_SEED) so a failure can be replayed.
 * Restart-to-ready times (spawn → journal replayed and open) are printed, never asserted:
 * figures belong to the bench.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listJournals, readJournal } from '../../../electron/services/journal';
import { Vault } from '../../../electron/services/vault';
import { writeToneWav } from '../../fixtures/audio';
import { twoPhasePreset } from '../../fixtures/host-preset';
import { buildChild, crashRound, median, seeded } from './harness';

const JOURNAL_ROUNDS = Number(process.env.STILLROOM_CRASH_ROUNDS ?? 200);
const HOST_ROUNDS = Number(process.env.STILLROOM_HOST_CRASH_ROUNDS ?? 10);
const SEED = Number(process.env.STILLROOM_CRASH_SEED ?? 20261122);

let child: string;
let root: string;
beforeAll(async () => {
  child = await buildChild();
  root = mkdtempSync(join(tmpdir(), 'stillroom-crash-'));
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Tally {
  rounds: number;
  killedBeforeReady: number;
  acked: number;
  lost: string[];
  damage: string[];
  readyMs: number[];
  ownMs: number[];
}

/** Every acknowledged note is in the journal, and the journal is whole (a torn last line aside). */
function check(dataDir: string, vault: Vault, acked: ReadonlySet<string>, idOf: 'id' | 'text', tally: Tally): void {
  const file = listJournals(join(dataDir, 'sessions')).at(-1);
  if (!file) {
    if (acked.size > 0) tally.lost.push(...acked);
    return;
  }
  const read = readJournal(file, vault);
  const present = new Set(read.events.flatMap((e) => (e.type === 'NoteAdded' ? [e[idOf]] : [])));
  for (const id of acked) if (!present.has(id)) tally.lost.push(id);
  const { altered, missing, duplicated, outOfOrder, wrongKey } = read.integrity;
  if (altered.length + missing.length + duplicated.length + outOfOrder.length > 0 || wrongKey)
    tally.damage.push(JSON.stringify(read.integrity));
}

function summary(label: string, t: Tally): string {
  return (
    `crash suite (${label}): ${t.rounds} SIGKILL rounds (${t.killedBeforeReady} during start-up), ` +
    `${t.acked} acknowledged notes, ${t.lost.length} lost, ${t.damage.length} damaged journals; ` +
    `restart-to-ready (spawn to journal open) median ${median(t.readyMs).toFixed(0)} ms, max ${Math.max(...t.readyMs).toFixed(0)} ms ` +
    `(inside the process: median ${median(t.ownMs).toFixed(0)} ms, max ${Math.max(...t.ownMs).toFixed(0)} ms)`
  );
}

describe('SIGKILL at random moments loses no acknowledged note', () => {
  it(`through the journal: ${JOURNAL_ROUNDS} rounds`, async () => {
    const rand = seeded(SEED);
    const dataDir = join(root, 'journal-data');
    const keyFile = join(root, 'journal.key');
    const vault = Vault.open(keyFile);
    const acked = new Set<string>();
    const t: Tally = { rounds: 0, killedBeforeReady: 0, acked: 0, lost: [], damage: [], readyMs: [], ownMs: [] };
    let startup = 100;
    for (let n = 0; n < JOURNAL_ROUNDS; n++) {
      const r = await crashRound(child, ['journal', dataDir, keyFile, String(n)], rand, startup);
      t.rounds++;
      if (r.readyMs === null) t.killedBeforeReady++;
      else {
        t.readyMs.push(r.readyMs);
        t.ownMs.push(r.ownMs ?? Number.NaN);
        startup = median(t.readyMs);
      }
      for (const id of r.acked) acked.add(id);
      t.acked += r.acked.length;
      check(dataDir, vault, acked, 'id', t);
      if (t.lost.length > 0 || t.damage.length > 0) break;
    }
    console.info(summary('journal', t));
    expect(t.lost).toEqual([]);
    expect(t.damage).toEqual([]);
    expect(t.acked).toBeGreaterThan(JOURNAL_ROUNDS); // the rounds really were writing when killed
  }, 600_000);

  it(`through the host: ${HOST_ROUNDS} rounds`, async () => {
    const rand = seeded(SEED + 1);
    const appRoot = join(root, 'app');
    mkdirSync(join(appRoot, 'playlists'), { recursive: true });
    mkdirSync(join(appRoot, 'assets', 'a'), { recursive: true });
    writeToneWav(join(appRoot, 'assets', 'a', 'one.wav'), 4, 330);
    writeFileSync(join(appRoot, 'playlists', 'test.stillroom.json'), JSON.stringify(twoPhasePreset()));
    const dataDir = join(root, 'host-data');
    const keyFile = join(root, 'host.key');
    const vault = Vault.open(keyFile);
    const acked = new Set<string>();
    const t: Tally = { rounds: 0, killedBeforeReady: 0, acked: 0, lost: [], damage: [], readyMs: [], ownMs: [] };
    let startup = 400;
    for (let n = 0; n < HOST_ROUNDS; n++) {
      const r = await crashRound(child, ['host', dataDir, keyFile, String(n), appRoot], rand, startup);
      t.rounds++;
      if (r.readyMs === null) t.killedBeforeReady++;
      else {
        t.readyMs.push(r.readyMs);
        t.ownMs.push(r.ownMs ?? Number.NaN);
        startup = median(t.readyMs);
      }
      for (const id of r.acked) acked.add(id);
      t.acked += r.acked.length;
      check(dataDir, vault, acked, 'text', t);
      if (t.lost.length > 0 || t.damage.length > 0) break;
    }
    console.info(summary('host', t));
    expect(t.lost).toEqual([]);
    expect(t.damage).toEqual([]);
    expect(t.acked).toBeGreaterThan(0);
  }, 600_000);
});
