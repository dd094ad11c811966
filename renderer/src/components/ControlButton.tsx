/**
 * A button bound to a panel action: the same path as its key (so the press guard covers both),
 * its shortcut announced, and a quiet mark while a repeated press is being ignored.
 */
import type { ReactNode } from 'react';
import { type ActionId, ariaKeys } from '../panel/keys';
import { perform } from '../panel/perform';
import { useStore } from '../stores';

export interface ControlButtonProps {
  action: ActionId;
  children: ReactNode;
  /** Accessible name when the visible text is short (e.g. "+5 min" → "Extend 5 minutes"). */
  name?: string;
  pressed?: boolean;
  disabled?: boolean;
  className?: string;
  /** Which guard control it belongs to, when not the action id. */
  control?: string;
}

export function ControlButton({ action, children, name, pressed, disabled, className, control }: ControlButtonProps) {
  const id = control ?? action;
  const busy = useStore((s) => s.pending.includes(id));
  const ignored = useStore((s) => s.pressStatus?.kind === 'ignored' && s.pressStatus.action === id);
  return (
    <button
      type="button"
      className={`${className ?? ''}${ignored ? ' is-guarded' : ''}`.trim() || undefined}
      aria-label={name}
      aria-pressed={pressed}
      aria-keyshortcuts={ariaKeys(action)}
      aria-busy={busy || undefined}
      disabled={disabled}
      data-action={action}
      onClick={() => void perform(action)}
    >
      {children}
    </button>
  );
}

/** The one status line for presses: a refusal from the host, or a repeated press ignored. */
export function PressStatusLine() {
  const status = useStore((s) => s.pressStatus);
  return (
    <p
      className={`press-status${status?.kind === 'ignored' ? ' is-ignored' : ''}`}
      role="status"
      aria-live="polite"
      data-testid="press-status"
    >
      {status?.text ?? ''}
    </p>
  );
}
