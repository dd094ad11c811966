/**
 * Runs host commands from a group of controls: one in flight at a time per group, its name
 * while it runs, and the last refusal as quiet inline text (it clears itself after a while).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CommandResult } from '../../../electron/host/contract';

const ERROR_SHOWN_MS = 12_000;

export interface CommandRunner {
  pending: string | null;
  error: string | null;
  run(name: string, call: () => Promise<CommandResult>): Promise<boolean>;
}

export function useCommand(): CommandRunner {
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

  const run = useCallback(async (name: string, call: () => Promise<CommandResult>): Promise<boolean> => {
    if (busy.current) return false;
    busy.current = true;
    setPending(name);
    let result: CommandResult;
    try {
      result = await call();
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err) };
    } finally {
      busy.current = false;
      setPending(null);
    }
    if (clearTimer.current) clearTimeout(clearTimer.current);
    if (result.ok) {
      setError(null);
      return true;
    }
    setError(result.error);
    clearTimer.current = setTimeout(() => setError(null), ERROR_SHOWN_MS);
    return false;
  }, []);

  return { pending, error, run };
}
