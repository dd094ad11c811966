/**
 * Stillroom's group on a Hue bridge: one write once the room settles (not one per tick), gone
 * again when the clinic's own group holds the room or the room leaves the bridge. Real HTTP to
 * the fake bridge; the settling time on a fake clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../electron/services/lighting/driver';
import { HueBridge } from '../../../electron/services/lighting/hue';
import { hueGroupHost, RoomGroupSync, STILLROOM_GROUP } from '../../../electron/services/lighting/room-group';
import { Scheduler } from '../../../electron/services/lighting/scheduler';
import { advanceUntil, FakeClock } from '../../fixtures/peers/clock';
import { FakeHueBridge } from '../../fixtures/peers/hue-bridge';

const peers: FakeHueBridge[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
});
const unwrap = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

async function setup(api: 'v1' | 'v2') {
  const clock = new FakeClock(0);
  // The clinic's "Therapy room" holds lights 1–10; the bridge has 16 (all 16 would be its "All lights" group).
  const fake = await new FakeHueBridge({
    lights: 16,
    roomLights: Array.from({ length: 10 }, (_, i) => String(i + 1)),
    limits: false,
  }).start();
  peers.push(fake);
  const bridge = unwrap(
    HueBridge.open({
      address: '127.0.0.1',
      api,
      baseUrl: fake.url,
      key: fake.key,
      bridgeId: fake.bridgeId,
      scheduler: new Scheduler(clock),
      timers: clock,
    }),
  );
  const ids = unwrap(await bridge.lights()).map((l) => l.id);
  const sync = new RoomGroupSync(
    hueGroupHost(() => bridge),
    { timers: clock },
  );
  const settled = () => advanceUntil(clock, () => sync.status().state !== 'settling', { maxMs: 10_000, stepMs: 250, what: 'settled' });
  return { clock, fake, bridge, ids, sync, settled };
}

describe('the room group on a bridge', () => {
  for (const api of ['v1', 'v2'] as const) {
    it(`${api}: 15 lights ticked one by one make one write; the clinic's group is used and Stillroom's removed; leaving the bridge removes it`, async () => {
      const { clock, fake, ids, sync, settled } = await setup(api);
      for (let i = 1; i <= 15; i++) {
        sync.setRoom(ids.slice(0, i));
        await clock.advance(1_000); // a therapist ticking a light a second
      }
      await settled();
      expect(fake.groupWrites).toBe(1);
      expect(sync.status()).toMatchObject({ state: 'stillroom-group', why: null });
      expect(sync.status().group?.members).toHaveLength(15);
      expect(fake.groups.filter((g) => g.name === STILLROOM_GROUP)).toHaveLength(1);

      // The room shrinks to exactly the clinic's "Therapy room": Stillroom's group goes.
      for (let i = 14; i >= 10; i--) {
        sync.setRoom(ids.slice(0, i));
        await clock.advance(500);
      }
      await settled();
      expect(fake.groupWrites).toBe(2);
      expect(sync.status()).toMatchObject({ state: 'clinic-group' });
      expect(sync.status().group?.driver.name).toBe('Therapy room');
      expect(fake.groups.some((g) => g.name === STILLROOM_GROUP)).toBe(false);

      // Back to a room no group holds, then the bridge leaves the room: made once, removed once.
      sync.setRoom(ids.slice(2, 12));
      await settled();
      sync.setRoom([]);
      await settled();
      expect(fake.groupWrites).toBe(4);
      expect(sync.status()).toMatchObject({ state: 'none', group: null });
      expect(fake.groups.some((g) => g.name === STILLROOM_GROUP)).toBe(false);
      sync.close();
    });
  }

  it('a bridge whose group table is full is named plainly and safe state goes light by light', async () => {
    const { fake, ids, sync, settled } = await setup('v1');
    fake.groupTableFull = true;
    sync.setRoom(ids.slice(0, 12));
    await settled();
    expect(sync.status()).toMatchObject({ state: 'refused', group: null });
    expect(sync.status().why).toMatch(/would not make a group.*light by light/);
  });
});
