/**
 * Ending a session is never one press. "End session" (or F4 then E) only opens the confirmation;
 * it is then confirmed by clicking "Confirm end session" with the pointer, or from the keyboard
 * by typing the word END and pressing Enter. Enter or Space on the focused confirm button does
 * not end it (a stray key cannot), and the confirmation closes by itself after 20 s idle or
 * with Escape. No dialog.
 */
import { type KeyboardEvent, type MouseEvent, useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../bridge';
import { guarded } from '../panel/perform';
import { useStore } from '../stores';

const IDLE_CLOSE_MS = 20_000;

/** The confirmation, mounted fresh each time it opens (so nothing typed earlier lingers). */
function ConfirmEnd() {
  const setArmed = useStore((s) => s.setEndArmed);
  const [typed, setTyped] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const touch = useCallback((): void => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => useStore.getState().setEndArmed(false), IDLE_CLOSE_MS);
  }, []);

  useEffect(() => {
    touch();
    inputRef.current?.focus();
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [touch]);

  const confirm = (): void => {
    setArmed(false);
    void guarded('end', 'End session', () => api().endSession({}));
  };

  const onConfirmClick = (e: MouseEvent<HTMLButtonElement>): void => {
    // A click from a key (Enter/Space on the focused button) has no pointer behind it.
    if (e.detail === 0) {
      setHint('From the keyboard, type END in the box and press Enter.');
      touch();
      return;
    }
    confirm();
  };

  const onInputKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    touch();
    if (e.key !== 'Enter') return;
    e.preventDefault();
    if (typed.trim().toUpperCase() === 'END') confirm();
    else setHint('Type END (three letters) to end the session, or Escape to keep going.');
  };

  return (
    <div className="confirm-end" id="end-confirm">
      <button type="button" className="confirm-button" onClick={onConfirmClick}>
        Confirm end session
      </button>
      <label htmlFor="end-confirm-word" className="field-label small">
        Or type END and press Enter
      </label>
      <input
        id="end-confirm-word"
        ref={inputRef}
        type="text"
        autoComplete="off"
        spellCheck={false}
        maxLength={8}
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        onKeyDown={onInputKey}
      />
      <span className="quiet small" role="status">
        {hint ?? 'Music fades out over 10 s. Notes are kept. Escape keeps the session going.'}
      </span>
      <button type="button" className="quiet-button" onClick={() => setArmed(false)}>
        Keep going
      </button>
    </div>
  );
}

export function EndSessionControl() {
  const armed = useStore((s) => s.endArmed);
  const setArmed = useStore((s) => s.setEndArmed);
  const busy = useStore((s) => s.pending.includes('end'));
  // A confirmation left open from another view or session never carries over.
  useEffect(() => () => useStore.getState().setEndArmed(false), []);
  return (
    <div className="end-session">
      <button
        type="button"
        className="quiet-button"
        aria-expanded={armed}
        aria-controls="end-confirm"
        onClick={() => setArmed(!armed)}
        disabled={busy}
      >
        End session
      </button>
      {armed ? <ConfirmEnd /> : null}
    </div>
  );
}
