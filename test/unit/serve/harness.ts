/**
 * A real browser host on loopback for the serve tests: the host services on a temp data
 * folder, a stand-in renderer (one index.html and one asset), and helpers to talk raw HTTP
 * and WebSocket to it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { StillroomHost } from '../../../electron/host/host';
import { type RunningServer, startServer } from '../../../electron/serve/server';
import { confSettings } from '../../../electron/services/settings';

export const SECRET = 'test-secret-test-secret-test-secret-test-se';

export interface TestServer {
  root: string;
  host: StillroomHost;
  server: RunningServer;
  logged: string[];
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'stillroom-server-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Stillroom</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  mkdirSync(join(root, 'app', 'playlists'), { recursive: true });
  const host = await StillroomHost.open({
    dataDir: join(root, 'data'),
    appRoot: join(root, 'app'),
    settings: confSettings(join(root, 'data')),
    log: () => {},
    tickMs: 60_000,
  });
  const logged: string[] = [];
  const server = await startServer(host, rendererDir, 0, { secret: SECRET, log: (l) => logged.push(l) });
  return {
    root,
    host,
    server,
    logged,
    close: async () => {
      await server.close();
      host.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket and reports either the refusal's status or the first message. */
export function openBridge(
  port: number,
  query: string,
  headers: Record<string, string> = {},
): Promise<{ refused: number } | { first: string; ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge${query}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ refused: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('message', (d) => resolve({ first: String(d), ws }));
    ws.on('error', (err) => {
      if (!String(err.message).includes('Unexpected server response')) reject(err);
    });
  });
}
