/**
 * Adding a light by address (or from discovery): the protocol decides which fields are asked.
 * Anything outside the local network needs an explicit tick; secrets go in password fields.
 */

import type { CommandArgs } from '@host/contract';
import type { FoundLightView, LightProtocol, LightsSnapshot } from '@host/lights/contract';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../bridge';
import { InlineError } from '../InlineError';
import { PROTOCOL_NAMES } from './DeviceCard';
import { useTransient } from './transient';

const PROTOCOLS = Object.keys(PROTOCOL_NAMES) as LightProtocol[];

export function AddLightForm() {
  const id = useId();
  const [protocol, setProtocol] = useState<LightProtocol>('hue-v1');
  const [address, setAddress] = useState('');
  const [port, setPort] = useState('');
  const [user, setUser] = useState('');
  const [topic, setTopic] = useState('');
  const [secret, setSecret] = useState('');
  const [insist, setInsist] = useState(false);
  const [message, setMessage] = useTransient();
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const byUrl = protocol === 'z2m' || protocol === 'homeassistant';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    setError(null);
    const p = port.trim() ? Number(port.trim()) : undefined;
    if (p !== undefined && !(Number.isInteger(p) && p >= 1 && p <= 65535)) return setError('The port is a whole number from 1 to 65535.');
    let args: CommandArgs<'addLight'>;
    if (protocol === 'z2m')
      args = {
        protocol,
        url: address,
        baseTopic: topic.trim() || undefined,
        username: user || undefined,
        password: secret || undefined,
        insist,
      };
    else if (protocol === 'homeassistant') args = { protocol, url: address, token: secret, insist };
    else if (protocol === 'lifx' || protocol === 'wiz') args = { protocol, address, port: p, insist };
    else args = { protocol, address, port: p, insist };
    setSending(true);
    const r = await api().addLight(args);
    setSending(false);
    if (!r.ok) return setError(r.error);
    setMessage(r.data?.message ?? 'Added.');
    setAddress('');
    setPort('');
    setSecret('');
    setTopic('');
    setInsist(false);
  };

  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} aria-label="Add a light by address">
      <label htmlFor={`${id}-kind`}>Kind</label>
      <select id={`${id}-kind`} value={protocol} onChange={(e) => setProtocol(e.target.value as LightProtocol)}>
        {PROTOCOLS.map((p) => (
          <option key={p} value={p}>
            {PROTOCOL_NAMES[p]}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-addr`}>{byUrl ? 'Address (URL)' : 'IP address'}</label>
      <input
        id={`${id}-addr`}
        type="text"
        value={address}
        autoComplete="off"
        spellCheck={false}
        placeholder={
          protocol === 'z2m' ? 'mqtt://192.168.1.10:1883' : protocol === 'homeassistant' ? 'http://192.168.1.5:8123' : '192.168.1.20'
        }
        onChange={(e) => setAddress(e.target.value)}
      />
      {!byUrl ? (
        <>
          <label htmlFor={`${id}-port`}>Port (optional)</label>
          <input id={`${id}-port`} type="text" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} />
        </>
      ) : null}
      {protocol === 'z2m' ? (
        <>
          <label htmlFor={`${id}-topic`}>Base topic (optional)</label>
          <input
            id={`${id}-topic`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="zigbee2mqtt"
            value={topic}
            onChange={(e) => setTopic(e.target.value)}
          />
          <label htmlFor={`${id}-user`}>Broker user (optional)</label>
          <input id={`${id}-user`} type="text" autoComplete="off" value={user} onChange={(e) => setUser(e.target.value)} />
        </>
      ) : null}
      {byUrl ? (
        <>
          <label htmlFor={`${id}-secret`}>{protocol === 'z2m' ? 'Broker password (optional)' : 'Long-lived access token'}</label>
          <input id={`${id}-secret`} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </>
      ) : null}
      <label className="check span-2">
        <input type="checkbox" checked={insist} onChange={(e) => setInsist(e.target.checked)} /> It is outside this network, and I am sure
        it is ours
      </label>
      <div className="span-2 row-actions">
        <button type="submit" disabled={sending || !address.trim()}>
          {sending ? 'Adding…' : 'Add light'}
        </button>
      </div>
      <p className="quiet small span-2" role="status" aria-live="polite">
        {message ?? ''}
      </p>
      <InlineError text={error} />
    </form>
  );
}

function FoundRow({ found }: { found: FoundLightView }) {
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useTransient();
  const add = async () => {
    const r =
      found.protocol === 'lifx' || found.protocol === 'wiz'
        ? await api().addLight({
            protocol: found.protocol,
            address: found.address,
            port: found.port ?? undefined,
            mac: found.mac ?? undefined,
          })
        : await api().addLight({
            // The bridge is added where it said it is (its mDNS port), by the API that port speaks.
            protocol: found.protocol === 'hue-v2' ? 'hue-v2' : 'hue-v1',
            address: found.address,
            port: found.port ?? undefined,
          });
    if (r.ok) setAdded(r.data?.message ?? 'Added.');
    else setError(r.error);
  };
  return (
    <li className="lights-found">
      <span>
        {found.name}{' '}
        <span className="quiet small">
          · {PROTOCOL_NAMES[found.protocol]} · {found.address}
          {found.port && found.protocol.startsWith('hue') ? `:${found.port}` : ''}
        </span>
      </span>
      {found.known ? (
        <span className="quiet small">Already in the list</span>
      ) : (
        <button type="button" className="small-button" aria-label={`Add ${found.name}`} onClick={() => void add()}>
          Add
        </button>
      )}
      {added ? <p className="quiet small">{added}</p> : null}
      <InlineError text={error} />
    </li>
  );
}

export function Discovery({ discovery }: { discovery: LightsSnapshot['discovery'] }) {
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setError(null);
    const r = await api().discoverLights({});
    if (!r.ok) setError(r.error);
  };
  return (
    <div className="stack">
      <div className="row-actions">
        <button type="button" disabled={discovery.running} onClick={() => void start()}>
          Discover lights
        </button>
        <span className="quiet small" role="status" aria-live="polite">
          {discovery.running
            ? 'Looking on this network for a few seconds…'
            : discovery.finishedAt
              ? (discovery.error ?? `${discovery.found.length} found.`)
              : 'Hue bridges, LIFX and WiZ bulbs on this network.'}
        </span>
      </div>
      {discovery.found.length ? (
        <ul className="lights-list" aria-label="Lights found">
          {discovery.found.map((f) => (
            <FoundRow key={`${f.protocol}:${f.mac ?? f.address}`} found={f} />
          ))}
        </ul>
      ) : null}
      <InlineError text={error} />
    </div>
  );
}
