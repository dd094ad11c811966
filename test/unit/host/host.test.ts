import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RAW_WORDING } from '../../../electron/core/plain-errors';
import { applyHostMessage, type HostMessage, type HostSnapshot } from '../../../electron/host/contract';
import { listJournals } from '../../../electron/services/journal';
import { DataDirBusyError } from '../../../electron/services/lock';
import { HostRig } from '../../fixtures/host-rig';

const track = (title: string, asset: string, durationS: number) => ({ title, artist: 'Test', durationS, asset });

function preset(id: string, assets: string[]) {
  return {
    format: 'stillroom.preset/1',
    id,
    name: `Test ${id}`,
    route: 'demo',
    phases: [
      {
        kind: 'preparation',
        name: 'Arriving',
        plannedMin: 1,
        untilDose: true,
        crossfadeS: 2,
        playlist: assets.map((a, i) => track(`T${i}`, a, 4)),
        light: { level: 50, kelvin: 2700, transitionS: 5 },
      },
      {
        kind: 'onset',
        name: 'Settling',
        plannedMin: 1,
        crossfadeS: 2,
        playlist: assets.map((a, i) => track(`U${i}`, a, 4)),
        light: { level: 20, kelvin: 2400, transitionS: 30 },
      },
      { kind: 'integration', name: 'Talking', plannedMin: 1, playlist: [], light: { level: 55, kelvin: 2700, transitionS: 10 } },
    ],
    reminders: [{ id: 'vitals', label: 'Vitals', anchor: 'dose', offsetMin: 1 }],
  };
}

let rig: HostRig;
const openHost = () => rig.open();

beforeEach(() => {
  rig = new HostRig('host', {
    presets: { test: preset('test', ['a/one.wav', 'a/two.wav', 'a/gone.wav']) },
    tones: { 'one.wav': [4, 330], 'two.wav': [4, 440] },
  });
});

afterEach(() => rig.dispose());

