/**
 * Disk-full rounds: the journal on a disk that fills up at a random byte. Every refusal is in
 * plain words, leaves nothing of the refused note behind, and once space is freed the journal
 * goes on; replay holds exactly the notes that were acknowledged, in order, with nothing
 * damaged. Then the same through the host: the note is refused, the session keeps running.
 *
 * Where this machine lets us mount (root on Linux), the disk is a real 512 KiB tmpfs, filled
 * with a ballast file and given back a random number of bytes each round; elsewhere the rounds
 * run on the journal's write seam with a random byte budget (failing writes, short writes and
 * failing fsyncs), so the suite runs everywhere.
 */
import { closeSync, fstatSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StillroomHost } from '../../../electron/host/host';
import { Journal, type JournalFiles, nodeJournalFiles, readJournal } from '../../../electron/services/journal';
import { confSettings } from '../../../electron/services/settings';
import { Vault } from '../../../electron/services/vault';
import { writeToneWav } from '../../fixtures/audio';
import { twoPhasePreset } from '../../fixtures/host-preset';
import { mountSmallDisk, seeded } from './harness';

const ROUNDS = Number(process.env.STILLROOM_DISKFULL_ROUNDS ?? 40);
const DISK_BYTES = 512 * 1024;
const disk = mountSmallDisk(DISK_BYTES);
afterAll(() => disk?.release());
const where = disk ? `a real ${DISK_BYTES / 1024} KiB tmpfs` : 'the write seam (no mount here)';

/** Fills the disk with a ballast file until it refuses; returns it, to give bytes back by shrinking it. */
function fillUp(dir: string): { giveBack(bytes: number): void; close(): void } {
  const fd = openSync(join(dir, 'ballast'), 'w');
  const block = Buffer.alloc(4096, 0x55);
  for (;;) {
    try {
      if (writeSync(fd, block) < block.length) break;
    } catch {
      break;
    }
  }
  return {
    giveBack: (bytes) => ftruncateSync(fd, Math.max(0, fstatSync(fd).size - bytes)),
    close: () => closeSync(fd),
  };
}

/** The seam stand-in for a disk with `room` bytes left (short writes at the edge, then ENOSPC). */
function budgetDisk(rand: () => number): JournalFiles & { room: number } {
  const d = {
    room: Number.POSITIVE_INFINITY,
    write(fd: number, data: Buffer, offset: number, length: number, position: number): number {
      const take = Math.min(length, d.room, 1 + Math.floor(rand() * length));
      if (take <= 0) throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' });
      const n = nodeJournalFiles.write(fd, data, offset, take, position);
      d.room -= n;
      return n;
    },
    fsync(fd: number): void {
      if (rand() < 0.05) throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
      nodeJournalFiles.fsync(fd);
    },
    truncate(fd: number, length: number): void {
      const before = fstatSync(fd).size;
      nodeJournalFiles.truncate(fd, length);
      d.room += before - length;
    },
  };
  return d;
}

describe(`a full disk loses no acknowledged note (${where})`, () => {
  it(`${ROUNDS} rounds through the journal`, () => {
    const rand = seeded(7);
    const base = disk?.path ?? mkdtempSync(join(tmpdir(), 'stillroom-diskfull-'));
    const dir = join(base, 'sessions');
    mkdirSync(dir, { recursive: true });
    const vault = Vault.ephemeral();
    const seam = disk ? null : budgetDisk(rand);
    const journal = Journal.create(dir, 'full-disk', vault, seam ? { files: seam } : {});
    const ballast = disk ? fillUp(base) : null;
    const acked: string[] = [];
    let refusals = 0;
    let k = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // Give back a random handful of bytes (0–3 pages), then write until the disk refuses.
        const bytes = Math.floor(rand() * 3 * 4096);
        if (ballast) ballast.giveBack(bytes);
        else if (seam) seam.room = bytes;
        for (let tries = 0; tries < 400; tries++) {
          const id = `n${k++}`;
          try {
            journal.append({ type: 'NoteAdded', at: k, id, text: `note ${id} ${'·'.repeat(Math.floor(rand() * 300))}` });
            acked.push(id);
          } catch (err) {
            refusals++;
            expect((err as Error).message).toMatch(
              /^The disk (is full|could not be written \(EIO\)): this note was not saved\. .*The session goes on\.$/,
            );
            break;
          }
        }
      }
    } finally {
      journal.close();
      ballast?.close();
    }
    const read = readJournal(journal.file, vault);
    const got = read.events.flatMap((e) => (e.type === 'NoteAdded' ? [e.id] : []));
    console.info(
      `disk-full suite (${where}): ${ROUNDS} rounds, ${refusals} refusals, ${acked.length} acknowledged notes, ${acked.filter((id) => !got.includes(id)).length} lost`,
    );
    expect(refusals).toBeGreaterThanOrEqual(ROUNDS * 0.9);
    expect(got).toEqual(acked);
    expect(read.skipped).toEqual([]);
    expect(read.integrity).toMatchObject({ altered: [], missing: [], duplicated: [], outOfOrder: [], tornTail: false });
    if (disk) rmSync(join(base, 'ballast'), { force: true });
  }, 120_000);

  it.skipIf(!disk)(
    'through the host: the note is refused in plain words and the session goes on',
    async () => {
      const base = disk?.path as string;
      const appRoot = mkdtempSync(join(tmpdir(), 'stillroom-diskfull-app-'));
      mkdirSync(join(appRoot, 'playlists'), { recursive: true });
      mkdirSync(join(appRoot, 'assets', 'a'), { recursive: true });
      writeToneWav(join(appRoot, 'assets', 'a', 'one.wav'), 4, 330);
      writeFileSync(join(appRoot, 'playlists', 'test.stillroom.json'), JSON.stringify(twoPhasePreset()));
      const dataDir = join(base, 'host-data');
      const keyFile = join(appRoot, 'data.key');
      const open = () =>
        StillroomHost.open({
          dataDir,
          appRoot,
          settings: confSettings(dataDir),
          vault: Vault.open(keyFile),
          log: () => undefined,
          tickMs: 60_000,
        });
      let host = await open();
      let ballast: ReturnType<typeof fillUp> | null = null;
      try {
        expect((await host.dispatch('startSession', { presetId: 'test' })).ok).toBe(true);
        expect((await host.dispatch('addNote', { text: 'before the disk filled' })).ok).toBe(true);
        ballast = fillUp(base);
        // The journal's last page may still have room for a note or two: write until refused.
        const kept = ['before the disk filled'];
        let refused: Awaited<ReturnType<typeof host.dispatch>> = { ok: true };
        for (let i = 0; i < 20 && refused.ok; i++) {
          const text = `while the disk is full ${i} ${'·'.repeat(600)}`;
          refused = await host.dispatch('addNote', { text });
          if (refused.ok) kept.push(text);
        }
        expect(refused).toEqual({
          ok: false,
          error: 'The disk is full: this note was not saved. Free some space on this computer’s disk, then try again. The session goes on.',
        });
        expect(host.snapshot().session?.status).toBe('running');
        ballast.giveBack(64 * 1024);
        expect((await host.dispatch('addNote', { text: 'after space was freed' })).ok).toBe(true);
        host.close();
        host = await open();
        expect(host.snapshot().session?.notes.map((n) => n.text)).toEqual([...kept, 'after space was freed']);
        expect(host.snapshot().notices.join(' ')).not.toMatch(/not intact/);
      } finally {
        ballast?.close();
        host.close();
        rmSync(appRoot, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
