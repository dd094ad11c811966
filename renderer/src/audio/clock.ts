/**
 * One mapping between the host's wall clock and the AudioContext's clock, shared by every gain
 * curve, every start and every alignment, so two voices in a crossfade are laid on exactly the
 * same time line. Pure (no DOM): the engine feeds it readings, the tests feed it fake clocks.
 *
 * Why an estimate at all: `AudioContext.currentTime` read on the page advances in steps. The
 * audio thread renders a whole device buffer (often 10–40 ms) at once and the clock jumps by
 * that much; between jumps it stands still while the wall clock runs. A reading taken at wall
 * time w is therefore the true (smooth) audio time at w minus somewhere between 0 and one
 * buffer — never more: a reading is only ever *behind*. So the offset (audio ms − wall ms) of
 * the readings right after a jump is the true one, and the largest offset seen recently is the
 * best estimate (the same reasoning as the host-clock offset in `stores/hostSlice.ts`). Pairing
 * each curve with whatever `currentTime` said at that moment — what the engine did before —
 * laid curves up to a buffer apart.
 *
 * The mapping moves only when the estimate has moved: up by more than `betterMs` (a reading
 * closer to the truth than any before), down by more than `driftLimitMs` (the clocks of a sound
 * card and of the system drift by tens of parts per million, a few ms per minute at most, and
 * old highest readings age out of the window), or at once when the audio clock jumped or
 * stopped (a suspended context, a new output device). Then every curve is laid again
 * (`observe` says so); a shift of a millisecond or two is not heard.
 */

/** Host wall time (ms) ↔ audio-clock time (s). */
export interface ClockMapping {
  toCtx(wallMs: number): number;
  toWall(ctxS: number): number;
}

/** A fixed mapping: audio-clock seconds = (wall ms + offsetMs) / 1000. */
export function fixedMapping(offsetMs: number): ClockMapping {
  return {
    toCtx: (wallMs) => (wallMs + offsetMs) / 1000,
    toWall: (ctxS) => ctxS * 1000 - offsetMs,
  };
}

export interface ClockMapOptions {
  /** Re-map when the estimate is this much above the mapping in use (ms). */
  betterMs?: number;
  /** Re-map when the estimate is this much below the mapping in use (ms). */
  driftLimitMs?: number;
  /** Readings older than this are forgotten, so a slow drift is followed (ms). */
  windowMs?: number;
  /**
   * A reading this far below the estimate is no step of the device buffer: the audio clock
   * stopped or jumped. The estimate starts again from it (ms).
   */
  jumpMs?: number;
}

/** What one reading did to the mapping. */
export type ClockChange = 'first' | 'remapped' | null;

export class AudioClockMap implements ClockMapping {
  private readonly betterMs: number;
  private readonly driftLimitMs: number;
  private readonly windowMs: number;
  private readonly jumpMs: number;
  /** Recent readings: wall time and offset (ms). */
  private readings: Array<{ wall: number; offset: number }> = [];
  /** The offset in use (null before the first reading). */
  private mapped: number | null = null;

  constructor(opts: ClockMapOptions = {}) {
    this.betterMs = opts.betterMs ?? 1;
    this.driftLimitMs = opts.driftLimitMs ?? 2;
    this.windowMs = opts.windowMs ?? 30_000;
    this.jumpMs = opts.jumpMs ?? 80;
  }

  /** The offset in use: audio-clock ms − wall ms; null until the first reading. */
  get offsetMs(): number | null {
    return this.mapped;
  }

  /**
   * One reading: the audio clock `ctxS` (read first) and the wall clock `wallMs` (read right
   * after, in the same task). Returns 'first' for the first one, 'remapped' when every curve
   * must be laid again, else null.
   */
  observe(wallMs: number, ctxS: number): ClockChange {
    const offset = ctxS * 1000 - wallMs;
    const estimate = this.estimate();
    if (estimate !== null && offset < estimate - this.jumpMs) this.readings = [];
    this.readings.push({ wall: wallMs, offset });
    while (this.readings.length > 1 && (this.readings[0]?.wall ?? wallMs) < wallMs - this.windowMs) this.readings.shift();
    const now = this.estimate() as number;
    if (this.mapped === null) {
      this.mapped = now;
      return 'first';
    }
    if (now - this.mapped > this.betterMs || this.mapped - now > this.driftLimitMs) {
      this.mapped = now;
      return 'remapped';
    }
    return null;
  }

  /** Forgets everything (the context was replaced). */
  reset(): void {
    this.readings = [];
    this.mapped = null;
  }

  toCtx(wallMs: number): number {
    return (wallMs + (this.mapped ?? 0)) / 1000;
  }

  toWall(ctxS: number): number {
    return ctxS * 1000 - (this.mapped ?? 0);
  }

  private estimate(): number | null {
    let best: number | null = null;
    for (const r of this.readings) if (best === null || r.offset > best) best = r.offset;
    return best;
  }
}
