/**
 * True peak of a whole track fed in chunks: the same 4× (2× from 96 kHz) polyphase
 * oversampler as the Rust `ebur128` crate (which ebur128-wasm wraps, and whose figures the
 * tests hold this to), run as one continuous stream, with work skipped only where it provably
 * cannot change the result.
 *
 * Why a hand-made filter: no library measures true peak on a stream in JS. ebur128-wasm only
 * takes whole buffers, so it had to be called on ~1.5 s blocks, each copied into WASM memory
 * and each restarting the filter (which needed a faded overlap to hide the restart), and it
 * oversampled every sample: about 45 % of an analysis.
 *
 * The filter (facts from the crate): 48 taps of a Hann-windowed sinc, h[j] = w(j)·sinc((j − 24)/F)
 * with w(j) = ½(1 − cos(2πj/48)), stored as f32; output phase p after input sample x[n] is
 * Σₖ h[kF + p]·x[n − k] for k < 48/F. Phase 0 is the input sample itself (delayed by 24/F),
 * since its taps are the sinc's zeros; the crate's true peak is the larger of the sample peak
 * and the oversampled peak, so phase 0 is covered by the sample peak and not computed.
 *
 * The skip, exact: an output is |Σₖ cₖ·xₖ| ≤ G·max|xₖ| over the taps it reads, where G is the
 * largest Σ|cₖ| over the phases. The audio is cut in windows of W frames; every output of a
 * window reads only that window and the one before (W ≥ taps − 1). If G times the larger of
 * the two windows' sample peaks is no more than the peak found so far, no output in that window
 * can raise it, so it is not computed. The peak so far starts at the block's own sample peak
 * (which the true peak is never below), so the per-block figures for `envelope()` are exact
 * too. On music most windows are well below the block's peak and are skipped.
 */

/** New frames per block (the envelope's resolution): ~1.5 s at 44.1 kHz; 256 KB per channel. */
export const TRUE_PEAK_BLOCK = 1 << 16;
const TAPS = 48;

interface Oversampler {
  /** Oversampling factor (1: none, the true peak is the sample peak, as in the crate at ≥ 192 kHz). */
  factor: number;
  /** Taps per phase. */
  taps: number;
  /** Coefficients of phases 1…factor−1, phase-major, tap k applying to x[n − k]. */
  coeffs: Float64Array;
  /** Largest Σ|c| over the computed phases, with a hair of margin for rounding in the sums. */
  gain: number;
  /** Frames per skip window, ≥ taps − 1. */
  window: number;
}

const oversamplers = new Map<number, Oversampler>();

/** The crate's interpolator for a sample rate: 4× below 96 kHz, 2× below 192 kHz, none above. */
export function oversampler(sampleRate: number): Oversampler {
  const factor = sampleRate < 96_000 ? 4 : sampleRate < 192_000 ? 2 : 1;
  const cached = oversamplers.get(factor);
  if (cached) return cached;
  const taps = TAPS / factor;
  const h = new Float64Array(TAPS);
  for (let j = 0; j < TAPS; j++) {
    const w = 0.5 * (1 - Math.cos((2 * Math.PI * j) / TAPS));
    const m = j - TAPS / 2;
    const arg = (m * Math.PI) / factor;
    h[j] = Math.fround(Math.abs(m) > 1e-6 ? (w * Math.sin(arg)) / arg : w);
  }
  const phases = Math.max(0, factor - 1);
  const coeffs = new Float64Array(phases * taps);
  let gain = 1;
  for (let p = 1; p < factor; p++) {
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const c = h[k * factor + p] as number;
      coeffs[(p - 1) * taps + k] = c;
      sum += Math.abs(c);
    }
    gain = Math.max(gain, sum);
  }
  const o: Oversampler = { factor, taps, coeffs, gain: gain * (1 + 1e-9), window: Math.max(16, taps) };
  oversamplers.set(factor, o);
  return o;
}

/**
 * The 4× case (every rate below 96 kHz) written out, windows and skip test included: the 12
 * input samples a frame's three computed phases read sit in locals that slide by one per frame,
 * so each computed frame loads one sample. Returns the larger of `running` and every |output|
 * of the windows that are not skipped (windows 1…`windows` of `w` frames, up to `end`).
 */
