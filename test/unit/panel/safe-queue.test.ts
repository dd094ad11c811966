/** The offline queue for Safe state: kept until the host has it, sent again when the link returns or a call hangs. */
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../electron/host/contract';
import { ANSWER_MS, RETRY_MS, SafeQueue } from '../../../renderer/src/panel/safeQueue';

/** A fake clock with timers, and a host whose answers the test decides. */
function rig() {
  let t = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  let link = false;
  const calls: Array<{ args: { on: true; pressedAt: number }; answer: (r: CommandResult) => void }> = [];
  const delivered: number[] = [];
  const refused: string[] = [];
  const q = new SafeQueue({
    send: (args) => new Promise((resolve) => calls.push({ args, answer: resolve })),
    linkOpen: () => link,
    now: () => t,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: t + ms, fn, id });
      return id;
    },
    clearTimer: (id) => {
      timers = timers.filter((x) => x.id !== id);
    },
    onDelivered: (at) => delivered.push(at),
    onRefused: (e) => refused.push(e),
  });
  const advance = async (ms: number): Promise<void> => {
    const end = t + ms;
    for (;;) {
      const next = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      timers = timers.filter((x) => x !== next);
      t = next.at;
      next.fn();
      await Promise.resolve();
    }
    t = end;
  };
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { q, calls, delivered, refused, advance, settle, setLink: (on: boolean) => (link = on) };
}

describe('safe state queue', () => {
  it('with the link up, sends at once and reports delivery', async () => {
    const r = rig();
    r.setLink(true);
    r.q.press(1000);
    expect(r.calls.map((c) => c.args)).toEqual([{ on: true, pressedAt: 1000 }]);
    expect(r.q.answering()).toBe(false);
    r.calls[0]?.answer({ ok: true });
    await r.settle();
    expect(r.delivered).toEqual([1000]);
    expect(r.q.pending).toBeNull();
    expect(r.q.answering()).toBe(true);
  });

  it('with the host gone, keeps the press (and its time) and delivers it once the link is back', async () => {
    const r = rig();
    r.q.press(5000);
    expect(r.calls).toHaveLength(0);
    await r.advance(10 * RETRY_MS);
    expect(r.calls).toHaveLength(0);
    expect(r.q.pending).toBe(5000);
    expect(r.q.answering()).toBe(false);
    // A second press while waiting keeps the first press's time.
    r.q.press(7000);
    r.setLink(true);
    r.q.linkUp();
    expect(r.calls.map((c) => c.args.pressedAt)).toEqual([5000]);
    r.calls[0]?.answer({ ok: true });
    await r.settle();
    expect(r.delivered).toEqual([5000]);
  });

  it('a call lost when the link drops is sent again when it returns', async () => {
    const r = rig();
    r.setLink(true);
    r.q.press(100);
    r.setLink(false);
    r.calls[0]?.answer({ ok: false, error: 'The connection to Stillroom dropped before it answered' });
    await r.settle();
    expect(r.refused).toEqual([]);
    expect(r.q.pending).toBe(100);
    r.setLink(true);
    await r.advance(RETRY_MS);
    expect(r.calls).toHaveLength(2);
    r.calls[1]?.answer({ ok: true });
    await r.settle();
    expect(r.delivered).toEqual([100]);
  });

  it('a hung call (IPC not answering) counts as not answering and is sent again until one is answered', async () => {
    const r = rig();
    r.setLink(true);
    r.q.press(100);
    await r.advance(ANSWER_MS);
    expect(r.q.answering()).toBe(false);
    await r.advance(RETRY_MS - ANSWER_MS);
    expect(r.calls).toHaveLength(2);
    // The first one answers at last: delivered once; the second answer changes nothing.
    r.calls[0]?.answer({ ok: true });
    await r.settle();
    r.calls[1]?.answer({ ok: true });
    await r.settle();
    expect(r.delivered).toEqual([100]);
    await r.advance(10 * RETRY_MS);
    expect(r.calls).toHaveLength(2);
  });

  it('a slow timeout is not a refusal; a quick refusal from the host is reported once and dropped', async () => {
    const r = rig();
    r.setLink(true);
    r.q.press(100);
    await r.advance(ANSWER_MS + 10);
    r.calls[0]?.answer({ ok: false, error: 'Stillroom did not answer within 10 s' });
    await r.settle();
    expect(r.refused).toEqual([]);
    expect(r.q.pending).toBe(100);
    // Sent again at the next retry; refused there at once.
    await r.advance(RETRY_MS - ANSWER_MS);
    expect(r.calls).toHaveLength(2);
    const last = r.calls.at(-1);
    last?.answer({ ok: false, error: 'no session is running' });
    await r.settle();
    expect(r.refused).toEqual(['no session is running']);
    expect(r.q.pending).toBeNull();
    await r.advance(10 * RETRY_MS);
    expect(r.calls.at(-1)).toBe(last);
  });

  it('after dispose nothing more is sent', async () => {
    const r = rig();
    r.q.press(1);
    r.q.dispose();
    r.setLink(true);
    r.q.linkUp();
    await r.advance(10 * RETRY_MS);
    expect(r.calls).toHaveLength(0);
  });
});
