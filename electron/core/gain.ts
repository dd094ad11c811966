/**
 * Loudness levelling: how much each track is turned up or down so that every track in a
 * session sits at the same loudness and no track ever jumps out of the room. Pure math; the
 * measurements come from the loudness service (BS.1770 / EBU R128) or from ReplayGain tags.
 *
 * The per-track gain computed here is applied *before* the phase volume, so the phase volume
 * alone sets the listening level.
 */

/**
 * Target integrated loudness for a quiet room: −23 LUFS (EBU R128's programme level).
 *
 * Why this low: almost all released music is louder (pop/rock masters −14…−7 LUFS, most
 * ambient and neoclassical −16…−22 LUFS), so nearly every track is only turned *down*, which
 * is always possible. A track can be turned *up* only as far as its true peak allows
 * (≤ −1 dBTP after gain); a high target would leave dynamic tracks (quiet classical, field
 * recordings) stuck below it and the session would step down in loudness at those tracks.
 * At −23 LUFS even material with a 22 dB peak-to-loudness ratio fits. A quiet room needs
 * soft playback anyway; the phase volume and the system volume then set the actual level.
 */
export const DEFAULT_TARGET_LUFS = -23;

/** Highest true peak a track may reach after its gain (dBTP): 1 dB of headroom for lossy decoders and DACs. */
export const TRUE_PEAK_CEILING_DBTP = -1;

/** ReplayGain 2.0 reference level: a track gain of G dB brings the track to −18 LUFS. */
export const REPLAYGAIN_REFERENCE_LUFS = -18;

/**
 * Most a track is ever raised (dB). A near-silent recording (quiet nature sounds, a long
 * reverb tail) measured far below target would otherwise be lifted by 20–30 dB, hiss and all.
 */
export const MAX_BOOST_DB = 12;

/**
 * Loudness assumed for a track that has not been measured yet and has no usable ReplayGain
 * tag: about as loud as a loud modern master. The unmeasured gain (target − this = −13 dB at
 * the default target) therefore cannot make an unknown track jump out; at worst a quiet track
 * plays too softly for the few seconds until its measurement arrives, and a dip is far
 * gentler in the room than a jump.
 */
export const ASSUMED_UNMEASURED_LUFS = -10;

/**
 * A ReplayGain tag gives only the *sample* peak; the true (inter-sample) peak can be higher,
 * by up to a few tenths of a dB for most music. Boosts derived from tags keep this margin.
 */
export const SAMPLE_PEAK_MARGIN_DB = 1;

/**
 * BS.1770 measures a mono file as one loudspeaker. Stillroom plays mono through both output
 * channels (Web Audio up-mixes mono to L = R), which sounds 3.01 dB louder than measured.
 */
export const DUAL_MONO_OFFSET_DB = 10 * Math.log10(2);

/** ReplayGain track gains outside this range (dB) are treated as broken tags, not as music. */
export const REPLAYGAIN_SANE_RANGE_DB = { min: -24, max: 24 } as const;

/** The policy that turns measurements into a gain; the defaults above unless a setting overrides them. */
export interface GainPolicy {
  targetLufs: number;
  ceilingDbtp: number;
  maxBoostDb: number;
  assumedUnmeasuredLufs: number;
}

export const DEFAULT_GAIN_POLICY: Readonly<GainPolicy> = Object.freeze({
  targetLufs: DEFAULT_TARGET_LUFS,
  ceilingDbtp: TRUE_PEAK_CEILING_DBTP,
  maxBoostDb: MAX_BOOST_DB,
  assumedUnmeasuredLufs: ASSUMED_UNMEASURED_LUFS,
});

/** What the loudness service measured for one track. */
export interface MeasuredLoudness {
  integratedLufs: number;
  truePeakDbtp: number;
  /** Channel count of the file; 1 gets the dual-mono correction. Omitted = stereo. */
  channels?: number;
}

/** A ReplayGain track tag that passed `checkReplayGain`. */
export interface ReplayGainTag {
  trackGainDb: number;
  /** Linear sample peak (1.0 = full scale), or null when the file has no usable peak tag. */
  trackPeak: number | null;
}

/** The outcome of checking a file's ReplayGain tags: usable, or ignored with a reason a person can read. */
export type ReplayGainCheck = { ok: true; tag: ReplayGainTag } | { ok: false; reason: string };

/** Why a gain has the value it has (for the panel and for logs). */
export type GainLimit =
  /** The track reaches the target exactly. */
  | 'target'
  /** Raising further would push the true peak above the ceiling. */
  | 'true-peak'
  /** Raising further would exceed `maxBoostDb`. */
  | 'max-boost'
  /** Tag-based gain with no peak tag: never raised, because the headroom is unknown. */
  | 'unverified-peak'
  /** Not measured yet: the conservative gain. */
  | 'unmeasured';

