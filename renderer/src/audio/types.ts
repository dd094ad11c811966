/** What the engine tells the panel about the sound (the "Music" indicator). */
export interface MeterReading {
  /** Output level after the master gain, RMS in dBFS, rounded to 0.1; -120 for silence or a stopped clock. */
  rmsDb: number;
  /** Sound is actually reaching the output (the clock runs and the level is above the noise floor). */
  flowing: boolean;
  ctxState: AudioContextState | 'none';
  /** The browser refuses to start sound until someone clicks or presses a key. */
  blocked: boolean;
  /** A quiet, readable line when output is not working (null when all is well). */
  problem: string | null;
}
