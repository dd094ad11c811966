/**
 * The worker pool: batches finish whatever is in them, report progress, keep the caller's
 * order, survive a worker dying mid-file, and stop when cancelled.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseMany, type BatchProgress, LoudnessPool } from '../../../electron/services/loudness/pool';
import { noise, sine, wavBytes, writeWav } from '../../fixtures/audio-gen';

const dir = mkdtempSync(join(tmpdir(), 'stillroom-loudness-pool-'));
const f = (name: string) => join(dir, name);
const rate = 22050;

beforeAll(() => {
  for (const [i, level] of [-14, -20, -26].entries()) writeWav(f(`good${i}.wav`), [sine(4, rate, 330 + 110 * i, level)], rate);
  writeFileSync(f('notes.mp3'), 'not audio\n'.repeat(50));
  const wav = wavBytes([sine(4, rate, 440, -10)], rate);
  writeFileSync(f('cut.wav'), wav.subarray(0, wav.length / 2));
  writeWav(f('crash-here.wav'), [sine(2, rate, 440, -10)], rate);
  writeWav(f('hang-here.wav'), [sine(2, rate, 440, -10)], rate);
  for (let i = 0; i < 4; i++) writeWav(f(`long${i}.wav`), [noise(40, 44100, -20, i + 1), noise(40, 44100, -21, i + 9)], 44100);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analyseMany', () => {
  it('measures a batch with bad files in the middle, in order, with progress', async () => {
    const files = [f('good0.wav'), f('notes.mp3'), f('good1.wav'), f('cut.wav'), f('good2.wav')];
    const reports: BatchProgress[] = [];
    const outcomes = await analyseMany(files, { concurrency: 1, onProgress: (p) => reports.push(p) });
    expect(outcomes.map((o) => o.file)).toEqual(files);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'unrecognised', 'ok', 'truncated', 'ok']);
    const levels = outcomes.flatMap((o) => (o.ok ? [o.result.integratedLufs] : []));
    expect(levels[0]).toBeGreaterThan(levels[1] as number);
    expect(levels[1]).toBeGreaterThan(levels[2] as number);
    // One "finished" report per file, the batch fraction only ever grows, and ends at 1.
    expect(reports.filter((r) => r.outcome).map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    const fractions = reports.map((r) => r.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(reports.at(-1)).toMatchObject({ completed: 5, total: 5, fraction: 1 });
  });

  it('survives a worker that dies mid-file and carries on with the next file', async () => {
    const files = [f('good0.wav'), f('crash-here.wav'), f('good1.wav')];
    const outcomes = await analyseMany(files, { workerUrl: new URL('./crashing-worker.ts', import.meta.url) });
    expect(outcomes[0]?.ok).toBe(true);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!outcomes[1]?.ok) expect(outcomes[1]?.error.message).toMatch(/stopped unexpectedly \(simulated codec crash\)/);
    expect(outcomes[2]?.ok).toBe(true);
  });

  it('stops a worker that stalls, fails that file, and carries on', async () => {
    const started = performance.now();
    const outcomes = await analyseMany([f('hang-here.wav'), f('good1.wav')], {
      concurrency: 1,
      workerUrl: new URL('./crashing-worker.ts', import.meta.url),
      // Long enough for the next file's fresh worker (started through tsx, at low priority, on a
      // busy machine) to report before it would itself count as stalled.
      stallMs: 4000,
    });
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!outcomes[0]?.ok) expect(outcomes[0]?.error.message).toMatch(/stalled/);
    expect(outcomes[1]?.ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('stops when cancelled: the rest of the batch comes back cancelled, quickly', async () => {
    const files = [0, 1, 2, 3].map((i) => f(`long${i}.wav`));
    const abort = new AbortController();
    const started = performance.now();
    const outcomes = await analyseMany(files, {
      concurrency: 1,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.index === 1 && p.fileFraction > 0) abort.abort();
      },
    });
    expect(outcomes[0]?.ok).toBe(true);
    expect(outcomes.slice(1).map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('runs one file per core by default, and as many as asked', () => {
    expect(new LoudnessPool().concurrency).toBe(availableParallelism());
    expect(new LoudnessPool({ concurrency: 1 }).concurrency).toBe(1);
  });

  it('runs two files at once when asked', async () => {
    const outcomes = await analyseMany([f('good0.wav'), f('good1.wav'), f('good2.wav')], { concurrency: 2 });
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });
});

describe('LoudnessPool', () => {
  it('measures an urgent file before the queue', async () => {
    const pool = new LoudnessPool({ concurrency: 1 });
    const order: string[] = [];
    const track = (name: string, urgent = false) =>
      pool.analyse(f(name), { urgent }).then((o) => {
        order.push(name);
        return o;
      });
    try {
      await Promise.all([track('good0.wav'), track('good1.wav'), track('good2.wav'), track('crash-here.wav', true)]);
    } finally {
      await pool.close();
    }
    // good0 was already running; the urgent one jumps the rest of the queue.
    expect(order).toEqual(['good0.wav', 'crash-here.wav', 'good1.wav', 'good2.wav']);
  });

  it('answers cancelled for work still queued when closed', async () => {
    const pool = new LoudnessPool();
    const a = pool.analyse(f('long0.wav'));
    const b = pool.analyse(f('long1.wav'));
    await pool.close();
    expect((await a).ok ? 'ok' : 'failed').toBe('failed');
    expect(await b).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });
});
