/**
 * The host's clinical commands end to end (in Node, with a fake clock): implausible vitals are
 * refused until confirmed and nothing is written meanwhile; the record goes on after the end;
 * reports are written to disk, and a disk that refuses them leaves the journal untouched;
 * panel preferences are remembered per machine across restarts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { twoPhasePreset } from '../../fixtures/host-preset';
import { HostRig } from '../../fixtures/host-rig';

let rig: HostRig;
const openHost = () => rig.open();
const journalLines = () => rig.journalLines();

beforeEach(() => {
  rig = new HostRig('clinical', {
    presets: { test: twoPhasePreset({ reminders: [{ id: 'bp', label: 'Blood pressure', anchor: 'session', offsetMin: 1 }] }) },
  });
});

afterEach(() => rig.dispose());

describe('clinical commands', () => {
  it('refuses implausible vitals until confirmed, writing nothing meanwhile', async () => {
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'test' });
    const before = journalLines().length;
    const bad = await host.dispatch('recordVitals', { values: { systolic: 900, diastolic: 5 } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/implausible: systolic 900 mmHg is outside 50–280; diastolic 5 mmHg is outside 20–180.*confirm/);
    expect(journalLines()).toHaveLength(before);
    expect(host.snapshot().session?.record.vitals).toEqual([]);
    const none = await host.dispatch('recordVitals', { values: {} });
    expect(!none.ok && none.error).toBe('enter at least one value');

    const ok = await host.dispatch('recordVitals', { values: { systolic: 900, diastolic: 5 }, confirmImplausible: true });
    expect(ok.ok).toBe(true);
    const v = host.snapshot().session?.record.vitals[0];
    expect(v?.confirmedImplausible).toHaveLength(2);
    expect(JSON.parse(journalLines().at(-1) as string).type).toBe('VitalsRecorded');
  });

  it('refuses empty and enormous notes with a message; keeps tags and the private mark', async () => {
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'test' });
    const empty = await host.dispatch('addNote', { text: '   ' });
    expect(!empty.ok && empty.error).toBe('text: a note needs some text');
    const huge = await host.dispatch('addNote', { text: 'x'.repeat(5001) });
    expect(!huge.ok && huge.error).toMatch(/notes are capped at 5000 characters/);
    expect((await host.dispatch('addNote', { text: 'Tearful', tags: ['tearful'], private: true })).ok).toBe(true);
    expect(host.snapshot().session?.notes[0]).toMatchObject({ text: 'Tearful', tags: ['tearful'], private: true });
    const id = host.snapshot().session?.notes[0]?.id as string;
    expect((await host.dispatch('editNote', { noteId: id, text: 'Tearful, then calm', private: false })).ok).toBe(true);
    expect((await host.dispatch('deleteNote', { noteId: id })).ok).toBe(true);
    const again = await host.dispatch('editNote', { noteId: id, text: 'x', private: false });
    expect(!again.ok && again.error).toMatch(/deleted/);
    expect(host.snapshot().session?.notes[0]?.history?.[0]?.text).toBe('Tearful');
  });

  it('reminders: done and snooze by key; a done reminder cannot be done twice', async () => {
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'test' });
    rig.now += 61_000;
    expect((await host.dispatch('snoozeReminder', { key: 'preset/bp', minutes: 5 })).ok).toBe(true);
    expect((await host.dispatch('completeReminder', { key: 'preset/bp' })).ok).toBe(true);
    const twice = await host.dispatch('completeReminder', { key: 'preset/bp' });
    expect(!twice.ok && twice.error).toMatch(/already done/);
    const unknown = await host.dispatch('completeReminder', { key: 'preset/nope' });
    expect(!unknown.ok && unknown.error).toBe('there is no such reminder');
    expect((await host.dispatch('addReminder', { label: 'Check-in', offsetMin: 15, everyMin: 15 })).ok).toBe(true);
    expect(host.snapshot().session?.record.reminders.added[0]).toMatchObject({ label: 'Check-in', everyMin: 15 });
  });

  it('keeps recording after the end (vitals, discharge) but not music or new phases', async () => {
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'test' });
    rig.now += 10_000;
    await host.dispatch('recordDose', { details: { medicine: 'Ketamine', amount: 56, unit: 'mg', route: 'sublingual', lot: 'L1' } });
    rig.now += 600_000;
    await host.dispatch('endSession', {});
    rig.now += 600_000;
    expect((await host.dispatch('recordVitals', { values: { systolic: 120, diastolic: 80 } })).ok).toBe(true);
    expect((await host.dispatch('recordDischarge', { ready: true, accompaniedBy: 'Partner' })).ok).toBe(true);
    const duck = await host.dispatch('setDuck', { on: true });
    expect(!duck.ok && duck.error).toMatch(/ended/);
    const note = await host.dispatch('addNote', { text: 'late' });
    expect(note.ok).toBe(false);
    const s = host.snapshot().session;
    expect(s?.record.discharges[0]?.dischargedAt).toBe(rig.now);
    expect(s?.record.doses[0]?.details).toMatchObject({ amount: 56, lot: 'L1' });
    expect(journalLines().map((l) => JSON.parse(l).type)).toEqual([
      'SessionStarted',
      'DoseGiven',
      'SessionEnded',
      'VitalsRecorded',
      'DischargeRecorded',
    ]);
  });
});

describe('reports', () => {
  it('says so when there is no session to report on', async () => {
    const host = await openHost();
    const r = await host.dispatch('exportReport', { audience: 'therapist', format: 'pdf' });
    expect(!r.ok && r.error).toMatch(/no session to report on/);
  });

  it('writes Markdown and PDF into the reports folder and returns them', async () => {
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'test', clientAlias: 'J.' });
    const md = await host.dispatch('exportReport', { audience: 'client', format: 'markdown' });
    expect(md.ok && md.file?.path).toContain(join(rig.dataDir, 'reports'));
    expect(md.ok && readFileSync(md.file?.path as string, 'utf8')).toContain('# Your session');
    const pdf = await host.dispatch('exportReport', { audience: 'therapist', format: 'pdf' });
    expect(
      pdf.ok &&
        Buffer.from(pdf.file?.data ?? '', 'base64')
          .subarray(0, 5)
          .toString(),
    ).toBe('%PDF-');
  });

  it('writes clock times in the report as the therapist set them', async () => {
    const host = await openHost();
    await host.dispatch('setClinician', { name: 'Dr Ana Ruiz', credentials: 'MD' });
    await host.dispatch('startSession', { presetId: 'test' }); // 09:00 UTC
    rig.now += 15 * 60_000;
    await host.dispatch('endSession', {});
    const markdown = async (): Promise<string> => {
      const r = await host.dispatch('exportReport', { audience: 'therapist', format: 'markdown' });
      return r.ok ? (r.file?.data ?? '') : r.error;
    };
    const hhmm = (ms: number, hourCycle: 'h23' | 'h12') =>
      new Intl.DateTimeFormat(hourCycle === 'h23' ? 'en-GB' : 'en-US', {
        hour: hourCycle === 'h23' ? '2-digit' : 'numeric',
        minute: '2-digit',
        hourCycle,
      }).format(ms);
    const start = rig.now - 15 * 60_000;

    await host.dispatch('setPanelPrefs', { clockFormat: '24h' });
    expect(await markdown()).toContain(`- **Started:** ${hhmm(start, 'h23')}`);
    await host.dispatch('setPanelPrefs', { clockFormat: '12h' });
    const twelve = await markdown();
    expect(twelve).toContain(`- **Started:** ${hhmm(start, 'h12')}`);
    expect(twelve).toMatch(/- \*\*Started:\*\* \d{1,2}:\d\d\s[AP]M/);
  });

  it('a disk that refuses the file gives a clear message and leaves the journal untouched', async () => {
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'test' });
    await host.dispatch('addNote', { text: 'kept' });
    const before = journalLines();
    writeFileSync(join(rig.dataDir, 'reports'), 'a file where the folder should be');
    const r = await host.dispatch('exportReport', { audience: 'therapist', format: 'pdf' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/Could not save the report .*a file is in the way.*Nothing was lost/);
    expect(journalLines()).toEqual(before);
    expect(host.snapshot().session?.notes.map((n) => n.text)).toEqual(['kept']);
  });

  it('refuses notes that do not exist in the client choice', async () => {
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'test' });
    const r = await host.dispatch('exportReport', { audience: 'client', format: 'markdown', noteIds: ['n99'] });
    expect(!r.ok && r.error).toMatch(/unknown or deleted notes chosen: n99/);
  });
});

describe('panel preferences', () => {
  it('are remembered per machine across restarts; bad values are refused', async () => {
    let host = await openHost();
    expect(host.snapshot().prefs).toMatchObject({ theme: 'dark', brightness: 1, compact: false });
    expect((await host.dispatch('setPanelPrefs', { theme: 'night', brightness: 0.5 })).ok).toBe(true);
    const bad = await host.dispatch('setPanelPrefs', { brightness: 0.01 });
    expect(bad.ok).toBe(false);
    rig.close(host);
    host = await openHost();
    expect(host.snapshot().prefs).toMatchObject({ theme: 'night', brightness: 0.5 });
    // A damaged file falls back to defaults for what is damaged only.
    writeFileSync(join(rig.dataDir, 'panel.json'), JSON.stringify({ theme: 'purple', brightness: 0.6 }));
    rig.close(host);
    host = await openHost();
    expect(host.snapshot().prefs).toMatchObject({ theme: 'dark', brightness: 0.6 });
  });
});
