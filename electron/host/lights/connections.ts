/**
 * The room's connections: one self-healing `DeviceLink` per stored device (services/lighting
 * link.ts — capped backoff, state derived from the connection, "Check again" = reconnect now),
 * one room-group sync per bridge (room-group.ts — at most one Stillroom group, written once
 * the room settles), and what the lighting director gets from them: the stable lights of the
 * room, each light's calibration, and the groups that cover a bridge's room lights.
 *
 * The director keeps a room light's stable driver while its device is away: the light fails
 * plainly meanwhile and, when it returns, the director brings it back (to the safe level at
 * once when safe state wants it). Nothing here waits on a device.
 */
import type { LightGroup, LightingDirector } from '../../services/lighting/director';
import type { Result, Timers } from '../../services/lighting/driver';
import { HueBridge } from '../../services/lighting/hue';
import { LifxNetwork } from '../../services/lighting/lifx';
import type { DeviceLink } from '../../services/lighting/link';
import { openLink } from '../../services/lighting/links';
import type { StoredDevice } from '../../services/lighting/room';
import { hueGroupHost, RoomGroupSync, z2mGroupHost } from '../../services/lighting/room-group';
import type { Scheduler } from '../../services/lighting/scheduler';
import { WizNetwork } from '../../services/lighting/wiz';
import { Z2mBridge, Z2mLight } from '../../services/lighting/z2m';
import type { DeviceStore } from './store';

export interface NetworkOptions {
  bindAddress?: string;
  lifxBroadcast?: Array<{ address: string; port: number }>;
  wizBroadcast?: Array<{ address: string; port: number }>;
}

export interface ConnectionsOptions {
  store: DeviceStore;
  director: LightingDirector;
  timers: Timers;
  scheduler: Scheduler;
  log: (line: string) => void;
  /** Something a person would see changed (a device's state, its lights, a room group). */
  onChange: () => void;
  network?: NetworkOptions;
  /** Request timeout towards devices, ms. */
  timeoutMs: number;
}

interface Connection {
  link: DeviceLink;
  /** Hue bridges and Zigbee2MQTT: Stillroom's room group there. */
  sync: RoomGroupSync | null;
  stop: () => void;
  wasConnected: boolean;
}

export class Connections {
  private readonly byDevice = new Map<string, Connection>();
  /** Room lights handed to the director, by light id. */
  private readonly inDirector = new Set<string>();
  private lifxNet: Promise<Result<LifxNetwork>> | null = null;
  private wizNet: Promise<Result<WizNetwork>> | null = null;
  private watching = false;
  private closed = false;

  constructor(private readonly opts: ConnectionsOptions) {}

  /** The shared UDP socket of a bulb protocol (opened once; discovery and adding use it too). */
  udp(protocol: 'lifx' | 'wiz'): Promise<Result<LifxNetwork | WizNetwork>> {
    return protocol === 'lifx' ? this.lifx() : this.wiz();
  }

  private lifx(): Promise<Result<LifxNetwork>> {
    const n = this.opts.network;
    this.lifxNet ??= LifxNetwork.open({ bindAddress: n?.bindAddress, broadcast: n?.lifxBroadcast });
    return this.lifxNet;
  }

  private wiz(): Promise<Result<WizNetwork>> {
    const n = this.opts.network;
    this.wizNet ??= WizNetwork.open({ bindAddress: n?.bindAddress, broadcast: n?.wizBroadcast });
    return this.wizNet;
  }

  link(deviceId: string): DeviceLink | null {
    return this.byDevice.get(deviceId)?.link ?? null;
  }

  sync(deviceId: string): RoomGroupSync | null {
    return this.byDevice.get(deviceId)?.sync ?? null;
  }

  /** Opens (or, after pairing, re-opens with the new key) a device's link. */
  open(dev: StoredDevice): DeviceLink {
    this.close(dev.id, false);
    const { timers, log, scheduler } = this.opts;
    const link = openLink(dev, {
      secret: this.opts.store.secret(dev.id),
      timers,
      scheduler,
      log,
      lifx: () => this.lifx(),
      wiz: () => this.wiz(),
      timeoutMs: this.opts.timeoutMs,
    });
    link.setWatching(this.watching);
    const sync = this.roomGroupFor(dev, link);
    const conn: Connection = { link, sync, stop: () => {}, wasConnected: false };
    conn.stop = link.onChange(() => this.linkChanged(dev.id, conn));
    this.byDevice.set(dev.id, conn);
    this.roomChanged();
    return link;
  }

