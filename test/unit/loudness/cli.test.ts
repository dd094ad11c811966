import { spawnSync } from 'node:child_process';
import { linkSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sine, writeWav } from '../../fixtures/audio-gen';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'stillroom-loudness-cli-'));
// Every test reads only these files, written once here: no test depends on another having run.
beforeAll(() => {
  writeWav(join(dir, 'calm.wav'), [sine(3, 22050, 220, -20), sine(3, 22050, 220, -20)], 22050);
  writeFileSync(join(dir, 'notes.mp3'), 'not audio\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'scripts', 'loudness.mjs'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });

describe('npm run loudness', () => {
  it('prints one JSON line per file, in order, and exits 1 when one failed', () => {
    const r = cli('calm.wav', 'notes.mp3');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(''); // progress goes to stderr only on a terminal
    const [good, bad, ...rest] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rest).toEqual([]);
    expect(Object.keys(good)).toEqual([
      'file',
      'integratedLufs',
      'loudnessRangeLu',
      'truePeakDbtp',
      'cueInS',
      'cueOutS',
      'replayGainDb',
      'suggestedGainDb',
    ]);
    expect(good).toMatchObject({ file: 'calm.wav', replayGainDb: null, cueInS: 0, cueOutS: 3 });
    expect(good.integratedLufs).toBeCloseTo(-20.85, 1); // a −20 dBFS 220 Hz sine, K-weighted
    expect(good.truePeakDbtp).toBeCloseTo(-20, 1);
    expect(good.suggestedGainDb).toBeCloseTo(-23 - good.integratedLufs, 1);
    expect(bad).toMatchObject({ file: 'notes.mp3', code: 'unrecognised' });
    expect(bad.error).toMatch(/not an audio file/);
  });

  it('exits 0 when every file was measured, and 2 with usage when given nothing', () => {
    expect(cli('calm.wav').status).toBe(0);
    const none = cli();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/usage: npm run loudness/);
  });

  it('measures a folder of a dozen files without a listener-leak warning (one abort listener per batch, not per file)', () => {
    const names = Array.from({ length: 12 }, (_, i) => {
      const name = `calm-${i}.wav`;
      linkSync(join(dir, 'calm.wav'), join(dir, name));
      return name;
    });
    const r = cli(...names);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(12);
    expect(r.stderr).not.toMatch(/MaxListenersExceeded/);
    expect(r.stderr).toBe('');
  });
});
