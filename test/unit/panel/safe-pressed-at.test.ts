/** The host takes a safe-state press the page held while it was away: journalled with the time it was pressed. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StillroomHost } from '../../../electron/host/host';
import { listJournals, readJournal } from '../../../electron/services/journal';
import { confSettings } from '../../../electron/services/settings';
import { writeToneWav } from '../../fixtures/audio';
import { twoPhasePreset } from '../../fixtures/host-preset';

let root: string;
let now: number;
let host: StillroomHost | null = null;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'stillroom-safe-'));
  mkdirSync(join(root, 'app', 'playlists'), { recursive: true });
  mkdirSync(join(root, 'app', 'assets', 'a'), { recursive: true });
  writeToneWav(join(root, 'app', 'assets', 'a', 'one.wav'), 4, 330);
  writeFileSync(join(root, 'app', 'playlists', 'test.stillroom.json'), JSON.stringify(twoPhasePreset()));
  now = Date.UTC(2026, 10, 22, 9, 0, 0);
  const dataDir = join(root, 'data');
  host = await StillroomHost.open({
    dataDir,
    appRoot: join(root, 'app'),
    settings: confSettings(dataDir),
    clock: () => now,
    log: () => undefined,
    tickMs: 60_000,
  });
  expect((await host.dispatch('startSession', { presetId: 'test' })).ok).toBe(true);
});

afterEach(() => {
  host?.close();
  host = null;
  rmSync(root, { recursive: true, force: true });
});

const journal = () => {
  const [file] = listJournals(join(root, 'data', 'sessions'));
  return readJournal(file as string).events;
};

describe('safe state pressed while the host was away', () => {
  it('is journalled now, with the time it was pressed', async () => {
    const pressedAt = now + 1_000;
    now += 9_000; // the host came back 8 s after the press
    expect((await host?.dispatch('setSafeState', { on: true, pressedAt }))?.ok).toBe(true);
    expect(host?.snapshot().session?.safe.on).toBe(true);
    expect(journal().at(-1)).toMatchObject({ type: 'SafeStateOn', at: now, pressedAt });
    // Sent again (the page could not know it arrived): still one event.
    expect((await host?.dispatch('setSafeState', { on: true, pressedAt }))?.ok).toBe(true);
    expect(journal().filter((e) => e.type === 'SafeStateOn')).toHaveLength(1);
  });

  it('a press time in the future or long before the session is refused, and nothing changes', async () => {
    const future = await host?.dispatch('setSafeState', { on: true, pressedAt: now + 10 * 60_000 });
    expect(future).toMatchObject({ ok: false, error: expect.stringMatching(/in the future/) });
    const ancient = await host?.dispatch('setSafeState', { on: true, pressedAt: now - 7 * 3_600_000 });
    expect(ancient).toMatchObject({ ok: false, error: expect.stringMatching(/6 hours before/) });
    expect(host?.snapshot().session?.safe.on).toBe(false);
    expect(journal().map((e) => e.type)).toEqual(['SessionStarted']);
  });

  it('a press without a time is the moment the host hears it', async () => {
    expect((await host?.dispatch('setSafeState', { on: true }))?.ok).toBe(true);
    expect(journal().at(-1)).toEqual(expect.objectContaining({ type: 'SafeStateOn', at: now }));
    expect(journal().at(-1)).not.toHaveProperty('pressedAt');
  });
});
