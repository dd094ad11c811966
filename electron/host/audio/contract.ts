/**
 * Playback's commands beside the timeline: the mute, the output device, and the check of a
 * preset's files before a session. They change only the `audio` part of the snapshot.
 */
import { z } from 'zod';
import { command } from '../command';

export const audioCommands = {
  /** Mutes the music with a fade (off brings it back, also with a fade). Music plays on silently. */
  setMute: command(z.object({ on: z.boolean() }).strict()),
  /** Where music plays on this machine: a device id from the renderer (empty = system default) and its name. */
  setOutputDevice: command(z.object({ deviceId: z.string().max(500), label: z.string().max(200).default('') }).strict()),
  /** Looks for a preset's files before a session: what is missing or unplayable, and measures the rest. */
  checkPreset: command(z.object({ presetId: z.string().min(1).max(64) }).strict()),
};
