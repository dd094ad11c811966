/**
 * True peak of a whole track fed in chunks, through ebur128-wasm's whole-buffer function.
 *
 * The maximum is decomposable, so the track is measured in blocks of about 1.5 s. Each call
 * starts its oversampling filter from silence, and a block that began mid-music would make
 * the filter ring (an overshoot of up to ~9 % that is not in the music). So every block after
 * the first is preceded by the last frames of the block before: their first part faded in
 * with a raised cosine (no step, hence no ringing, and never louder than the real samples,
 * which the previous call already measured), their last part untouched so the samples at the
 * end of the previous block get their full interpolation neighbourhood.
 */
import { truePeakDbtp } from './ebur128';

/** New frames per call: ~1.5 s at 44.1 kHz; 256 KB per channel. */
export const TRUE_PEAK_BLOCK = 1 << 16;
/** Frames faded in at the start of each carried prefix. */
const RAMP = 1024;
/** Frames carried over: the ramp plus a margin longer than the crate's interpolation filter (49 taps). */
const OVERLAP = RAMP + 128;

const rampGain = Float32Array.from({ length: RAMP }, (_, i) => 0.5 - 0.5 * Math.cos((Math.PI * i) / RAMP));

export type TruePeakFn = (sampleRate: number, channels: readonly Float32Array[]) => number;

export class TruePeakMeter {
  private readonly buffers: Float32Array[];
  private pos = 0;
  /** Frames in the buffer that no call has measured yet. */
  private fresh = 0;
  private peak = Number.NEGATIVE_INFINITY;
  /** The true peak of each block as it was measured (dBTP; −70 for silence), for `envelope`. */
  private readonly blockPeaks: number[] = [];

  constructor(
    private readonly sampleRate: number,
    channels: number,
    private readonly measure: TruePeakFn = truePeakDbtp,
    private readonly block = TRUE_PEAK_BLOCK,
  ) {
    this.buffers = Array.from({ length: channels }, () => new Float32Array(OVERLAP + block));
  }

  add(channelData: readonly Float32Array[]): void {
    const length = (channelData[0] as Float32Array).length;
    const capacity = (this.buffers[0] as Float32Array).length;
    let from = 0;
    while (from < length) {
      const n = Math.min(length - from, capacity - this.pos);
      for (let c = 0; c < this.buffers.length; c++) {
        (this.buffers[c] as Float32Array).set((channelData[c] as Float32Array).subarray(from, from + n), this.pos);
      }
      this.pos += n;
      this.fresh += n;
      from += n;
      if (this.pos === capacity) this.run();
    }
  }

  /** The true peak of everything added (dBTP), −Infinity for digital silence. */
  finish(): number {
    this.run();
    return this.peak;
  }

  /**
   * The true peak over the track, block by block (same pass): entry i is the peak of the
   * `windowS` seconds from i × windowS (and a few ms before, the overlap: on the safe side).
   * Lets a section of a track be capped by its own peak (`core/gain.ts` `sectionGain`).
   */
  envelope(): { windowS: number; dbtp: number[] } {
    this.run();
    return { windowS: this.block / this.sampleRate, dbtp: [...this.blockPeaks] };
  }

  private run(): void {
    if (this.fresh === 0) return;
    const p = this.measure(
      this.sampleRate,
      this.buffers.map((b) => b.subarray(0, this.pos)),
    );
    if (p > this.peak) this.peak = p;
    this.blockPeaks.push(Number.isFinite(p) ? Math.max(-70, Math.round(p * 100) / 100) : -70);
    this.fresh = 0;
    if (this.pos < OVERLAP) return;
    for (const b of this.buffers) {
      b.copyWithin(0, this.pos - OVERLAP, this.pos);
      for (let i = 0; i < RAMP; i++) b[i] = (b[i] as number) * (rampGain[i] as number);
    }
    this.pos = OVERLAP;
  }
}
