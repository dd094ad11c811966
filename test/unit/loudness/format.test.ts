import { describe, expect, it } from 'vitest';
import {
  id3v2Size,
  isMp3Frame,
  looksLikeText,
  mp3StatesLength,
  sniffFormat,
  wavDeclaredSeconds,
} from '../../../electron/services/loudness/format';
import { sine, wavBytes } from '../../fixtures/audio-gen';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

/** An MPEG-1 Layer III frame header, 128 kbps, 44.1 kHz (417 bytes a frame), followed by `fill`. */
const mp3Frame = (fill = 413): number[] => [0xff, 0xfb, 0x90, 0x64, ...new Array(fill).fill(0)];

describe('sniffFormat', () => {
  it.each([
    ['WAV', bytes('RIFF', [0, 0, 0, 0], 'WAVE'), 'wav'],
    ['FLAC', bytes('fLaC', [0, 0, 0, 34]), 'flac'],
    ['Ogg Vorbis', bytes('OggS', new Array(24).fill(0), [1], 'vorbis'), 'oga'],
    ['Ogg Opus', bytes('OggS', new Array(24).fill(0), 'OpusHead'), 'opus'],
    ['MPEG-4', bytes([0, 0, 0, 32], 'ftypM4A '), 'm4a'],
    ['AIFF', bytes('FORM', [0, 0, 0, 0], 'AIFF'), 'aiff'],
    ['ADTS AAC', bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), 'aac'],
    ['bare mp3 (two frames)', Uint8Array.from([...mp3Frame(), ...mp3Frame()]), 'mp3'],
    ['mp3 with ID3v2', bytes('ID3', [4, 0, 0, 0, 0, 0, 10], new Array(10).fill(0)), 'mp3'],
  ])('recognises %s', (_, head, format) => {
    expect(sniffFormat(head)?.format).toBe(format);
  });

  it('recognises FLAC behind an ID3v2 tag', () => {
    expect(sniffFormat(bytes('ID3', [4, 0, 0, 0, 0, 0, 0]), bytes('fLaC'))?.format).toBe('flac');
  });

  it.each([
    ['text', bytes('hello, this is not audio at all\n')],
    ['a lone frame sync (random bytes can start like this)', Uint8Array.from(mp3Frame(10))],
    ['an unknown Ogg codec', bytes('OggS', new Array(24).fill(0), 'Speex   ')],
    ['nothing', new Uint8Array(0)],
  ])('refuses %s', (_, head) => {
    expect(sniffFormat(head)).toBeNull();
  });
});

describe('header facts', () => {
  it('reads an ID3v2 size (sync-safe, with footer)', () => {
    expect(id3v2Size(bytes('ID3', [4, 0, 0, 0, 0, 1, 0]))).toBe(10 + 128);
    expect(id3v2Size(bytes('ID3', [4, 0, 0x10, 0, 0, 0, 5]))).toBe(10 + 5 + 10);
    expect(id3v2Size(bytes('RIFF'))).toBe(0);
  });

  it('tells a frame with a Xing/Info header from one without', () => {
    const withInfo = Uint8Array.from(mp3Frame());
    withInfo.set(bytes('Info'), 36);
    expect(isMp3Frame(withInfo)).toBe(true);
    expect(mp3StatesLength(withInfo)).toBe(true);
    expect(mp3StatesLength(Uint8Array.from(mp3Frame()))).toBe(false);
  });

  it("reads a WAV's declared length, and nothing from a streaming writer's placeholder", () => {
    const wav = wavBytes([sine(1, 8000, 440, -6), sine(1, 8000, 440, -6)], 8000);
    expect(wavDeclaredSeconds(wav)).toBe(1);
    expect(wavDeclaredSeconds(wav.subarray(0, 44))).toBe(1); // only the header is needed
    // A JUNK chunk before "fmt " (some recorders write one) moves everything along.
    const junk = Buffer.concat([wav.subarray(0, 12), Buffer.from('JUNK\x1c\0\0\0', 'latin1'), Buffer.alloc(28), wav.subarray(12)]);
    expect(wavDeclaredSeconds(junk)).toBe(1);
    const streaming = Buffer.from(wav);
    streaming.writeUInt32LE(0xffffffff, 40);
    expect(wavDeclaredSeconds(streaming)).toBeNull();
  });

  it('knows text when it sees it', () => {
    expect(looksLikeText(bytes('#EXTM3U\nsong.mp3\n'))).toBe(true);
    expect(looksLikeText(new TextEncoder().encode('Grüße — Kétamine'))).toBe(true);
    expect(looksLikeText(bytes([0x49, 0x44, 0x33, 0, 1]))).toBe(false);
  });
});