function fourTimes(
  c: Float64Array,
  x: Float32Array,
  wp: Float64Array,
  base: number,
  windows: number,
  w: number,
  end: number,
  gain: number,
  running: number,
): number {
  const c0_0 = c[0] as number;
  const c0_1 = c[1] as number;
  const c0_2 = c[2] as number;
  const c0_3 = c[3] as number;
  const c0_4 = c[4] as number;
  const c0_5 = c[5] as number;
  const c0_6 = c[6] as number;
  const c0_7 = c[7] as number;
  const c0_8 = c[8] as number;
  const c0_9 = c[9] as number;
  const c0_10 = c[10] as number;
  const c0_11 = c[11] as number;
  const c1_0 = c[12] as number;
  const c1_1 = c[13] as number;
  const c1_2 = c[14] as number;
  const c1_3 = c[15] as number;
  const c1_4 = c[16] as number;
  const c1_5 = c[17] as number;
  const c1_6 = c[18] as number;
  const c1_7 = c[19] as number;
  const c1_8 = c[20] as number;
  const c1_9 = c[21] as number;
  const c1_10 = c[22] as number;
  const c1_11 = c[23] as number;
  const c2_0 = c[24] as number;
  const c2_1 = c[25] as number;
  const c2_2 = c[26] as number;
  const c2_3 = c[27] as number;
  const c2_4 = c[28] as number;
  const c2_5 = c[29] as number;
  const c2_6 = c[30] as number;
  const c2_7 = c[31] as number;
  const c2_8 = c[32] as number;
  const c2_9 = c[33] as number;
  const c2_10 = c[34] as number;
  const c2_11 = c[35] as number;
  let x1 = 0;
  let x2 = 0;
  let x3 = 0;
  let x4 = 0;
  let x5 = 0;
  let x6 = 0;
  let x7 = 0;
  let x8 = 0;
  let x9 = 0;
  let x10 = 0;
  let x11 = 0;
  let r = running;
  let loaded = -1;
  for (let j = 1; j <= windows; j++) {
    const bound = Math.max(wp[base + j - 1] as number, wp[base + j] as number) * gain;
    if (bound <= r) continue;
    const from = j * w;
    const to = Math.min(end, from + w);
    if (loaded !== from) {
      x1 = x[from - 1] as number;
      x2 = x[from - 2] as number;
      x3 = x[from - 3] as number;
      x4 = x[from - 4] as number;
      x5 = x[from - 5] as number;
      x6 = x[from - 6] as number;
      x7 = x[from - 7] as number;
      x8 = x[from - 8] as number;
      x9 = x[from - 9] as number;
      x10 = x[from - 10] as number;
      x11 = x[from - 11] as number;
    }
    loaded = to;
    for (let n = from; n < to; n++) {
      const x0 = x[n] as number;
      const y0 = Math.abs(
        c0_0 * x0 +
          c0_1 * x1 +
          c0_2 * x2 +
          c0_3 * x3 +
          c0_4 * x4 +
          c0_5 * x5 +
          c0_6 * x6 +
          c0_7 * x7 +
          c0_8 * x8 +
          c0_9 * x9 +
          c0_10 * x10 +
          c0_11 * x11,
      );
      if (y0 > r) r = y0;
      const y1 = Math.abs(
        c1_0 * x0 +
          c1_1 * x1 +
          c1_2 * x2 +
          c1_3 * x3 +
          c1_4 * x4 +
          c1_5 * x5 +
          c1_6 * x6 +
          c1_7 * x7 +
          c1_8 * x8 +
          c1_9 * x9 +
          c1_10 * x10 +
          c1_11 * x11,
      );
      if (y1 > r) r = y1;
      const y2 = Math.abs(
        c2_0 * x0 +
          c2_1 * x1 +
          c2_2 * x2 +
          c2_3 * x3 +
          c2_4 * x4 +
          c2_5 * x5 +
          c2_6 * x6 +
          c2_7 * x7 +
          c2_8 * x8 +
          c2_9 * x9 +
          c2_10 * x10 +
          c2_11 * x11,
      );
      if (y2 > r) r = y2;
      x11 = x10;
      x10 = x9;
      x9 = x8;
      x8 = x7;
      x7 = x6;
      x6 = x5;
      x5 = x4;
      x4 = x3;
      x3 = x2;
      x2 = x1;
      x1 = x0;
    }
  }
  return r;
}

