/**
 * The lights part of the snapshot, in the therapist's words: each device's connection as its
 * link derives it (connected / reconnecting since when, next try / unreachable and why), each
 * light following or not (and why), its level as Stillroom and as its own app show it, what
 * Stillroom keeps on each bridge for safe state, and the panel's sentence naming the lights
 * that are not following. Built from link status, the director's status and the room groups
 * (services/lighting/status.ts `roomStatus`); no library wording gets through.
 */
import type { LightingDirector } from '../../services/lighting/director';
import type { StoredDevice } from '../../services/lighting/room';
import { type RoomGroupStatus, STILLROOM_GROUP } from '../../services/lighting/room-group';
import { roomStatus } from '../../services/lighting/status';
import type { Connections } from './connections';
import type { LightDeviceView, LightsSnapshot, LightView } from './contract';
import { bracket, type DeviceStore } from './store';

export interface ViewContext {
  store: DeviceStore;
  connections: Connections;
  director: LightingDirector;
  clock: () => number;
}

/** How safe state reaches a bridge's room lights, and what Stillroom keeps there for it. */
export function safeStateSentence(group: RoomGroupStatus, inRoom: number): string | null {
  if (inRoom < 2) return null;
  switch (group.state) {
    case 'clinic-group':
      return `Safe state: one command to the bridge group “${group.group?.driver.name ?? ''}”, which holds exactly the room. Stillroom keeps no group of its own on this bridge.`;
    case 'stillroom-group':
      return `Safe state: one command to the bridge group “${STILLROOM_GROUP}”. Stillroom keeps this one group on the bridge for the room and removes it when the room no longer needs it.`;
    case 'settling':
      return 'Safe state: a bridge group for the room will be written once the room has stayed the same for a few seconds.';
    case 'refused':
      return group.why;
    case 'none':
      return null;
  }
}

function deviceAddress(dev: StoredDevice): string {
  const where = dev.port && !dev.address.includes('//') ? `${bracket(dev.address)}:${dev.port}` : dev.address;
  return dev.protocol === 'z2m' && dev.baseTopic ? `${where} · topic ${dev.baseTopic}` : where;
}

const round1 = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);

export function lightsView(
  ctx: ViewContext,
  extra: { discovery: LightsSnapshot['discovery']; safeScene: LightsSnapshot['safeScene']; busy: string | null; watching: boolean },
  tryErrors: ReadonlyMap<string, string>,
): LightsSnapshot {
  const { store, connections, director, clock } = ctx;
  const now = clock();
  const inputs = store.devices.map((dev) => {
    const link = connections.link(dev.id);
    const status = link?.status() ?? {
      state: 'connecting' as const,
      since: now,
      lastConnectedAt: null,
      nextTryAt: null,
      attempts: 0,
      why: null,
    };
    return { dev, link, status };
  });
  const room = roomStatus(
    inputs.map(({ dev, status }) => ({ id: dev.id, name: dev.name, link: status, lights: dev.lights })),
    director.status(),
  );
  const lightById = new Map(room.lights.map((l) => [l.id, l]));
  const devices: LightDeviceView[] = inputs.map(({ dev, status }) => {
    const sync = connections.sync(dev.id);
    const inRoom = dev.lights.filter((l) => l.inRoom).length;
    return {
      id: dev.id,
      protocol: dev.protocol,
      name: dev.name,
      address: deviceAddress(dev),
      state: status.state,
      since: status.since,
      nextTryAt: status.nextTryAt,
      lastConnectedAt: status.lastConnectedAt,
      why: status.why,
      secretHint: store.secretHint(dev),
      certificate: dev.certSha256 ? `${dev.certSha256.slice(0, 11)}…${dev.certSha256.slice(-5)}` : null,
      safeState: sync && status.state === 'connected' ? safeStateSentence(sync.status(), inRoom) : null,
    };
  });
  const lights: LightView[] = [];
  for (const { dev, link } of inputs) {
    for (const l of dev.lights) {
      const s = lightById.get(l.id);
      const gone = link?.connected && link.light(l.id)?.isListed === false;
      const tryError = tryErrors.get(l.id) ?? null;
      lights.push({
        id: l.id,
        deviceId: dev.id,
        name: l.name,
        protocol: dev.protocol,
        inRoom: l.inRoom,
        state: gone ? 'not-answering' : (s?.state ?? 'connecting'),
        why: gone ? 'Its bridge no longer lists this light.' : (s?.why ?? (s?.state === 'not-in-room' ? tryError : null)),
        since: s?.since ?? null,
        nextTryAt: s?.nextTryAt ?? null,
        level: round1(s?.level ?? null),
        appPercent: round1(s?.appPercent ?? null),
        calibration: l.calibration ?? null,
      });
    }
  }
  const inRoom = lights.filter((l) => l.inRoom);
  return {
    devices,
    lights,
    discovery: extra.discovery,
    safeScene: extra.safeScene,
    busy: extra.busy,
    problems: [...store.problems, ...director.problems().filter((p) => !store.problems.includes(p))],
    summary: { inRoom: inRoom.length, notFollowing: room.notFollowing, sentence: room.sentence },
    watching: extra.watching,
  };
}
