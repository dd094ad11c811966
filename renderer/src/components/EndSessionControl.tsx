/**
 * Ending a session takes two deliberate clicks: "End session", then "Confirm end session",
 * which appears in place and goes away again after 5 s. No dialog.
 */
import { useEffect, useRef, useState } from 'react';
import { api } from '../bridge';
import type { CommandRunner } from './useCommand';

const CONFIRM_WINDOW_MS = 5000;

export function EndSessionControl({ runner }: { runner: CommandRunner }) {
  const [armed, setArmed] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const arm = (): void => {
    if (timer.current) clearTimeout(timer.current);
    setArmed(true);
    timer.current = setTimeout(() => setArmed(false), CONFIRM_WINDOW_MS);
  };
  const confirm = (): void => {
    if (timer.current) clearTimeout(timer.current);
    setArmed(false);
    void runner.run('endSession', () => api().endSession({}));
  };

  return (
    <div className="end-session">
      <button type="button" className="quiet-button" onClick={arm} disabled={runner.pending === 'endSession'}>
        End session
      </button>
      {armed ? (
        <div className="confirm-end">
          <button type="button" className="confirm-button" onClick={confirm}>
            Confirm end session
          </button>
          <span className="quiet small">Music fades out over 10 s. Notes are kept.</span>
        </div>
      ) : null}
    </div>
  );
}