/** The 2× case (96 kHz up to 192 kHz) written out the same way: one computed phase of 24 taps. */
function twoTimes(
  c: Float64Array,
  x: Float32Array,
  wp: Float64Array,
  base: number,
  windows: number,
  w: number,
  end: number,
  gain: number,
  running: number,
): number {
  const c0 = c[0] as number;
  const c1 = c[1] as number;
  const c2 = c[2] as number;
  const c3 = c[3] as number;
  const c4 = c[4] as number;
  const c5 = c[5] as number;
  const c6 = c[6] as number;
  const c7 = c[7] as number;
  const c8 = c[8] as number;
  const c9 = c[9] as number;
  const c10 = c[10] as number;
  const c11 = c[11] as number;
  const c12 = c[12] as number;
  const c13 = c[13] as number;
  const c14 = c[14] as number;
  const c15 = c[15] as number;
  const c16 = c[16] as number;
  const c17 = c[17] as number;
  const c18 = c[18] as number;
  const c19 = c[19] as number;
  const c20 = c[20] as number;
  const c21 = c[21] as number;
  const c22 = c[22] as number;
  const c23 = c[23] as number;
  let x1 = 0;
  let x2 = 0;
  let x3 = 0;
  let x4 = 0;
  let x5 = 0;
  let x6 = 0;
  let x7 = 0;
  let x8 = 0;
  let x9 = 0;
  let x10 = 0;
  let x11 = 0;
  let x12 = 0;
  let x13 = 0;
  let x14 = 0;
  let x15 = 0;
  let x16 = 0;
  let x17 = 0;
  let x18 = 0;
  let x19 = 0;
  let x20 = 0;
  let x21 = 0;
  let x22 = 0;
  let x23 = 0;
  let r = running;
  let loaded = -1;
  for (let j = 1; j <= windows; j++) {
    const bound = Math.max(wp[base + j - 1] as number, wp[base + j] as number) * gain;
    if (bound <= r) continue;
    const from = j * w;
    const to = Math.min(end, from + w);
    if (loaded !== from) {
      x1 = x[from - 1] as number;
      x2 = x[from - 2] as number;
      x3 = x[from - 3] as number;
      x4 = x[from - 4] as number;
      x5 = x[from - 5] as number;
      x6 = x[from - 6] as number;
      x7 = x[from - 7] as number;
      x8 = x[from - 8] as number;
      x9 = x[from - 9] as number;
      x10 = x[from - 10] as number;
      x11 = x[from - 11] as number;
      x12 = x[from - 12] as number;
      x13 = x[from - 13] as number;
      x14 = x[from - 14] as number;
      x15 = x[from - 15] as number;
      x16 = x[from - 16] as number;
      x17 = x[from - 17] as number;
      x18 = x[from - 18] as number;
      x19 = x[from - 19] as number;
      x20 = x[from - 20] as number;
      x21 = x[from - 21] as number;
      x22 = x[from - 22] as number;
      x23 = x[from - 23] as number;
    }
    loaded = to;
    for (let n = from; n < to; n++) {
      const x0 = x[n] as number;
      const y = Math.abs(
        c0 * x0 +
          c1 * x1 +
          c2 * x2 +
          c3 * x3 +
          c4 * x4 +
          c5 * x5 +
          c6 * x6 +
          c7 * x7 +
          c8 * x8 +
          c9 * x9 +
          c10 * x10 +
          c11 * x11 +
          c12 * x12 +
          c13 * x13 +
          c14 * x14 +
          c15 * x15 +
          c16 * x16 +
          c17 * x17 +
          c18 * x18 +
          c19 * x19 +
          c20 * x20 +
          c21 * x21 +
          c22 * x22 +
          c23 * x23,
      );
      if (y > r) r = y;
      x23 = x22;
      x22 = x21;
      x21 = x20;
      x20 = x19;
      x19 = x18;
      x18 = x17;
      x17 = x16;
      x16 = x15;
      x15 = x14;
      x14 = x13;
      x13 = x12;
      x12 = x11;
      x11 = x10;
      x10 = x9;
      x9 = x8;
      x8 = x7;
      x7 = x6;
      x6 = x5;
      x5 = x4;
      x4 = x3;
      x3 = x2;
      x2 = x1;
      x1 = x0;
    }
  }
  return r;
}

