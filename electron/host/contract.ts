/**
 * The one contract between the renderer and the host, shared by both shells (Electron IPC and
 * the browser host's WebSocket). Each command has a runtime schema because types check
 * nothing at run time; the preload API, the WebSocket client and test doubles are all
 * derived from this map, so they cannot drift.
 */
import { z } from 'zod';
import type { SessionState } from '../core/session';
import type { Timeline } from '../core/timeline';
import { COMMAND_NAMES, type CommandName, IPC } from './commands';

export { COMMAND_NAMES, type CommandName, IPC };

const none = z.object({}).strict();

export const commandSchemas = {
  /** Starts a session from a preset. */
  startSession: z
    .object({
      presetId: z.string().min(1).max(64),
      clientAlias: z.string().trim().max(80).default(''),
      intention: z.string().trim().max(2000).default(''),
    })
    .strict(),
  /** Records the dose: the anchor of clinical timing; a phase waiting for it advances. */
  recordDose: z.object({ note: z.string().max(500).default('') }).strict(),
  advancePhase: none,
  /** Extends (positive) or shortens (negative) the current phase by whole minutes. */
  extendPhase: z
    .object({
      minutes: z
        .number()
        .int()
        .min(-240)
        .max(240)
        .refine((m) => m !== 0, 'must not be 0'),
    })
    .strict(),
  holdPhase: none,
  resumePhase: none,
  setSafeState: z.object({ on: z.boolean() }).strict(),
  skipTrack: none,
  /** The audio player reports a track it could not play; music moves on. */
  reportTrackFailed: z.object({ trackId: z.string().min(1).max(80), reason: z.string().min(1).max(500) }).strict(),
  endSession: none,
  addNote: z.object({ text: z.string().trim().min(1, 'a note needs some text').max(5000, 'notes are capped at 5000 characters') }).strict(),
} as const satisfies Record<CommandName, z.ZodType>;

// `satisfies` plus the object literal's excess-property check: exactly the listed names.
export type CommandArgs<K extends CommandName> = z.input<(typeof commandSchemas)[K]>;
export type ParsedArgs<K extends CommandName> = z.output<(typeof commandSchemas)[K]>;

/** What every command answers: ok, or an error a person can read. */
export type CommandResult = { ok: true } | { ok: false; error: string };

export interface PresetSummary {
  id: string;
  name: string;
  route: string;
  description: string;
  totalMin: number;
  phases: Array<{ kind: string; name: string; plannedMin: number }>;
  /** Where it came from: bundled or the user's folder. */
  origin: 'bundled' | 'user';
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
}

/** Validates a command at the boundary; returns a message naming the problem when it is bad. */
export function validateCommand(
  name: unknown,
  args: unknown,
): { ok: true; name: CommandName; args: ParsedArgs<CommandName> } | { ok: false; error: string } {
  if (typeof name !== 'string' || !(name in commandSchemas)) {
    return { ok: false, error: `unknown command ${JSON.stringify(name)}` };
  }
  const cmd = name as CommandName;
  const parsed = commandSchemas[cmd].safeParse(args ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`);
    return { ok: false, error: `${cmd}: ${problems.join('; ')}` };
  }
  return { ok: true, name: cmd, args: parsed.data };
}

/** The API a renderer sees: one named method per command, plus the state stream. */
export type StillroomApi = {
  [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult>;
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
  [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult>;
} {
  const out = {} as { [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult> };
  for (const name of COMMAND_NAMES) {
    (out as Record<string, (a: unknown) => Promise<CommandResult>>)[name] = (args: unknown) => send(name, args);
  }
  return out;
}

/** WebSocket wire messages (browser host). */
export type ClientMessage = { id: number; command: string; args: unknown };
export type ServerMessage =
  | { kind: 'reply'; id: number; result: CommandResult }
  | { kind: 'state'; snapshot: HostSnapshot }
  /**
   * The lamp moves every second during a fade; only the lamp is sent then. Clients merge it
   * into the last snapshot (keeping the same `timeline` object, so the audio player does not
   * re-plan) and notify `onState` listeners.
   */
  | { kind: 'lamp'; lamp: LampState };
