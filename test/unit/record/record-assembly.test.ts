/**
 * The record a clinician reads back (issue 13.1), on the real quick-demo preset: an advance
 * is an advance (never a skipped track), holds and extensions are listed, phases show their
 * planned and actual length to the second, tracks say how they ended, reminders say what was
 * done, and the words follow the session's state.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePreset } from '../../../electron/core/preset';
import { phaseRows, recordRows, trackEndings } from '../../../electron/core/record-events';
import { assembleReport, noteWithTags, toMarkdown } from '../../../electron/core/report';
import { replay, type SessionState } from '../../../electron/core/session';
import { buildTimeline } from '../../../electron/core/timeline';
import { Journal, planFromPreset, T0, vitalsReading } from '../../fixtures/plans';

const TZ = 'UTC';
const s = (sec: number): number => T0 + sec * 1000;
const quick = parsePreset(readFileSync(join(__dirname, '../../../playlists/demo-quick.stillroom.json'), 'utf8'), 'demo-quick');

/** Arriving 0:00–0:20 (dose), Settling in held 30 s and extended 1 min, Deep rest lived 1:30, Coming back advanced after 40 s. */
function lived(): Journal {
  const j = new Journal();
  j.start(T0, planFromPreset(quick));
  j.add(s(10), vitalsReading('v1', s(10), [124, 80, 72, 98]));
  j.add(s(20), { type: 'DoseGiven', note: '', details: { medicine: 'Ketamine', amount: 100, unit: 'mg', route: 'sublingual', lot: 'L1' } });
  j.add(s(30), { type: 'PhaseHeld' });
  j.add(s(60), { type: 'PhaseResumed' });
  j.add(s(70), { type: 'PhaseExtended', minutes: 1 });
  // Settling in: 20 s + 60 s planned + 30 s held + 60 s extended → Deep rest at 170 s, planned 90 s → ends 260 s.
  j.add(s(140), { type: 'NoteAdded', id: 'n1', text: 'Tearful', tags: ['tearful'] });
  j.add(s(150), vitalsReading('v2', s(150), [168, 96, 104, 97]));
  j.add(s(300), { type: 'PhaseAdvanced' });
  return j;
}

const stateOf = (j: Journal): SessionState => replay(j.events) as SessionState;

