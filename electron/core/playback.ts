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
  /** Loudness analysis of the running session's tracks. */
  analysis: { done: number; total: number };
  /** The last pre-session check. */
  check: PresetCheck | null;
}
