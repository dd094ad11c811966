/**
 * One connection (Hue bridge, bulb, broker, Home Assistant) and its lights: its state in plain
 * words (connected, or reconnecting since when and the next try, or unreachable and why),
 * pairing, "Check again", how safe state reaches it and what Stillroom keeps on the bridge,
 * renaming, and removal behind a confirm that never takes the focus (a stray key cannot give it).
 */

import type { LightDeviceView, LightView } from '@host/lights/contract';
import { useEffect, useId, useState } from 'react';
import { api } from '../../bridge';
import { clockTime } from '../../lib/time';
import { guarded } from '../../panel/perform';
import { hostNow } from '../../stores';
import { InlineError } from '../InlineError';
import { LightRow } from './LightRow';
import { Rename } from './Rename';
import { deviceStateText, deviceTrouble } from './status';
import { useTransient } from './transient';

export const PROTOCOL_NAMES: Record<LightDeviceView['protocol'], string> = {
  'hue-v1': 'Philips Hue (API v1)',
  'hue-v2': 'Philips Hue (API v2, HTTPS)',
  lifx: 'LIFX',
  wiz: 'WiZ',
  z2m: 'Zigbee2MQTT',
  homeassistant: 'Home Assistant',
};

/** The host's time, once a second while the device is away (its "next try in 8 s" counts down). */
function useHostClock(ticking: boolean): number {
  const [now, setNow] = useState(hostNow);
  useEffect(() => {
    setNow(hostNow());
    if (!ticking) return;
    const t = setInterval(() => setNow(hostNow()), 1000);
    return () => clearInterval(t);
  }, [ticking]);
  return now;
}

export function DeviceCard({ device, lights, busy }: { device: LightDeviceView; lights: LightView[]; busy: string | null }) {
  const titleId = useId();
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useTransient();
  const [error, setError] = useState<string | null>(null);
  const isHue = device.protocol === 'hue-v1' || device.protocol === 'hue-v2';
  const single = device.protocol === 'lifx' || device.protocol === 'wiz';
  const now = useHostClock(deviceTrouble(device));
  const pair = async () => {
    setMessage(null);
    setError(null);
    const r = await api().pairLight({ deviceId: device.id });
    if (r.ok) setMessage(r.data?.message ?? 'Paired.');
    else setError(r.error);
  };
  const powerCut = async () => {
    setMessage(null);
    setError(null);
    const r = await api().keepLightsAfterPowerCut({ deviceId: device.id });
    if (r.ok) setMessage(r.data?.message ?? null);
    else setError(r.error);
  };
  const remove = async () => {
    const r = await api().removeLight({ deviceId: device.id, confirm: 'remove' });
    if (!r.ok) setError(r.error);
  };
  return (
    <section className="card lights-device" aria-labelledby={titleId} data-testid="light-device">
      <div className="lights-device-head">
        <h2 id={titleId} className="card-title">
          {device.name}
        </h2>
        <span className="quiet small">
          {PROTOCOL_NAMES[device.protocol]} · <span className="tabular">{device.address}</span>
        </span>
      </div>
      <p className={`small lights-state is-${device.state}`} data-testid="device-state">
        {deviceStateText(device, now, clockTime)}
      </p>
      {device.secretHint || device.certificate ? (
        <p className="quiet small">
          {device.secretHint ? <span data-testid="secret-hint">Stored {device.secretHint}</span> : null}
          {device.secretHint && device.certificate ? ' · ' : null}
          {device.certificate ? <span>Certificate pinned {device.certificate}</span> : null}
        </p>
      ) : null}
      {device.safeState ? (
        <p className="quiet small" data-testid="safe-state-path">
          {device.safeState}
        </p>
      ) : null}
      {lights.length ? (
        <ul className="lights-list" aria-label={`Lights of ${device.name}`}>
          {lights.map((l) => (
            <LightRow key={l.id} light={l} busy={busy} />
          ))}
        </ul>
      ) : null}
      {isHue && device.state === 'connected' && lights.length ? (
        <div className="lights-powercut">
          <p className="quiet small">After a power cut, Hue bulbs come back at full brightness unless told otherwise.</p>
          <button type="button" className="small-button" aria-label="Come back as before after a power cut" onClick={() => void powerCut()}>
            Come back as before
          </button>
        </div>
      ) : null}
      <div className="row-actions">
        {isHue && device.state === 'needs-pairing' ? (
          <button type="button" onClick={() => void pair()}>
            Pair
          </button>
        ) : null}
        {deviceTrouble(device) || lights.some((l) => l.state === 'not-answering') ? (
          <button
            type="button"
            className="small-button"
            aria-label={`Check ${device.name} again`}
            onClick={() => void guarded(`check:${device.id}`, 'Check again', () => api().refreshLights({}))}
          >
            Check again
          </button>
        ) : null}
        {!single ? <Rename id={device.id} name={device.name} what="device" /> : null}
        <button
          type="button"
          className="link-button"
          aria-expanded={confirming}
          aria-label={confirming ? `Keep ${device.name}` : single ? `Remove light ${device.name}` : `Remove ${device.name}`}
          onClick={() => setConfirming(!confirming)}
        >
          {confirming ? 'Keep it' : single ? 'Remove light' : 'Remove'}
        </button>
      </div>
      {confirming ? (
        <div className="lights-confirm">
          <p className="small">
            Forget “{device.name}”{lights.length > 1 ? ` and its ${lights.length} lights` : ''}
            {device.secretHint ? ' and its stored key' : ''}?
          </p>
          <button type="button" className="small-button confirm-button" onClick={() => void remove()}>
            Yes, remove {device.name}
          </button>
        </div>
      ) : null}
      <p className="quiet small" role="status" aria-live="polite">
        {message ?? ''}
      </p>
      <InlineError text={error} />
    </section>
  );
}
