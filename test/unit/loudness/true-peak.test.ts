/**
 * The streaming true-peak meter against ebur128-wasm (the Rust crate whose oversampler it
 * re-implements) and against a plain, unskipped run of the same filter: the skip of windows
 * that cannot raise the peak must change no figure, per block or overall.
 */
import { describe, expect, it } from 'vitest';
import { truePeakDbtp } from '../../../electron/services/loudness/ebur128';
import { oversampler, TruePeakMeter } from '../../../electron/services/loudness/true-peak';
import { concat, noise, sine } from '../../fixtures/audio-gen';

/** Something like music: filtered noise that swells and fades, two drones, a different mix per channel. */
function music(seconds: number, rate: number, seed: number, gain = 1): Float32Array {
  const n = Math.round(seconds * rate);
  const out = new Float32Array(n);
  let s = seed >>> 0;
  let low = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    low += 0.05 * (s / 2 ** 31 - 1 - low);
    const swell = 0.5 + 0.45 * Math.sin((2 * Math.PI * t) / 7 + seed);
    out[i] = gain * (0.1 * Math.sin(2 * Math.PI * (110 + seed) * t) + 0.04 * Math.sin(2 * Math.PI * 1650 * t) + 1.2 * swell * low);
  }
  return out;
}

function feed(meter: TruePeakMeter, channels: Float32Array[], piece: number): void {
  const n = (channels[0] as Float32Array).length;
  for (let at = 0; at < n; at += piece) meter.add(channels.map((c) => c.subarray(at, at + piece)));
}

/** Every output of every phase, no skipping: the true peak (linear) of each block of `block` frames. */
function bruteBlockPeaks(rate: number, channels: Float32Array[], block: number): number[] {
  const { factor, taps, coeffs } = oversampler(rate);
  const n = (channels[0] as Float32Array).length;
  const peaks: number[] = [];
  for (let start = 0; start < n; start += block) {
    let peak = 0;
    for (const x of channels) {
      for (let i = start; i < Math.min(n, start + block); i++) {
        peak = Math.max(peak, Math.abs(x[i] as number));
        for (let p = 0; p < factor - 1; p++) {
          let acc = 0;
          for (let k = 0; k < taps && k <= i; k++) acc += (coeffs[p * taps + k] as number) * (x[i - k] as number);
          peak = Math.max(peak, Math.abs(acc));
        }
      }
    }
    peaks.push(peak);
  }
  return peaks;
}

const dbtpBlock = (p: number): number => (p > 0 ? Math.max(-70, Math.round(20 * Math.log10(p) * 100) / 100) : -70);

describe('true peak: the same figure as ebur128-wasm', () => {
  const cases: Array<[string, number, () => Float32Array[]]> = [];
  for (const rate of [44100, 48000, 96000]) {
    cases.push([`music-like stereo at ${rate}`, rate, () => [music(6, rate, 3), music(6, rate, 8, 0.8)]]);
    cases.push([`music-like mono at ${rate}`, rate, () => [music(6, rate, 5, 1.4)]]);
    cases.push([`fs/4 sine at 45° at ${rate}`, rate, () => [sine(2, rate, rate / 4, -0.5, Math.PI / 4)]]);
    cases.push([`loud noise stereo at ${rate}`, rate, () => [noise(3, rate, -6, 9), noise(3, rate, -8, 10)]]);
    cases.push([
      `clipped 997 Hz square at ${rate}`,
      rate,
      () => [Float32Array.from(sine(2, rate, 997, 3), (x) => Math.max(-1, Math.min(1, x)))],
    ]);
  }

  it.each(cases)('%s', (_, rate, make) => {
    const channels = make();
    const reference = truePeakDbtp(rate, channels);
    for (const piece of [1000, 4096, 44100]) {
      const m = new TruePeakMeter(rate, channels.length);
      feed(m, channels, piece);
      expect(Math.abs(m.finish() - reference)).toBeLessThan(0.01);
    }
  });

  it('sees the inter-sample peak of an fs/4 sine at 45° (samples at −3 dBFS, wave at 0 dBFS)', () => {
    const rate = 44100;
    const m = new TruePeakMeter(rate, 1);
    m.add([sine(1, rate, rate / 4, 0, Math.PI / 4)]);
    expect(m.finish()).toBeGreaterThan(-0.2);
  });

  it('at 192 kHz and above, like the crate, is the sample peak', () => {
    const rate = 192000;
    const s = sine(1, rate, rate / 4, -1, Math.PI / 4);
    const m = new TruePeakMeter(rate, 1);
    m.add([s]);
    expect(m.finish()).toBeCloseTo(truePeakDbtp(rate, [s]), 6);
  });
});

describe('true peak: skipping windows changes nothing', () => {
  it.each([44100, 48000, 96000])('per-block peaks equal an unskipped run of the same filter at %i Hz', (rate) => {
    // Loud, quiet and silent stretches, so blocks start from very different sample peaks.
    const left = concat(music(2, rate, 1, 0.2), music(2, rate, 2, 1.5), new Float32Array(rate), music(2, rate, 4, 0.01));
    const right = concat(music(2, rate, 5, 0.3), music(2, rate, 6, 0.5), new Float32Array(rate), music(2, rate, 7, 0.02));
    const block = 5000;
    const m = new TruePeakMeter(rate, 2, block);
    feed(m, [left, right], 3333);
    const brute = bruteBlockPeaks(rate, [left, right], block);
    expect(m.envelope().dbtp).toEqual(brute.map(dbtpBlock));
    expect(m.finish()).toBeCloseTo(20 * Math.log10(Math.max(...brute)), 9);
  });
});
