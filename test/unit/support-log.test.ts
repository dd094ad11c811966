/**
 * The support log: lines land in <data>/logs (0600 in 0700), rotate by size into numbered files,
 * never carry the session's alias or intention, and "Save support log" hands back a file a clinic
 * can send on.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StillroomHost } from '../../electron/host/host';
import { openSupportLog, scrub } from '../../electron/services/log';
import { confSettings } from '../../electron/services/settings';
import { twoPhasePreset } from '../fixtures/host-preset';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'stillroom-log-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('support log', () => {
  it('writes 0600 lines in a 0700 folder and rotates by size into numbered files', async () => {
    const log = openSupportLog(root);
    const line = 'x'.repeat(1000);
    for (let i = 0; i < 2500; i++) log.line(`${i} ${line}`);
    await log.close();
    const dir = join(root, 'logs');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).sort();
    expect(files).toContain('stillroom.log');
    expect(files).toContain('stillroom.1.log');
    expect(files.length).toBeLessThanOrEqual(5);
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    // read() gives oldest first and ends with the last line written.
    const all = (await openSupportLog(root).read()).trimEnd();
    expect(all.endsWith(`2499 ${line}`)).toBe(true);
  });

  it('a line written just before the log is read is in what is read', async () => {
    const log = openSupportLog(join(root, 'fresh'));
    for (let i = 0; i < 50; i++) log.line(`line ${i} of the morning`);
    const text = await log.read();
    expect(text.trimEnd().split('\n')).toHaveLength(50);
    expect(text.trimEnd().endsWith('line 49 of the morning')).toBe(true);
    await log.close();
  });

  it('blanks private texts wherever they would appear, whatever the case', () => {
    expect(scrub('resumed for Alex M. — Intention: let go', ['Alex M.', 'let go'])).toBe('resumed for «private» — Intention: «private»');
    expect(scrub('ALEX M. here', ['Alex M.'])).toBe('«private» here');
    // Very short texts would blank ordinary words: left alone.
    expect(scrub('a b', ['a'])).toBe('a b');
  });

  it('Save support log, through the host: a file with what the host said, without the client’s alias or intention', async () => {
    const appRoot = join(root, 'app');
    const dataDir = join(root, 'data');
    mkdirSync(join(appRoot, 'playlists'), { recursive: true });
    mkdirSync(join(appRoot, 'assets', 'a'), { recursive: true });
    writeFileSync(join(appRoot, 'playlists', 'test.stillroom.json'), JSON.stringify(twoPhasePreset()));
    const supportLog = openSupportLog(dataDir);
    const host = await StillroomHost.open({ dataDir, appRoot, settings: confSettings(dataDir), supportLog, tickMs: 60_000 });
    try {
      expect((await host.dispatch('startSession', { presetId: 'test', clientAlias: 'Robin Q', intention: 'to rest deeply' })).ok).toBe(
        true,
      );
      // A line that (wrongly) carried the alias would still come out blank.
      supportLog.line('debug: session for Robin Q started');
      const r = await host.dispatch('saveSupportLog', {});
      expect(r.ok).toBe(true);
      if (!r.ok || !r.file) throw new Error('no file');
      expect(r.file.name).toMatch(/^stillroom-support-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\.log$/);
      expect(r.file.data).toMatch(/Stillroom support log, saved/);
      expect(r.file.data).toMatch(/debug: session for «private» started/);
      expect(r.file.data).not.toMatch(/Robin|rest deeply/);
      expect(readFileSync(r.file.path, 'utf8')).toBe(r.file.data);
      expect(statSync(r.file.path).mode & 0o777).toBe(0o600);
    } finally {
      host.close();
      await supportLog.close();
    }
  });
});
