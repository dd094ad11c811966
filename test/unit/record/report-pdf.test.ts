/**
 * Reports people would hand over (issue 13.3): PDF through pdfkit with embedded Noto fonts —
 * Greek, Cyrillic, Chinese and emoji read back by pdftotext; a heading never left alone at the
 * foot of a page; a time axis with several labels; a 20,000-character note printed whole; a font
 * that cannot be loaded and a disk that refuses give clear messages and write nothing; files
 * 0600 in 0700 folders, named without the alias.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleReport } from '../../../electron/core/report';
import { replay, type SessionState } from '../../../electron/core/session';
import { renderReport, saveReport } from '../../../electron/services/report/export';
import { at, Journal, sublingualPlan, T0, vitalsReading } from '../../fixtures/plans';

const TZ = 'UTC';
const dir = mkdtempSync(join(tmpdir(), 'stillroom-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function session(notes: Array<[string, string]>, alias = 'J.'): SessionState {
  const plan = sublingualPlan();
  plan.clientAlias = alias;
  const j = new Journal();
  j.start(T0, plan);
  j.add(at(18), { type: 'DoseGiven', note: '', details: { medicine: 'Ketamine', amount: 100, unit: 'mg', route: 'sublingual' } });
  for (const [i, [id, text]] of notes.entries()) j.add(at(20 + i), { type: 'NoteAdded', id, text });
  j.add(at(40), vitalsReading('v1', at(40), [172, 96, 90, 97]));
  j.add(at(150), { type: 'SessionEnded' });
  return replay(j.events) as SessionState;
}

/** The PDF's text as pdftotext reads it (layout off: one reading order). */
function pdfText(bytes: Buffer, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const out = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  if (out.error) throw new Error('pdftotext is needed for this test (apt-get install poppler-utils)');
  return out.stdout;
}

describe('PDF reports in any script', () => {
  it('prints Greek, Cyrillic, Chinese and emoji as themselves (read back by pdftotext), with fonts embedded as subsets', async () => {
    const notes: Array<[string, string]> = [
      ['g', 'Η πελάτισσα είπε: «νιώθω ασφαλής»'],
      ['c', 'Клиент спокоен, дышит ровно'],
      ['z', '她说感觉像在海边'],
      ['e', 'Smiled 🙂 then cried 😢'],
    ];
    const r = assembleReport(session(notes, 'Ελένη'), null, { audience: 'therapist', now: at(160), timeZone: TZ });
    const { bytes } = await renderReport(r, 'pdf');
    const text = pdfText(bytes, 'unicode.pdf');
    for (const [, t] of notes) expect(text).toContain(t);
    expect(text).toContain('Session record · Ελένη');
    expect(text).not.toMatch(/\?{2,}/);
    const fonts = spawnSync('pdffonts', [join(dir, 'unicode.pdf')], { encoding: 'utf8' }).stdout;
    // Subset fonts carry a six-letter tag: ABCDEF+NotoSans-Regular.
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSans-Regular/);
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSansSC/);
    expect(fonts).toMatch(/[A-Z]{6}\+NotoEmoji/);
    // Subsetting keeps the file small although the CJK font alone is 10 MB.
    expect(bytes.length).toBeLessThan(400_000);
  });

  it('keeps every heading with the start of its section (never alone at the foot of a page)', async () => {
    // Enough notes to push headings to every position on the page.
    for (const n of [18, 23, 27, 31, 36]) {
      const notes = Array.from({ length: n }, (_, i): [string, string] => [`n${i}`, `Note number ${i} about the session`]);
      const r = assembleReport(session(notes), null, { audience: 'therapist', now: at(160), timeZone: TZ });
      const text = pdfText((await renderReport(r, 'pdf')).bytes, `pages-${n}.pdf`);
      const pages = text.split('\f').filter((p) => p.trim());
      for (const page of pages) {
        const lines = page.split('\n').filter((l) => l.trim());
        const lastBody = lines.filter((l) => !l.includes(' · page ')).at(-1) ?? '';
        expect(
          r.sections.map((s) => s.title),
          `page ends with a lone heading in a ${n}-note report`,
        ).not.toContain(lastBody.trim());
      }
    }
  });

  it('draws the chart with a readable time axis: several clock labels across the session', async () => {
    const r = assembleReport(session([]), null, { audience: 'therapist', now: at(160), timeZone: TZ });
    const text = pdfText((await renderReport(r, 'pdf')).bytes, 'chart.pdf');
    const chartPage = text.split('\f')[0] ?? '';
    for (const label of ['09:00', '09:30', '10:00', '10:30', '11:00', 'Phases', 'Music', 'Light', 'Time'])
      expect(chartPage).toContain(label);
  });

  it('prints a 20,000-character note whole, flowing over pages', async () => {
    const long = Array.from({ length: 2000 }, (_, i) => `w${String(i).padStart(4, '0')}x`).join(' ');
    expect(long.length).toBeGreaterThanOrEqual(12_000);
    const note = `${long} ${long}`.slice(0, 20_000);
    const r = assembleReport(session([['long', note]]), null, { audience: 'therapist', now: at(160), timeZone: TZ });
    const raw = pdfText((await renderReport(r, 'pdf')).bytes, 'long.pdf');
    const text = raw.replace(/\s+/g, ' ');
    expect(text).toContain('w0000x w0001x');
    expect(text).toContain('w1999x');
    // Every word of both halves is there (each word appears twice in the note, up to the cut).
    expect(text.match(/w0500x/g)?.length).toBe(2);
    expect(raw.split('\f').length).toBeGreaterThan(3);
  });
});

