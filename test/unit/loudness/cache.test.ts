import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityOf, LOUDNESS_CACHE_FILE, LoudnessCache } from '../../../electron/services/loudness/cache';
import { LoudnessPool } from '../../../electron/services/loudness/pool';
import type { LoudnessOutcome, LoudnessResult } from '../../../electron/services/loudness/types';
import { sine, writeWav } from '../../fixtures/audio-gen';

const root = mkdtempSync(join(tmpdir(), 'stillroom-loudness-cache-'));
let n = 0;
const freshDir = () => {
  const d = join(root, `data${n++}`);
  return d;
};
const track = join(root, 'track.wav');

const result = (file: string): LoudnessResult => ({
  file,
  integratedLufs: -18.2,
  loudnessRangeLu: 4.1,
  truePeakDbtp: -1.3,
  cueInS: 0.2,
  cueOutS: 200.5,
  durationS: 201,
  sampleRate: 44100,
  channels: 2,
  replayGain: null,
  decodeWarnings: 0,
});
const ok = (file: string): LoudnessOutcome => ({ file, ok: true, result: result(file) });

beforeAll(() => {
  writeWav(track, [sine(2, 22050, 440, -12)], 22050);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('LoudnessCache', () => {
  it('starts empty without a file and remembers across a save and reopen', async () => {
    const dir = freshDir();
    const { cache, problem } = await LoudnessCache.open(dir);
    expect(problem).toBeNull();
    expect(cache.size).toBe(0);
    const id = { size: 1000, mtimeMs: 1700000000123.5 };
    cache.store(ok('/music/a.flac'), id);
    await cache.save();
    const again = (await LoudnessCache.open(dir)).cache;
    expect(again.lookup('/music/a.flac', id)).toEqual(ok('/music/a.flac'));
    expect(JSON.parse(readFileSync(join(dir, LOUDNESS_CACHE_FILE), 'utf8')).format).toBe('stillroom.loudness-cache/1');
  });

  it('misses when the size or the modification time changed', async () => {
    const { cache } = await LoudnessCache.open(freshDir());
    cache.store(ok('/music/a.flac'), { size: 1000, mtimeMs: 5 });
    expect(cache.lookup('/music/a.flac', { size: 1000, mtimeMs: 5 })).not.toBeNull();
    expect(cache.lookup('/music/a.flac', { size: 1000, mtimeMs: 6 })).toBeNull();
    expect(cache.lookup('/music/a.flac', { size: 1001, mtimeMs: 5 })).toBeNull();
    expect(cache.lookup('/music/b.flac', { size: 1000, mtimeMs: 5 })).toBeNull();
  });

  it('remembers bad files, but not passing problems', async () => {
    const { cache } = await LoudnessCache.open(freshDir());
    const id = { size: 10, mtimeMs: 1 };
    cache.store({ file: '/x/corrupt.mp3', ok: false, error: { code: 'corrupt', message: 'broken' } }, id);
    cache.store({ file: '/x/gone.mp3', ok: false, error: { code: 'not-found', message: 'file not found' } }, id);
    cache.store({ file: '/x/stopped.mp3', ok: false, error: { code: 'cancelled', message: 'analysis cancelled' } }, id);
    expect(cache.lookup('/x/corrupt.mp3', id)).toMatchObject({ ok: false, error: { code: 'corrupt' } });
    expect(cache.lookup('/x/gone.mp3', id)).toBeNull();
    expect(cache.lookup('/x/stopped.mp3', id)).toBeNull();
  });

  it('writes atomically: no temp files left, concurrent saves leave one whole file', async () => {
    const dir = freshDir();
    const { cache } = await LoudnessCache.open(dir);
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      cache.store(ok(`/music/${i}.flac`), { size: i, mtimeMs: i });
      saves.push(cache.save());
    }
    await Promise.all(saves);
    expect(readdirSync(dir)).toEqual([LOUDNESS_CACHE_FILE]);
    expect((await LoudnessCache.open(dir)).cache.size).toBe(20);
  });

  it('starts over, saying why, when the file is damaged; silently after an analyser change', async () => {
    const dir = freshDir();
    const { cache } = await LoudnessCache.open(dir);
    cache.store(ok('/music/a.flac'), { size: 1, mtimeMs: 1 });
    await cache.save();
    const file = join(dir, LOUDNESS_CACHE_FILE);
    const good = readFileSync(file, 'utf8');

    writeFileSync(file, good.slice(0, good.length / 2));
    let opened = await LoudnessCache.open(dir);
    expect(opened.cache.size).toBe(0);
    expect(opened.problem).toMatch(/not valid JSON.*measuring again/);

    writeFileSync(file, good.replace('-18.2', '"loud"'));
    opened = await LoudnessCache.open(dir);
    expect(opened.cache.size).toBe(0);
    expect(opened.problem).toMatch(/entries.*measuring again/);

    writeFileSync(file, good.replace('"analyser":1', '"analyser":0'));
    opened = await LoudnessCache.open(dir);
    expect(opened).toMatchObject({ problem: null });
    expect(opened.cache.size).toBe(0);
  });

  it('in the pool: a hit needs no worker; a touched file is measured again', async () => {
    const dir = freshDir();
    const { cache } = await LoudnessCache.open(dir);
    const real = new LoudnessPool({ cache });
    const first = await real.analyse(track);
    await real.close(); // also saves
    expect(first.ok).toBe(true);
    expect((await LoudnessCache.open(dir)).cache.size).toBe(1);

    // A pool whose worker cannot start: it can only answer from the cache.
    const noWorker = new LoudnessPool({ cache, workerUrl: new URL('file:///nonexistent/loudness-worker.js') });
    try {
      const hit = await noWorker.analyse(track);
      expect(hit).toEqual(first);
      const before = await identityOf(track);
      utimesSync(track, new Date(), new Date(Date.now() + 5000));
      expect(await identityOf(track)).not.toEqual(before);
      const miss = await noWorker.analyse(track);
      expect(miss).toMatchObject({ ok: false, error: { code: 'internal' } });
    } finally {
      await noWorker.close();
    }
  });
});
