/**
 * Connects the bridge to the store (snapshots, link state), tells the Safe state queue when the
 * host is back, and runs the panel's one-second clock. Renders nothing.
 */
import { useEffect } from 'react';
import { getBridge } from '../bridge';
import { onHostChange } from '../panel/safeState';
import { hostNow, useStore } from '../stores';

export function HostLink(): null {
  useEffect(() => {
    const bridge = getBridge();
    const { receiveSnapshot, setConnection } = useStore.getState();
    setConnection(bridge.connection());
    const offState = bridge.api.onState((snap) => {
      receiveSnapshot(snap);
      onHostChange();
    });
    const offLink = bridge.onConnection((c) => {
      setConnection(c);
      onHostChange();
    });
    return () => {
      offState();
      offLink();
    };
  }, []);

  useEffect(() => {
    // Tick on the host's whole seconds so every readout turns over together.
    let timer: ReturnType<typeof setTimeout>;
    const tick = (): void => {
      const now = hostNow();
      useStore.getState().setNow(now);
      timer = setTimeout(tick, 1000 - (now % 1000) + 5);
    };
    tick();
    return () => clearTimeout(timer);
  }, []);
  return null;
}
