/**
 * One connection (Hue bridge, bulb, broker, Home Assistant) and its lights: state in plain
 * words, pairing, renaming, the room, a slow test pulse, and removal behind a confirm that
 * never takes the focus (a stray key cannot give it).
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { LightDeviceView, LightView } from '../../../../electron/host/lights/contract';
import { api } from '../../bridge';
import { guarded } from '../../panel/perform';
import { InlineError } from '../InlineError';
import { useTransient } from './transient';

export const PROTOCOL_NAMES: Record<LightDeviceView['protocol'], string> = {
  'hue-v1': 'Philips Hue (API v1)',
  'hue-v2': 'Philips Hue (API v2, HTTPS)',
  lifx: 'LIFX',
  wiz: 'WiZ',
  z2m: 'Zigbee2MQTT',
  homeassistant: 'Home Assistant',
};

const HEALTH: Record<LightView['health'], string> = {
  online: 'Answering',
  offline: 'Not answering',
  unknown: 'Not checked yet',
};

function deviceState(d: LightDeviceView): string {
  switch (d.state) {
    case 'connected':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'needs-pairing':
      return 'Not paired yet. Press the link button on the bridge, then Pair.';
    case 'failed':
      return d.error ?? 'Not reachable.';
  }
}

/** A name that can be changed in place (Enter saves, Escape cancels). */
function Rename({ id, name, what }: { id: string; name: string; what: string }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  // Back from editing: the focus returns to the Rename button, not to the top of the page.
  useEffect(() => {
    if (!editing && wasEditing.current) button.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api().renameLight({ id, name: value });
    if (!r.ok) return setError(r.error);
    setError(null);
    setEditing(false);
  };
  if (!editing)
    return (
      <button
        ref={button}
        type="button"
        className="link-button"
        aria-label={`Rename ${what} ${name}`}
        onClick={() => {
          setValue(name);
          setEditing(true);
        }}
      >
        Rename
      </button>
    );
  return (
    <form className="lights-rename" onSubmit={(e) => void save(e)}>
      <label htmlFor={inputId} className="sr-only">
        New name for {name}
      </label>
      <input
        id={inputId}
        type="text"
        value={value}
        maxLength={80}
        // biome-ignore lint/a11y/noAutofocus: the person just asked to rename; the field is where they type.
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setEditing(false);
        }}
      />
      <button type="submit" className="small-button">
        Save name
      </button>
      <button type="button" className="small-button quiet-button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <InlineError text={error} />
    </form>
  );
}

function LightRow({ light, busy }: { light: LightView; busy: string | null }) {
  const [message, setMessage] = useTransient();
  const pulse = async () => {
    setMessage(null);
    const r = await api().testPulse({ lightId: light.id });
    setMessage(r.ok ? (r.data?.message ?? null) : r.error);
  };
  return (
    <li className="lights-row" data-testid="light-row" data-health={light.health}>
      <div className="lights-row-main">
        <span className="lights-name">{light.name}</span>
        <span className={`lights-health is-${light.health}`}>
          <span className="lights-dot" aria-hidden="true" />
          {HEALTH[light.health]}
        </span>
        {light.level !== null && light.health === 'online' ? (
          <span className="quiet small tabular">Level {Math.round(light.level)} %</span>
        ) : null}
      </div>
      {light.lastError ? <p className="lights-error small">{light.lastError}</p> : null}
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
      </div>
      <p className="quiet small" role="status" aria-live="polite">
        {message ?? ''}
      </p>
    </li>
  );
}

export function DeviceCard({ device, lights, busy }: { device: LightDeviceView; lights: LightView[]; busy: string | null }) {
  const titleId = useId();
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useTransient();
  const [error, setError] = useState<string | null>(null);
  const isHue = device.protocol === 'hue-v1' || device.protocol === 'hue-v2';
  const single = device.protocol === 'lifx' || device.protocol === 'wiz';
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
        {deviceState(device)}
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
        {device.state === 'failed' || lights.some((l) => l.health === 'offline') ? (
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
