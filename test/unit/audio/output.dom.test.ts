/**
 * The output router (renderer/src/audio/output.ts) looks for the chosen device four times a second
 * so an unplugged headset is noticed at once — and only while a particular device is chosen: on the
 * system default there is nothing to lose, and a quiet idle page does no periodic work.
 *
 * (`.dom.test.ts`: it is type-checked with the page's DOM types — tsconfig.web.json — and runs in
 * Node against stand-ins for `navigator.mediaDevices` and the AudioContext.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Stage } from '../../../renderer/src/audio/master';
import { OutputRouter } from '../../../renderer/src/audio/output';

function fakeRoom() {
  let listings = 0;
  const devices = [{ kind: 'audiooutput', deviceId: 'phones', label: 'Headphones', groupId: 'g' }];
  vi.stubGlobal('navigator', {
    mediaDevices: {
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      enumerateDevices: async () => {
        listings++;
        return devices;
      },
    },
  });
  const ctx = {
    state: 'running',
    sinkId: '',
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    async setSinkId(id: string) {
      this.sinkId = id;
    },
    async resume() {},
  };
  const route = { moveTo: () => undefined, holdNow: () => undefined } as unknown as Stage;
  const router = new OutputRouter(
    ctx as unknown as AudioContext,
    route,
    () => Date.now(),
    () => false,
  );
  return { router, ctx, listings: () => listings };
}

describe('watching the chosen output', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('does no periodic work on the default output, watches while a device is chosen, and stops again', async () => {
    const room = fakeRoom();
    await vi.advanceTimersByTimeAsync(10_000);
    const atStart = room.listings();
    expect(atStart).toBeLessThanOrEqual(1); // the one listing at start, nothing after
    expect(room.ctx.sinkId).toBe('');
    expect(vi.getTimerCount()).toBe(0); // not even a timer that wakes the page to do nothing

    room.router.want({ deviceId: 'phones', label: 'Headphones' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(room.ctx.sinkId).toBe('phones');
    expect(room.listings() - atStart).toBeGreaterThanOrEqual(30); // ~4 a second

    room.router.want({ deviceId: '', label: '' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(room.ctx.sinkId).toBe('');
    const backOnDefault = room.listings();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(room.listings()).toBe(backOnDefault);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops watching when the page lets go of the router', async () => {
    const room = fakeRoom();
    room.router.want({ deviceId: 'phones', label: 'Headphones' });
    await vi.advanceTimersByTimeAsync(2_000);
    room.router.dispose();
    const atDispose = room.listings();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(room.listings()).toBe(atDispose);
    expect(vi.getTimerCount()).toBe(0);
  });
});
