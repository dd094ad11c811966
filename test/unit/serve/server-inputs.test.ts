import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { StillroomHost } from '../../../electron/host/host';
import { type RunningServer, startServer } from '../../../electron/serve/server';
import { confSettings } from '../../../electron/services/settings';

let root: string;
let host: StillroomHost;
let server: RunningServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stillroom-server-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Stillroom</title>');
  mkdirSync(join(root, 'app', 'playlists'), { recursive: true });
  host = await StillroomHost.open({
    dataDir: join(root, 'data'),
    appRoot: join(root, 'app'),
    settings: confSettings(join(root, 'data')),
    log: () => {},
    tickMs: 60_000,
  });
  server = await startServer(host, rendererDir, 0);
});

afterAll(async () => {
  await server?.close();
  host?.close();
  rmSync(root, { recursive: true, force: true });
});

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends raw frames on one socket and collects the replies (skipping state messages). */
async function replies(frames: string[]): Promise<Array<{ id: number; result: { ok: boolean; error?: string } }>> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`);
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
    expect(await get('/media/%zz')).toBe(400);
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
