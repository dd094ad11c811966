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

/**
 * Runs `rounds` kill rounds one after another on one data folder, checking after each. The
 * round number is part of every note id, so lanes running side by side never collide.
 */
async function lane(mode: 'journal' | 'host', first: number, rounds: number, dataDir: string, keyFile: string, extra: string[], t: Tally) {
  const rand = seeded(SEED + first);
  const vault = Vault.open(keyFile);
  const acked = new Set<string>();
  let startup = mode === 'host' ? 400 : 100;
  for (let n = first; n < first + rounds; n++) {
    const r = await crashRound(child, [mode, dataDir, keyFile, String(n), ...extra], rand, startup);
    t.rounds++;
    if (r.readyMs === null) t.killedBeforeReady++;
    else {
      t.readyMs.push(r.readyMs);
      t.ownMs.push(r.ownMs ?? Number.NaN);
      startup = median(t.readyMs);
    }
    for (const id of r.acked) acked.add(id);
    t.acked += r.acked.length;
    check(dataDir, vault, acked, mode === 'host' ? 'text' : 'id', t);
    if (t.lost.length > 0 || t.damage.length > 0) return;
  }
}

const tally = (): Tally => ({ rounds: 0, killedBeforeReady: 0, acked: 0, lost: [], damage: [], readyMs: [], ownMs: [] });

describe('SIGKILL at random moments loses no acknowledged note', () => {
  it(`through the journal: ${JOURNAL_ROUNDS} rounds`, async () => {
    // Two lanes (two data folders) side by side: the machine has two cores, and a round spends
    // much of its time waiting for Node to start and for fsync.
    const t = tally();
    const half = Math.ceil(JOURNAL_ROUNDS / 2);
    await Promise.all(
      [0, 1].map((l) =>
        lane(
          'journal',
          l * half,
          Math.min(half, JOURNAL_ROUNDS - l * half),
          join(root, `journal-data-${l}`),
          join(root, `journal-${l}.key`),
          [],
          t,
        ),
      ),
    );
    console.info(summary('journal', t));
    expect(t.lost).toEqual([]);
    expect(t.damage).toEqual([]);
    expect(t.rounds).toBe(JOURNAL_ROUNDS);
    expect(t.acked).toBeGreaterThan(JOURNAL_ROUNDS); // the rounds really were writing when killed
  }, 900_000);

  it(`through the host: ${HOST_ROUNDS} rounds`, async () => {
    const appRoot = join(root, 'app');
    mkdirSync(join(appRoot, 'playlists'), { recursive: true });
    mkdirSync(join(appRoot, 'assets', 'a'), { recursive: true });
    writeToneWav(join(appRoot, 'assets', 'a', 'one.wav'), 4, 330);
    writeFileSync(join(appRoot, 'playlists', 'test.stillroom.json'), JSON.stringify(twoPhasePreset()));
    const t = tally();
    await lane('host', 10_000, HOST_ROUNDS, join(root, 'host-data'), join(root, 'host.key'), [appRoot], t);
    console.info(summary('host', t));
    expect(t.lost).toEqual([]);
    expect(t.damage).toEqual([]);
    expect(t.rounds).toBe(HOST_ROUNDS);
    expect(t.acked).toBeGreaterThan(0);
  }, 900_000);
});
