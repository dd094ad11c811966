/**
 * The header's one line about the music, told truthfully (issue 12.4): whether sound reaches
 * the output, and what is holding it down — safe state, the duck, the therapist's level, the
 * mute — and where it plays. Pure, so each case is tested.
 */

export interface MusicFacts {
  /** Sound really reaches the output (the engine's meter). */
  flowing: boolean;
  blocked: boolean;
  /** A readable problem with the output (null when all is well). */
  problem: string | null;
  /** A session is running (otherwise silence is simply silence). */
  running: boolean;
  safe: boolean;
  ducked: boolean;
  /** The therapist's level, dB below the plan (0 = as planned). */
  levelDb: number;
  muted: boolean;
}

/** The word (or words) after "Music": "playing", "ducked, lowered by 6 dB", "muted", "safe state (lowered)"… */
export function musicWord(f: MusicFacts): string {
  if (f.problem) return f.problem;
  if (f.blocked) return 'blocked by the browser: click anywhere to allow sound';
  if (f.running && f.muted) return 'muted';
  const held: string[] = [];
  if (f.running && f.safe) held.push('safe state (lowered)');
  if (f.running && f.ducked) held.push('ducked');
  if (f.running && f.levelDb < 0) held.push(`lowered by ${formatDb(-f.levelDb)} dB`);
  if (held.length > 0) return f.flowing ? held.join(', ') : `silent — ${held.join(', ')}`;
  return f.flowing ? 'playing' : 'silent';
}

const formatDb = (db: number): string => (Number.isInteger(db) ? String(db) : db.toFixed(1));

/** "System default output", the device's name, or "Output 2" when the browser hides names. */
export function outputName(sinkId: string, devices: ReadonlyArray<{ deviceId: string; label: string }> | null): string {
  if (sinkId === '') return 'system default output';
  const i = devices?.findIndex((d) => d.deviceId === sinkId) ?? -1;
  if (i < 0) return 'chosen output';
  return devices?.[i]?.label || `Output ${i + 1}`;
}
