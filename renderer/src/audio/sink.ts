/**
 * Where the music should play, as pure decisions (no DOM, so tests run in Node): the chosen
 * output by id, else by name, else the system default until it is connected again.
 */

/** An audio output as the picker shows it. */
export interface OutputDevice {
  deviceId: string;
  label: string;
}

/** What the host remembers. An empty id means the system default. */
export interface WantedOutput {
  deviceId: string;
  label: string;
}

export type SinkChoice =
  /** Play on this device ('' = system default). */
  | { deviceId: string; reason: 'default' | 'chosen' }
  /** The chosen device is not connected: play on the default meanwhile. */
  | { deviceId: ''; reason: 'missing' };

/**
 * Where the music should play now. The chosen device by id, else by name (another origin's id
 * for the same device); if it is not connected, the system default until it comes back.
 * `devices` null means the list is unknown (the browser won't say): trust the id.
 */
export function chooseSink(wanted: WantedOutput, devices: readonly OutputDevice[] | null): SinkChoice {
  if (wanted.deviceId === '') return { deviceId: '', reason: 'default' };
  if (devices === null) return { deviceId: wanted.deviceId, reason: 'chosen' };
  if (devices.some((d) => d.deviceId === wanted.deviceId)) return { deviceId: wanted.deviceId, reason: 'chosen' };
  const byName = wanted.label ? devices.find((d) => d.label === wanted.label) : undefined;
  if (byName) return { deviceId: byName.deviceId, reason: 'chosen' };
  return { deviceId: '', reason: 'missing' };
}

/** What the panel says, quietly, when the music had to move. */
export function movedNotice(wanted: WantedOutput): string {
  const name = wanted.label || 'The chosen output';
  return `${name} is not connected: music moved to the default output.`;
}
