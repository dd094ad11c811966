/**
 * A phase's light: level, colour temperature and how long the change into it takes, with a
 * small swatch drawn the way the on-screen lamp draws light, and "Preview on the lamp" — the
 * host shows the scene on the on-screen lamp (and any real lights in the room) for a few
 * seconds, then eases back. Refused while a session runs: the room's light belongs to it.
 */

import { formatDurationWordsMs } from '@core/format';
import type { PhaseConfig } from '@core/preset';
import { useState } from 'react';
import { api } from '../../bridge';
import { InlineError } from '../InlineError';
import { lampColour, lampOpacity } from '../VirtualLamp';
import { phaseFieldId } from './editorModel';

type Light = PhaseConfig['light'];

/** "0 s" → "at once", 90 → "over 2 min", 20 → "over 20 s". */
function changeWords(s: number): string {
  if (!Number.isFinite(s)) return '';
  return s <= 0 ? 'at once' : `over ${formatDurationWordsMs(s * 1000, 'minute')}`;
}

export function PhaseLight({
  base,
  phaseKey,
  phaseName,
  light,
  invalid,
  sessionRunning,
  onChange,
}: {
  base: string;
  phaseKey: string;
  phaseName: string;
  light: Light;
  /** Fields with a problem (`light.level`…), marked for assistive technology. */
  invalid: ReadonlySet<string>;
  sessionRunning: boolean;
  onChange: (light: Light) => void;
}) {
  const id = (f: string) => phaseFieldId(base, phaseKey, f);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = (change: Partial<Light>) => onChange({ ...light, ...change });
  const level = Number.isFinite(light.level) ? light.level : 0;
  const kelvin = Number.isFinite(light.kelvin) ? light.kelvin : 2700;

  const preview = async () => {
    setMessage(null);
    setError(null);
    const r = await api().previewScene({ level: Math.round(level), kelvin: Math.round(kelvin) });
    if (r.ok) setMessage(r.data?.message ?? null);
    else setError(r.error);
  };

  return (
    <fieldset className="phase-light">
      <legend className="section-title">Light</legend>
      <div className="phase-light-grid">
        <label htmlFor={id('light.level')}>Light level</label>
        <span className="slider-pair">
          <input
            id={id('light.level')}
            type="range"
            min={0}
            max={100}
            step={1}
            value={level}
            aria-invalid={invalid.has('light.level') || undefined}
            aria-valuetext={`${Math.round(level)} %`}
            onChange={(e) => set({ level: Number(e.target.value) })}
          />
          <span className="tabular small">{Math.round(level)} %</span>
        </span>
        <label htmlFor={id('light.kelvin')}>Colour temperature</label>
        <span className="slider-pair">
          <input
            id={id('light.kelvin')}
            type="range"
            min={1500}
            max={6500}
            step={50}
            value={kelvin}
            aria-invalid={invalid.has('light.kelvin') || undefined}
            aria-valuetext={`${Math.round(kelvin)} kelvin`}
            onChange={(e) => set({ kelvin: Number(e.target.value) })}
          />
          <span className="tabular small">{Math.round(kelvin)} K</span>
        </span>
        <label htmlFor={id('light.transitionS')}>Change takes (s)</label>
        <span className="inline-pair">
          <input
            id={id('light.transitionS')}
            type="number"
            min={0}
            max={7200}
            step={5}
            value={Number.isFinite(light.transitionS) ? light.transitionS : ''}
            aria-invalid={invalid.has('light.transitionS') || undefined}
            onChange={(e) => set({ transitionS: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
          />
          <span className="quiet small">{changeWords(light.transitionS)}</span>
        </span>
      </div>
      <div className="phase-light-look">
        <span className="light-swatch" aria-hidden="true">
          <span className="lamp-glow light-swatch-glow" style={{ backgroundColor: lampColour(kelvin), opacity: lampOpacity(level) }} />
        </span>
        <button
          type="button"
          className="small-button"
          disabled={sessionRunning}
          aria-label={`Preview the light of “${phaseName}” on the lamp`}
          onClick={() => void preview()}
        >
          Preview on the lamp
        </button>
      </div>
      <p className="quiet small phase-light-note" role="status">
        {sessionRunning ? 'Preview is off while a session runs: the room’s light belongs to the session.' : (message ?? '')}
      </p>
      <InlineError text={error} />
    </fieldset>
  );
}
