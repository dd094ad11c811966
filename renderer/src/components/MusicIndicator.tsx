/**
 * "Music": whether sound really reaches the output, from the engine's meter after the master
 * gain. Tests read `data-rms-db` and `data-playing`; people read one quiet word.
 */
import { useStore } from '../stores';

export function MusicIndicator() {
  const meter = useStore((s) => s.meter);
  const word =
    meter.problem ?? (meter.blocked ? 'blocked by the browser: click anywhere to allow sound' : meter.flowing ? 'playing' : 'silent');
  return (
    <div
      className={`music${meter.flowing ? ' is-flowing' : ''}${meter.problem || meter.blocked ? ' is-problem' : ''}`}
      data-testid="audio-meter"
      data-rms-db={String(meter.rmsDb)}
      data-playing={meter.flowing ? 'true' : 'false'}
    >
      <span className="music-dot" aria-hidden="true" />
      <span>
        Music <span className="music-word">{word}</span>
      </span>
    </div>
  );
}
