/**
 * A journal tells whether it is whole: each sealed line is bound to its session and entry
 * number, so a line removed, repeated, swapped, altered, renumbered, copied in from another
 * session or inserted in clear is found and named — and the rest still replays. Old journals
 * (plain, or sealed line by line) stay readable and are continued.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integrityNotice, Journal, readJournal } from '../../electron/services/journal';
import { Vault } from '../../electron/services/vault';

let dir: string;
let vault: Vault;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-integrity-'));
  vault = Vault.ephemeral();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A journal of `n` notes (entries 1…n); returns its file. */
function notes(n: number, session = 's1', v: Vault | null = vault): string {
  const j = Journal.create(dir, session, v);
  for (let i = 1; i <= n; i++) j.append({ type: 'NoteAdded', at: i * 1000, id: `n${i}`, text: `note ${i}` });
  j.close();
  return j.file;
}

const linesOf = (file: string): string[] => readFileSync(file, 'utf8').split('\n').slice(0, -1);
const writeLines = (file: string, lines: string[]): void => writeFileSync(file, `${lines.join('\n')}\n`);
const texts = (file: string, v: Vault | null = vault): string[] =>
  readJournal(file, v).events.map((e) => (e.type === 'NoteAdded' ? e.text : e.type));

describe('journal integrity', () => {
  it('a whole journal reports nothing, and neither does a torn last line (never acknowledged)', () => {
    const file = notes(4);
    const whole = readJournal(file, vault);
    expect(whole.integrity).toEqual({
      altered: [],
      missing: [],
      duplicated: [],
      outOfOrder: [],
      wrongKey: false,
      tornTail: false,
      intact: 4,
    });
    expect(integrityNotice(whole.integrity)).toBeNull();
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, -30));
    const torn = readJournal(file, vault);
    expect(torn.integrity.tornTail).toBe(true);
    expect(torn.integrity.intact).toBe(3);
    expect(integrityNotice(torn.integrity)).toBeNull();
  });

  it('a last line missing only its newline was never acknowledged: ignored, cut on reopen, its number reused', () => {
    const file = notes(3);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, -1));
    const read = readJournal(file, vault);
    expect(read.integrity).toMatchObject({ tornTail: true, intact: 2 });
    const j = Journal.reopen(file, read.events.at(-1)?.seq ?? -1, vault);
    j.append({ type: 'NoteAdded', at: 9, id: 'n9', text: 'after the crash' });
    j.close();
    const after = readJournal(file, vault);
    expect(texts(file)).toEqual(['note 1', 'note 2', 'after the crash']);
    expect(integrityNotice(after.integrity)).toBeNull();
  });

  it('a line removed from the middle is named as missing; the rest replays', () => {
    const file = notes(6);
    const lines = linesOf(file);
    lines.splice(2, 1); // entry 3
    writeLines(file, lines);
    const read = readJournal(file, vault);
    expect(texts(file)).toEqual(['note 1', 'note 2', 'note 4', 'note 5', 'note 6']);
    expect(read.integrity.missing).toEqual([3]);
    expect(integrityNotice(read.integrity)).toBe(
      'This session’s journal is not intact: entry 3 is missing. The other 5 entries are intact.',
    );
  });

  it('a repeated line is left out and named', () => {
    const file = notes(3);
    const lines = linesOf(file);
    writeLines(file, [...lines, lines[1] as string]);
    const read = readJournal(file, vault);
    expect(texts(file)).toEqual(['note 1', 'note 2', 'note 3']);
    expect(read.integrity.duplicated).toEqual([4]);
    expect(integrityNotice(read.integrity)).toMatch(/line 4 repeats an earlier entry and was left out\. The other 3 entries are intact\./);
  });

  it('swapped lines are named and replayed in their true order', () => {
    const file = notes(4);
    const [a, b, c, d] = linesOf(file) as [string, string, string, string];
    writeLines(file, [a, c, b, d]);
    const read = readJournal(file, vault);
    expect(texts(file)).toEqual(['note 1', 'note 2', 'note 3', 'note 4']);
    expect(read.integrity.outOfOrder).toEqual([3]);
    expect(read.integrity.missing).toEqual([]);
    expect(integrityNotice(read.integrity)).toMatch(/line 3 was out of order and was put back in its place/);
  });

  it('an altered line, a renumbered line and a line from another session do not open', () => {
    const other = notes(3, 's2');
    const file = notes(5);
    const lines = linesOf(file);
    const body = Buffer.from((lines[1] as string).split(' sr2:')[1] as string, 'base64');
    body[30] = (body[30] as number) ^ 1;
    lines[1] = `#1 sr2:${body.toString('base64')}`; // altered
    lines[2] = (lines[2] as string).replace(/^#2 /, '#7 '); // renumbered
    lines[3] = linesOf(other)[3 - 1] as string; // entry 3 of session s2, in place of entry 4
    writeLines(file, lines);
    const read = readJournal(file, vault);
    expect(texts(file)).toEqual(['note 1', 'note 5']);
    expect(read.integrity.altered).toEqual([2, 3, 4]);
    // The altered lines claim entries 2, 8 and 3 (the one from s2 sits where entry 4 was).
    expect(read.integrity.missing).toEqual([4]);
    expect(read.integrity.wrongKey).toBe(false);
    expect(integrityNotice(read.integrity)).toBe(
      'This session’s journal is not intact: entry 4 is missing; and lines 2, 3 and 4 were altered or damaged and were left out. The other 2 entries are intact.',
    );
  });

  it('a line inserted in clear or sealed without its place is refused among bound lines', () => {
    const file = notes(3);
    const lines = linesOf(file);
    const forged = JSON.stringify({ type: 'NoteAdded', at: 1500, id: 'x', text: 'forged', seq: 3 });
    writeLines(file, [...lines, forged]);
    expect(texts(file)).toEqual(['note 1', 'note 2', 'note 3']);
    expect(readJournal(file, vault).integrity.altered).toEqual([4]);
    const unbound = vault.seal(JSON.stringify({ type: 'NoteAdded', at: 1500, id: 'x', text: 'forged', seq: 1 }));
    writeLines(file, [lines[0] as string, unbound, ...lines.slice(1)]);
    expect(texts(file)).toEqual(['note 1', 'note 2', 'note 3']);
    expect(readJournal(file, vault).integrity.altered).toEqual([2]);
  });

  it('a journal sealed line by line (before binding) still reads, and is continued with bound lines', () => {
    const file = join(dir, 'old.jsonl');
    const ev = (seq: number, text: string) => vault.seal(JSON.stringify({ type: 'NoteAdded', at: seq, id: `n${seq}`, text, seq }));
    writeLines(file, [ev(0, 'old a'), ev(1, 'old b')]);
    const before = readJournal(file, vault);
    expect(before.integrity).toMatchObject({ altered: [], missing: [], intact: 2 });
    const j = Journal.reopen(file, 1, vault);
    j.append({ type: 'NoteAdded', at: 9, id: 'n2', text: 'new c' });
    j.close();
    expect(linesOf(file)[2]).toMatch(/^#2 sr2:/);
    const after = readJournal(file, vault);
    expect(texts(file)).toEqual(['old a', 'old b', 'new c']);
    expect(integrityNotice(after.integrity)).toBeNull();
    // The old lines cannot be slipped in among the new ones unnoticed.
    writeLines(file, [...linesOf(file), ev(3, 'slipped in')]);
    expect(readJournal(file, vault).integrity.altered).toEqual([4]);
  });

  it('a journal without a key (tests, old installs) still finds a missing line by its numbers', () => {
    const file = notes(4, 'plain', null);
    const lines = linesOf(file);
    lines.splice(1, 1);
    writeLines(file, lines);
    const read = readJournal(file, null);
    expect(read.integrity.missing).toEqual([2]);
    expect(texts(file, null)).toEqual(['note 1', 'note 3', 'note 4']);
  });

  it('names many lines briefly', () => {
    const file = notes(16);
    const lines = linesOf(file);
    writeLines(
      file,
      lines.filter((_, i) => i % 2 === 0),
    );
    const notice = integrityNotice(readJournal(file, vault).integrity);
    // Entry 16 went too, but a line removed from the very end leaves no gap to see.
    expect(notice).toBe(
      'This session’s journal is not intact: entries 2, 4, 6, 8, 10, 12 and 1 more are missing. The other 8 entries are intact.',
    );
  });
});
