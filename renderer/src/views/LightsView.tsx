/**
 * The lights view: the on-screen lamp (the default, and the mirror of what the room should look
 * like), the room's devices and lights with their state in plain words, adding by address or by
 * discovery, pairing, naming, the room, a slow test pulse, the safe scene and a short preview.
 * Every refusal is said in place; nothing pops up.
 */
import { useEffect, useId } from 'react';
import { api } from '../bridge';
import { AppHeader } from '../components/AppHeader';
import { PressStatusLine } from '../components/ControlButton';
import { AddLightForm, Discovery } from '../components/lights/AddLightForm';
import { DeviceCard } from '../components/lights/DeviceCard';
import { SceneCard } from '../components/lights/SceneCard';
import { lightsStatusText } from '../components/lights/status';
import { VirtualLamp } from '../components/VirtualLamp';
import { useStore } from '../stores';
import '../styles/lights.css';

/** How often the open view renews its "I am open" lease (the host lets it lapse after two minutes). */
const WATCH_RENEW_MS = 60_000;

/**
 * Tells the host the Lights view is open, so idle lights are read and devices checked now and
 * then (otherwise only during a session); says it is closed on leaving. A page that vanishes
 * without saying so stops the reads when its lease lapses.
 */
function useWatchLights(): void {
  useEffect(() => {
    const say = (open: boolean) => void api().watchLights({ open });
    say(true);
    const t = setInterval(() => say(true), WATCH_RENEW_MS);
    return () => {
      clearInterval(t);
      say(false);
    };
  }, []);
}

export function LightsView() {
  const lights = useStore((s) => s.snapshot?.lights);
  useWatchLights();
  const id = useId();
  const running = useStore((s) => s.snapshot?.session?.status === 'running');
  return (
    <div className="view lights-view">
      <AppHeader />
      <main className="lights-main" aria-label="Lights">
        <h1 className="view-title">Lights</h1>
        <p className="quiet small">
          The on-screen lamp is always on and shows what the room should look like. Real lights are optional.
          {running ? ' A session is running: test pulses and previews wait until it ends.' : ''}
        </p>
        <PressStatusLine />
        <div className="lights-columns">
          <div className="lights-column">
            <section className="card" aria-labelledby={`${id}-mirror`}>
              <h2 id={`${id}-mirror`} className="card-title">
                On-screen lamp
              </h2>
              <VirtualLamp />
              <p className="quiet small" data-testid="lights-summary">
                {lightsStatusText(lights?.summary) ?? 'No real light is in the room: the on-screen lamp alone shows the light.'}
              </p>
            </section>
            {lights?.problems.length ? (
              <section className="card" aria-labelledby={`${id}-problems`}>
                <h2 id={`${id}-problems`} className="card-title">
                  Set-up problems
                </h2>
                <ul className="lights-problems small">
                  {lights.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </section>
            ) : null}
            {lights?.devices.map((d) => (
              <DeviceCard key={d.id} device={d} lights={lights.lights.filter((l) => l.deviceId === d.id)} busy={lights.busy} />
            ))}
          </div>
          <div className="lights-column">
            <section className="card" aria-labelledby={`${id}-find`}>
              <h2 id={`${id}-find`} className="card-title">
                Find lights
              </h2>
              {lights ? <Discovery discovery={lights.discovery} /> : null}
            </section>
            <section className="card" aria-labelledby={`${id}-add`}>
              <h2 id={`${id}-add`} className="card-title">
                Add by address
              </h2>
              <AddLightForm />
            </section>
            <section className="card" aria-labelledby={`${id}-safe`}>
              <h2 id={`${id}-safe`} className="card-title">
                Safe scene
              </h2>
              <p className="quiet small">Where Safe state takes the room within 3 seconds, and where it rests after a session.</p>
              {lights ? <SceneCard safe={lights.safeScene} busy={lights.busy} /> : null}
            </section>
          </div>
        </div>
      </main>
    </div>
  );
}
