/**
 * Where the music really starts and ends: the first and last 10 ms window whose level
 * (RMS of the loudest channel) is above −60 dBFS. Stored as cue-in/cue-out so the player
 * skips leading silence and starts a crossfade before the trailing silence, never into it.
 * On a padded file this agrees with `ffmpeg -af silencedetect=noise=-60dB:d=0.3` (tests).
 */

export const SILENCE_THRESHOLD_DBFS = -60;
export const SILENCE_WINDOW_S = 0.01;

export interface Cues {
  /** Seconds from the start of the file to the first window with sound. */
  cueInS: number;
  /** Seconds from the start of the file to the end of the last window with sound. */
  cueOutS: number;
}

export class SilenceScanner {
  private readonly window: number;
  private readonly threshold: number;
  private readonly sums: Float64Array;
  private filled = 0;
  private index = 0;
  private first = -1;
  private last = -1;
  private frames = 0;

  constructor(
    private readonly sampleRate: number,
    channels: number,
    thresholdDbfs = SILENCE_THRESHOLD_DBFS,
  ) {
    this.window = Math.max(1, Math.round(sampleRate * SILENCE_WINDOW_S));
    this.threshold = 10 ** (thresholdDbfs / 10);
    this.sums = new Float64Array(channels);
  }

  add(channelData: readonly Float32Array[]): void {
    const length = (channelData[0] as Float32Array).length;
    let pos = 0;
    while (pos < length) {
      const n = Math.min(length - pos, this.window - this.filled);
      for (let c = 0; c < this.sums.length; c++) {
        const x = channelData[c] as Float32Array;
        let s = 0;
        for (let i = pos; i < pos + n; i++) s += (x[i] as number) * (x[i] as number);
        this.sums[c] = (this.sums[c] as number) + s;
      }
      this.filled += n;
      pos += n;
      if (this.filled === this.window) this.close();
    }
    this.frames += length;
  }

  private close(): void {
    let loudest = 0;
    for (const s of this.sums) loudest = Math.max(loudest, s / this.filled);
    if (loudest > this.threshold) {
      if (this.first < 0) this.first = this.index;
      this.last = this.index;
    }
    this.sums.fill(0);
    this.filled = 0;
    this.index++;
  }

  /** The cues, or null when no window rises above the threshold (the file is silent). */
  finish(): Cues | null {
    if (this.filled > 0) this.close();
    if (this.first < 0) return null;
    const end = Math.min(this.frames, (this.last + 1) * this.window);
    return { cueInS: (this.first * this.window) / this.sampleRate, cueOutS: end / this.sampleRate };
  }
}
