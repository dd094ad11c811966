/**
 * How a host command is declared, once. Each area of the host (session, clinical record,
 * playback, lights, library, presets) has a `contract.ts` with one entry per command:
 *
 *     searchLibrary: command(z.object({ query: z.string() })).answers<{ tracks: Track[] }>(),
 *
 * — its runtime schema, its flags and the type of what it answers — and a handler map typed
 * `Handlers<typeof thoseCommands>`, so the compiler demands exactly one handler per command,
 * with `args` typed from the schema (no casts). The command list, the preload methods, the
 * WebSocket client's methods and slow list, and the test doubles are all derived from the
 * combined map in `contract.ts`.
 *
 * Why the declaration sits apart from its handler: the renderer type-checks without Node, and
 * the sandboxed preload can load nothing but `electron`; the contract files import only zod and
 * types, the handlers import the services.
 */
import type { z } from 'zod';

/** A file the host wrote for the therapist (a report, an export): where it is, and its bytes for a browser download. */
export interface SavedFile {
  name: string;
  path: string;
  mediaType: string;
  /** Text for Markdown, base64 for PDF. */
  encoding: 'utf8' | 'base64';
  data: string;
}

export interface CommandFlags {
  /**
   * File work (bundles, imports, reports, playlists): the page waits up to 3 minutes for the
   * answer instead of 10 s.
   */
  slow?: boolean;
  /**
   * Changes the session: after it the host replans (timeline → music and lights) and publishes
   * the session. Other commands publish only their own area's part of the snapshot.
   */
  replans?: boolean;
}

/** One command's declaration. `R` is what it answers besides ok (type only). */
export interface CommandSpec<S extends z.ZodType = z.ZodType, R = unknown> {
  readonly schema: S;
  readonly slow: boolean;
  readonly replans: boolean;
  /** Type only: never set at run time. */
  readonly reply?: R;
  /** Declares what the command answers besides ok. */
  answers<T>(): CommandSpec<S, T>;
}

/** Declares a command: its argument schema and flags. Add `.answers<T>()` when it returns data. */
export function command<S extends z.ZodType>(schema: S, flags: CommandFlags = {}): CommandSpec<S, undefined> {
  const spec: CommandSpec<S, undefined> = {
    schema,
    slow: flags.slow ?? false,
    replans: flags.replans ?? false,
    answers: <T>() => spec as unknown as CommandSpec<S, T>,
  };
  return spec;
}

// biome-ignore lint/suspicious/noExplicitAny: the widest spec, for constraints only (each map keeps its precise types).
export type AnyCommandSpec = CommandSpec<z.ZodType, any>;
export type CommandMap = Record<string, AnyCommandSpec>;

export type ArgsIn<S extends AnyCommandSpec> = z.input<S['schema']>;
export type ArgsOut<S extends AnyCommandSpec> = z.output<S['schema']>;
export type ReplyOf<S extends AnyCommandSpec> = S extends CommandSpec<z.ZodType, infer R> ? R : never;

/** What a handler gives back to the host: data for queries, a file for exports, or nothing. */
export type HandlerReply<R> = [R] extends [undefined] ? { file?: SavedFile } | undefined : { data: R; file?: SavedFile };

/** One handler per command of `M`, its `args` typed from the schema (already validated and defaulted). */
export type Handlers<M extends CommandMap> = {
  [K in keyof M]: (args: ArgsOut<M[K]>) => HandlerReply<ReplyOf<M[K]>> | Promise<HandlerReply<ReplyOf<M[K]>>>;
};

/** Runs one handler of a map by name; a refusal thrown at once becomes a rejected promise, as from the host. */
export async function runHandler<M extends CommandMap, K extends keyof M>(
  handlers: Handlers<M>,
  name: K,
  args: ArgsOut<M[K]>,
): Promise<HandlerReply<ReplyOf<M[K]>>> {
  return handlers[name](args);
}
