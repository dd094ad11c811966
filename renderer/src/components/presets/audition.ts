/**
 * Listening to one track of a playlist on the therapist's output, quietly: one at a time,
 * faded in and out, on the output device chosen for the session music. The host refuses (and
 * stops serving the file) while a session runs.
 */
import type { TrackRef } from '@core/preset';
import { chooseSink, listOutputs } from '../../audio/devices';
import { api } from '../../bridge';
import { useStore } from '../../stores';

const LEVEL = 0.5;
const FADE_MS = 800;

let element: HTMLAudioElement | null = null;
let fadeTimer: ReturnType<typeof setInterval> | null = null;
const listeners = new Set<(playing: string | null) => void>();
let playingKey: string | null = null;

function announce(key: string | null): void {
  playingKey = key;
  for (const l of listeners) l(key);
}

function fade(el: HTMLAudioElement, to: number, done?: () => void): void {
  if (fadeTimer) clearInterval(fadeTimer);
  const from = el.volume;
  const start = performance.now();
  fadeTimer = setInterval(() => {
    const t = Math.min(1, (performance.now() - start) / FADE_MS);
    el.volume = Math.max(0, Math.min(1, from + (to - from) * t));
    if (t >= 1) {
      if (fadeTimer) clearInterval(fadeTimer);
      fadeTimer = null;
      done?.();
    }
  }, 40);
}

/** Stops whatever is playing (with a short fade). */
export function stopAudition(): void {
  const el = element;
  element = null;
  announce(null);
  void api().auditionTrack({ ref: null });
  if (el) fade(el, 0, () => el.pause());
}

/** Plays `ref`; resolves with an error sentence when it cannot, or null when it plays. */
export async function playAudition(key: string, ref: TrackRef): Promise<string | null> {
  stopAudition();
  const r = await api().auditionTrack({ ref });
  if (!r.ok) return r.error;
  if (!r.data) return 'Nothing to play.';
  const el = new Audio(api().mediaUrl(r.data.mediaId));
  el.volume = 0;
  const wanted = useStore.getState().snapshot?.audio?.outputDevice;
  const sinkable = el as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
  if (wanted?.deviceId && typeof sinkable.setSinkId === 'function') {
    const { devices } = await listOutputs();
    const choice = chooseSink(wanted, devices);
    if (choice.deviceId) await sinkable.setSinkId(choice.deviceId).catch(() => undefined);
  }
  el.addEventListener('ended', () => {
    if (element === el) stopAudition();
  });
  element = el;
  announce(key);
  try {
    await el.play();
  } catch (err) {
    if (element === el) stopAudition();
    return `The track did not play: ${(err as Error).message}`;
  }
  fade(el, LEVEL);
  return null;
}

/** Calls back with the key of the track playing now (null: none); returns an unsubscribe function. */
export function onAudition(listener: (key: string | null) => void): () => void {
  listeners.add(listener);
  listener(playingKey);
  return () => listeners.delete(listener);
}
