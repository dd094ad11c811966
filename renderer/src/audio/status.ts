/**
 * What the audio engine knows that only its own controls show: the outputs it can see, where
 * it plays now, and a quiet notice when the music had to move. Visual only, never persisted,
 * kept beside the engine (components read it with `useAudioStatus`).
 */
import { useSyncExternalStore } from 'react';
import type { OutputDevice } from './devices';

export interface AudioStatus {
  /** The machine's outputs (null until listed, or when the browser won't list them). */
  devices: OutputDevice[] | null;
  /** The browser hides device names until it may use a microphone (browser host only). */
  namesHidden: boolean;
  /** The output can be chosen here (Chromium's setSinkId). */
  canChoose: boolean;
  /** Where the music plays now ('' = the system default). */
  sinkId: string;
  /** A quiet line when the music had to move (the chosen output disappeared); null otherwise. */
  notice: string | null;
}

let status: AudioStatus = { devices: null, namesHidden: false, canChoose: false, sinkId: '', notice: null };
const listeners = new Set<() => void>();

export function getAudioStatus(): AudioStatus {
  return status;
}

export function setAudioStatus(patch: Partial<AudioStatus>): void {
  const next = { ...status, ...patch };
  const same = (Object.keys(patch) as Array<keyof AudioStatus>).every((k) => next[k] === status[k]);
  if (same) return;
  status = next;
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let refresher: (() => Promise<void>) | null = null;

/** The engine's output router registers how to list the outputs again. */
export function registerOutputRefresher(fn: (() => Promise<void>) | null): void {
  refresher = fn;
}

/**
 * Asks the browser for device names (the browser host only: Chromium names outputs once the
 * page may use a microphone; the stream is stopped at once and nothing is recorded), then
 * lists the outputs again.
 */
export async function revealOutputNames(): Promise<void> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const t of stream.getTracks()) t.stop();
  } catch {
    // Refused: the outputs stay unnamed ("Output 1", "Output 2"…).
  }
  await refresher?.();
}

/** The engine's status, for the music controls. */
export function useAudioStatus(): AudioStatus {
  return useSyncExternalStore(subscribe, getAudioStatus);
}