describe('host commands', () => {
  it('rejects unknown and malformed commands with a message naming the problem, leaving state unchanged', async () => {
    const host = await openHost();
    const before = JSON.stringify(host.snapshot().session);
    expect(await host.dispatch('launchRockets', {})).toEqual({ ok: false, error: 'unknown command "launchRockets"' });
    const bad = await host.dispatch('extendPhase', { minutes: 'five' });
    expect(bad.ok).toBe(false);
    // Worded for a person (the panel shows it as it is): the field, what is wrong, no library words.
    expect(!bad.ok && bad.error).toMatch(/^minutes: /);
    expect(!bad.ok && bad.error).not.toMatch(RAW_WORDING);
    const extra = await host.dispatch('advancePhase', { force: true });
    expect(!extra.ok && extra.error).toMatch(/force/);
    expect(!extra.ok && extra.error).not.toMatch(RAW_WORDING);
    expect(await host.dispatch('recordDose', {})).toEqual({ ok: false, error: 'no session is running' });
    expect(JSON.stringify(host.snapshot().session)).toBe(before);
  });

  it('runs a session, journals every event with fsync, and resumes it after a restart', async () => {
    let host = await openHost();
    expect((await host.dispatch('startSession', { presetId: 'test', clientAlias: 'J.' })).ok).toBe(true);
    const snap = host.snapshot();
    expect(snap.session?.status).toBe('running');
    // The missing file is reported before music starts and left out of the timeline.
    expect(snap.notices.join(' ')).toMatch(/1 track will be skipped: T2 \(file not found/);
    expect(snap.timeline?.segments.every((s) => s.trackId !== snap.session?.plan.phaseTracks[0]?.[2])).toBe(true);
    // Real durations are measured from the files.
    const first = snap.session?.plan.tracks[snap.session.plan.phaseTracks[0]?.[0] ?? ''];
    expect(first?.durationS).toBeCloseTo(4, 1);

    rig.now += 30_000;
    expect((await host.dispatch('recordDose', {})).ok).toBe(true);
    rig.now += 5_000;
    expect((await host.dispatch('addNote', { text: 'Settled, breathing slowly' })).ok).toBe(true);
    expect(host.snapshot().timeline?.phases[1]?.start).toBe(rig.now - 5_000);

    const [file] = listJournals(join(rig.dataDir, 'sessions'));
    const lines = readFileSync(file as string, 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['SessionStarted', 'DoseGiven', 'NoteAdded']);

    rig.close(host);
    rig.now += 20_000;
    host = await openHost();
    const s = host.snapshot();
    expect(s.session?.status).toBe('running');
    expect(s.session?.doseAt).toBe(rig.now - 25_000);
    expect(s.session?.notes.map((n) => n.text)).toEqual(['Settled, breathing slowly']);
    expect(s.notices.join(' ')).toMatch(/Resumed the session/);
    // Appending continues the sequence.
    expect((await host.dispatch('setSafeState', { on: true })).ok).toBe(true);
    const seqs = readFileSync(file as string, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).seq);
    expect(seqs).toEqual([0, 1, 2, 3]);
  });

  it('ignores only a truncated last journal line after a power cut, and says so', async () => {
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'test' });
    rig.now += 1000;
    await host.dispatch('addNote', { text: 'kept' });
    rig.close(host);
    const [file] = listJournals(join(rig.dataDir, 'sessions'));
    appendFileSync(file as string, '{"seq":2,"at":1,"type":"NoteAd');
    const again = await openHost();
    expect(again.snapshot().session?.notes.map((n) => n.text)).toEqual(['kept']);
    expect(rig.logs.some((l) => /truncated last line/.test(l))).toBe(true);
    rig.now += 1000;
    expect((await again.dispatch('addNote', { text: 'after' })).ok).toBe(true);
    rig.close(again);
    const third = await openHost();
    expect(third.snapshot().session?.notes.map((n) => n.text)).toEqual(['kept', 'after']);
  });

  it('refuses a second host on the same data folder with a clear message', async () => {
    await openHost();
    await expect(openHost()).rejects.toThrow(DataDirBusyError);
    await expect(openHost()).rejects.toThrow(/already using the data folder/);
  });

  it('reports a malformed preset by file and field and still loads the others', async () => {
    mkdirSync(join(rig.dataDir, 'presets'), { recursive: true });
    const broken = preset('broken', []);
    (broken.phases[1] as { light: { level: number } }).light.level = 140;
    writeFileSync(join(rig.dataDir, 'presets', 'broken.stillroom.json'), JSON.stringify(broken));
    writeFileSync(join(rig.dataDir, 'presets', 'garbage.stillroom.json'), '{ not json');
    const host = await openHost();
    const snap: HostSnapshot = host.snapshot();
    expect(snap.presets.map((p) => p.id)).toEqual(['test']);
    const problems = snap.presetProblems.map((p) => `${p.source}: ${p.message}`);
    expect(problems.some((p) => p.includes('broken.stillroom.json') && p.includes('phases[1].light.level'))).toBe(true);
    expect(problems.some((p) => p.includes('garbage.stillroom.json') && p.includes('not valid JSON'))).toBe(true);
  });

  it('publishes state on every change and the lamp follows the light keyframes', async () => {
    const host = await openHost();
    const kinds: string[] = [];
    host.subscribe((m) => kinds.push(m.kind));
    await host.dispatch('startSession', { presetId: 'test' });
    expect(kinds).toContain('state');
    await host.dispatch('setSafeState', { on: true });
    expect(host.snapshot().session?.safe.on).toBe(true);
    expect((await host.dispatch('setSafeState', { on: true })).ok).toBe(true); // idempotent
    await host.dispatch('setSafeState', { on: false });
    expect(host.snapshot().session?.safe.intervals).toHaveLength(1);
  });

  it('a session change replans and sends everything; the panel look sends only its own part, keeping the same timeline', async () => {
    const host = await openHost();
    const messages: HostMessage[] = [];
    host.subscribe((m) => messages.push(m));
    await host.dispatch('startSession', { presetId: 'test' });
    const started = messages.at(-1);
    expect(started?.kind).toBe('state');
    const timeline = host.snapshot().timeline;
    messages.length = 0;
    await host.dispatch('setPanelPrefs', { theme: 'night' });
    expect(messages).toHaveLength(1);
    const m = messages[0];
    expect(m?.kind).toBe('patch');
    if (m?.kind !== 'patch') return;
    expect(Object.keys(m.patch).sort()).toEqual(['now', 'prefs']);
    expect(m.patch.prefs?.theme).toBe('night');
    // Nothing was rebuilt: the renderer keeps the same timeline object and the player does not re-plan.
    expect(host.snapshot().timeline).toBe(timeline);
    const mirrored = applyHostMessage(started?.kind === 'state' ? started.snapshot : null, m);
    expect(mirrored?.timeline).toBe(started?.kind === 'state' ? started.snapshot.timeline : undefined);
    expect(mirrored?.prefs.theme).toBe('night');
  });

  it('a command that changes nothing sends nothing', async () => {
    const host = await openHost();
    const messages: HostMessage[] = [];
    host.subscribe((m) => messages.push(m));
    expect((await host.dispatch('getPreset', { presetId: 'test' })).ok).toBe(true);
    expect((await host.dispatch('searchLibrary', { query: 'anything' })).ok).toBe(true);
    expect(messages).toEqual([]);
    await host.dispatch('setPanelPrefs', { theme: 'night' });
    await host.dispatch('setPanelPrefs', { theme: 'night' });
    expect(messages).toHaveLength(1);
  });

  it('remembers what the desktop app keeps awake during a session, and sends only that part', async () => {
    const host = await openHost();
    expect(host.snapshot().machine?.keepAwake).toBe('prevent-app-suspension');
    const messages: HostMessage[] = [];
    host.subscribe((m) => messages.push(m));
    expect(await host.dispatch('setKeepAwake', { choice: 'prevent-display-sleep' })).toEqual({ ok: true });
    expect(messages.map((m) => (m.kind === 'patch' ? Object.keys(m.patch).sort().join() : m.kind))).toEqual(['machine,now']);
    rig.close(host);
    expect((await openHost()).snapshot().machine?.keepAwake).toBe('prevent-display-sleep');
    expect((await host.dispatch('setKeepAwake', { choice: 'always' })).ok).toBe(false);
  });

  it('ends a session and refuses further commands', async () => {
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'test' });
    rig.now += 1000;
    expect((await host.dispatch('endSession', {})).ok).toBe(true);
    expect(host.snapshot().session?.status).toBe('ended');
    expect(await host.dispatch('addNote', { text: 'late' })).toEqual({ ok: false, error: 'no session is running' });
    rig.close(host);
    // After a restart the ended session comes back as ended (for its summary and report), still closed to new notes.
    const again = await openHost();
    expect(again.snapshot().session?.status).toBe('ended');
    expect(await again.dispatch('addNote', { text: 'late' })).toEqual({ ok: false, error: 'no session is running' });
  });
});
