/**
 * From a stored device to its self-healing link: the one place that knows which adapter each
 * protocol uses and how a stored entry becomes its options. The host keeps one `DeviceLink`
 * per device (`openLink`), shows `link.status()`, hands `link.lights()` / `link.groups()` to the
 * director, and calls `link.reconnectNow()` for "Check again".
 */
import type { Result, Timers } from './driver';
import { haAdapter } from './homeassistant';
import { hueAdapter } from './hue';
import { type LifxNetwork, lifxAdapter } from './lifx';
import { DeviceLink, type LinkAdapter } from './link';
import type { StoredDevice } from './room';
import type { Scheduler } from './scheduler';
import { type WizNetwork, wizAdapter } from './wiz';
import { z2mAdapter } from './z2m';

export interface LinkContext {
  /** The device's secret in clear (Hue key, Home Assistant token, MQTT password), if any. */
  secret?: string;
  timers: Timers;
  scheduler?: Scheduler;
  log?: (line: string) => void;
  /** The shared UDP sockets (one per protocol, opened once by the host). */
  lifx: () => Promise<Result<LifxNetwork>>;
  wiz: () => Promise<Result<WizNetwork>>;
  /** Request timeout towards the device, ms. */
  timeoutMs?: number;
}

const bracket = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip);

/** The adapter for a stored device. */
export function adapterFor(dev: StoredDevice, ctx: LinkContext): LinkAdapter {
  const timeoutMs = ctx.timeoutMs ?? 3_000;
  switch (dev.protocol) {
    case 'hue-v1':
    case 'hue-v2': {
      const api = dev.protocol === 'hue-v2' ? 'v2' : 'v1';
      const port = dev.port ?? (api === 'v2' ? 443 : 80);
      return hueAdapter({
        address: dev.address,
        port,
        api,
        key: ctx.secret,
        bridgeId: dev.bridgeId,
        fingerprint256: dev.certSha256,
        baseUrl: `${api === 'v2' ? 'https' : 'http'}://${bracket(dev.address)}:${port}`,
        insist: dev.insist,
        timeoutMs,
        timers: ctx.timers,
        scheduler: ctx.scheduler,
      });
    }
    case 'lifx':
    case 'wiz': {
      const where = { mac: dev.mac ?? '', address: dev.address, port: dev.port ?? 0, name: dev.name };
      if (dev.protocol === 'lifx') return lifxAdapter(ctx.lifx, { ...where, port: where.port || 56700 });
      return wizAdapter(ctx.wiz, { ...where, port: where.port || undefined });
    }
    case 'z2m':
      return z2mAdapter({
        url: dev.address,
        username: dev.username,
        password: ctx.secret,
        baseTopic: dev.baseTopic,
        insist: dev.insist,
        connectTimeoutMs: timeoutMs,
        timers: ctx.timers,
        scheduler: ctx.scheduler,
      });
    case 'homeassistant':
      return haAdapter({
        baseUrl: dev.address,
        token: ctx.secret ?? '',
        insist: dev.insist,
        timeoutMs,
        timers: ctx.timers,
        scheduler: ctx.scheduler,
      });
  }
}

/** Opens a stored device's link and starts connecting. */
export function openLink(dev: StoredDevice, ctx: LinkContext): DeviceLink {
  return new DeviceLink(adapterFor(dev, ctx), { timers: ctx.timers, log: ctx.log }).start();
}