describe('saving reports', () => {
  it('writes 0600 files in a 0700 folder, named by date and short session id, never the alias', async () => {
    const reports = join(dir, 'data', 'reports');
    const r = assembleReport(session([], 'Ana Ruiz'), null, { audience: 'therapist', now: at(160), timeZone: TZ });
    const saved = await saveReport(reports, r, 'pdf');
    expect(saved.name).toMatch(/^2025-01-15-0900-[0-9a-z]+-therapist\.pdf$/);
    expect(saved.name).not.toMatch(/Ana|Ruiz/);
    expect(statSync(saved.path).mode & 0o777).toBe(0o600);
    expect(statSync(reports).mode & 0o777).toBe(0o700);
  });

  it('a font that cannot be loaded is named in a clear message; nothing is written', async () => {
    const target = join(dir, 'nofont');
    const r = assembleReport(session([]), null, { audience: 'therapist', now: at(160), timeZone: TZ });
    await expect(saveReport(target, r, 'pdf', { regular: join(dir, 'missing', 'NotoSans.ttf') })).rejects.toThrow(
      /The report font Noto Sans could not be loaded from .*missing.*the file is missing.*No PDF was written; the session record is intact/,
    );
    expect(existsSync(target)).toBe(false);
    // The CJK font is only needed by a report that has Chinese in it.
    await expect(saveReport(target, r, 'pdf', { cjk: join(dir, 'missing', 'cjk.ttf') })).resolves.toMatchObject({
      mediaType: 'application/pdf',
    });
    const zh = assembleReport(session([['z', '她说感觉像在海边']]), null, { audience: 'therapist', now: at(160), timeZone: TZ });
    await expect(saveReport(target, zh, 'pdf', { cjk: join(dir, 'missing', 'cjk.ttf') })).rejects.toThrow(/Noto Sans SC/);
  });

  it('a disk that refuses leaves no half file and says nothing was lost', async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: a file in the way of the folder is the refusal here.
      const blocked = join(dir, 'blocked');
      writeFileSync(blocked, 'not a folder');
      const r = assembleReport(session([]), null, { audience: 'therapist', now: at(160), timeZone: TZ });
      await expect(saveReport(join(blocked, 'reports'), r, 'markdown')).rejects.toThrow(
        /a file is in the way of the folder\. Nothing was lost: the session record is intact/,
      );
      return;
    }
    const ro = join(dir, 'ro');
    mkdirSync(ro, { mode: 0o700 });
    chmodSync(ro, 0o500);
    const r = assembleReport(session([]), null, { audience: 'therapist', now: at(160), timeZone: TZ });
    await expect(saveReport(ro, r, 'markdown')).rejects.toThrow(/not allowed to write there\. Nothing was lost/);
    expect(readdirSync(ro)).toEqual([]);
  });
});
