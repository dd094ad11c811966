/**
 * Where the music plays on this machine (speakers, the client's headphones). The choice is a
 * host command, remembered per machine; the engine moves the music there with a fade, and
 * to the default output (saying so quietly) if that device disappears.
 */
import { useId } from 'react';
import { chooseSink } from '../audio/devices';
import { revealOutputNames, useAudioStatus } from '../audio/status';
import { api } from '../bridge';
import { useStore } from '../stores';
import { InlineError } from './InlineError';
import { useCommand } from './useCommand';

export function OutputDevicePicker() {
  const id = useId();
  const wantedId = useStore((s) => s.snapshot?.audio?.outputDevice.deviceId ?? '');
  const wantedLabel = useStore((s) => s.snapshot?.audio?.outputDevice.label ?? '');
  const status = useAudioStatus();
  const { pending, error, run } = useCommand();

  if (!status.canChoose) {
    return <p className="quiet small">Music plays on this computer’s default output.</p>;
  }
  const devices = status.devices ?? [];
  const wanted = { deviceId: wantedId, label: wantedLabel };
  const match = chooseSink(wanted, status.devices);
  const selected = match.reason === 'chosen' ? match.deviceId : wantedId;
  const connected = wantedId === '' || match.reason === 'chosen';
  const choose = (deviceId: string): void => {
    const label = devices.find((d) => d.deviceId === deviceId)?.label ?? '';
    void run('setOutputDevice', () => api().setOutputDevice({ deviceId, label }));
  };

  return (
    <div className="output-picker">
      <label htmlFor={`${id}-output`} className="field-label">
        Music output
      </label>
      <select id={`${id}-output`} value={selected} disabled={pending !== null} onChange={(e) => choose(e.target.value)}>
        <option value="">System default</option>
        {devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `Output ${i + 1}`}
          </option>
        ))}
        {connected ? null : <option value={wantedId}>{wantedLabel || 'The chosen output'} (not connected)</option>}
      </select>
      {status.namesHidden ? (
        <button type="button" className="quiet-button small" onClick={() => void revealOutputNames()}>
          Show output names
        </button>
      ) : null}
      <InlineError text={error} />
    </div>
  );
}