export interface TrackGain {
  /** Gain to apply, in dB (negative = quieter). */
  gainDb: number;
  /** The same gain as a linear factor for a GainNode. */
  linear: number;
  /** Which figures the gain was derived from. */
  basis: 'measured' | 'replaygain' | 'unmeasured';
  limitedBy: GainLimit;
}

/** dB → linear amplitude factor. */
export function dbToLinear(db: number): number {
  return 10 ** (db / 20);
}

/** Linear amplitude factor → dB; zero or negative gives −Infinity. */
export function linearToDb(x: number): number {
  return x > 0 ? 20 * Math.log10(x) : Number.NEGATIVE_INFINITY;
}

const fmt = (n: number): string => (Number.isFinite(n) ? `${n > 0 ? '+' : ''}${Math.round(n * 100) / 100}` : String(n));

/**
 * Checks raw ReplayGain values read from a file's tags. Returns null when the file has no
 * track-gain tag at all. Values that cannot be real (not a number, ±60 dB, a negative peak)
 * are ignored with a reason rather than trusted: one broken tag must not blast the room.
 */
export function checkReplayGain(raw: { trackGainDb?: number | null; trackPeak?: number | null }): ReplayGainCheck | null {
  const g = raw.trackGainDb;
  if (g === undefined) return null;
  if (g === null || !Number.isFinite(g)) return { ok: false, reason: 'ReplayGain track gain is not a number' };
  const { min, max } = REPLAYGAIN_SANE_RANGE_DB;
  if (g < min || g > max) {
    return { ok: false, reason: `ReplayGain track gain ${fmt(g)} dB is outside the plausible range ${min}…+${max} dB` };
  }
  const p = raw.trackPeak;
  // A peak tag is optional; an implausible one only loses the peak, not the gain.
  const peakOk = typeof p === 'number' && Number.isFinite(p) && p > 0 && p < 16;
  return { ok: true, tag: { trackGainDb: g, trackPeak: peakOk ? p : null } };
}

function validMeasurement(m: MeasuredLoudness | null | undefined): m is MeasuredLoudness {
  return !!m && Number.isFinite(m.integratedLufs) && !Number.isNaN(m.truePeakDbtp) && m.truePeakDbtp !== Number.POSITIVE_INFINITY;
}

/** Picks the smallest of the wanted gain and its caps, remembering which one won. */
function capped(want: number, caps: Array<[number, GainLimit]>): { gainDb: number; limitedBy: GainLimit } {
  let gainDb = want;
  let limitedBy: GainLimit = 'target';
  for (const [cap, why] of caps) {
    if (cap < gainDb) {
      gainDb = cap;
      limitedBy = why;
    }
  }
  return { gainDb, limitedBy };
}

function result(gainDb: number, basis: TrackGain['basis'], limitedBy: GainLimit): TrackGain {
  // Avoid −0 in logs and JSON.
  const g = gainDb === 0 ? 0 : gainDb;
  return { gainDb: g, linear: dbToLinear(g), basis, limitedBy };
}

/**
 * The gain for one track. A measurement wins over a tag (it comes from the very audio that
 * will play, and tags may use the older ReplayGain 1 reference, about 4 dB off); a sane tag
 * is used until the measurement exists; with neither, the conservative unmeasured gain.
 *
 * Invariant (measured tracks): truePeakDbtp + gainDb ≤ ceilingDbtp.
 */
export function trackGain(
  input: { measured?: MeasuredLoudness | null; replayGain?: ReplayGainTag | null },
  policy: Readonly<GainPolicy> = DEFAULT_GAIN_POLICY,
): TrackGain {
  const { measured, replayGain } = input;
  if (validMeasurement(measured)) {
    const heard = measured.integratedLufs + (measured.channels === 1 ? DUAL_MONO_OFFSET_DB : 0);
    const { gainDb, limitedBy } = capped(policy.targetLufs - heard, [
      [policy.maxBoostDb, 'max-boost'],
      [policy.ceilingDbtp - measured.truePeakDbtp, 'true-peak'],
    ]);
    return result(gainDb, 'measured', limitedBy);
  }
  if (replayGain && Number.isFinite(replayGain.trackGainDb)) {
    const tagLufs = REPLAYGAIN_REFERENCE_LUFS - replayGain.trackGainDb;
    const peakDb = replayGain.trackPeak === null ? null : linearToDb(replayGain.trackPeak) + SAMPLE_PEAK_MARGIN_DB;
    const { gainDb, limitedBy } = capped(policy.targetLufs - tagLufs, [
      [policy.maxBoostDb, 'max-boost'],
      peakDb === null ? [0, 'unverified-peak'] : [policy.ceilingDbtp - peakDb, 'true-peak'],
    ]);
    return result(gainDb, 'replaygain', limitedBy);
  }
  return result(unmeasuredGainDb(policy), 'unmeasured', 'unmeasured');
}

/** The conservative gain for a track with no measurement and no usable tag (−13 dB at the defaults). */
export function unmeasuredGainDb(policy: Readonly<GainPolicy> = DEFAULT_GAIN_POLICY): number {
  return Math.min(0, policy.targetLufs - policy.assumedUnmeasuredLufs);
}

