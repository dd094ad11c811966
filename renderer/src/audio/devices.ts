/**
 * Output devices: which audio outputs the machine has, and where the music should go.
 *
 * The choice is remembered per machine by the host (`setOutputDevice`) as an id plus the
 * device's name: Chromium gives each origin its own ids, so the desktop app and the browser
 * host see different ids for the same headphones, and the name finds them again.
 * The AudioContext is moved with `setSinkId` (Chromium ≥ 110); the routed `<audio>` elements
 * follow it, since they sound only through the context.
 */
import type { OutputDevice } from './sink';

export type { OutputDevice, WantedOutput } from './sink';
export { chooseSink, movedNotice } from './sink';

/** Chromium's sink API on AudioContext (not yet in TypeScript's DOM types). */
interface SinkContext {
  setSinkId?(id: string | { type: 'none' }): Promise<void>;
  sinkId?: string | { type: string };
}

/** The context can be moved to another output. */
export function canChooseOutput(ctx: AudioContext | null): boolean {
  return !!ctx && typeof (ctx as unknown as SinkContext).setSinkId === 'function';
}

/** Where the context plays now ('' = the system default). */
export function currentSinkId(ctx: AudioContext): string {
  const id = (ctx as unknown as SinkContext).sinkId;
  return typeof id === 'string' ? id : '';
}

export async function setSink(ctx: AudioContext, deviceId: string): Promise<void> {
  const api = ctx as unknown as SinkContext;
  if (typeof api.setSinkId !== 'function') throw new Error('this browser cannot choose an audio output');
  await api.setSinkId(deviceId);
}

/**
 * The machine's audio outputs (without the "default" and "communications" aliases), and
 * whether the browser is hiding them (it lists one nameless output until the page may use a
 * microphone). Never throws.
 */
export async function listOutputs(): Promise<{ devices: OutputDevice[]; hidden: boolean }> {
  try {
    const all = ((await navigator.mediaDevices?.enumerateDevices()) ?? []).filter((d) => d.kind === 'audiooutput');
    const devices = all
      .filter((d) => d.deviceId !== '' && d.deviceId !== 'default' && d.deviceId !== 'communications')
      .map((d) => ({ deviceId: d.deviceId, label: d.label }));
    return { devices, hidden: all.some((d) => d.deviceId === '' || d.label === '') };
  } catch {
    return { devices: [], hidden: false };
  }
}
