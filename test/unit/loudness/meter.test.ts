import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integratedLufsWhole, truePeakDbtp, wasmMemoryBytes } from '../../../electron/services/loudness/ebur128';
import { kWeighting, LoudnessMeter } from '../../../electron/services/loudness/meter';
import { SilenceScanner } from '../../../electron/services/loudness/silence';
import { TruePeakMeter } from '../../../electron/services/loudness/true-peak';
import { concat, noise, silence, sine } from '../../fixtures/audio-gen';

/** Feeds planar audio to `add` in pieces of the given sizes (cycled). */
function feed(channels: Float32Array[], sizes: number[], add: (piece: Float32Array[]) => void): void {
  const n = (channels[0] as Float32Array).length;
  let at = 0;
  let k = 0;
  while (at < n) {
    const len = sizes[k++ % sizes.length] as number;
    add(channels.map((c) => c.subarray(at, at + len)));
    at += len;
  }
}

function measure(channels: Float32Array[], rate: number, sizes = [4096]): LoudnessMeter {
  const m = new LoudnessMeter(rate, channels.length);
  feed(channels, sizes, (p) => m.add(p));
  return m;
}

describe('K-weighting', () => {
  it('equals the 48 kHz coefficients printed in ITU-R BS.1770-4', () => {
    const { shelf, highPass } = kWeighting(48000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 10);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 10);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 10);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 10);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 10);
    expect(highPass.a1).toBeCloseTo(-1.99004745483398, 10);
    expect(highPass.a2).toBeCloseTo(0.99007225036621, 10);
    expect([highPass.b0, highPass.b1, highPass.b2]).toEqual([1, -2, 1]);
  });

  it('reads a full-scale 997 Hz sine on one channel as −3.01 LUFS (the BS.1770 calibration)', () => {
    for (const rate of [44100, 48000]) {
      expect(measure([sine(5, rate, 997, 0)], rate).integratedLufs()).toBeCloseTo(-3.01, 1);
    }
  });
});

describe('streaming meter', () => {
  const cases: Array<[string, number, Float32Array[]]> = [
    ['stereo tone 44.1 kHz', 44100, [sine(6, 44100, 440, -20), sine(6, 44100, 440, -20)]],
    ['mono tone 48 kHz', 48000, [sine(6, 48000, 1000, -12)]],
    ['noise 22.05 kHz', 22050, [noise(6, 22050, -25, 3), noise(6, 22050, -28, 4)]],
    ['different channels 96 kHz', 96000, [sine(4, 96000, 100, -6), noise(4, 96000, -40, 5)]],
    ['tone, silence, quiet noise (gates)', 44100, [concat(sine(3, 44100, 1000, -18), silence(3, 44100), noise(3, 44100, -50, 6))]],
    ['8 kHz telephone rate', 8000, [sine(5, 8000, 300, -10)]],
  ];

  it.each(cases)('matches ebur128-wasm on the whole buffer: %s', (_, rate, channels) => {
    const ours = measure(channels, rate, [1000, 4410, 77, 30000]).integratedLufs();
    expect(Math.abs(ours - integratedLufsWhole(rate, channels))).toBeLessThan(0.01);
  });

  it('gives the same figures however the audio is cut into pieces', () => {
    const rate = 44100;
    const channels = [concat(noise(4, rate, -20, 1), noise(4, rate, -32, 2)), concat(noise(4, rate, -22, 3), noise(4, rate, -30, 4))];
    const reference = measure(channels, rate, [channels[0]?.length ?? 0]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20000 }), { minLength: 1, maxLength: 6 }), (sizes) => {
        const m = measure(channels, rate, sizes);
        return (
          Math.abs(m.integratedLufs() - reference.integratedLufs()) < 1e-9 &&
          Math.abs(m.loudnessRangeLu() - reference.loudnessRangeLu()) < 1e-9
        );
      }),
      { numRuns: 15 },
    );
  });

  it('gates: more silence, or more of a section 30 LU down, does not change the figure', () => {
    const rate = 44100;
    const tone = sine(4, rate, 1000, -20);
    const padded = (s: number) => measure([concat(silence(s, rate), tone, silence(s, rate))], rate).integratedLufs();
    // Only the blocks straddling the edges count (a partly filled block is above the gates).
    expect(padded(5)).toBeCloseTo(padded(30), 9);
    const quietTail = (s: number) => measure([concat(tone, sine(s, rate, 1000, -50))], rate).integratedLufs();
    expect(quietTail(2)).toBeCloseTo(quietTail(20), 9);
    // Without the relative gate, 20 s at -50 next to 4 s at -20 would pull the figure down by ~5 LU.
    expect(quietTail(20)).toBeGreaterThan(measure([tone], rate).integratedLufs() - 0.5);
  });

  it('reports silence and too-short input as −Infinity, and LRA 0', () => {
    expect(measure([silence(3, 48000)], 48000).integratedLufs()).toBe(Number.NEGATIVE_INFINITY);
    expect(measure([sine(0.3, 48000, 440, -10)], 48000).integratedLufs()).toBe(Number.NEGATIVE_INFINITY);
    expect(measure([sine(2, 48000, 440, -10)], 48000).loudnessRangeLu()).toBe(0);
  });

  it('measures a 10 LU step as a loudness range of about 10 LU', () => {
    const rate = 22050;
    const lra = measure([concat(noise(12, rate, -20, 1), noise(12, rate, -30, 2))], rate).loudnessRangeLu();
    expect(lra).toBeGreaterThan(9.5);
    expect(lra).toBeLessThan(10.5);
  });
});

