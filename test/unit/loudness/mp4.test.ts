/**
 * MPEG-4 files with the index at the end (ffmpeg's default) are read index first, so the
 * decoder streams them instead of buffering the whole file.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeChunked } from 'audio-decode/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseFile } from '../../../electron/services/loudness/analyse';
import { mp4IndexFirst, shiftChunkOffsets, topLevelBoxes } from '../../../electron/services/loudness/mp4-order';
import { concat, hasTool, noise, run, writeWav } from '../../fixtures/audio-gen';

const ffmpeg = hasTool('ffmpeg');
const dir = mkdtempSync(join(tmpdir(), 'stillroom-loudness-mp4-'));
const f = (name: string) => join(dir, name);

beforeAll(() => {
  if (!ffmpeg) return;
  const rate = 44100;
  writeWav(f('src.wav'), [concat(noise(10, rate, -20, 1), noise(10, rate, -26, 2)), noise(20, rate, -22, 3)], rate);
  run('ffmpeg', ['-i', f('src.wav'), '-c:a', 'aac', '-b:a', '128k', f('index-last.m4a')]);
  run('ffmpeg', ['-i', f('src.wav'), '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', f('index-first.m4a')]);
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MPEG-4 read index first', () => {
  it.skipIf(!ffmpeg)('moves the index in front of the audio, keeping every byte', async () => {
    const file = f('index-last.m4a');
    const size = statSync(file).size;
    const before = (await topLevelBoxes(file, size)).map((b) => b.type);
    expect(before.indexOf('moov')).toBeGreaterThan(before.indexOf('mdat'));
    const pieces: Uint8Array[] = [];
    for await (const p of mp4IndexFirst(file, size, 64 * 1024)) pieces.push(p);
    const bytes = Buffer.concat(pieces);
    expect(bytes.length).toBe(size);
    const order: string[] = [];
    for (let at = 0; at + 8 <= bytes.length; at += bytes.readUInt32BE(at)) order.push(bytes.toString('latin1', at + 4, at + 8));
    expect(order.indexOf('moov')).toBeLessThan(order.indexOf('mdat'));
  });

  it.skipIf(!ffmpeg)('lets the decoder stream (many pieces, not one) with the same audio', async () => {
    const file = f('index-last.m4a');
    let pieces = 0;
    let frames = 0;
    for await (const p of decodeChunked(mp4IndexFirst(file, statSync(file).size, 16 * 1024), 'm4a')) {
      pieces++;
      frames += p.channelData[0]?.length ?? 0;
    }
    expect(pieces).toBeGreaterThan(10); // ~320 kB in 16 kB reads
    expect(frames / 44100).toBeCloseTo(20, 1);
  });

  it.skipIf(!ffmpeg)('measures both layouts the same', async () => {
    const last = await analyseFile(f('index-last.m4a'));
    const first = await analyseFile(f('index-first.m4a'));
    expect(last.integratedLufs).toBeCloseTo(first.integratedLufs, 6);
    expect(last.truePeakDbtp).toBeCloseTo(first.truePeakDbtp, 6);
    expect(last.durationS).toBeCloseTo(first.durationS, 6);
  });

  it('shifts 32- and 64-bit chunk offsets inside moov/trak/mdia/minf/stbl', () => {
    const box = (type: string, body: Buffer) => {
      const h = Buffer.alloc(8);
      h.writeUInt32BE(8 + body.length, 0);
      h.write(type, 4, 'latin1');
      return Buffer.concat([h, body]);
    };
    const stco = Buffer.alloc(16);
    stco.writeUInt32BE(2, 4);
    stco.writeUInt32BE(1000, 8);
    stco.writeUInt32BE(5000, 12);
    const co64 = Buffer.alloc(16);
    co64.writeUInt32BE(1, 4);
    co64.writeBigUInt64BE(7000n, 8);
    const untouched = Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 3, 232]); // an 'stsz'-like table holding 1000
    const moov = box(
      'moov',
      box('trak', box('mdia', box('minf', box('stbl', Buffer.concat([box('stsz', untouched), box('stco', stco), box('co64', co64)]))))),
    );
    shiftChunkOffsets(moov, 100);
    const find = (type: string) => moov.indexOf(Buffer.from(type, 'latin1')) + 4;
    expect([moov.readUInt32BE(find('stco') + 8), moov.readUInt32BE(find('stco') + 12)]).toEqual([1100, 5100]);
    expect(moov.readBigUInt64BE(find('co64') + 8)).toBe(7100n);
    expect(moov.readUInt32BE(find('stsz') + 8)).toBe(1000);
  });
});
