/**
 * "Music": what really reaches the output, from the engine's meter after the master gain, and
 * what holds it down — safe state, the duck, the therapist's level, the mute — and the output
 * it plays on (lib/musicStatus.ts). Tests read `data-rms-db`, `data-playing` and
 * `data-music`; people read a few quiet words.
 */
import { useAudioStatus } from '../audio/status';
import { musicWord, outputName } from '../lib/musicStatus';
import { safeShownOn } from '../panel/safeState';
import { useStore } from '../stores';

export function MusicIndicator() {
  const meter = useStore((s) => s.meter);
  const running = useStore((s) => s.snapshot?.session?.status === 'running');
  const safe = useStore((s) => safeShownOn(s));
  const ducked = useStore((s) => s.snapshot?.session?.record?.music.ducked ?? false);
  const levelDb = useStore((s) => s.snapshot?.session?.record?.music.levelDb ?? 0);
  const muted = useStore((s) => s.snapshot?.audio?.muted ?? false);
  const status = useAudioStatus();
  const word = musicWord({ ...meter, running, safe, ducked, levelDb, muted });
  const held = word !== 'playing' && word !== 'silent';
  return (
    <div
      className={`music${meter.flowing ? ' is-flowing' : ''}${meter.problem || meter.blocked ? ' is-problem' : ''}${held ? ' is-held' : ''}`}
      data-testid="audio-meter"
      data-rms-db={String(meter.rmsDb)}
      data-playing={meter.flowing ? 'true' : 'false'}
      data-music={word}
    >
      <span className="music-dot" aria-hidden="true" />
      <span>
        Music <span className="music-word">{word}</span>
        <span className="music-output"> · {outputName(status.sinkId, status.devices)}</span>
      </span>
    </div>
  );
}
