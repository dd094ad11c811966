/** The controls' one quiet status line: a refusal, or a repeated press that was ignored; it clears itself. */
import { GUARD_MS } from '../lib/guard';
import { useStore } from '../stores';

const STATUS_SHOWN_MS = 8000;
let statusTimer: ReturnType<typeof setTimeout> | null = null;

/** Says something quietly on the controls' status line (and clears it after a while). */
export function showStatus(kind: 'ignored' | 'refused', action: string, text: string): void {
  const { setPressStatus } = useStore.getState();
  setPressStatus({ kind, action, text, at: Date.now() });
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(() => useStore.getState().setPressStatus(null), kind === 'ignored' ? GUARD_MS + 1500 : STATUS_SHOWN_MS);
}

export function clearStatus(): void {
  if (statusTimer) clearTimeout(statusTimer);
  useStore.getState().setPressStatus(null);
}
