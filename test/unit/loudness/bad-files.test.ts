/**
 * Every kind of bad file ends in a `LoudnessError` with a code and a message a clinic can act
 * on; nothing crashes, nothing hangs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseFile } from '../../../electron/services/loudness/analyse';
import { LoudnessError, type LoudnessErrorCode } from '../../../electron/services/loudness/types';
import { concat, hasTool, noise, run, silence, sine, wavBytes, writeWav } from '../../fixtures/audio-gen';

const dir = mkdtempSync(join(tmpdir(), 'stillroom-loudness-bad-'));
const f = (name: string) => join(dir, name);
const ffmpeg = hasTool('ffmpeg');

async function failure(file: string): Promise<LoudnessError> {
  try {
    await analyseFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(LoudnessError);
    return err as LoudnessError;
  }
  throw new Error(`${file} was measured, but should have failed`);
}

function randomBytes(n: number, seed: number): Buffer {
  let s = seed;
  return Buffer.from(
    Array.from({ length: n }, () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s >>> 24;
    }),
  );
}

beforeAll(() => {
  const rate = 22050;
  const good = wavBytes([sine(3, rate, 440, -12), sine(3, rate, 440, -12)], rate);
  writeFileSync(f('empty.mp3'), '');
  writeFileSync(f('notes.mp3'), 'Session notes: this file was renamed by mistake.\n'.repeat(20));
  writeFileSync(f('random.mp3'), randomBytes(40_000, 7));
  writeFileSync(f('random.flac'), randomBytes(40_000, 8));
  writeFileSync(f('riff-garbage.wav'), Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE'), randomBytes(4000, 9)]));
  writeFileSync(f('truncated.wav'), good.subarray(0, Math.floor(good.length / 3)));
  writeFileSync(f('header-only.wav'), good.subarray(0, 44));
  writeFileSync(f('wav-named.mp3'), good);
  writeWav(f('silent.wav'), [silence(3, rate)], rate);
  writeWav(f('hiss-only.wav'), [noise(3, rate, -90, 1)], rate);
  writeWav(f('short.wav'), [sine(0.25, rate, 440, -12)], rate);
  mkdirSync(f('folder.mp3'));
  if (ffmpeg) {
    writeFileSync(f('src.wav'), wavBytes([sine(8, 44100, 440, -12), sine(8, 44100, 660, -12)], 44100));
    run('ffmpeg', ['-i', f('src.wav'), '-c:a', 'libmp3lame', '-b:a', '128k', f('whole.mp3')]);
    run('ffmpeg', ['-i', f('src.wav'), '-c:a', 'flac', f('whole.flac')]);
    run('ffmpeg', ['-i', f('src.wav'), '-c:a', 'aac', f('whole.m4a')]);
    for (const ext of ['mp3', 'flac', 'm4a']) {
      const all = readFileSync(f(`whole.${ext}`));
      writeFileSync(f(`truncated.${ext}`), all.subarray(0, Math.floor(all.length * 0.4)));
    }
    run('ffmpeg', ['-i', f('src.wav'), '-c:a', 'flac', '-f', 'flac', f('flac-named.mp3')]);
  }
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad files give clear, typed errors', () => {
  it.each<[string, LoudnessErrorCode, RegExp]>([
    ['missing.mp3', 'not-found', /not found/],
    ['folder.mp3', 'unreadable', /folder/],
    ['empty.mp3', 'empty', /empty \(0 bytes\)/],
    ['notes.mp3', 'unrecognised', /not an audio file: it contains text, although its name ends in \.mp3/],
    ['random.mp3', 'unrecognised', /not an audio file/],
    ['random.flac', 'unrecognised', /not an audio file/],
    ['truncated.wav', 'truncated', /stops after 1 s but the file's header says 3 s/],
    ['header-only.wav', 'truncated', /stops after 0 s but the file's header says 3 s/],
    ['riff-garbage.wav', 'corrupt', /WAV/],
    ['silent.wav', 'silent', /silent/],
    ['hiss-only.wav', 'silent', /silent/],
    ['short.wav', 'too-short', /250 ms/],
  ])('%s → %s', async (name, code, message) => {
    const err = await failure(f(name));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it.skipIf(!ffmpeg).each<[string, LoudnessErrorCode]>([
    ['truncated.mp3', 'truncated'],
    ['truncated.flac', 'truncated'],
    ['truncated.m4a', 'truncated'],
  ])('%s (cut to 40 %%) → %s', async (name, code) => {
    const err = await failure(f(name));
    expect(err.code).toBe(code);
    expect(err.message.length).toBeGreaterThan(10);
  });

  it('measures a mislabelled file by what it really holds', async () => {
    expect((await analyseFile(f('wav-named.mp3'))).integratedLufs).toBeGreaterThan(-20);
    if (ffmpeg) expect((await analyseFile(f('flac-named.mp3'))).channels).toBe(2);
  });

  it.skipIf(!ffmpeg)('measures the intact originals of the truncated files', async () => {
    for (const ext of ['mp3', 'flac', 'm4a']) {
      const r = await analyseFile(f(`whole.${ext}`));
      expect(r.durationS, ext).toBeGreaterThan(7.9);
    }
  });

  it('stops when cancelled, with code "cancelled"', async () => {
    const rate = 44100;
    writeWav(f('long.wav'), [concat(...Array.from({ length: 6 }, (_, i) => noise(10, rate, -20, i + 1)))], rate);
    const abort = new AbortController();
    let progress = 0;
    const run = analyseFile(f('long.wav'), {
      signal: abort.signal,
      onProgress: (p) => {
        progress = p;
        abort.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(progress).toBeLessThan(1);
  });
});
