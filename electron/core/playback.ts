/**
 * What the host tells the audio player and the panel about playback, beside the timeline:
 * each track's loudness gain, the mute, the chosen output device, and how far loudness
 * analysis and the pre-session file check have got. Plain data (it crosses the bridge).
 */

/** One track's loudness gain as the player should apply it (trim, before the phase level). */
export interface TrackGainInfo {
  /** Gain in dB (negative = quieter). */
  gainDb: number;
  /** Where it came from: a measurement, a ReplayGain tag, or the conservative default while unmeasured. */
  basis: 'measured' | 'replaygain' | 'unmeasured';
  /** Integrated loudness measured (LUFS), when measured. */
  lufs?: number;
}

/** A track the pre-session check found that will not play, said so a person can fix it. */
export interface TrackProblem {
  phase: string;
  title: string;
  problem: string;
  /** 'missing' tracks are left out of the plan; 'unplayable' ones were found but fail analysis. */
  kind: 'missing' | 'unplayable';
}

/** The result of `checkPreset`: shown on the start view before the session begins. */
export interface PresetCheck {
  presetId: string;
  /** Tracks in the preset (playlists and fallback beds), each file counted once. */
  tracks: number;
  /** Tracks whose files were found. */
  found: number;
  /** Of those, measured so far (loudness and cue points known). */
  measured: number;
  /** Of those, settled so far: measured, or found unplayable (the progress of the batch). */
  done: number;
  problems: TrackProblem[];
  /** Still measuring in the background. */
  analysing: boolean;
}

/** The output device chosen on this machine. An empty id means the system default. */
export interface OutputDeviceChoice {
  deviceId: string;
  label: string;
}

export interface AudioSnapshot {
  /** Music muted by the therapist (with a fade); the music plays on silently. */
  muted: boolean;
  outputDevice: OutputDeviceChoice;
  /** Per track of the running session. A track missing here plays at the conservative gain. */
  gains: Record<string, TrackGainInfo>;
  /**
   * Per segment (by `AudioSegment.id`), the gain (dB) for the part of its track that segment
   * plays, where the timeline cuts the track early enough for that to differ from the track's
   * gain (`core/gain.ts` `sectionGain`). A segment missing here plays at its track's gain.
   */
  sections?: Record<string, number>;
  /** Loudness analysis of the running session's tracks (republished at most about twice a second). */
  analysis: AnalysisProgress;
  /** The last pre-session check. */
  check: PresetCheck | null;
}

/** How far a batch of loudness measurements has got. */
export interface AnalysisProgress {
  /** Files settled: measured, or failed (a failed file is done too; it is reported apart). */
  done: number;
  /** Distinct files in the batch. */
  total: number;
}

/**
 * Progress of a batch: each distinct file counts once, however many tracks or phases use it,
 * and it is done once it has an outcome of any kind, so the count always reaches the total.
 */
export function batchProgress(files: Iterable<string>, settled: (file: string) => boolean): AnalysisProgress {
  const distinct = new Set(files);
  let done = 0;
  for (const f of distinct) if (settled(f)) done++;
  return { done, total: distinct.size };
}

/** The quiet line the panel shows while a batch is measured; null when there is nothing to say. */
export function progressLine(p: AnalysisProgress | null | undefined): string | null {
  if (!p || p.total === 0 || p.done >= p.total) return null;
  return `Measuring loudness: ${p.done} of ${p.total} track${p.total === 1 ? '' : 's'}`;
}

/**
 * Folds bursts of changes into at most one call per `intervalMs`: the first call goes through
 * at once, later ones within the interval become a single trailing call at its end. Used so a
 * batch of quick measurements republishes the snapshot about twice a second, not per file.
 */
export class Coalescer<K extends string> {
  private last = Number.NEGATIVE_INFINITY;
  private pending = new Set<K>();
  private cancel: (() => void) | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly fire: (kinds: ReadonlySet<K>) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly schedule: (fn: () => void, ms: number) => () => void = (fn, ms) => {
      const t = setTimeout(fn, ms);
      (t as unknown as { unref?: () => void }).unref?.();
      return () => clearTimeout(t);
    },
  ) {}

  request(kind: K): void {
    this.pending.add(kind);
    if (this.cancel) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.cancel = this.schedule(() => this.flush(), wait);
  }

  /** Sends what is pending now (e.g. on close). */
  flush(): void {
    this.cancel?.();
    this.cancel = null;
    if (this.pending.size === 0) return;
    const kinds = this.pending;
    this.pending = new Set();
    this.last = this.now();
    this.fire(kinds);
  }

  /** Drops what is pending without sending it. */
  dispose(): void {
    this.cancel?.();
    this.cancel = null;
    this.pending.clear();
  }
}