describe('true peak in pieces', () => {
  const rate = 48000;
  // Square-ish and noisy signals near full scale: the oversampled peak is above the sample peak.
  const signals: Array<[string, Float32Array[]]> = [
    ['fs/4 sine at 45°', [sine(3, rate, rate / 4, -0.5, Math.PI / 4)]],
    ['loud noise, stereo', [noise(3, rate, -6, 9), noise(3, rate, -8, 10)]],
    ['clipped square', [Float32Array.from(sine(3, rate, 997, 3), (x) => Math.max(-1, Math.min(1, x)))]],
  ];

  it.each(signals)('equals the whole-buffer figure for %s', (_, channels) => {
    const whole = truePeakDbtp(rate, channels);
    for (const block of [5000, 1 << 16]) {
      const tp = new TruePeakMeter(rate, channels.length, block);
      feed(channels, [3333, 12345], (p) => tp.add(p));
      expect(Math.abs(tp.finish() - whole)).toBeLessThan(0.005);
    }
  });

  it('sees the inter-sample peak (a sample peak of −3 dBFS is a true peak near 0 dBTP)', () => {
    const s = sine(2, rate, rate / 4, 0, Math.PI / 4); // samples at ±0.707, wave peaks at 1.0
    expect(truePeakDbtp(rate, [s])).toBeGreaterThan(-0.2);
  });

  it('is −Infinity for digital silence', () => {
    const tp = new TruePeakMeter(rate, 2);
    tp.add([silence(1, rate), silence(1, rate)]);
    expect(tp.finish()).toBe(Number.NEGATIVE_INFINITY);
  });

  it('keeps the WASM memory flat over many calls (the crate frees its input)', () => {
    const piece = noise(1.5, rate, -20, 7);
    truePeakDbtp(rate, [piece, piece]);
    const before = wasmMemoryBytes();
    for (let i = 0; i < 40; i++) truePeakDbtp(rate, [piece, piece]);
    expect(wasmMemoryBytes()).toBe(before);
  });
});

describe('silence scanner', () => {
  it('finds where the music starts and ends, to the 10 ms window', () => {
    const rate = 44100;
    const s = new SilenceScanner(rate, 2);
    const left = concat(silence(1.5, rate), sine(4, rate, 440, -20), silence(2, rate));
    feed([left, new Float32Array(left.length)], [1000, 3000], (p) => s.add(p));
    const cues = s.finish();
    expect(cues?.cueInS).toBeCloseTo(1.5, 6);
    expect(cues?.cueOutS).toBeCloseTo(5.5, 6);
  });

  it('treats −70 dBFS hiss as silence and a −50 dBFS tone as sound', () => {
    const rate = 8000;
    const s = new SilenceScanner(rate, 1);
    s.add([concat(noise(1, rate, -70, 2), sine(1, rate, 200, -47), noise(1, rate, -70, 3))]);
    const cues = s.finish();
    expect(cues?.cueInS).toBeCloseTo(1, 2);
    expect(cues?.cueOutS).toBeCloseTo(2, 2);
  });

  it('ends at the last sample when the music runs to the end, and is null for a silent file', () => {
    const s = new SilenceScanner(1000, 1);
    s.add([sine(1.0055, 1000, 50, -10)]);
    expect(s.finish()?.cueOutS).toBeCloseTo(1.006, 3);
    const quiet = new SilenceScanner(1000, 1);
    quiet.add([silence(2, 1000)]);
    expect(quiet.finish()).toBeNull();
  });
});