  private roomGroupFor(dev: StoredDevice, link: DeviceLink): RoomGroupSync | null {
    const common = {
      timers: this.opts.timers,
      log: this.opts.log,
      onChange: () => this.groupsChanged(),
      adopt: (g: LightGroup[]) => link.adoptGroups(g),
    };
    if (dev.protocol === 'hue-v1' || dev.protocol === 'hue-v2') {
      return new RoomGroupSync(
        hueGroupHost(() => (link.api instanceof HueBridge ? link.api : null)),
        common,
      );
    }
    if (dev.protocol === 'z2m') {
      return new RoomGroupSync(
        z2mGroupHost(() =>
          link.api instanceof Z2mBridge
            ? { api: link.api, lights: link.lights().flatMap((l) => (l.current instanceof Z2mLight ? [l.current] : [])) }
            : null,
        ),
        common,
      );
    }
    return null;
  }

  private linkChanged(deviceId: string, conn: Connection): void {
    if (this.closed || this.byDevice.get(deviceId) !== conn) return;
    const dev = this.opts.store.devices.find((d) => d.id === deviceId);
    if (!dev) return;
    this.opts.store.learnLights(dev, conn.link.lights());
    const connected = conn.link.connected;
    // Back (or there for the first time): a room group the bridge could not take while away is tried again.
    if (connected && !conn.wasConnected) conn.sync?.setRoom(this.roomIdsOf(dev, conn.link));
    conn.wasConnected = connected;
    this.syncDirector();
    this.opts.onChange();
  }

  private groupsChanged(): void {
    if (this.closed) return;
    this.syncDirector();
    this.opts.onChange();
  }

  /** Closes a device's link (removed, or about to be re-opened). */
  close(deviceId: string, update = true): void {
    const conn = this.byDevice.get(deviceId);
    if (!conn) return;
    this.byDevice.delete(deviceId);
    conn.stop();
    conn.sync?.close();
    conn.link.close();
    if (update) this.roomChanged();
  }

  /** "Check again": every device not connected is tried now. */
  reconnectAll(): void {
    for (const c of this.byDevice.values()) c.link.reconnectNow();
  }

  /** A session runs or the Lights view is open: request-based devices are asked now and then whether they are there. */
  setWatching(on: boolean): void {
    this.watching = on;
    for (const c of this.byDevice.values()) c.link.setWatching(on);
  }

  private roomIdsOf(dev: StoredDevice, link: DeviceLink): string[] {
    return dev.lights.filter((l) => l.inRoom && link.light(l.id) !== null).map((l) => l.id);
  }

  /** The room changed (a light ticked, a device added or removed): each bridge's group follows, the director too. */
  roomChanged(): void {
    if (this.closed) return;
    for (const dev of this.opts.store.devices) {
      const c = this.byDevice.get(dev.id);
      if (c) c.sync?.setRoom(this.roomIdsOf(dev, c.link));
    }
    this.syncDirector();
  }

  /** Puts the stable drivers of the room's lights on the director (and takes the others off), with calibrations and groups. */
  private syncDirector(): void {
    const { director, store } = this.opts;
    const want = new Map<string, ReturnType<DeviceLink['lights']>[number]>();
    const groups: LightGroup[] = [];
    for (const dev of store.devices) {
      const c = this.byDevice.get(dev.id);
      for (const l of dev.lights) {
        director.setCalibration(l.id, l.calibration ?? null);
        const driver = l.inRoom ? c?.link.light(l.id) : null;
        if (driver && !want.has(l.id)) want.set(l.id, driver);
      }
      const g = c?.sync?.status().group;
      if (g) groups.push(g);
    }
    for (const id of [...this.inDirector]) {
      if (want.has(id) && director.driver(id) === want.get(id)) continue;
      director.removeDriver(id);
      this.inDirector.delete(id);
    }
    for (const [id, d] of want) {
      if (this.inDirector.has(id)) continue;
      const r = director.addDriver(d);
      if (r.ok) this.inDirector.add(id);
      else if (!store.problems.includes(r.error)) store.problems.push(r.error);
    }
    director.setGroups(groups);
  }

  /** Resolves once the device's link has connected or failed (at most `ms`). */
  whenSettled(deviceId: string, ms: number): Promise<void> {
    const link = this.link(deviceId);
    if (!link) return Promise.resolve();
    const settled = () => link.status().state !== 'connecting';
    if (settled()) return Promise.resolve();
    return new Promise((resolve) => {
      let stop = () => {};
      const cancel = this.opts.timers.after(ms, () => {
        stop();
        resolve();
      });
      stop = link.onChange(() => {
        if (!settled()) return;
        stop();
        cancel();
        resolve();
      });
    });
  }

  closeAll(): void {
    this.closed = true;
    for (const id of [...this.inDirector]) this.opts.director.removeDriver(id);
    this.inDirector.clear();
    this.opts.director.setGroups([]);
    for (const id of [...this.byDevice.keys()]) this.close(id, false);
    for (const p of [this.lifxNet, this.wizNet]) void p?.then((n) => n.ok && n.value.close());
    this.lifxNet = null;
    this.wizNet = null;
  }
}
