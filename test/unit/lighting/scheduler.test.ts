import { describe, expect, it } from 'vitest';
import type { DriverResult } from '../../../electron/services/lighting/driver';
import { POLICIES, Scheduler } from '../../../electron/services/lighting/scheduler';
import { FakeClock } from '../../fixtures/peers/clock';

describe('central scheduler', () => {
  it('keeps a Hue bridge within 10 light commands/s and 3 in flight, whatever the callers do', async () => {
    const clock = new FakeClock(0);
    const ep = new Scheduler(clock).endpoint('hue:test', POLICIES.hueBridge);
    const starts: number[] = [];
    let active = 0;
    let maxActive = 0;
    const job = () => async (): Promise<DriverResult> => {
      starts.push(clock.now());
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((r) => clock.after(400, r));
      active--;
      return { ok: true };
    };
    const results = Array.from({ length: 40 }, (_, i) => ep.submit(`light${i}`, 'light', job()));
    await clock.advance(20_000);
    expect((await Promise.all(results)).every((r) => r.ok)).toBe(true);
    expect(maxActive).toBeLessThanOrEqual(3);
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((t) => t >= (starts[i] ?? 0) && t < (starts[i] ?? 0) + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(10);
    }
  });

  it('group commands are at least 1.1 s apart', async () => {
    const clock = new FakeClock(0);
    const ep = new Scheduler(clock).endpoint('hue:g', POLICIES.hueBridge);
    const starts: number[] = [];
    const all = ['a', 'b', 'c'].map((g) =>
      ep.submit(g, 'group', async () => {
        starts.push(clock.now());
        return { ok: true };
      }),
    );
    await clock.advance(5000);
    await Promise.all(all);
    expect(starts).toEqual([0, 1100, 2200]);
  });

  it('coalesces: only the newest pending target per device is sent; replaced callers get its result', async () => {
    const clock = new FakeClock(0);
    const ep = new Scheduler(clock).endpoint('lifx:x', POLICIES.lifxBulb);
    const sent: number[] = [];
    const submit = (v: number) =>
      ep.submit('bulb', 'light', async () => {
        sent.push(v);
        await new Promise<void>((r) => clock.after(100, r));
        return v === 4 ? ({ ok: false, error: 'four' } as DriverResult) : { ok: true };
      });
    const p = [1, 2, 3, 4].map(submit); // 1 goes at once; 2 and 3 are replaced by 4 while 1 is on the wire
    await clock.advance(1000);
    const r = await Promise.all(p);
    expect(sent).toEqual([1, 4]);
    expect(r[0]).toEqual({ ok: true });
    expect(r.slice(1)).toEqual([
      { ok: false, error: 'four' },
      { ok: false, error: 'four' },
      { ok: false, error: 'four' },
    ]);
    expect(ep.stats.coalesced).toBe(2);
  });

  it('tells a running job a newer target is waiting (so it stops retrying), and spaces packets per device', async () => {
    const clock = new FakeClock(0);
    const ep = new Scheduler(clock).endpoint('wiz', POLICIES.wizBulb);
    let aborted = false;
    const times: number[] = [];
    const first = ep.submit('b', 'light', async (ctx) => {
      times.push(ctx.now);
      await new Promise<void>((r) => clock.after(10, r));
      aborted = ctx.signal.aborted;
      return { ok: true };
    });
    const second = ep.submit('b', 'light', async (ctx) => {
      times.push(ctx.now);
      return { ok: true };
    });
    await clock.advance(500);
    await Promise.all([first, second]);
    expect(aborted).toBe(true);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(50);
  });

  it('a throwing job is a failed result, never a rejection; reads do not replace commands', async () => {
    const clock = new FakeClock(0);
    const ep = new Scheduler(clock).endpoint('x', POLICIES.homeAssistant);
    const boom = ep.submit('d', 'light', () => {
      throw new Error('kaput');
    });
    const read = ep.submit('d', 'read', async () => ({ ok: true as const, value: 7 }));
    await clock.advance(10);
    expect(await boom).toEqual({ ok: false, error: 'kaput' });
    expect(await read).toEqual({ ok: true, value: 7 });
  });
});