describe('the record of a lived session', () => {
  it('gives each phase its actual and planned length to the second and says what ended it', () => {
    const j = lived();
    j.add(s(420), { type: 'SessionEnded' });
    const st = stateOf(j);
    const rows = phaseRows(st, buildTimeline(st, s(430)).phases, s(420));
    expect(rows.map((r) => [r.name, (r.actualMs / 1000).toFixed(0), (r.plannedMs / 1000).toFixed(0), r.ending])).toEqual([
      ['Arriving and intention', '20', '30', 'with the dose'],
      ['Settling in', '150', '60', 'as planned'],
      ['Deep rest', '90', '90', 'as planned'],
      ['Coming back', '40', '60', 'advanced by the therapist'],
      ['Talking it through', '120', '60', 'at the end of the session'],
    ]);
    expect(rows[1]?.changes).toBe('held 30 s; extended by 1 min');
    const md = toMarkdown(assembleReport(st, null, { audience: 'therapist', now: s(430), timeZone: TZ }));
    expect(md).toContain('| Deep rest | 09:02 | 09:04 | 1 min 30 s | 1 min 30 s | as planned |');
  });

  it('lists hold, resume, extension and advance as events, and never calls the advance a skipped track', () => {
    const j = lived();
    j.add(s(420), { type: 'SessionEnded' });
    const st = stateOf(j);
    const tl = buildTimeline(st, s(430));
    const what = recordRows(st, tl, s(420), { clock: String }).map((r) => r.what);
    expect(what).toEqual(
      expect.arrayContaining([
        'Session started',
        'Dose given',
        'Settling in: held',
        'Settling in: resumed',
        'Settling in: extended by 1 min',
        'Advanced from Coming back to Talking it through',
        'Session ended',
      ]),
    );
    expect(what).not.toContain('Track skipped by the therapist');
    const endings = trackEndings(st, tl, s(420));
    expect(endings.some((t) => t.ending === 'skipped')).toBe(false);
    // The track playing at the advance crossfaded at the phase change.
    const atAdvance = endings.find((t) => t.phaseIndex === 3 && t.endedAt >= s(300) - 1000);
    expect(atAdvance?.ending).toBe('phase-change');
    expect(endings.at(-1)?.ending).toBe('session-end');
  });

  it('tells a skip by the therapist and a failed track apart from tracks that finished', () => {
    const j = lived();
    j.add(s(320), { type: 'TrackSkipped' });
    const skipped = stateOf(j);
    const playingAt = (st: SessionState, t: number) =>
      buildTimeline(st, t)
        .segments.filter((g) => g.start <= t && g.end > t)
        .at(-1);
    const failing = playingAt(skipped, s(360));
    j.add(s(360), { type: 'TrackFailed', trackId: failing?.trackId ?? '', reason: 'file missing' });
    j.add(s(420), { type: 'SessionEnded' });
    const st = stateOf(j);
    const endings = trackEndings(st, buildTimeline(st, s(430)), s(420));
    const by = (e: string) => endings.filter((t) => t.ending === e);
    expect(by('skipped').map((t) => t.endedAt)).toEqual([s(320)]);
    expect(by('failed').map((t) => [t.endedAt, t.reason])).toEqual([[s(360), 'file missing']]);
    expect(by('finished').length).toBeGreaterThan(0);
    const md = toMarkdown(assembleReport(st, null, { audience: 'therapist', now: s(430), timeZone: TZ }));
    expect(md).toContain('| skipped by the therapist |');
    expect(md).toContain('| failed: file missing |');
  });

  it('shows vitals with flags, the reminders done by readings, and "Monitored" once the session has ended', () => {
    const running = stateOf(lived());
    const draft = toMarkdown(assembleReport(running, null, { audience: 'therapist', now: s(310), timeZone: TZ }));
    expect(draft).toContain('Monitored so far');
    const j = lived();
    j.add(s(420), { type: 'SessionEnded' });
    const md = toMarkdown(assembleReport(stateOf(j), null, { audience: 'therapist', now: s(900), timeZone: TZ }));
    expect(md).not.toContain('so far');
    expect(md).toContain('- **Monitored:** 6 min 40 s');
    expect(md).toMatch(/\| 09:02 · \+2 min \| Vitals \(!\) \| BP 168\/96 · HR 104 · SpO₂ 97 % · systolic 168 high \(over 160\)/);
    // "Blood pressure before dosing" done by the reading at 0:10; "Vitals" (dose + 2 min) by the one at 2:30.
    expect(md).toMatch(/Blood pressure before dosing \| done 09:00 \(vitals recorded\)/);
    expect(md).toMatch(/Vitals: blood pressure, pulse, oxygen \| done 09:02 \(vitals recorded\)/);
    expect(md).toMatch(/Quiet check-in \| not done/);
  });

  it('prints a tag note once ("Tearful", not "Tearful [Tearful]") and keeps other tags', () => {
    expect(noteWithTags({ id: 'a', at: 0, text: 'Tearful', tags: ['tearful'] })).toBe('Tearful');
    expect(noteWithTags({ id: 'a', at: 0, text: 'Quiet sobbing', tags: ['tearful', 'insight'] })).toBe('Quiet sobbing [Tearful, Insight]');
  });

  it('names report files by date and a short session id, never the alias', () => {
    const st = stateOf(lived());
    const r = assembleReport({ ...st, plan: { ...st.plan, clientAlias: 'Ελένη', sessionId: '2025-01-15T09-00-00-000-a1b2c3' } }, null, {
      audience: 'client',
      now: s(310),
      timeZone: TZ,
    });
    expect(r.fileStem).toBe('2025-01-15-0900-a1b2c3-client');
  });
});