/**
 * A track's short-term loudness over time, from the same analysis pass as its integrated
 * figure: the loudness (LUFS, BS.1770 K-weighted, ungated) of consecutive `windowS`-second
 * windows from the start of the file; the last may be shorter. Silence is stored as −70 (the
 * absolute gate: it never counts).
 */
export interface LoudnessEnvelope {
  windowS: number;
  lufs: number[];
  /** True peak (dBTP) block by block: entry i covers `windowS` seconds from i × windowS. */
  peaks?: { windowS: number; dbtp: number[] };
}

/** The highest true peak in `fromS`…`toS` (dBTP) from the block peaks; null when there are none for it. */
export function sectionPeakDbtp(peaks: { windowS: number; dbtp: number[] } | undefined, fromS: number, toS: number): number | null {
  if (!peaks || !(peaks.windowS > 0) || !(toS > fromS)) return null;
  const first = Math.max(0, Math.floor(fromS / peaks.windowS));
  const last = Math.min(peaks.dbtp.length - 1, Math.ceil(toS / peaks.windowS) - 1);
  if (last < first) return null;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = first; i <= last; i++) max = Math.max(max, peaks.dbtp[i] as number);
  return max;
}

const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
const energy = (lufs: number): number => 10 ** ((lufs + 0.691) / 10);

/**
 * Integrated loudness of the part of a track from `fromS` to `toS` (seconds in the file),
 * from its envelope: each window counts by how much of it lies in the section, then the
 * BS.1770 gates (−70 LUFS absolute, −10 LU below the section's mean relative). Null when the
 * section holds no window above the gate, or falls outside the envelope.
 */
export function sectionLufs(env: LoudnessEnvelope, fromS: number, toS: number): number | null {
  if (!(env.windowS > 0) || !(toS > fromS)) return null;
  const parts: Array<{ e: number; w: number }> = [];
  const first = Math.max(0, Math.floor(fromS / env.windowS));
  const last = Math.min(env.lufs.length - 1, Math.ceil(toS / env.windowS) - 1);
  for (let i = first; i <= last; i++) {
    const a = Math.max(fromS, i * env.windowS);
    const b = Math.min(toS, (i + 1) * env.windowS);
    const l = env.lufs[i] as number;
    if (b > a && l > ABSOLUTE_GATE_LUFS) parts.push({ e: energy(l), w: b - a });
  }
  const mean = (xs: typeof parts): number => xs.reduce((s, p) => s + p.e * p.w, 0) / xs.reduce((s, p) => s + p.w, 0);
  if (parts.length === 0) return null;
  const relative = mean(parts) * 10 ** (RELATIVE_GATE_LU / 10);
  const gated = parts.filter((p) => p.e > relative);
  return gated.length === 0 ? null : -0.691 + 10 * Math.log10(mean(gated));
}

/** A section shorter than the played track by less than this (s) is levelled by the whole track's figure. */
export const SECTION_SLACK_S = 10;

/**
 * The gain for the part of a track a segment actually plays (`fromS`…`toS` in the file):
 * a phase that fades a track out early (its first 90 s of a slow build, say) is levelled by
 * what is heard, not by a whole-track figure the room never hears. A track that plays (nearly)
 * whole, or has no envelope, gets its whole-track gain as before. The true-peak cap is the
 * section's own (its blocks' peaks; the whole track's when the envelope has none), so a quiet
 * opening can be raised although a climax the room never hears peaks higher. Invariant: the
 * section's true peak + gain ≤ the ceiling.
 */
export function sectionGain(
  measured: MeasuredLoudness & { durationS: number; envelope?: LoudnessEnvelope | null },
  section: { fromS: number; toS: number },
  policy: Readonly<GainPolicy> = DEFAULT_GAIN_POLICY,
): TrackGain {
  const whole = trackGain({ measured }, policy);
  const env = measured.envelope;
  if (!env || section.toS >= measured.durationS - SECTION_SLACK_S) return whole;
  const fromS = Math.max(0, section.fromS);
  const lufs = sectionLufs(env, fromS, section.toS);
  if (lufs === null) return whole;
  const peak = sectionPeakDbtp(env.peaks, fromS, section.toS) ?? measured.truePeakDbtp;
  return trackGain({ measured: { ...measured, integratedLufs: lufs, truePeakDbtp: Math.min(peak, measured.truePeakDbtp) } }, policy);
}

/**
 * The part of its file a segment plays at full level: from where it starts in the file to
 * where its fade-out begins (s). What the room hears steadily, so what `sectionGain` levels.
 */
export function heardSection(seg: { start: number; offsetS: number; fadeOutStart: number }): { fromS: number; toS: number } {
  return { fromS: seg.offsetS, toS: seg.offsetS + Math.max(0, seg.fadeOutStart - seg.start) / 1000 };
}
