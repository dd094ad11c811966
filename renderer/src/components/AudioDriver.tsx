/**
 * Wires the audio engine to the store. Renders nothing; the engine lives outside React and
 * the store, is fed every snapshot, and reports its meter back as visual state.
 */
import { useEffect } from 'react';
import { AudioEngine } from '../audio/engine';
import { api } from '../bridge';
import { isMiniWindow } from '../panel/mini';
import { hostNow, useStore } from '../stores';

export function AudioDriver(): null {
  useEffect(() => {
    // One window plays the music: the mini panel window only shows and controls.
    if (isMiniWindow()) return;
    let stop: (() => void) | null = null;
    const start = (): void => {
      stop ??= startEngine();
    };
    // The first AudioContext of a browser holds the main thread up to ~0.2 s while the audio
    // service starts: it is made just after the first paint, so the panel shows at once. A
    // page opened in a background tab paints no frames: the fallback timer starts it anyway.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(start, 0);
    });
    const fallback = setTimeout(start, 300);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      clearTimeout(fallback);
      stop?.();
    };
  }, []);
  return null;
}

/** Starts the engine and feeds it every snapshot; returns what stops it. */
function startEngine(): () => void {
  const engine = new AudioEngine({ api: api(), now: hostNow, onMeter: (m) => useStore.getState().setMeter(m) });
  engine.start();
  const feed = (): void => {
    const s = useStore.getState().snapshot;
    // The engine reads the therapist's level and duck from the session's record itself (each
    // on its own master stage and pace), and gains, mute and output device from `audio`.
    engine.update(s?.session ?? null, s?.timeline ?? null, s?.audio ?? null);
  };
  feed();
  engine.setSafeNow(useStore.getState().localSafe !== null);
  const unsubscribe = useStore.subscribe((state, prev) => {
    // Safe state pressed here: the music goes down at once, host or no host (panel/safeState.ts).
    if (state.localSafe !== prev.localSafe) engine.setSafeNow(state.localSafe !== null);
    if (state.snapshot !== prev.snapshot) feed();
  });
  return () => {
    unsubscribe();
    engine.dispose();
  };
}
