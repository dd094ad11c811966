/**
 * A streaming loudness meter: integrated loudness (ITU-R BS.1770-4) and loudness range
 * (EBU Tech 3342), fed chunk by chunk so a 30-minute track never has to sit in memory.
 *
 * Why our own meter: ebur128-wasm only measures whole buffers (a 30-minute 48 kHz stereo
 * track is 690 MB of Float32, copied once more into WASM memory) and has no loudness-range
 * function at all. The maths is small: K-weighting (two biquads per channel), the mean
 * square per 100 ms, then gating. The meter keeps one number per 100 ms (18,000 numbers for
 * 30 minutes) and the filter state, nothing else. Tests hold it to ffmpeg's ebur128 filter and
 * to ebur128-wasm's whole-buffer figure.
 */

/** One biquad section, y = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²) x. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * The two K-weighting stages for any sample rate, from their analogue prototypes by the
 * bilinear transform (the same derivation libebur128 and ffmpeg use): a +4 dB high shelf
 * around 1.7 kHz modelling the head, then the RLB high-pass at 38 Hz. At 48 kHz these equal
 * the coefficients printed in BS.1770-4 (checked in the tests).
 */
export function kWeighting(sampleRate: number): { shelf: Biquad; highPass: Biquad } {
  // High shelf (stage 1): centre, gain and Q of the analogue prototype.
  const f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  const q = 0.7071752369554196;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  const a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  // RLB high-pass (stage 2).
  const f1 = 38.13547087602444;
  const q1 = 0.5003270373238773;
  const k1 = Math.tan((Math.PI * f1) / sampleRate);
  const d = 1 + k1 / q1 + k1 * k1;
  const highPass: Biquad = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (k1 * k1 - 1)) / d,
    a2: (1 - k1 / q1 + k1 * k1) / d,
  };
  return { shelf, highPass };
}

/**
 * BS.1770 channel weights for the layouts decoders hand us: mono, stereo and 3-channel at
 * 1.0; 5.0 (L R C Ls Rs) and 5.1 (L R C LFE Ls Rs) with 1.41 for the surrounds and the LFE
 * left out. Anything else: every channel at 1.0.
 */
export function channelWeights(channels: number): number[] {
  if (channels === 5) return [1, 1, 1, 1.41, 1.41];
  if (channels === 6) return [1, 1, 1, 0, 1.41, 1.41];
  return Array.from({ length: channels }, () => 1);
}

const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
const LRA_RELATIVE_GATE_LU = -20;
/** Filter state below this is flushed to zero so long silences never run on denormals. */
const DENORMAL = 1e-25;

const toLufs = (meanSquare: number): number => -0.691 + 10 * Math.log10(meanSquare);
const fromLufs = (lufs: number): number => 10 ** ((lufs + 0.691) / 10);

