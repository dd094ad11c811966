/** The read-only view of the engine at `window.__stillroomAudio` (tests read it; nothing writes it). */
export interface AudioDebug {
  readonly ctxState: AudioContextState | 'none';
  readonly voices: ReadonlyArray<{
    id: string;
    trackId: string;
    state: string;
    /** Seconds into the file. */
    position: number;
    /** Where the timeline says it should be (offset + time since its start; the offset before it starts). */
    expected: number;
    /** Fade gain sounding now (envelope × phase level). */
    gain: number;
  }>;
  /** Master gain (1, or about 0.25 in safe state). */
  readonly master: number;
  /** Segments reported as failed. */
  readonly failed: readonly string[];
}
