/**
 * The renderer's one way to run a host command: `settle` answers with a result whatever
 * happens — a throw (a lost link, a bug) becomes a refusal in words — so callers only ever
 * handle `{ok}`. The panel's press guard (`panel/perform.ts` `guarded`) and the components'
 * hooks (`components/useCommand.ts`) are built on it.
 */
import type { CommandResult } from '@host/contract';

/** Runs `call`; a throw becomes `{ ok: false, error }` with its message. */
export async function settle<T extends CommandResult>(call: () => Promise<T>): Promise<T | { ok: false; error: string }> {
  try {
    return await call();
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
