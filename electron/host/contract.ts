/**
 * The one contract between the renderer and the host, shared by both shells (Electron IPC and
 * the browser host's WebSocket). Each area declares its commands once in its `contract.ts`
 * (schema, flags, what it answers — see `command.ts`); this file combines them. The command
 * list, the preload API, the WebSocket client and test doubles are all derived from
 * `commandSpecs`, so they cannot drift.
 */
import type { z } from 'zod';
import { plainErrorMap, plainIssues } from '../core/plain-errors';
import type { AudioSnapshot } from '../core/playback';
import type { SessionState } from '../core/session';
import type { Timeline } from '../core/timeline';
import { audioCommands } from './audio/contract';
import { clinicalCommands, type PanelPrefs } from './clinical/contract';
import type { ArgsIn, ArgsOut, ReplyOf, SavedFile } from './command';
import { type LibrarySnapshot, libraryCommands } from './library/contract';
import { type LightsSnapshot, lightsCommands } from './lights/contract';
import { type MachineSnapshot, machineCommands } from './machine/contract';
import { presetsCommands, type SharingSnapshot } from './presets/contract';
import { sessionCommands } from './session/contract';

export { DEFAULT_PANEL_PREFS, type PanelPrefs, PanelPrefsSchema, type PanelTheme, ReportIncludeArgs } from './clinical/contract';
export type { SavedFile } from './command';

/** Every command the host takes, by name: the session's, the record's, playback, lights, library, presets. */
export const commandSpecs = {
  ...sessionCommands,
  ...clinicalCommands,
  ...audioCommands,
  ...lightsCommands,
  ...libraryCommands,
  ...presetsCommands,
  ...machineCommands,
};
export type CommandSpecs = typeof commandSpecs;
export type CommandName = keyof CommandSpecs & string;
export const COMMAND_NAMES = Object.keys(commandSpecs) as CommandName[];

export { IPC } from './ipc';

export { MAX_BROWSER_MESSAGE_BYTES } from './wire-limits';

export type CommandArgs<K extends CommandName> = ArgsIn<CommandSpecs[K]>;
export type ParsedArgs<K extends CommandName> = ArgsOut<CommandSpecs[K]>;
export type ReplyData<K extends CommandName> = ReplyOf<CommandSpecs[K]>;

/** Whether the page should wait minutes (file work) rather than seconds for this command. */
export function isSlowCommand(name: CommandName): boolean {
  return commandSpecs[name].slow;
}

/** What every command answers: ok (with a file for exports, data for queries), or an error a person can read. */
export type CommandResult<K extends CommandName = CommandName> =
  | { ok: true; file?: SavedFile; data?: ReplyData<K> }
  | { ok: false; error: string };

export interface PresetSummary {
  id: string;
  name: string;
  route: string;
  description: string;
  totalMin: number;
  phases: Array<{ kind: string; name: string; plannedMin: number }>;
  /** Where it came from: bundled, the user's folder, or the clinic's shared folder. */
  origin: 'bundled' | 'user' | 'clinic';
  /** Signed files: who signed it ("Signed by …" or a warning about an unknown key); null when unsigned. */
  provenance?: { status: 'unsigned' | 'trusted' | 'unknown-key'; message: string } | null;
}

export interface PresetProblem {
  source: string;
  message: string;
}

/** The light the room has now (mirrored by the on-screen virtual lamp). */
export interface LampState {
  level: number;
  kelvin: number;
  moving: boolean;
}

/** Everything the renderer mirrors. Sent on every change and periodically. */
export interface HostSnapshot {
  /** Host wall clock when sent; the renderer uses it to correct its own clock offset. */
  now: number;
  presets: PresetSummary[];
  /** The preset to offer first (e.g. from `--preset ID`). */
  defaultPresetId: string | null;
  presetProblems: PresetProblem[];
  session: SessionState | null;
  timeline: Timeline | null;
  lamp: LampState;
  /** Quiet status lines (e.g. a resumed session, a skipped track). */
  notices: string[];
  /** The panel's look, remembered on this machine. */
  prefs: PanelPrefs;
  /** Playback beside the timeline: track gains, mute, output device, file check (electron/host/audio). */
  audio?: AudioSnapshot;
  /** The room's light devices and their state (electron/host/lights). */
  lights?: LightsSnapshot;
  /** Library folders, size and scan progress (electron/host/library). */
  library?: LibrarySnapshot;
  /** Clinic folder, trusted keys, this machine's signing identity (electron/host/presets). */
  sharing?: SharingSnapshot;
  /** This machine's choices besides the panel's look: what stays awake during a session. */
  machine?: MachineSnapshot;
}

/** A command that passed its schema: its name and its parsed arguments, correlated. */
export type ValidCommand = { [K in CommandName]: { ok: true; name: K; args: ParsedArgs<K> } }[CommandName];

/** Validates a command at the boundary; returns a message naming the problem when it is bad. */
export function validateCommand(name: unknown, args: unknown): ValidCommand | { ok: false; error: string } {
  // Own names only: `constructor`, `toString` or `__proto__` are not commands.
  if (typeof name !== 'string' || !Object.hasOwn(commandSpecs, name)) {
    return { ok: false, error: `unknown command ${JSON.stringify(name)}` };
  }
  const cmd = name as CommandName;
  // Worded for a person (core/plain-errors.ts): the panel shows these refusals as they are.
  const parsed = (commandSpecs[cmd].schema as z.ZodType).safeParse(args ?? {}, { error: plainErrorMap });
  if (!parsed.success) return { ok: false, error: plainIssues(parsed.error.issues, 5).join('; ') };
  return { ok: true, name: cmd, args: parsed.data } as ValidCommand;
}

/** The API a renderer sees: one named method per command, plus the state stream. */
export type StillroomApi = {
  [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>>;
} & {
  /** Calls back with every snapshot; returns an unsubscribe function. */
  onState(listener: (s: HostSnapshot) => void): () => void;
  /** URL the audio player uses for a track. */
  mediaUrl(trackId: string): string;
  /** Which shell the renderer runs in. */
  readonly shell: 'electron' | 'browser';
};

/** Builds the named methods from a single transport function. */
export function commandMethods(send: (name: CommandName, args: unknown) => Promise<CommandResult>): {
  [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>>;
} {
  const out = {} as { [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>> };
  for (const name of COMMAND_NAMES) {
    (out as Record<string, (a: unknown) => Promise<CommandResult>>)[name] = (args: unknown) => send(name, args);
  }
  return out;
}

export { applyHostMessage, type HostMessage, type HostPatch } from './messages';

import type { HostMessage } from './messages';

/** WebSocket wire messages (browser host). */
export type ClientMessage = { id: number; command: string; args: unknown };
export type ServerMessage = { kind: 'reply'; id: number; result: CommandResult } | HostMessage;
