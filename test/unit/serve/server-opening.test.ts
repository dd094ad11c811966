/**
 * The browser host's server before its host has opened (`cli.ts` starts it first, so a page
 * can load while the host's modules load): the page's files go out at once, media requests and
 * the bridge wait for the host — keeping whatever the page sent meanwhile, in order — and a host
 * that fails to open is said so, not hung on.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { StillroomHost } from '../../../electron/host/host';
import { QUIET_MS, type RunningServer, startServer } from '../../../electron/serve/server';
import { confSettings } from '../../../electron/services/settings';
import { get, SECRET } from './harness';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

async function setup(): Promise<{ root: string; server: RunningServer; opening: ReturnType<typeof deferred<StillroomHost>> }> {
  const root = mkdtempSync(join(tmpdir(), 'stillroom-opening-'));
  mkdirSync(join(root, 'renderer', 'assets'), { recursive: true });
  mkdirSync(join(root, 'app', 'playlists'), { recursive: true });
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>Stillroom</title>');
  writeFileSync(join(root, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  const opening = deferred<StillroomHost>();
  const server = await startServer(opening.promise, join(root, 'renderer'), 0, { secret: SECRET, log: () => {} });
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  cleanup.push(() => server.close());
  return { root, server, opening };
}

const openHost = async (root: string): Promise<StillroomHost> => {
  const host = await StillroomHost.open({
    dataDir: join(root, 'data'),
    appRoot: join(root, 'app'),
    settings: confSettings(join(root, 'data')),
    log: () => {},
    tickMs: 60_000,
  });
  cleanup.push(() => host.close());
  return host;
};

it("serves the page's files while the host opens; media and the bridge wait for it, early commands answered in order", async () => {
  const { root, server, opening } = await setup();
  const page = await get(server.port, '/');
  expect(page.status).toBe(200);
  expect(page.body).toContain('<title>Stillroom</title>');
  expect((await get(server.port, '/assets/app.js')).body).toBe('console.log(1)');

  let mediaAnswered = false;
  const media = get(server.port, `/media/nothing?token=${SECRET}`, { host: `127.0.0.1:${server.port}` }).then((a) => {
    mediaAnswered = true;
    return a;
  });
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge?token=${SECRET}`);
  const received: Array<{ kind: string; id?: number }> = [];
  ws.on('message', (d) => received.push(JSON.parse(String(d)) as { kind: string; id?: number }));
  await new Promise((ok) => ws.once('open', ok));
  ws.send(JSON.stringify({ id: 1, command: 'noSuchCommand', args: {} }));
  ws.send(JSON.stringify({ id: 2, command: 'noSuchCommand', args: {} }));
  // The host is not open: nothing is answered yet (real time: the requests have had their chance).
  await new Promise((r) => setTimeout(r, 100));
  expect(mediaAnswered).toBe(false);
  expect(received).toEqual([]);

  opening.resolve(await openHost(root));
  expect((await media).status).toBe(404); // answered by the host: no such track in this session
  await expect.poll(() => received.length).toBe(3);
  expect(received.map((m) => [m.kind, m.id])).toEqual([
    ['state', undefined],
    ['reply', 1],
    ['reply', 2],
  ]);
  ws.close();
});

it('a host that fails to open: media get 503 and the bridge closes saying why, instead of waiting forever', async () => {
  const { server, opening } = await setup();
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge?token=${SECRET}`);
  const closed = new Promise<{ code: number; reason: string }>((ok) =>
    ws.on('close', (code, reason) => ok({ code, reason: String(reason) })),
  );
  await new Promise((ok) => ws.once('open', ok));
  opening.reject(new Error('the data folder is unreadable'));
  expect(await closed).toEqual({ code: 1011, reason: 'Stillroom could not open its data folder' });
  const media = await get(server.port, `/media/x?token=${SECRET}`, { host: `127.0.0.1:${server.port}` });
  expect(media.status).toBe(503);
});

it("quiet() waits until the page's files have gone out and none was asked for in QUIET_MS", async () => {
  const { server } = await setup();
  await get(server.port, '/');
  const t0 = performance.now();
  await server.quiet();
  // Real time is what is measured here: the wait after the last file.
  expect(performance.now() - t0).toBeGreaterThanOrEqual(QUIET_MS - 5);
  const t1 = performance.now();
  await server.quiet();
  expect(performance.now() - t1).toBeLessThan(QUIET_MS); // nothing asked for since: quiet already
});
