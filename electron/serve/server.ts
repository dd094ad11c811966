/**
 * The browser host's transport: serves the built renderer over HTTP, the session's audio
 * files (with Range, so the player can seek), and the command/state bridge over WebSocket.
 *
 * Who gets in: loopback only; requests whose Host or Origin is not this server are refused;
 * the bridge and the media need the host's secret (`?token=`, see `secret.ts`) — only the
 * renderer's own static files are served without it; requests another site's page makes
 * (Sec-Fetch-Site cross-site or same-site, e.g. another port on 127.0.0.1) are refused
 * unless they are the therapist following a link; and no response may be framed.
 * So no web page and no other account on the machine can read or steer the session.
 *
 * Promise: no input takes the process down. Every handler's exception is caught, logged
 * and answered (500 or a refusal naming the problem).
 *
 * The server may start before the host has opened (`cli.ts` does, so a page can load its first
 * screen while the host's modules load): the renderer's files are served at once, and media
 * requests and bridge connections wait for the host. `quiet()` tells when the page's files
 * have gone out, so the host's loading does not hold them up.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { ClientMessage, CommandResult, ServerMessage } from '../host/contract';
import type { StillroomHost } from '../host/host';
import { MAX_BROWSER_MESSAGE_BYTES } from '../host/wire-limits';
import { planStatic } from '../services/static';
import { secretMatches } from './secret';

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Resolves once no renderer file is being sent and none has been asked for in the last
   * `QUIET_MS` (at most `QUIET_MAX_MS` after the call): a page that is loading has its files.
   */
  quiet(): Promise<void>;
  close(): Promise<void>;
}

/** How long without a request for the renderer's files counts as quiet: a page asks for its scripts within this of getting index.html. */
export const QUIET_MS = 120;
/** `quiet()` never waits longer than this. */
export const QUIET_MAX_MS = 1500;

/** On every response: no page of another origin may frame the panel (clickjacking). */
export const FRAME_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
};

const NEEDS_SECRET = "this address needs Stillroom's secret: open the whole address the terminal printed (http://127.0.0.1:PORT/?token=…)";

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): undefined {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

/** Serves a file honouring a single `Range: bytes=a-b` request (what <audio> sends); decided in services/static.ts. */
function serveFile(req: IncomingMessage, res: ServerResponse, file: string, cache: string): void {
  if (res.destroyed) return;
  const plan = planStatic(file, req.headers.range, cache);
  if (plan.status === 404) return void send(res, 404, plan.body);
  res.writeHead(plan.status, plan.headers);
  if (!('file' in plan) || req.method === 'HEAD' || plan.end < plan.start) return void res.end();
  createReadStream(plan.file, { start: plan.start, end: plan.end })
    .on('error', () => res.destroy())
    .pipe(res);
}

/**
 * Whether a browser says another site's page made this request (`Sec-Fetch-Site`; absent from
 * non-browser clients, which the secret stops). The therapist opening the address from a link
 * (a top-level navigation) is let through: the page itself is no secret.
 */
function fromAnotherSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return false;
  return !(req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document');
}

/** Writes a refusal straight onto an upgrade's socket (no HTTP response object exists there). */
function refuseUpgrade(socket: Duplex, status: string, reason: string): void {
  const frame = Object.entries(FRAME_HEADERS)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n${frame}content-length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
    );
  }
  socket.destroy();
}

export interface ServerOptions {
  /** The host's secret (see `secret.ts`): required on the bridge and on every media request. */
  secret: string;
  /** Where handler failures are logged (default: stderr). */
  log?: (line: string) => void;
}

