/**
 * One light of a device: what it is doing and why, its level as Stillroom and as its own app
 * show it, in the room or not, a slow test pulse, renaming, and the clinic's calibration (the
 * lowest setting at which it visibly glows and the most it should give, in its own app's %).
 */

import type { LightView } from '@host/lights/contract';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../../bridge';
import { guarded } from '../../panel/perform';
import { InlineError } from '../InlineError';
import { Rename } from './Rename';
import { formatPercent, LIGHT_STATE, levelText } from './status';
import { useTransient } from './transient';

/** The two calibration fields; saved together, cleared together. */
function Calibration({ light, open, setOpen }: { light: LightView; open: boolean; setOpen: (open: boolean) => void }) {
  const id = useId();
  const [min, setMin] = useState(String(light.calibration?.minPercent ?? 0));
  const [max, setMax] = useState(String(light.calibration?.maxPercent ?? 100));
  const [error, setError] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const lo = Number(min.trim());
    const hi = Number(max.trim());
    if (!min.trim() || !max.trim() || !Number.isFinite(lo) || !Number.isFinite(hi))
      return setError('Enter both levels as percentages from 0 to 100.');
    const r = await api().setLightCalibration({ lightId: light.id, calibration: { minPercent: lo, maxPercent: hi } });
    if (!r.ok) return setError(r.error);
    setError(null);
    setOpen(false);
  };
  const clear = async () => {
    const r = await api().setLightCalibration({ lightId: light.id, calibration: null });
    if (!r.ok) return setError(r.error);
    setMin('0');
    setMax('100');
    setError(null);
    setOpen(false);
  };
  const cal = light.calibration;
  // Opening starts from what is stored.
  useEffect(() => {
    if (!open) return;
    setMin(String(cal?.minPercent ?? 0));
    setMax(String(cal?.maxPercent ?? 100));
    setError(null);
  }, [open, cal?.minPercent, cal?.maxPercent]);
  return (
    <div className="lights-calibration">
      {cal ? (
        <p className="quiet small" data-testid="calibration">
          Calibrated: glows from {formatPercent(cal.minPercent)}, at most {formatPercent(cal.maxPercent)} (its own app’s %).
        </p>
      ) : null}
      {open ? (
        <form className="lights-calibration-form" onSubmit={(e) => void save(e)} aria-label={`Calibration of ${light.name}`}>
          <label htmlFor={`${id}-min`}>Lowest visible level (its app’s %)</label>
          <input id={`${id}-min`} type="number" min={0} max={99} step={0.1} value={min} onChange={(e) => setMin(e.target.value)} />
          <label htmlFor={`${id}-max`}>Highest wanted level (its app’s %)</label>
          <input id={`${id}-max`} type="number" min={1} max={100} step={0.1} value={max} onChange={(e) => setMax(e.target.value)} />
          <div className="row-actions span-2">
            <button type="submit" className="small-button">
              Save calibration
            </button>
            {cal ? (
              <button type="button" className="small-button quiet-button" onClick={() => void clear()}>
                Clear calibration
              </button>
            ) : null}
          </div>
          <p className="quiet small span-2">
            Stillroom’s levels are spread between the two: the deepest phase still glows, full never glares.
          </p>
          <InlineError text={error} />
        </form>
      ) : null}
    </div>
  );
}

/** Opens and closes the calibration fields, beside the row's other actions. */
function CalibrateButton({ light, open, setOpen }: { light: LightView; open: boolean; setOpen: (open: boolean) => void }) {
  return (
    <button
      type="button"
      className="link-button"
      aria-expanded={open}
      aria-label={open ? `Close calibration of ${light.name}` : `Calibrate ${light.name}`}
      onClick={() => setOpen(!open)}
    >
      {open ? 'Close calibration' : 'Calibrate'}
    </button>
  );
}

export function LightRow({ light, busy }: { light: LightView; busy: string | null }) {
  const [message, setMessage] = useTransient();
  const [calibrating, setCalibrating] = useState(false);
  const pulse = async () => {
    setMessage(null);
    const r = await api().testPulse({ lightId: light.id });
    setMessage(r.ok ? (r.data?.message ?? null) : r.error);
  };
  const trouble = light.inRoom && (light.state === 'not-answering' || light.state === 'waiting-for-device');
  const level = light.state === 'following' || light.state === 'held' ? levelText(light) : null;
  return (
    <li className="lights-row" data-testid="light-row" data-state={light.state}>
      <div className="lights-row-main">
        <span className="lights-name">{light.name}</span>
        <span className={`lights-health is-${light.state}${trouble ? ' is-trouble' : ''}`} data-testid="light-state">
          <span className="lights-dot" aria-hidden="true" />
          {LIGHT_STATE[light.state]}
        </span>
        {level ? (
          <span className="quiet small tabular" data-testid="light-level">
            {level}
          </span>
        ) : null}
      </div>
      {light.why && light.state !== 'waiting-for-device' ? (
        <p className="lights-error small" data-testid="light-why">
          {light.why}
        </p>
      ) : null}
      <div className="row-actions">
        <label className="check">
          <input
            type="checkbox"
            checked={light.inRoom}
            onChange={(e) =>
              void guarded(`room:${light.id}`, 'In the room', () => api().setLightInRoom({ lightId: light.id, inRoom: e.target.checked }), {
                guard: false,
              })
            }
          />{' '}
          In the room
        </label>
        <button
          type="button"
          className="small-button"
          aria-label={`Test pulse ${light.name}`}
          disabled={busy !== null}
          onClick={() => void pulse()}
        >
          Test pulse
        </button>
        <Rename id={light.id} name={light.name} what="light" />
        <CalibrateButton light={light} open={calibrating} setOpen={setCalibrating} />
      </div>
      <Calibration light={light} open={calibrating} setOpen={setCalibrating} />
      <p className="quiet small" role="status" aria-live="polite">
        {message ?? ''}
      </p>
    </li>
  );
}
