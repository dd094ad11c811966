/** The therapist's controls for a running session. Every press is a host command; refusals show quietly below. */
import { useEffect } from 'react';
import type { SessionState } from '../../../electron/core/session';
import { api } from '../bridge';
import { phaseNow } from '../lib/phase';
import { clockTime } from '../lib/time';
import { useStore } from '../stores';
import { EndSessionControl } from './EndSessionControl';
import { InlineError } from './InlineError';
import { useCommand } from './useCommand';

/** Typing in a field must never trigger a shortcut. */
function typingIn(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

export function Controls({ session }: { session: SessionState }) {
  const runner = useCommand();
  const { pending, error, run } = runner;
  // The clock ticks every second, but this re-renders only when the current phase changes.
  const currentIndex = useStore((s) => phaseNow(session, s.now).current?.index ?? null);
  const held = currentIndex !== null && (session.phases[currentIndex]?.heldSince ?? null) !== null;
  const isLast = currentIndex === null || currentIndex >= session.phases.length - 1;
  const safeOn = session.safe.on;
  const doseGiven = session.doseAt !== null;

  // One key brings the room to safe state at once (it only turns it on; the button turns it off).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent): void => {
      if (e.key.toLowerCase() !== 's' || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
      if (useStore.getState().snapshot?.session?.safe.on) return;
      e.preventDefault();
      void run('setSafeState', () => api().setSafeState({ on: true }));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [run]);

  return (
    <section className="controls" aria-label="Session controls">
      <button
        type="button"
        className={`safe-button${safeOn ? ' is-on' : ''}`}
        aria-pressed={safeOn}
        aria-keyshortcuts="S"
        disabled={pending === 'setSafeState'}
        onClick={() => void run('setSafeState', () => api().setSafeState({ on: !safeOn }))}
      >
        <span className="safe-dot" aria-hidden="true" />
        Safe state
      </button>
      <p className="quiet small safe-hint">
        {safeOn ? 'On: music lowered, light up. Press again to return.' : 'Key S: music down, light up.'}
      </p>

      <div className="control-grid">
        <button
          type="button"
          disabled={doseGiven || pending === 'recordDose'}
          onClick={() => void run('recordDose', () => api().recordDose({ note: '' }))}
        >
          Dose given
        </button>
        <button
          type="button"
          disabled={isLast || pending === 'advancePhase'}
          onClick={() => void run('advancePhase', () => api().advancePhase({}))}
        >
          Advance phase
        </button>
        <button
          type="button"
          disabled={pending === 'extendPhase'}
          onClick={() => void run('extendPhase', () => api().extendPhase({ minutes: 5 }))}
        >
          Extend 5 minutes
        </button>
        {held ? (
          <button type="button" disabled={pending === 'resumePhase'} onClick={() => void run('resumePhase', () => api().resumePhase({}))}>
            Resume phase
          </button>
        ) : (
          <button type="button" disabled={pending === 'holdPhase'} onClick={() => void run('holdPhase', () => api().holdPhase({}))}>
            Hold phase
          </button>
        )}
        <button type="button" disabled={pending === 'skipTrack'} onClick={() => void run('skipTrack', () => api().skipTrack({}))}>
          Skip track
        </button>
      </div>
      {doseGiven && session.doseAt !== null ? <p className="quiet small">Dose given at {clockTime(session.doseAt)}.</p> : null}

      <EndSessionControl runner={runner} />
      <InlineError text={error} />
    </section>
  );
}
