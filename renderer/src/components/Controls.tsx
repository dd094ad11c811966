/**
 * The therapist's controls for a running session, in two parts by urgency. `UrgentControls`
 * (always on screen): Safe state, Dose given, Record vitals, the status line for presses, and
 * the sheet either of the last two opens. `PhaseControls` (below the due reminders): advance,
 * hold, skip, the phase's length, the privacy screen and End session. Each button and its key
 * go through the same action (panel/perform.ts), so the guard against repeated presses covers
 * both. The music's own controls (duck, mute, volume, output) are in MusicControls.
 */
import type { SessionState } from '@core/session';
import { phaseNow } from '../lib/phase';
import { clockTime } from '../lib/time';
import { PANIC_KEY } from '../panel/keys';
import { useStore } from '../stores';
import { ControlButton, PressStatusLine } from './ControlButton';
import { EndSessionControl } from './EndSessionControl';
import { DoseSheet } from './record/DoseForm';
import { VitalsSheet } from './VitalsSheet';

export function UrgentControls({ session }: { session: SessionState }) {
  const waiting = useStore((s) => s.localSafe !== null && !session.safe.on);
  const safeOn = session.safe.on || waiting;
  const sheet = useStore((s) => s.sheet);
  const doseAt = useStore((s) => s.doseSheetAt);
  return (
    <section className="controls urgent-controls" aria-label="Session controls">
      <ControlButton action="safe" className={`safe-button${safeOn ? ' is-on' : ''}`} pressed={safeOn} name="Safe state">
        <span className="safe-dot" aria-hidden="true" />
        Safe state{' '}
        <span className="kbd" aria-hidden="true">
          {PANIC_KEY}
        </span>
      </ControlButton>
      <p className="quiet small safe-hint" data-testid="safe-hint">
        {waiting
          ? 'On here: music lowered. The light follows when Stillroom answers.'
          : safeOn
            ? 'On: music lowered, light up. Press again to return.'
            : 'Music down, light up, at once.'}
      </p>
      <div className="urgent-row">
        <ControlButton action="dose">Dose given</ControlButton>
        <ControlButton action="vitals">Record vitals</ControlButton>
      </div>
      {session.doseAt !== null ? <p className="quiet small">Dose given at {clockTime(session.doseAt)}.</p> : null}
      <PressStatusLine />
      {sheet === 'vitals' ? <VitalsSheet /> : null}
      {sheet === 'dose' && doseAt !== null ? <DoseSheet session={session} pressedAt={doseAt} /> : null}
    </section>
  );
}

export function PhaseControls({ session }: { session: SessionState }) {
  // The clock ticks every second, but this re-renders only when the current phase changes.
  const currentIndex = useStore((s) => phaseNow(session, s.now).current?.index ?? null);
  const held = currentIndex !== null && (session.phases[currentIndex]?.heldSince ?? null) !== null;
  const isLast = currentIndex === null || currentIndex >= session.phases.length - 1;

  return (
    <section className="controls phase-controls" aria-label="Phase controls">
      <div className="control-grid">
        <ControlButton action="advance" disabled={isLast}>
          Advance phase
        </ControlButton>
        <ControlButton action="hold" control="hold">
          {held ? 'Resume phase' : 'Hold phase'}
        </ControlButton>
        <ControlButton action="skip">Skip track</ControlButton>
      </div>

      <fieldset className="control-row" aria-describedby="phase-length-hint">
        <legend className="control-legend">Phase length (minutes)</legend>
        <ControlButton action="shorten5" name="Shorten 5 minutes">
          −5
        </ControlButton>
        <ControlButton action="shorten1" name="Shorten 1 minute">
          −1
        </ControlButton>
        <ControlButton action="extend1" name="Extend 1 minute">
          +1
        </ControlButton>
        <ControlButton action="extend5" name="Extend 5 minutes">
          +5
        </ControlButton>
      </fieldset>
      <p id="phase-length-hint" className="sr-only">
        Keys: F4 then left bracket shortens by 1 minute, F4 then right bracket extends by 1 minute, with Shift by 5 minutes.
      </p>

      <ControlButton action="privacy" className="quiet-button" name="Privacy screen">
        Privacy screen
      </ControlButton>
      <EndSessionControl />
    </section>
  );
}
