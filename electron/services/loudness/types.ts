/**
 * What the loudness service reports about one audio file, and the errors it reports instead.
 * Plain data only: these cross the worker boundary and land in the JSON cache.
 */
import type { LoudnessEnvelope, ReplayGainTag } from '../../core/gain';

/** One file's measurement. Loudness per ITU-R BS.1770-4 / EBU R128, range per EBU Tech 3342. */
export interface LoudnessResult {
  /** Absolute path of the file measured. */
  file: string;
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  /** Seconds of leading silence to skip (first 10 ms above −60 dBFS). */
  cueInS: number;
  /** Where the music ends, in seconds from the start (last 10 ms above −60 dBFS). */
  cueOutS: number;
  /** Decoded length in seconds. */
  durationS: number;
  sampleRate: number;
  channels: number;
  /** The file's ReplayGain track tag, when present and sane. */
  replayGain: ReplayGainTag | null;
  /** Why a ReplayGain tag that *is* present was not used. */
  replayGainIgnored?: string;
  /** Problems the decoder reported and recovered from (damaged frames); 0 for a clean file. */
  decodeWarnings: number;
  /**
   * Short-term loudness over the track (3 s windows) and its true peak block by block, for
   * levelling the section a phase plays. Absent in older cache entries (peaks too, in some).
   */
  envelope?: LoudnessEnvelope;
}

/** Why a file could not be measured. */
export type LoudnessErrorCode =
  /** The path does not exist. */
  | 'not-found'
  /** It exists but cannot be read (permissions, a folder, an I/O error). */
  | 'unreadable'
  /** Zero bytes. */
  | 'empty'
  /** Not audio in any format Stillroom plays, whatever its name says. */
  | 'unrecognised'
  /** Audio of a known kind that the decoder could not decode. */
  | 'corrupt'
  /** The header promises more audio than the file holds: probably cut off while copying. */
  | 'truncated'
  /** Nothing above −70 LUFS: the file is silent. */
  | 'silent'
  /** Less than 0.4 s of audio, too short for a loudness measurement. */
  | 'too-short'
  /** The caller cancelled the analysis. */
  | 'cancelled'
  /** A fault in Stillroom or its meter, not in the file. */
  | 'internal';

/** A failure to measure one file, with a message a clinic can act on. */
export class LoudnessError extends Error {
  override readonly name = 'LoudnessError';
  constructor(
    readonly code: LoudnessErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The serialisable form of a `LoudnessError` (worker messages, cache, CLI). */
export interface LoudnessFailure {
  code: LoudnessErrorCode;
  message: string;
}

/** One file's outcome in a batch. */
export type LoudnessOutcome = { file: string; ok: true; result: LoudnessResult } | { file: string; ok: false; error: LoudnessFailure };

/** Turns anything thrown during analysis into a failure record. */
export function toFailure(err: unknown): LoudnessFailure {
  if (err instanceof LoudnessError) return { code: err.code, message: err.message };
  return { code: 'internal', message: `analysis failed unexpectedly: ${err instanceof Error ? err.message : String(err)}` };
}

/**
 * Bumped whenever the analysis would give different figures for the same file, so cached
 * results from an older analyser are measured again.
 */
export const ANALYSER_VERSION = 1;