/** Feeds decoded audio through K-weighting and keeps the weighted energy of each 100 ms. */
export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channels: number;
  /** Frames per 100 ms sub-block; a gating block is four of them, a short-term window thirty. */
  readonly hop: number;
  private readonly weights: number[];
  private readonly shelf: Biquad;
  private readonly highPass: Biquad;
  /** Per channel: shelf s1, s2, high-pass s1, s2 (transposed direct form II). */
  private readonly state: Float64Array;
  /** Weighted sum of squares of each complete 100 ms sub-block. */
  private readonly subBlocks: number[] = [];
  private current = 0;
  private filled = 0;
  private totalFrames = 0;

  constructor(sampleRate: number, channels: number) {
    if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sample rate ${sampleRate} is not usable`);
    if (!(channels >= 1) || !Number.isInteger(channels)) throw new RangeError(`channel count ${channels} is not usable`);
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.hop = Math.max(1, Math.round(sampleRate / 10));
    this.weights = channelWeights(channels);
    const { shelf, highPass } = kWeighting(sampleRate);
    this.shelf = shelf;
    this.highPass = highPass;
    this.state = new Float64Array(channels * 4);
  }

  /** Frames fed so far. */
  get frames(): number {
    return this.totalFrames;
  }

  /** Adds one chunk: one Float32Array per channel, all the same length. */
  add(channelData: readonly Float32Array[]): void {
    if (channelData.length !== this.channels) throw new RangeError(`expected ${this.channels} channels, got ${channelData.length}`);
    const length = (channelData[0] as Float32Array).length;
    let pos = 0;
    while (pos < length) {
      const n = Math.min(length - pos, this.hop - this.filled);
      let energy = 0;
      for (let c = 0; c < this.channels; c++) {
        const w = this.weights[c] as number;
        const sum = this.filter(c, channelData[c] as Float32Array, pos, pos + n);
        if (w !== 0) energy += w * sum;
      }
      this.current += energy;
      this.filled += n;
      pos += n;
      if (this.filled === this.hop) {
        this.subBlocks.push(this.current);
        this.current = 0;
        this.filled = 0;
      }
    }
    this.totalFrames += length;
  }

  /** Runs samples [from, to) of one channel through both stages; returns the sum of squares. */
  private filter(channel: number, x: Float32Array, from: number, to: number): number {
    const st = this.state;
    const o = channel * 4;
    const { b0, b1, b2, a1, a2 } = this.shelf;
    const { b0: hb0, b1: hb1, b2: hb2, a1: ha1, a2: ha2 } = this.highPass;
    let s1 = st[o] as number;
    let s2 = st[o + 1] as number;
    let t1 = st[o + 2] as number;
    let t2 = st[o + 3] as number;
    let sum = 0;
    for (let i = from; i < to; i++) {
      const xi = x[i] as number;
      const y = b0 * xi + s1;
      s1 = b1 * xi - a1 * y + s2;
      s2 = b2 * xi - a2 * y;
      const z = hb0 * y + t1;
      t1 = hb1 * y - ha1 * z + t2;
      t2 = hb2 * y - ha2 * z;
      sum += z * z;
    }
    st[o] = Math.abs(s1) < DENORMAL ? 0 : s1;
    st[o + 1] = Math.abs(s2) < DENORMAL ? 0 : s2;
    st[o + 2] = Math.abs(t1) < DENORMAL ? 0 : t1;
    st[o + 3] = Math.abs(t2) < DENORMAL ? 0 : t2;
    return sum;
  }

  /** Mean squares of every complete window of `span` sub-blocks, sliding by one sub-block (100 ms). */
  private windows(span: number): number[] {
    const out: number[] = [];
    const e = this.subBlocks;
    let acc = 0;
    for (let i = 0; i < e.length; i++) {
      acc += e[i] as number;
      if (i >= span) acc -= e[i - span] as number;
      if (i >= span - 1) out.push(Math.max(0, acc) / (span * this.hop));
    }
    return out;
  }

  /**
   * Integrated loudness (LUFS) of everything fed so far: 400 ms blocks every 100 ms, absolute
   * gate −70 LUFS, relative gate −10 LU. −Infinity when no block passes (silence, or less
   * than 400 ms of audio).
   */
  integratedLufs(): number {
    const blocks = this.windows(4);
    const abs = fromLufs(ABSOLUTE_GATE_LUFS);
    const loudEnough = blocks.filter((z) => z > abs);
    if (loudEnough.length === 0) return Number.NEGATIVE_INFINITY;
    const relative = mean(loudEnough) * 10 ** (RELATIVE_GATE_LU / 10);
    const gated = loudEnough.filter((z) => z > relative);
    return gated.length === 0 ? Number.NEGATIVE_INFINITY : toLufs(mean(gated));
  }

  /**
   * Short-term loudness over the track (same pass, nothing re-read): the loudness (LUFS,
   * ungated) of consecutive `windowS`-second windows from the start; a last, shorter window
   * counts if it holds at least 400 ms. Silence is −70. Used to level the section of a track
   * a phase actually plays (`core/gain.ts` `sectionGain`); 3 s windows: 600 numbers for 30 minutes.
   */
  envelope(windowS = 3): { windowS: number; lufs: number[] } {
    const per = Math.max(1, Math.round(windowS * 10));
    const e = this.subBlocks;
    const lufs: number[] = [];
    for (let i = 0; i < e.length; i += per) {
      const n = Math.min(per, e.length - i);
      if (n < 4) break;
      let sum = 0;
      for (let j = i; j < i + n; j++) sum += e[j] as number;
      const ms = sum / (n * this.hop);
      lufs.push(ms > 0 ? Math.max(ABSOLUTE_GATE_LUFS, Math.round(toLufs(ms) * 100) / 100) : ABSOLUTE_GATE_LUFS);
    }
    return { windowS: per / 10, lufs };
  }

  /**
   * Loudness range (LU), EBU Tech 3342: 3 s short-term windows every 100 ms, absolute gate
   * −70 LUFS, relative gate −20 LU, then the spread between the 10th and 95th percentile.
   * 0 when fewer than two windows pass (a track shorter than about 3 s, or silence).
   */
  loudnessRangeLu(): number {
    const shortTerm = this.windows(30);
    const abs = fromLufs(ABSOLUTE_GATE_LUFS);
    const loudEnough = shortTerm.filter((z) => z > abs);
    if (loudEnough.length < 2) return 0;
    const relative = mean(loudEnough) * 10 ** (LRA_RELATIVE_GATE_LU / 10);
    const gated = loudEnough
      .filter((z) => z > relative)
      .map(toLufs)
      .sort((a, b) => a - b);
    if (gated.length < 2) return 0;
    return percentile(gated, 0.95) - percentile(gated, 0.1);
  }
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Nearest-rank percentile of ascending values: the ⌊p·n + 0.5⌋-th smallest, as ffmpeg's
 * ebur128 filter counts it (Tech 3342 leaves the rank rule open; libebur128 rounds
 * (n − 1)·p instead). The two differ only when there are few windows, i.e. on short files.
 */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.floor(p * sorted.length + 0.5);
  const i = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[i] as number;
}