/** Starts the browser host's server on 127.0.0.1, with the host open or still opening. */
export async function startServer(
  host: StillroomHost | Promise<StillroomHost>,
  rendererDir: string,
  port: number,
  options: ServerOptions,
): Promise<RunningServer> {
  const root = resolve(rendererDir);
  if (!existsSync(join(root, 'index.html'))) throw new Error(`the renderer is not built (${root}/index.html is missing)`);
  if (!options.secret) throw new Error('the browser host needs a secret');
  const { secret } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`stillroom: ${line}\n`));
  let origin = '';
  const allowedHosts = new Set<string>();
  const opening = Promise.resolve(host);
  let opened: StillroomHost | null = host instanceof Promise ? null : host;
  let openFailed = false;
  opening.then(
    (h) => {
      opened = h;
    },
    () => {
      openFailed = true;
    },
  );
  /** Runs `use` with the host: at once when it is open, else once it is (a host that failed to open: `failedToOpen`). */
  const withHost = (use: (h: StillroomHost) => void, failedToOpen: () => void): void => {
    if (opened) use(opened);
    else if (openFailed) failedToOpen();
    else opening.then(use, failedToOpen).catch((err: unknown) => failed('a request waiting for the host', err));
  };
  // The renderer's files in flight, and when the last one was asked for (see `quiet`).
  let staticInFlight = 0;
  let lastStaticAt = 0;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(FRAME_HEADERS)) res.setHeader(k, v);
    if (!req.headers.host || !allowedHosts.has(req.headers.host)) return send(res, 421, 'wrong host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    if (fromAnotherSite(req)) return send(res, 403, "another site's page may not reach Stillroom");
    let url: URL;
    let pathname: string;
    try {
      url = new URL(req.url ?? '/', origin);
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'bad request: the address is not valid percent-encoding');
    }
    if (pathname.startsWith('/media/') || pathname === '/bridge') {
      if (!secretMatches(secret, url.searchParams.get('token'))) return send(res, 401, NEEDS_SECRET);
      if (pathname === '/bridge') return send(res, 426, 'the bridge is a WebSocket', { upgrade: 'websocket' });
      const id = pathname.slice('/media/'.length);
      return withHost(
        (h) => {
          if (res.destroyed) return;
          const file = h.mediaFile(id);
          if (!file) return send(res, 404, 'no such track in this session');
          serveFile(req, res, file, 'no-store');
        },
        () => send(res, 503, 'Stillroom could not open its data folder'),
      );
    }
    const rel = normalize(pathname).replace(/^([/\\])+/, '');
    const file = resolve(root, rel || 'index.html');
    if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'forbidden');
    const target = existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
    staticInFlight++;
    lastStaticAt = performance.now();
    res.once('close', () => {
      staticInFlight--;
      lastStaticAt = performance.now();
    });
    return serveFile(req, res, target, target.endsWith('index.html') ? 'no-store' : 'max-age=3600');
  };
  const failed = (what: string, err: unknown) =>
    log(`${what.slice(0, 200)} failed: ${err instanceof Error ? err.message : String(err)} (answered; the host goes on)`);
  const server: Server = createServer((req, res) => {
    // No request may take the host down: whatever a handler throws is answered and logged.
    try {
      handle(req, res);
    } catch (err) {
      failed(`request ${JSON.stringify(req.url ?? '')}`, err);
      if (!res.headersSent) send(res, 500, 'the request could not be handled');
      else res.destroy();
    }
  });
  // A request Node cannot parse (bad framing, headers over 16 KiB): answer and close that connection only.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    refuseUpgrade(socket, status, 'bad request');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BROWSER_MESSAGE_BYTES });
  wss.on('error', (err) => failed('the WebSocket server', err));
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const okHost = req.headers.host && allowedHosts.has(req.headers.host);
    const okOrigin = !req.headers.origin || allowedHosts.has(req.headers.origin.replace(/^https?:\/\//, ''));
    let url: URL | null = null;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      // answered below
    }
    if (!okHost || !okOrigin || fromAnotherSite(req) || url?.pathname !== '/bridge')
      return refuseUpgrade(socket, '403 Forbidden', 'forbidden');
    if (!secretMatches(secret, url.searchParams.get('token'))) return refuseUpgrade(socket, '401 Unauthorized', NEEDS_SECRET);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      upgrade(req, socket, head);
    } catch (err) {
      failed(`upgrade ${JSON.stringify(req.url ?? '')}`, err);
      socket.destroy();
    }
  });

  // One host message goes to every open page: encode it once, not once per page.
  const encoded = new WeakMap<object, string>();
  const encode = (m: ServerMessage): string => {
    let text = encoded.get(m);
    if (text === undefined) {
      text = JSON.stringify(m);
      encoded.set(m, text);
    }
    return text;
  };
  wss.on('connection', (ws: WebSocket) => {
    if (opened) {
      attach(ws, opened);
      return;
    }
    // The host is still opening: keep what the page sends, in order, until it can be answered.
    const early: RawData[] = [];
    const keep = (data: RawData) => early.push(data);
    ws.on('message', keep);
    withHost(
      (h) => {
        ws.off('message', keep);
        if (ws.readyState !== WebSocket.OPEN) return;
        attach(ws, h, early);
      },
      () => ws.close(1011, 'Stillroom could not open its data folder'),
    );
  });
  /** Serves one page's bridge: the state now, every change after, and its commands (`early`: sent before the host was open). */
  const attach = (ws: WebSocket, host: StillroomHost, early: RawData[] = []) => {
    const out = (m: ServerMessage) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(encode(m));
    };
    let unsubscribe = () => {};
    try {
      unsubscribe = host.subscribe((m) => out(m));
      out({ kind: 'state', snapshot: host.snapshot() });
    } catch (err) {
      failed('a new connection', err);
      unsubscribe();
      return void ws.close(1011, 'the host could not send its state');
    }
    const onMessage = (data: RawData) => {
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
      const refused = (err: unknown): CommandResult => {
        failed(`command ${typeof m.command === 'string' ? JSON.stringify(m.command) : typeof m.command}`, err);
        return { ok: false, error: `the command failed: ${err instanceof Error ? err.message : String(err)}` };
      };
      let pending: Promise<CommandResult>;
      try {
        pending = Promise.resolve(host.dispatch(m.command, m.args));
      } catch (err) {
        pending = Promise.resolve(refused(err));
      }
      pending
        .catch(refused)
        .then((result) => out({ kind: 'reply', id, result }))
        .catch((err: unknown) => failed('a reply', err));
    };
    const receive = (data: RawData) => {
      try {
        onMessage(data);
      } catch (err) {
        failed('a WebSocket message', err);
        out({ kind: 'reply', id: -1, result: { ok: false, error: 'the message could not be handled' } });
      }
    };
    for (const data of early) receive(data);
    ws.on('message', receive);
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  };

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const actual = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${actual}`;
  allowedHosts.add(`127.0.0.1:${actual}`);
  allowedHosts.add(`localhost:${actual}`);

  const listening = performance.now();
  return {
    url: `${origin}/`,
    port: actual,
    quiet: () =>
      new Promise<void>((ok) => {
        const since = performance.now();
        const check = () => {
          const now = performance.now();
          const idleFor = now - Math.max(lastStaticAt, listening);
          if ((staticInFlight === 0 && idleFor >= QUIET_MS) || now - since >= QUIET_MAX_MS) return ok();
          setTimeout(check, staticInFlight === 0 ? QUIET_MS - idleFor : 10);
        };
        check();
      }),
    close: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
