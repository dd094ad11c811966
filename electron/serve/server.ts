/**
 * The browser host's transport: serves the built renderer over HTTP, the session's audio
 * files (with Range, so the player can seek), and the command/state bridge over WebSocket.
 * Loopback only; requests whose Host or Origin is not this server are refused, so no web
 * page the therapist happens to open can reach the session.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, resolve, sep } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { type ClientMessage, type CommandResult, MAX_BROWSER_MESSAGE_BYTES, type ServerMessage } from '../host/contract';
import type { StillroomHost } from '../host/host';
import { planStatic } from '../services/static';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): undefined {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

/** Serves a file honouring a single `Range: bytes=a-b` request (what <audio> sends); decided in services/static.ts. */
function serveFile(req: IncomingMessage, res: ServerResponse, file: string, cache: string): void {
  const plan = planStatic(file, req.headers.range, cache);
  if (plan.status === 404) return void send(res, 404, plan.body);
  res.writeHead(plan.status, plan.headers);
  if (!('file' in plan) || req.method === 'HEAD' || plan.end < plan.start) return void res.end();
  createReadStream(plan.file, { start: plan.start, end: plan.end })
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Starts the browser host's server on 127.0.0.1. */
export async function startServer(host: StillroomHost, rendererDir: string, port: number): Promise<RunningServer> {
  const root = resolve(rendererDir);
  if (!existsSync(join(root, 'index.html'))) throw new Error(`the renderer is not built (${root}/index.html is missing)`);
  let origin = '';
  const allowedHosts = new Set<string>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!req.headers.host || !allowedHosts.has(req.headers.host)) return send(res, 421, 'wrong host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    let url: URL;
    let pathname: string;
    try {
      url = new URL(req.url ?? '/', origin);
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'bad request: the address is not valid percent-encoding');
    }
    if (pathname.startsWith('/media/')) {
      const file = host.mediaFile(pathname.slice('/media/'.length));
      if (!file) return send(res, 404, 'no such track in this session');
      return serveFile(req, res, file, 'no-store');
    }
    const rel = normalize(pathname).replace(/^([/\\])+/, '');
    const file = resolve(root, rel || 'index.html');
    if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'forbidden');
    const target = existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
    return serveFile(req, res, target, target.endsWith('index.html') ? 'no-store' : 'max-age=3600');
  };
  const server: Server = createServer((req, res) => {
    // No request may take the host down: whatever a handler throws is answered and logged.
    try {
      handle(req, res);
    } catch (err) {
      process.stderr.write(`stillroom: request ${JSON.stringify(req.url ?? '').slice(0, 200)} failed: ${(err as Error).message}\n`);
      if (!res.headersSent) send(res, 500, 'the request could not be handled');
      else res.destroy();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BROWSER_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const okHost = req.headers.host && allowedHosts.has(req.headers.host);
    const okOrigin = !req.headers.origin || allowedHosts.has(req.headers.origin.replace(/^https?:\/\//, ''));
    if (!okHost || !okOrigin || new URL(req.url ?? '/', origin).pathname !== '/bridge') {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const out = (m: ServerMessage) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
    };
    const unsubscribe = host.subscribe((m) => out(m));
    out({ kind: 'state', snapshot: host.snapshot() });
    ws.on('message', (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return out({ kind: 'reply', id: -1, result: { ok: false, error: 'message is not JSON' } });
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
        return out({ kind: 'reply', id: -1, result: { ok: false, error: 'a message must be an object with id, command and args' } });
      }
      const m = msg as Partial<Record<keyof ClientMessage, unknown>>;
      const id = typeof m.id === 'number' && Number.isSafeInteger(m.id) ? m.id : -1;
      host
        .dispatch(m.command, m.args)
        .catch((err: unknown): CommandResult => ({ ok: false, error: `the command failed: ${(err as Error)?.message ?? String(err)}` }))
        .then((result) => out({ kind: 'reply', id, result }));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const actual = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${actual}`;
  allowedHosts.add(`127.0.0.1:${actual}`);
  allowedHosts.add(`localhost:${actual}`);

  return {
    url: `${origin}/`,
    port: actual,
    close: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
