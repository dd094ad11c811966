/**
 * Looking for lights on this network for a few seconds: Hue bridges by mDNS, LIFX and WiZ bulbs
 * by broadcast. Results (and whether each is already in the list) arrive in the snapshot; a
 * bridge keeps the port it announced, so "Add" reaches it where it said it is.
 */
import { bonjourBrowse, discoverHueBridges, type MdnsBrowse } from '../../services/lighting/hue';
import type { Connections } from './connections';
import type { FoundLightView, LightProtocol, LightsSnapshot } from './contract';
import type { DeviceStore } from './store';

export interface DiscoveryContext {
  store: DeviceStore;
  connections: Connections;
  clock: () => number;
  onChange: () => void;
  browse?: MdnsBrowse;
  discoverMs?: number;
}

/** A bridge announced on 443 speaks HTTPS: API v2 (certificate pinned at first contact). Another port: API v1 there. */
export function hueProtocolForPort(port: number | null): 'hue-v1' | 'hue-v2' {
  return port === 443 ? 'hue-v2' : 'hue-v1';
}

export class Discovery {
  private state: LightsSnapshot['discovery'] = { running: false, found: [], error: null, finishedAt: null };
  private closed = false;

  constructor(private readonly ctx: DiscoveryContext) {}

  snapshot(): LightsSnapshot['discovery'] {
    const devices = this.ctx.store.devices;
    // "Already in the list" is worked out now: a bridge added after the search is marked too.
    const known = (f: FoundLightView): boolean =>
      f.protocol.startsWith('hue')
        ? devices.some((d) => d.protocol.startsWith('hue') && d.address === f.address)
        : devices.some((d) => d.protocol === f.protocol && (f.mac ? d.mac === f.mac : d.address === f.address));
    return { ...this.state, found: this.state.found.map((f) => ({ ...f, known: f.known || known(f) })) };
  }

  start(): void {
    if (this.state.running) return;
    this.state = { running: true, found: [], error: null, finishedAt: null };
    this.ctx.onChange();
    const ms = this.ctx.discoverMs ?? 3_000;
    const devices = () => this.ctx.store.devices;
    const hue = discoverHueBridges({ browse: this.ctx.browse ?? bonjourBrowse, timeoutMs: ms })
      .then((bridges) =>
        bridges.map(
          (b): FoundLightView => ({
            protocol: hueProtocolForPort(b.port || null),
            name: b.name,
            address: b.address,
            port: b.port || null,
            mac: null,
            known: devices().some((d) => d.protocol.startsWith('hue') && (d.address === b.address || d.bridgeId === b.id)),
          }),
        ),
      )
      .catch((): FoundLightView[] => []);
    const bulbs = (protocol: 'lifx' | 'wiz') =>
      this.ctx.connections
        .udp(protocol)
        .then(async (net) => {
          if (!net.ok) return [];
          const found = await net.value.discover(ms);
          return found.map(
            (f): FoundLightView => ({
              protocol: protocol satisfies LightProtocol,
              name: f.name.slice(0, 80),
              address: f.address,
              port: f.port,
              mac: f.mac,
              known: false,
            }),
          );
        })
        .catch((): FoundLightView[] => []);
    void Promise.all([hue, bulbs('lifx'), bulbs('wiz')]).then(([h, l, w]) => {
      if (this.closed) return;
      const found = [...h, ...l, ...w];
      this.state = {
        running: false,
        found,
        error: found.length ? null : 'Nothing answered. Lights must be on this network; you can also add one by its address.',
        finishedAt: this.ctx.clock(),
      };
      this.ctx.onChange();
    });
  }

  close(): void {
    this.closed = true;
  }
}