const toDb = (peak: number): number => (peak > 0 ? 20 * Math.log10(peak) : Number.NEGATIVE_INFINITY);

export class TruePeakMeter {
  private readonly os: Oversampler;
  /** Per channel: the previous window (history for the filter, zeros at the start), then the block. */
  private readonly buffers: Float32Array[];
  /** Sample peak of each window of the block, per channel (index 0: the window before). */
  private readonly windowPeaks: Float64Array;
  private readonly pad: number;
  private pos: number;
  private peak = 0;
  /** The true peak of each block as it was measured (dBTP; −70 for silence), for `envelope`. */
  private readonly blockPeaks: number[] = [];

  constructor(
    private readonly sampleRate: number,
    channels: number,
    private readonly block = TRUE_PEAK_BLOCK,
  ) {
    this.os = oversampler(sampleRate);
    this.pad = this.os.window;
    this.pos = this.pad;
    this.buffers = Array.from({ length: channels }, () => new Float32Array(this.pad + block));
    this.windowPeaks = new Float64Array(channels * (Math.ceil(block / this.pad) + 1));
  }

  add(channelData: readonly Float32Array[]): void {
    const length = (channelData[0] as Float32Array).length;
    const capacity = this.pad + this.block;
    let from = 0;
    while (from < length) {
      const n = Math.min(length - from, capacity - this.pos);
      for (let c = 0; c < this.buffers.length; c++) {
        (this.buffers[c] as Float32Array).set((channelData[c] as Float32Array).subarray(from, from + n), this.pos);
      }
      this.pos += n;
      from += n;
      if (this.pos === capacity) this.run();
    }
  }

  /** The true peak of everything added (dBTP), −Infinity for digital silence. */
  finish(): number {
    this.run();
    return toDb(this.peak);
  }

  /**
   * The true peak over the track, block by block (same pass): entry i is the peak of the
   * `windowS` seconds from i × windowS (its first outputs also read the last ms before: on the
   * safe side). Lets a section of a track be capped by its own peak (`core/gain.ts` `sectionGain`).
   */
  envelope(): { windowS: number; dbtp: number[] } {
    this.run();
    return { windowS: this.block / this.sampleRate, dbtp: [...this.blockPeaks] };
  }

  private run(): void {
    const { pad, pos } = this;
    if (pos === pad) return;
    const w = pad;
    const windows = Math.ceil((pos - pad) / w);
    const stride = windows + 1;
    const wp = this.windowPeaks;
    let running = 0;
    for (let c = 0; c < this.buffers.length; c++) {
      const x = this.buffers[c] as Float32Array;
      for (let j = 0; j < stride; j++) {
        const end = Math.min(pos, (j + 1) * w);
        let m = 0;
        for (let i = j * w; i < end; i++) {
          const a = Math.abs(x[i] as number);
          if (a > m) m = a;
        }
        wp[c * stride + j] = m;
        if (j > 0 && m > running) running = m;
      }
    }
    const { factor, coeffs, gain } = this.os;
    for (let c = 0; c < this.buffers.length; c++) {
      const x = this.buffers[c] as Float32Array;
      if (factor === 4) running = fourTimes(coeffs, x, wp, c * stride, windows, w, pos, gain, running);
      if (factor === 2) running = twoTimes(coeffs, x, wp, c * stride, windows, w, pos, gain, running);
    }
    if (running > this.peak) this.peak = running;
    const db = toDb(running);
    this.blockPeaks.push(Number.isFinite(db) ? Math.max(-70, Math.round(db * 100) / 100) : -70);
    for (const x of this.buffers) x.copyWithin(0, pos - pad, pos);
    this.pos = pad;
  }
}
