/**
 * Running a host command from a control, on the renderer's one helper (`lib/command.ts`
 * `settle`, which the panel's press guard uses too).
 *
 * `useRun` (cards and editors): `busy` while a command runs, the refusal kept as a sentence to
 * show in place (never a pop-up), the typed result back. `useCommand` (groups of controls):
 * one command in flight at a time per group, its name while it runs, and the refusal shown
 * quietly for a while (it clears itself).
 */

import type { CommandResult } from '@host/contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import { settle } from '../lib/command';

const ERROR_SHOWN_MS = 12_000;

type Ok<T extends CommandResult> = Extract<T, { ok: true }>;

interface RunnerOptions {
  /** A second command while one runs is not sent (and answers null). */
  oneAtATime: boolean;
  /** How long a refusal stays shown; null: until the next command. */
  errorShownMs: number | null;
}

/** The state both hooks keep: which command is running, the last refusal, and `run`. */
function useRunner({ oneAtATime, errorShownMs }: RunnerOptions) {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const clearTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const busy = useRef(false);

  useEffect(
    () => () => {
      if (clearTimer.current) clearTimeout(clearTimer.current);
    },
    [],
  );

  const run = useCallback(
    async <T extends CommandResult>(name: string, call: () => Promise<T>): Promise<Ok<T> | null> => {
      if (oneAtATime && busy.current) return null;
      busy.current = true;
      setPending(name);
      const result = await settle(call);
      busy.current = false;
      setPending(null);
      if (clearTimer.current) clearTimeout(clearTimer.current);
      if (result.ok) {
        setError(null);
        return result as Ok<T>;
      }
      setError(result.error);
      if (errorShownMs !== null) clearTimer.current = setTimeout(() => setError(null), errorShownMs);
      return null;
    },
    [oneAtATime, errorShownMs],
  );
  return { pending, error, setError, run };
}

export interface CommandRunner {
  pending: string | null;
  error: string | null;
  run(name: string, call: () => Promise<CommandResult>): Promise<boolean>;
}

/** A group of controls: one command at a time, its name while it runs, a refusal shown for 12 s. */
export function useCommand(): CommandRunner {
  const { pending, error, run } = useRunner({ oneAtATime: true, errorShownMs: ERROR_SHOWN_MS });
  const runOne = useCallback(async (name: string, call: () => Promise<CommandResult>) => (await run(name, call)) !== null, [run]);
  return { pending, error, run: runOne };
}

/** A card or editor: `busy` while a command runs, its refusal kept in place, the typed result back (null when refused). */
export function useRun(): {
  busy: boolean;
  error: string | null;
  setError: (e: string | null) => void;
  run: <T extends CommandResult>(fn: () => Promise<T>) => Promise<Ok<T> | null>;
} {
  const { pending, error, setError, run } = useRunner({ oneAtATime: false, errorShownMs: null });
  const runFn = useCallback(<T extends CommandResult>(fn: () => Promise<T>) => run('command', fn), [run]);
  return { busy: pending !== null, error, setError, run: runFn };
}
