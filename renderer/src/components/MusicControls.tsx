/**
 * The music's own controls during a session: duck (down while the therapist speaks), mute
 * (with a fade; the music plays on silently), the music volume and the output. Every change
 * is a host command, so a reload or a second window keeps it; the engine glides each one.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { dbToSlider, sliderToDb } from '../audio/gain';
import { useAudioStatus } from '../audio/status';
import { api } from '../bridge';
import { useStore } from '../stores';
import { InlineError } from './InlineError';
import { OutputDevicePicker } from './OutputDevicePicker';
import { useCommand } from './useCommand';
import './MusicControls.css';

/** A level is sent once the slider has rested this long (each change is a journal entry). */
const LEVEL_SETTLE_MS = 300;

function MusicVolume() {
  const id = useId();
  const levelDb = useStore((s) => s.snapshot?.session?.record?.music.levelDb ?? 0);
  const [value, setValue] = useState(() => dbToSlider(levelDb));
  const dragging = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { error, run } = useCommand();

  // Follow the host (another window, a reload) unless the therapist is moving the slider.
  useEffect(() => {
    if (!dragging.current && !timer.current) setValue(dbToSlider(levelDb));
  }, [levelDb]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const send = (v: number): void => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void run('setMusicLevel', () => api().setMusicLevel({ db: sliderToDb(v) }));
    }, LEVEL_SETTLE_MS);
  };
  const db = sliderToDb(value);

  return (
    <div className="music-volume">
      <label htmlFor={`${id}-volume`} className="field-label">
        Music volume
      </label>
      <input
        id={`${id}-volume`}
        type="range"
        min={0}
        max={100}
        step={1}
        value={value}
        aria-valuetext={db === 0 ? 'as planned' : `${db} dB`}
        onPointerDown={() => {
          dragging.current = true;
        }}
        onPointerUp={() => {
          dragging.current = false;
        }}
        onChange={(e) => {
          const v = Number(e.target.value);
          setValue(v);
          send(v);
        }}
      />
      <span className="quiet small tabular" aria-hidden="true">
        {db === 0 ? 'as planned' : `${db} dB`}
      </span>
      <InlineError text={error} />
    </div>
  );
}

export function MusicControls() {
  const running = useStore((s) => s.snapshot?.session?.status === 'running');
  const ducked = useStore((s) => s.snapshot?.session?.record?.music.ducked ?? false);
  const muted = useStore((s) => s.snapshot?.audio?.muted ?? false);
  const notice = useAudioStatus().notice;
  const { pending, error, run } = useCommand();

  return (
    <section className="music-controls" aria-label="Music">
      <div className="music-buttons">
        <button
          type="button"
          aria-pressed={ducked}
          disabled={!running || pending === 'setDuck'}
          onClick={() => void run('setDuck', () => api().setDuck({ on: !ducked }))}
        >
          Duck music
        </button>
        <button
          type="button"
          aria-pressed={muted}
          disabled={!running || pending === 'setMute'}
          onClick={() => void run('setMute', () => api().setMute({ on: !muted }))}
        >
          Mute music
        </button>
      </div>
      <p className="quiet small">
        {muted ? 'Muted: the music plays on silently.' : ducked ? 'Ducked while you speak; press again to bring it back.' : ''}
      </p>
      {running ? <MusicVolume /> : null}
      <OutputDevicePicker />
      {notice ? (
        <p className="music-notice small" role="status">
          {notice}
        </p>
      ) : null}
      <InlineError text={error} />
    </section>
  );
}
