/**
 * The host's side of the room's lights, wired from small parts: the device list and its
 * secrets (`store.ts`), adding and pairing per protocol (`add.ts`), the self-healing
 * connections with their room groups and what the director gets from them (`connections.ts`),
 * discovery (`discovery.ts`), test pulse and preview (`tryout.ts`) and the view model
 * (`view.ts`). `setupLights(ctx)` returns the command handlers and the snapshot slice.
 *
 * Lighting faults never reach the session: every command answers ok or a readable refusal, and
 * anything slow runs in the background, so the host's command queue (and Safe state behind it)
 * never waits on a light. Safe state itself reaches the lights through the director's mode,
 * which the host sets when it replans (`director.setSafe`).
 *
 * Quiet when nothing changes: idle lights are read for drift, and request-based devices asked
 * whether they are there, only while a session runs or the Lights view is open
 * (`watchLights`, a two-minute lease the view renews).
 */
import type { LightingDirector } from '../../services/lighting/director';
import { realTimers, type Timers } from '../../services/lighting/driver';
import type { MdnsBrowse } from '../../services/lighting/hue';
import { Scheduler } from '../../services/lighting/scheduler';
import type { Settings } from '../../services/settings';
import type { Vault } from '../../services/vault';
import type { Handlers } from '../command';
import { type AddContext, addDevice, keepAfterPowerCut, pairDevice } from './add';
import { Connections, type NetworkOptions } from './connections';
import type { LightsSnapshot, lightsCommands } from './contract';
import { Discovery } from './discovery';
import { DeviceStore } from './store';
import { TryOut } from './tryout';
import { lightsView } from './view';

export interface LightsContext {
  settings: Settings;
  /** Seals device secrets at rest; null only in tests that do not store secrets. */
  vault: Vault | null;
  director: LightingDirector;
  clock: () => number;
  log: (line: string) => void;
  /** Something in the lights part of the snapshot changed. */
  onChange: () => void;
  /** Whether a session is running (test pulse and preview are refused then; idle lights are watched). */
  sessionRunning?: () => boolean;
  /** Time for links, room groups, pulses and the view's refresh (tests inject a fake clock). */
  timers?: Timers;
  /** Discovery and UDP sockets (tests: loopback peers, no multicast). */
  network?: NetworkOptions & { browse?: MdnsBrowse; discoverMs?: number };
  /** Request timeout towards devices, ms. */
  timeoutMs?: number;
}

/** What the host gets: the handlers, the snapshot slice, and closing. */
export interface LightsArea {
  handlers: Handlers<typeof lightsCommands>;
  snapshot(): LightsSnapshot;
  close(): void;
}

/** How long "the Lights view is open" lasts unless the view says it again. */
export const WATCH_LEASE_MS = 120_000;
/** How often the view model is compared with what was last published (and the watch re-evaluated). */
const REFRESH_MS = 1_000;

export function setupLights(ctx: LightsContext): LightsArea {
  const timers = ctx.timers ?? realTimers;
  const timeoutMs = ctx.timeoutMs ?? 3_000;
  const sessionRunning = ctx.sessionRunning ?? (() => false);
  let closed = false;
  let lastKey = '';
  const changed = () => {
    if (closed) return;
    lastKey = viewKey();
    ctx.onChange();
  };
  const store = new DeviceStore(ctx.settings, ctx.vault, ctx.log);
  const connections = new Connections({
    store,
    director: ctx.director,
    timers,
    scheduler: new Scheduler(timers),
    log: ctx.log,
    onChange: changed,
    network: ctx.network,
    timeoutMs,
  });
  const safeScene = () => ctx.settings.get('safeScene');
  const tryOut = new TryOut({ store, connections, director: ctx.director, timers, safeScene, sessionRunning, onChange: changed });
  const discovery = new Discovery({
    store,
    connections,
    clock: ctx.clock,
    onChange: changed,
    browse: ctx.network?.browse,
    discoverMs: ctx.network?.discoverMs,
  });
  const adding: AddContext = { store, connections, log: ctx.log, timeoutMs, bindAddress: ctx.network?.bindAddress };

  // Watching: a session runs, or the Lights view said it is open within the lease.
  let viewOpenUntil = Number.NEGATIVE_INFINITY;
  let watching = false;
  const updateWatch = () => {
    const on = sessionRunning() || timers.now() < viewOpenUntil;
    if (on === watching) return;
    watching = on;
    ctx.director.setPolling(on);
    connections.setWatching(on);
  };
  ctx.director.setPolling(false);

  const snapshot = (): LightsSnapshot =>
    lightsView(
      { store, connections, director: ctx.director, clock: ctx.clock },
      { discovery: discovery.snapshot(), safeScene: safeScene(), busy: tryOut.busy, watching },
      tryOut.errors,
    );
  const viewKey = () => JSON.stringify(snapshot());

  // Light health and levels move with the director, not with a command: publish when what a person sees changed.
  let cancelRefresh = () => {};
  const refresh = () => {
    cancelRefresh = timers.after(REFRESH_MS, () => {
      if (closed) return;
      updateWatch();
      if (viewKey() !== lastKey) changed();
      refresh();
    });
  };

  for (const d of store.devices) connections.open(d);
  updateWatch();
  lastKey = viewKey();
  refresh();

  const handlers: Handlers<typeof lightsCommands> = {
    refreshLights: () => {
      connections.reconnectAll();
      return undefined;
    },
    watchLights: (a) => {
      viewOpenUntil = a.open ? timers.now() + WATCH_LEASE_MS : Number.NEGATIVE_INFINITY;
      updateWatch();
      return undefined;
    },
    discoverLights: () => {
      discovery.start();
      return undefined;
    },
    addLight: async (a) => ({ data: await addDevice(adding, a) }),
    pairLight: async (a) => ({ data: await pairDevice(adding, a.deviceId) }),
    keepLightsAfterPowerCut: async (a) => ({ data: await keepAfterPowerCut(adding, a.deviceId) }),
    renameLight: (a) => {
      const dev = store.devices.find((d) => d.id === a.id);
      if (dev) dev.name = a.name;
      else store.findLight(a.id).light.name = a.name;
      store.save();
      return undefined;
    },
    removeLight: (a) => {
      const dev = store.device(a.deviceId);
      store.remove(dev.id);
      connections.close(dev.id);
      return undefined;
    },
    setLightInRoom: (a) => {
      store.findLight(a.lightId).light.inRoom = a.inRoom;
      store.save();
      connections.roomChanged();
      return undefined;
    },
    setLightCalibration: (a) => {
      const { light } = store.findLight(a.lightId);
      if (a.calibration) light.calibration = { minPercent: a.calibration.minPercent, maxPercent: a.calibration.maxPercent };
      else delete light.calibration;
      store.save();
      ctx.director.setCalibration(light.id, light.calibration ?? null);
      return undefined;
    },
    testPulse: (a) => ({ data: tryOut.pulse(a.lightId) }),
    previewScene: (a) => ({ data: tryOut.preview({ level: a.level, kelvin: a.kelvin }) }),
    setSafeScene: (a) => {
      ctx.settings.set('safeScene', { level: a.level, kelvin: a.kelvin });
      return undefined;
    },
  };

  return {
    handlers,
    snapshot,
    close: () => {
      closed = true;
      cancelRefresh();
      discovery.close();
      connections.closeAll();
    },
  };
}
