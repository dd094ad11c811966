import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { StillroomHost } from '../../../electron/host/host';
import { type RunningServer, startServer } from '../../../electron/serve/server';
import { get, openBridge, SECRET } from './harness';

/** A host whose every part throws, as a bug in any handler would. */
const brokenHost = (snapshotThrows: boolean) =>
  ({
    subscribe: () => () => {},
    snapshot: () => {
      if (snapshotThrows) throw new Error('snapshot broke');
      return { now: 1 };
    },
    dispatch: () => {
      throw new Error('dispatch broke');
    },
    mediaFile: () => {
      throw new Error('media lookup broke');
    },
  }) as unknown as StillroomHost;

let dir: string;
let server: RunningServer;
let brokenSnapshot: RunningServer;
const logged: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-fail-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  server = await startServer(brokenHost(false), dir, 0, { secret: SECRET, log: (l) => logged.push(l) });
  brokenSnapshot = await startServer(brokenHost(true), dir, 0, { secret: SECRET, log: (l) => logged.push(l) });
});
afterAll(async () => {
  await server?.close();
  await brokenSnapshot?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an exception in any handler is caught, logged and answered', () => {
  it('a media lookup that throws answers 500 and is logged; the server keeps serving', async () => {
    const a = await get(server.port, `/media/x?token=${SECRET}`);
    expect(a.status).toBe(500);
    expect(logged.some((l) => l.includes('media lookup broke'))).toBe(true);
    expect((await get(server.port, '/')).status).toBe(200);
  });

  it('a command handler that throws is answered with the reason, and logged', async () => {
    const open = await openBridge(server.port, `?token=${SECRET}`);
    if (!('ws' in open)) throw new Error('the bridge refused');
    const reply = await new Promise<{ id: number; result: { ok: boolean; error: string } }>((resolve) => {
      open.ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.kind === 'reply') resolve(m);
      });
      open.ws.send(JSON.stringify({ id: 7, command: 'addNote', args: { text: 'x' } }));
    });
    open.ws.close();
    expect(reply).toEqual({ kind: 'reply', id: 7, result: { ok: false, error: 'the command failed: dispatch broke' } });
    expect(logged.some((l) => l.includes('dispatch broke'))).toBe(true);
  });

  it('a snapshot that throws closes that page’s connection with a reason (1011), and is logged', async () => {
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${brokenSnapshot.port}/bridge?token=${SECRET}`);
      ws.on('close', (c: number) => resolve(c));
    });
    expect(code).toBe(1011);
    expect(logged.some((l) => l.includes('snapshot broke'))).toBe(true);
    expect((await get(brokenSnapshot.port, '/')).status).toBe(200);
  });
});
