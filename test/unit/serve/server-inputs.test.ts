import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { get as fetch, SECRET, startTestServer, type TestServer } from './harness';

let t: TestServer;
let server: TestServer['server'];

beforeAll(async () => {
  t = await startTestServer();
  server = t.server;
});

afterAll(() => t?.close());

const get = async (path: string): Promise<number> => (await fetch(server.port, path)).status;

/** Sends raw frames on one socket and collects the replies (skipping state messages). */
async function replies(frames: string[]): Promise<Array<{ id: number; result: { ok: boolean; error?: string } }>> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge?token=${SECRET}`);
  const got: Array<{ id: number; result: { ok: boolean; error?: string } }> = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => {
      for (const f of frames) ws.send(f);
    });
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.kind === 'reply') got.push(m);
      if (got.length === frames.length) resolve();
    });
    ws.on('error', reject);
  });
  ws.close();
  return got;
}

describe('the browser host survives bad input', () => {
  it('answers 400 to addresses that are not valid percent-encoding, and keeps serving', async () => {
    expect(await get('/%E0')).toBe(400);
    expect(await get('/%')).toBe(400);
    expect(await get(`/media/%zz?token=${SECRET}`)).toBe(400);
    expect(await get('/')).toBe(200);
  });

  it('refuses messages that are not commands, and inherited names, with a reason', async () => {
    const frames = [
      'null',
      '"toString"',
      '[1,2]',
      '42',
      JSON.stringify({ id: 1, command: 'constructor', args: {} }),
      JSON.stringify({ id: 2, command: '__proto__', args: {} }),
      JSON.stringify({ id: 3, command: 'valueOf', args: null }),
      JSON.stringify({ id: 4, command: 'hasOwnProperty', args: {} }),
    ];
    const got = await replies(frames);
    expect(got).toHaveLength(frames.length);
    for (const r of got) {
      expect(r.result.ok).toBe(false);
      expect(r.result.error).toBeTruthy();
    }
    expect(got.filter((r) => r.id >= 1).map((r) => r.result.error)).toEqual([
      'unknown command "constructor"',
      'unknown command "__proto__"',
      'unknown command "valueOf"',
      'unknown command "hasOwnProperty"',
    ]);
    // Still alive and answering real commands.
    const [ok] = await replies([JSON.stringify({ id: 9, command: 'setPanelPrefs', args: { theme: 'night' } })]);
    expect(ok?.result.ok).toBe(true);
  });
});
