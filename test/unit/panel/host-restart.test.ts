/**
 * The host across restarts, with the journal encrypted at rest: notes and vitals never sit in
 * the journal in clear and are all there after a restart; an ended session comes back as ended
 * (its summary, report and late record still work); a journal written with another data key is
 * left alone with a clear notice, never a crash; an old plain journal is read and continued.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StillroomHost } from '../../../electron/host/host';
import { listJournals } from '../../../electron/services/journal';
import { confSettings } from '../../../electron/services/settings';
import { Vault } from '../../../electron/services/vault';
import { writeToneWav } from '../../fixtures/audio';
import { twoPhasePreset } from '../../fixtures/host-preset';

let root: string;
let appRoot: string;
let dataDir: string;
let keyFile: string;
let now: number;
let logs: string[];
const hosts: StillroomHost[] = [];

async function openHost(vault: Vault | null): Promise<StillroomHost> {
  const h = await StillroomHost.open({
    dataDir,
    appRoot,
    settings: confSettings(dataDir),
    clock: () => now,
    log: (l) => logs.push(l),
    tickMs: 60_000,
    vault,
  });
  hosts.push(h);
  return h;
}

function closeAll(): void {
  for (const h of hosts.splice(0)) h.close();
}

const journalText = (): string => readFileSync(listJournals(join(dataDir, 'sessions')).at(-1) as string, 'utf8');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'stillroom-restart-'));
  appRoot = join(root, 'app');
  dataDir = join(root, 'data');
  keyFile = join(root, 'keys', 'data.key');
  logs = [];
  mkdirSync(join(appRoot, 'playlists'), { recursive: true });
  mkdirSync(join(appRoot, 'assets', 'a'), { recursive: true });
  writeToneWav(join(appRoot, 'assets', 'a', 'one.wav'), 4, 330);
  writeFileSync(join(appRoot, 'playlists', 'test.stillroom.json'), JSON.stringify(twoPhasePreset()));
  now = Date.UTC(2026, 10, 22, 9, 0, 0);
});

afterEach(() => {
  closeAll();
  rmSync(root, { recursive: true, force: true });
});

describe('journal encrypted at rest', () => {
  it('keeps notes and vitals out of the file in clear and brings them all back after a restart', async () => {
    const host = await openHost(Vault.open(keyFile));
    expect((await host.dispatch('startSession', { presetId: 'test', clientAlias: 'R.K.' })).ok).toBe(true);
    now += 30_000;
    expect((await host.dispatch('addNote', { text: 'Speaks about her late father', tags: ['speaking'] })).ok).toBe(true);
    expect((await host.dispatch('recordVitals', { values: { systolic: 143, diastolic: 97, heartRate: 71 } })).ok).toBe(true);
    const bytes = journalText();
    for (const secret of ['father', 'R.K.', '143', '"systolic"', 'NoteAdded']) expect(bytes).not.toContain(secret);
    closeAll();

    now += 60_000;
    const again = await openHost(Vault.open(keyFile));
    const s = again.snapshot().session;
    expect(s?.status).toBe('running');
    expect(s?.plan.clientAlias).toBe('R.K.');
    expect(s?.notes.map((n) => n.text)).toEqual(['Speaks about her late father']);
    expect(s?.record.vitals[0]?.values).toMatchObject({ systolic: 143, diastolic: 97, heartRate: 71 });
    expect((await again.dispatch('addNote', { text: 'Resting quietly' })).ok).toBe(true);
    expect(journalText()).not.toContain('Resting');
  });

  it('a journal written with another data key is left alone with a notice; the host still opens', async () => {
    const host = await openHost(Vault.ephemeral());
    await host.dispatch('startSession', { presetId: 'test' });
    await host.dispatch('addNote', { text: 'under the first key' });
    closeAll();
    const before = journalText();

    const other = await openHost(Vault.ephemeral());
    expect(other.snapshot().session).toBeNull();
    expect(other.snapshot().notices.join(' ')).toMatch(/journal was written with another data key; it was left as it is/);
    expect(logs.some((l) => /journal: .*another key\) — line ignored/.test(l))).toBe(true);
    const report = await other.dispatch('exportReport', { audience: 'therapist', format: 'markdown' });
    expect(!report.ok && report.error).toMatch(/no session to report on/);
    expect(journalText()).toBe(before);
  });

  it('names a missing line on resume, keeps the rest, and the session goes on', async () => {
    const host = await openHost(Vault.open(keyFile));
    await host.dispatch('startSession', { presetId: 'test' });
    for (const text of ['first', 'second', 'third']) await host.dispatch('addNote', { text });
    closeAll();
    const file = listJournals(join(dataDir, 'sessions')).at(-1) as string;
    const lines = journalText().split('\n');
    lines.splice(2, 1); // entry 3: the note "second"
    writeFileSync(file, lines.join('\n'));

    const again = await openHost(Vault.open(keyFile));
    expect(again.snapshot().session?.notes.map((n) => n.text)).toEqual(['first', 'third']);
    expect(again.snapshot().notices).toContain('This session’s journal is not intact: entry 3 is missing. The other 3 entries are intact.');
    expect((await again.dispatch('addNote', { text: 'fourth' })).ok).toBe(true);
  });

  it('an empty newer journal (a start the full disk refused) does not hide the last session', async () => {
    const host = await openHost(Vault.open(keyFile));
    await host.dispatch('startSession', { presetId: 'test' });
    await host.dispatch('addNote', { text: 'still here' });
    closeAll();
    writeFileSync(join(dataDir, 'sessions', '9999-12-31T00-00-00-000-ffffff.jsonl'), '');
    const again = await openHost(Vault.open(keyFile));
    expect(again.snapshot().session?.notes.map((n) => n.text)).toEqual(['still here']);
  });

  it('reads an old plain journal and continues it sealed', async () => {
    const plain = await openHost(null);
    await plain.dispatch('startSession', { presetId: 'test' });
    await plain.dispatch('addNote', { text: 'written before encryption' });
    closeAll();
    expect(journalText()).toContain('written before encryption');

    const sealed = await openHost(Vault.open(keyFile));
    expect(sealed.snapshot().session?.notes.map((n) => n.text)).toEqual(['written before encryption']);
    await sealed.dispatch('addNote', { text: 'written after' });
    expect(journalText()).not.toContain('written after');
    closeAll();
    const third = await openHost(Vault.open(keyFile));
    expect(third.snapshot().session?.notes.map((n) => n.text)).toEqual(['written before encryption', 'written after']);
  });
});

describe('an ended session after a restart', () => {
  it('comes back as ended: late record entries append, reports export, and a new session can start', async () => {
    const host = await openHost(Vault.open(keyFile));
    await host.dispatch('startSession', { presetId: 'test', clientAlias: 'J.' });
    now += 10_000;
    await host.dispatch('recordDose', { details: { medicine: 'Ketamine', amount: 50, unit: 'mg', route: 'sublingual' } });
    await host.dispatch('addNote', { text: 'Shared with the client', tags: ['insight'] });
    await host.dispatch('addNote', { text: 'Therapist only', private: true });
    now += 600_000;
    await host.dispatch('endSession', {});
    const sessionId = host.snapshot().session?.plan.sessionId;
    closeAll();

    now += 300_000;
    const again = await openHost(Vault.open(keyFile));
    const s = again.snapshot().session;
    expect(s?.status).toBe('ended');
    expect(s?.plan.sessionId).toBe(sessionId);
    expect(again.snapshot().timeline).not.toBeNull();
    expect(again.snapshot().notices.join(' ')).not.toMatch(/Resumed/);

    expect((await again.dispatch('recordDischarge', { ready: true, accompaniedBy: 'Partner' })).ok).toBe(true);
    expect(again.snapshot().session?.record.discharges).toHaveLength(1);
    const duck = await again.dispatch('setDuck', { on: true });
    expect(!duck.ok && duck.error).toMatch(/ended/);

    // Notes reach the client's copy only when ticked; a private one never does, even ticked.
    const notes = again.snapshot().session?.notes ?? [];
    const client = await again.dispatch('exportReport', { audience: 'client', format: 'markdown', noteIds: notes.map((n) => n.id) });
    expect(client.ok).toBe(true);
    const text = readFileSync(client.ok ? (client.file?.path as string) : '', 'utf8');
    expect(text).toContain('Shared with the client');
    expect(text).not.toContain('Therapist only');
    const bare = await again.dispatch('exportReport', { audience: 'client', format: 'markdown' });
    expect(readFileSync(bare.ok ? (bare.file?.path as string) : '', 'utf8')).not.toContain('Shared with the client');
    closeAll();

    // The discharge written after the restart is in the journal too.
    const third = await openHost(Vault.open(keyFile));
    expect(third.snapshot().session?.record.discharges[0]?.accompaniedBy).toBe('Partner');
    expect((await third.dispatch('startSession', { presetId: 'test' })).ok).toBe(true);
    expect(third.snapshot().session?.status).toBe('running');
    expect(third.snapshot().session?.plan.sessionId).not.toBe(sessionId);
  });

  it('a report for a session with nothing recorded yet still exports (the plan, no notes)', async () => {
    const host = await openHost(null);
    await host.dispatch('startSession', { presetId: 'test' });
    await host.dispatch('endSession', {});
    closeAll();
    const again = await openHost(null);
    const r = await again.dispatch('exportReport', { audience: 'therapist', format: 'markdown' });
    expect(r.ok).toBe(true);
  });
});
