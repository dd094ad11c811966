/**
 * Loudness levelling and cue points, host side: measure tracks (off the main thread),
 * remember the results, and hand the player a gain and where the music starts and ends.
 *
 * Typical host wiring:
 *
 *   const { cache, problem } = await LoudnessCache.open(dataDir);   // log `problem` if any
 *   const loudness = new LoudnessPool({ cache });                   // one worker, on demand
 *   const outcome = await loudness.analyse(file, { urgent: true }); // never rejects
 *   const gain = trackGain({ measured: outcome.ok ? outcome.result : null });   // core/gain
 *   …
 *   await loudness.close();                                         // at shutdown: saves the cache
 */
export { type AnalyseOptions, analyseFile } from './analyse';
export { type FileIdentity, identityOf, LOUDNESS_CACHE_FILE, LoudnessCache } from './cache';
export { type AnalyseManyOptions, analyseMany, type BatchProgress, type JobOptions, LoudnessPool, type PoolOptions } from './pool';
export { SILENCE_THRESHOLD_DBFS, SILENCE_WINDOW_S } from './silence';
export {
  ANALYSER_VERSION,
  LoudnessError,
  type LoudnessErrorCode,
  type LoudnessFailure,
  type LoudnessOutcome,
  type LoudnessResult,
} from './types';
