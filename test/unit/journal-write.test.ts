/**
 * The journal never acknowledges what it did not write: a disk that takes a line in pieces gets
 * every piece; a disk that fails part-way (full, read-only, failing fsync) gets the line cut
 * back off, a refusal a therapist can read, and the journal goes on once the disk recovers.
 * Failures are injected through the journal's file seam (`JournalFiles`); the real full disk is
 * in test/unit/faults/.
 */
import { fstatSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, type JournalFiles, JournalWriteError, nodeJournalFiles, readJournal } from '../../electron/services/journal';
import { Vault } from '../../electron/services/vault';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-jwrite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: injected`), { code });

/** A disk with `room` bytes left before it is full; bytes beyond are refused like ENOSPC (after a short write). */
class FlakyDisk implements JournalFiles {
  room = Number.POSITIVE_INFINITY;
  /** Largest piece one write call takes (a disk that writes in pieces). */
  chunk = Number.POSITIVE_INFINITY;
  failFsync: string | null = null;
  failTruncate = 0;
  writes = 0;
  write(fd: number, data: Buffer, offset: number, length: number, position: number): number {
    this.writes++;
    const take = Math.min(length, this.chunk, this.room);
    if (take <= 0) throw errno('ENOSPC');
    const n = nodeJournalFiles.write(fd, data, offset, take, position);
    this.room -= n;
    return n;
  }
  fsync(fd: number): void {
    if (this.failFsync) throw errno(this.failFsync);
    nodeJournalFiles.fsync(fd);
  }
  truncate(fd: number, length: number): void {
    if (this.failTruncate > 0) {
      this.failTruncate--;
      throw errno('EIO');
    }
    const before = fstatSync(fd).size;
    nodeJournalFiles.truncate(fd, length);
    this.room += Math.max(0, before - length);
  }
}

const note = (i: number) => ({ type: 'NoteAdded' as const, at: i, id: `n${i}`, text: `note ${i} ${'x'.repeat(40)}` });

describe('journal writes', () => {
  for (const vault of [null, Vault.ephemeral()]) {
    const label = vault ? 'sealed' : 'plain';

    it(`${label}: a disk that takes each line in small pieces gets every byte`, () => {
      const disk = new FlakyDisk();
      disk.chunk = 7;
      const j = Journal.create(dir, 's', vault, { files: disk });
      for (let i = 0; i < 5; i++) j.append(note(i));
      j.close();
      expect(disk.writes).toBeGreaterThan(5 * 10);
      const read = readJournal(j.file, vault);
      expect(read.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(read.skipped).toEqual([]);
    });

    it(`${label}: a full disk refuses the note in plain words, leaves no trace, and the journal goes on`, () => {
      const disk = new FlakyDisk();
      const j = Journal.create(dir, 's', vault, { files: disk });
      j.append(note(0));
      const size = statSync(j.file).size;
      disk.room = 30; // part of the next line fits, the rest does not
      let refused: unknown;
      try {
        j.append(note(1));
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(JournalWriteError);
      expect((refused as Error).message).toBe(
        'The disk is full: this note was not saved. Free some space on this computer’s disk, then try again. The session goes on.',
      );
      expect(statSync(j.file).size).toBe(size);
      disk.room = Number.POSITIVE_INFINITY;
      const next = j.append(note(2));
      expect(next.seq).toBe(1); // the refused note took no number
      j.close();
      const read = readJournal(j.file, vault);
      expect(read.events.map((e) => (e.type === 'NoteAdded' ? e.id : ''))).toEqual(['n0', 'n2']);
      expect(read.skipped).toEqual([]);
      expect(read.integrity.intact).toBe(2);
    });
  }

  it('a failed fsync refuses the event and cuts its line back off', () => {
    const disk = new FlakyDisk();
    const j = Journal.create(dir, 's', null, { files: disk });
    j.append(note(0));
    disk.failFsync = 'EIO';
    expect(() =>
      j.append({ type: 'VitalsRecorded', at: 5, id: 'v', takenAt: 5, values: { systolic: 120 }, confirmedImplausible: [] } as never),
    ).toThrow(
      'The disk could not be written (EIO): these vitals were not saved. Try again; if it keeps failing, write it on paper. The session goes on.',
    );
    disk.failFsync = null;
    expect(readFileSync(j.file, 'utf8').trim().split('\n')).toHaveLength(1);
    j.append(note(1));
    j.close();
    expect(readJournal(j.file).events.map((e) => e.seq)).toEqual([0, 1]);
  });

  it('when even the cut fails, the next append cuts first, so nothing unacknowledged survives', () => {
    const disk = new FlakyDisk();
    const j = Journal.create(dir, 's', null, { files: disk });
    j.append(note(0));
    disk.room = 25;
    disk.failTruncate = 1;
    expect(() => j.append(note(1))).toThrow(/The disk is full/);
    // The partial line is still there: the cut failed.
    expect(readFileSync(j.file, 'utf8').split('\n')[1]?.length).toBeGreaterThan(0);
    disk.room = Number.POSITIVE_INFINITY;
    j.append(note(2));
    j.close();
    const read = readJournal(j.file);
    expect(read.skipped).toEqual([]);
    expect(read.events.map((e) => (e.type === 'NoteAdded' ? e.id : ''))).toEqual(['n0', 'n2']);
  });

  it('a disk that accepts no bytes is a refusal, not a hang', () => {
    const j = Journal.create(dir, 's', null, { files: { ...nodeJournalFiles, write: () => 0 } });
    expect(() => j.append(note(0))).toThrow(/The disk could not be written \(EIO\): this note was not saved/);
    j.close();
    expect(readFileSync(j.file, 'utf8')).toBe('');
  });

  it('says what was lost in the therapist’s words', () => {
    const ro = new JournalWriteError('NoteAdded', errno('EROFS'));
    expect(ro.message).toBe('The disk has become read-only: this note was not saved. Check the disk, then try again. The session goes on.');
    expect(new JournalWriteError('DoseGiven', errno('EDQUOT')).message).toMatch(/^Your disk quota is used up: this dose was not saved\./);
    expect(new JournalWriteError('SessionStarted', errno('ENOSPC')).message).toBe(
      'The disk is full: the session was not started. Free some space on this computer’s disk, then try again.',
    );
    expect(new JournalWriteError('PhaseAdvanced', errno('ENOSPC')).message).toMatch(/this change was not saved/);
  });
});
