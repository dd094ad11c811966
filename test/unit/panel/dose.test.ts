/** The dose at the moment of dosing: plausible entries, completing later (not a correction), the press time kept. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { completion, doseProblems, missingFields } from '../../../electron/core/dose';
import { StillroomHost } from '../../../electron/host/host';
import { confSettings } from '../../../electron/services/settings';
import { writeToneWav } from '../../fixtures/audio';
import { twoPhasePreset } from '../../fixtures/host-preset';

const entry = { medicine: 'Ketamine', amount: 100 as number | null, unit: 'mg', route: 'sublingual', lot: 'B1' };

describe('dose entries', () => {
  it('refuses 0 and an amount beyond any one dose, with words a person can act on', () => {
    expect(doseProblems(entry)).toEqual([]);
    expect(doseProblems({ ...entry, amount: null })).toEqual([]);
    expect(doseProblems({ ...entry, amount: 0 })).toEqual(['Dose: enter an amount above 0 (or leave it empty to add later).']);
    expect(doseProblems({ ...entry, amount: 10_000 })).toEqual([
      'Dose: 10,000 mg is more than any one dose (at most 2,000 mg); check the amount and unit.',
    ]);
    expect(doseProblems({ ...entry, amount: 1.5, unit: 'mg/kg' })).toEqual([]);
  });

  it('completing fills only what is empty; a change to what is written is a conflict', () => {
    expect(completion({ medicine: 'Ketamine', amount: null }, { medicine: 'Ketamine', amount: 100, lot: 'B1' })).toEqual({
      adds: { amount: 100, lot: 'B1' },
      conflicts: [],
    });
    expect(completion({ medicine: 'Ketamine' }, { medicine: 'Esketamine' })).toEqual({ adds: {}, conflicts: ['medicine'] });
    expect(missingFields({ medicine: 'Ketamine', amount: 100, unit: 'mg', route: '', lot: undefined })).toEqual(['route', 'lot']);
  });
});

describe('the host', () => {
  let root = '';
  let host: StillroomHost | null = null;
  afterEach(() => {
    host?.close();
    host = null;
    rmSync(root, { recursive: true, force: true });
  });

  it('records the dose at the press time, completes it later without a correction, and a correction keeps history', async () => {
    root = mkdtempSync(join(tmpdir(), 'stillroom-dose-'));
    mkdirSync(join(root, 'app', 'playlists'), { recursive: true });
    mkdirSync(join(root, 'app', 'assets', 'a'), { recursive: true });
    writeToneWav(join(root, 'app', 'assets', 'a', 'one.wav'), 4, 330);
    writeFileSync(join(root, 'app', 'playlists', 'test.stillroom.json'), JSON.stringify(twoPhasePreset()));
    let now = Date.UTC(2026, 10, 22, 9, 0, 0);
    const dataDir = join(root, 'data');
    host = await StillroomHost.open({
      dataDir,
      appRoot: join(root, 'app'),
      settings: confSettings(dataDir),
      clock: () => now,
      log: () => undefined,
      tickMs: 60_000,
    });
    const h = host;
    await h.dispatch('startSession', { presetId: 'test' });
    now += 60_000;
    const pressedAt = now;
    now += 8_000; // the sheet was confirmed 8 s after the press
    expect(
      (
        await h.dispatch('recordDose', {
          note: '',
          details: { medicine: 'Ketamine', amount: null, unit: 'mg', route: 'sublingual', lot: '', givenAt: pressedAt },
        })
      ).ok,
    ).toBe(true);
    const s1 = h.snapshot().session;
    expect(s1?.doseAt).toBe(pressedAt);

    now += 60_000;
    expect((await h.dispatch('completeDose', { doseId: 'dose-1', details: { amount: 100, lot: 'B1' } })).ok).toBe(true);
    const d = h.snapshot().session?.record.doses[0];
    expect(d?.details).toMatchObject({ medicine: 'Ketamine', amount: 100, unit: 'mg', route: 'sublingual', lot: 'B1', givenAt: pressedAt });
    expect(d?.history).toEqual([]);
    expect(h.snapshot().session?.doseAt).toBe(pressedAt);

    const changed = await h.dispatch('completeDose', { doseId: 'dose-1', details: { amount: 120 } });
    expect(changed).toMatchObject({ ok: false, error: expect.stringMatching(/amount is already written down; use Correct/) });

    expect(
      (await h.dispatch('correctDose', { doseId: 'dose-1', note: 'wrote 100, gave 120', details: { ...d?.details, amount: 120 } })).ok,
    ).toBe(true);
    const c = h.snapshot().session?.record.doses[0];
    expect(c?.details.amount).toBe(120);
    expect(c?.history).toHaveLength(1);
    expect(c?.note).toBe('wrote 100, gave 120');
  });
});
