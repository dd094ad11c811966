/**
 * The journal encrypted at rest: no note text or vitals value in the file's bytes; replay after
 * reopening; old journals (plain, or sealed line by line) still read and continued; a line from
 * another key or altered on disk is skipped with its reason; a torn last sealed line is
 * tolerated like a torn plain one and cut off before the next append.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, readJournal } from '../../electron/services/journal';
import { Vault } from '../../electron/services/vault';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOTE = 'Client tearful, speaks of her brother';
const vitals = { systolic: 147, diastolic: 93, heartRate: 88, custom: [] };

function writeSome(vault: Vault | null): string {
  const j = Journal.create(dir, 's1', vault);
  j.append({ type: 'NoteAdded', at: 1000, id: 'n1', text: NOTE, tags: ['tearful'] });
  j.append({ type: 'VitalsRecorded', at: 2000, id: 'v2', takenAt: 2000, values: vitals, confirmedImplausible: [] } as never);
  j.close();
  return j.file;
}

describe('journal with a vault', () => {
  it('writes no note text or vitals value in clear, and replays after reopening', () => {
    const vault = Vault.ephemeral();
    const file = writeSome(vault);
    const bytes = readFileSync(file, 'utf8');
    expect(bytes).not.toContain('tearful');
    expect(bytes).not.toContain('brother');
    expect(bytes).not.toContain('147');
    expect(bytes).not.toContain('NoteAdded');
    expect(
      bytes
        .trim()
        .split('\n')
        .map((l) => l.slice(0, 7)),
    ).toEqual(['#0 sr2:', '#1 sr2:']);

    const read = readJournal(file, vault);
    expect(read.skipped).toEqual([]);
    expect(read.events.map((e) => e.type)).toEqual(['NoteAdded', 'VitalsRecorded']);
    expect(read.events[0]).toMatchObject({ text: NOTE, seq: 0 });

    const again = Journal.reopen(file, 1, vault);
    again.append({ type: 'NoteAdded', at: 3000, id: 'n3', text: 'calmer now' });
    again.close();
    const after = readJournal(file, vault);
    expect(after.events.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(readFileSync(file, 'utf8')).not.toContain('calmer');
  });

  it('reads an old plain journal and continues it with sealed lines', () => {
    const file = writeSome(null);
    expect(readFileSync(file, 'utf8')).toContain(NOTE);
    const vault = Vault.ephemeral();
    expect(readJournal(file, vault).events).toHaveLength(2);
    const j = Journal.reopen(file, 1, vault);
    j.append({ type: 'NoteAdded', at: 3000, id: 'n3', text: 'sealed from now on' });
    j.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.at(-1)?.startsWith('#2 sr2:')).toBe(true);
    const read = readJournal(file, vault);
    expect(read.skipped).toEqual([]);
    expect(read.events.map((e) => e.type)).toEqual(['NoteAdded', 'VitalsRecorded', 'NoteAdded']);
  });

  it('skips an altered line with its reason and keeps the others', () => {
    const vault = Vault.ephemeral();
    const file = writeSome(vault);
    const lines = readFileSync(file, 'utf8').split('\n');
    const [tag, body] = (lines[0] as string).split(' sr2:') as [string, string];
    const raw = Buffer.from(body, 'base64');
    raw[20] = (raw[20] as number) ^ 0xff;
    lines[0] = `${tag} sr2:${raw.toString('base64')}`;
    writeFileSync(file, lines.join('\n'));
    const read = readJournal(file, vault);
    expect(read.events.map((e) => e.type)).toEqual(['VitalsRecorded']);
    expect(read.skipped).toHaveLength(1);
    expect(read.integrity).toMatchObject({ altered: [1], missing: [], wrongKey: false, intact: 1 });
    expect(read.skipped[0]).toMatch(
      /s1\.jsonl:1: does not open with this data key for this session and entry number \(altered, moved or another key\) — line ignored/,
    );
  });

  it('another data key reads nothing, says why for every line, and does not throw', () => {
    const file = writeSome(Vault.ephemeral());
    const read = readJournal(file, Vault.ephemeral());
    expect(read.events).toEqual([]);
    expect(read.skipped).toHaveLength(2);
    for (const s of read.skipped) expect(s).toMatch(/another key/);
    expect(read.integrity).toMatchObject({ wrongKey: true, altered: [] });
    const none = readJournal(file, null);
    expect(none.events).toEqual([]);
    expect(none.skipped[0]).toMatch(/encrypted line, but no data key is open/);
  });

  it('tolerates a torn last sealed line (power cut) and the next append starts on a fresh line', () => {
    const vault = Vault.ephemeral();
    const file = writeSome(vault);
    const full = readFileSync(file, 'utf8');
    truncateSync(file, full.length - 25);
    const read = readJournal(file, vault);
    expect(read.events.map((e) => e.type)).toEqual(['NoteAdded']);
    expect(read.skipped[0]).toMatch(/s1\.jsonl:2: truncated last line \(power cut\?\) ignored/);
    const j = Journal.reopen(file, 0, vault);
    j.append({ type: 'NoteAdded', at: 4000, id: 'n4', text: 'after the cut' });
    j.close();
    const after = readJournal(file, vault);
    expect(after.events.map((e) => (e.type === 'NoteAdded' ? e.text : e.type))).toEqual([NOTE, 'after the cut']);
    // The torn line was cut off on reopen: it never shows up as a damaged line in the middle.
    expect(after.skipped).toEqual([]);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
  });

  it('a line of garbage between sealed lines is skipped, not fatal', () => {
    const vault = Vault.ephemeral();
    const file = writeSome(vault);
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, `${lines[0]}\nnot json at all\n${lines.slice(1).join('\n')}`);
    appendFileSync(file, '');
    const read = readJournal(file, vault);
    expect(read.events).toHaveLength(2);
    expect(read.skipped[0]).toMatch(/:2: .*line ignored/);
    expect(read.integrity.altered).toEqual([2]);
  });
});
