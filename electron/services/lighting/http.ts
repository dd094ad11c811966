/**
 * A small JSON-over-HTTP(S) client for bridges and Home Assistant: timeouts, a cap on reply
 * size, optional pinned CA with a certificate-name check, and errors a person can read that
 * never include the URL path or headers (where keys live).
 */
import http from 'node:http';
import https from 'node:https';
import tls, { type PeerCertificate } from 'node:tls';
import type { Result } from './driver';

export interface HttpTls {
  /** CA certificate(s) to trust (PEM); the system store is not used when given. */
  ca?: string | string[];
  /**
   * SHA-256 fingerprint of the one certificate to accept (trust on first use, e.g. a Hue bridge
   * whose private root cannot be had). Checked before anything is sent; the CA is not consulted.
   */
  fingerprint256?: string;
  /** Expected certificate common name (a Hue bridge's id), checked instead of the host name. */
  commonName?: string;
}

export interface HttpOptions {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  maxBytes?: number;
  tls?: HttpTls;
  agent?: http.Agent;
}

export interface HttpReply {
  status: number;
  text: string;
  /** Parsed body, or undefined when it was not JSON. */
  json: unknown;
  /** Retry-After in ms, when given. */
  retryAfterMs: number | null;
}

export const DEFAULT_TIMEOUT_MS = 4_000;
export const DEFAULT_MAX_BYTES = 1 << 20;

function describeError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the device on and the address right?)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'device unreachable on the network';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the device closed the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_SIGNATURE_FAILURE':
      return 'the device certificate is not signed by the expected authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'the device certificate belongs to another device';
    default:
      return err.code ? `network error (${err.code})` : 'network error';
  }
}

export const CERT_CHANGED =
  'the device presented a different certificate than when it was paired; it may have been replaced or someone is impersonating it. Remove it and add it again if you replaced it';

/** Normalises a fingerprint for comparison (colons and case do not matter). */
export const sameFingerprint = (a: string, b: string): boolean => a.replace(/:/g, '').toLowerCase() === b.replace(/:/g, '').toLowerCase();

/**
 * Connects to `host:port` over TLS without trusting any authority and reports the certificate
 * the peer shows (for trust on first use). Never rejects.
 */
export function peekCertificate(
  host: string,
  port: number,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Result<{ fingerprint256: string; commonName: string }>> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Result<{ fingerprint256: string; commonName: string }>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = tls.connect({ host: host.replace(/^\[|\]$/g, ''), port, rejectUnauthorized: false, servername: '' });
    const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${(timeoutMs / 1000).toFixed(1)} s` }), timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      if (!cert?.fingerprint256) return finish({ ok: false, error: 'the device did not present a certificate' });
      finish({ ok: true, value: { fingerprint256: cert.fingerprint256, commonName: String(cert.subject?.CN ?? '') } });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: describeError(err) }));
  });
}

/** Opens a TLS connection and accepts it only when the certificate has the pinned fingerprint. */
function pinnedSocket(host: string, port: number, pin: string, timeoutMs: number): Promise<Result<tls.TLSSocket>> {
  return new Promise((resolve) => {
    let done = false;
    const socket = tls.connect({ host, port, rejectUnauthorized: false, servername: '' });
    const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${(timeoutMs / 1000).toFixed(1)} s` }), timeoutMs);
    function finish(r: Result<tls.TLSSocket>) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!r.ok) socket.destroy();
      resolve(r);
    }
    socket.once('secureConnect', () => {
      const got = socket.getPeerCertificate()?.fingerprint256 ?? '';
      finish(got && sameFingerprint(got, pin) ? { ok: true, value: socket } : { ok: false, error: CERT_CHANGED });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: describeError(err) }));
  });
}

/** Sends one request. Never rejects: failures come back as `{ ok: false, error }`. */
export async function request(opts: HttpOptions): Promise<Result<HttpReply>> {
  const pin = opts.url.protocol === 'https:' ? opts.tls?.fingerprint256 : undefined;
  if (!pin) return send(opts, null);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const socket = await pinnedSocket(opts.url.hostname.replace(/^\[|\]$/g, ''), Number(opts.url.port || 443), pin, timeoutMs);
  if (!socket.ok) return socket;
  return send(opts, socket.value);
}

function send(opts: HttpOptions, pinned: tls.TLSSocket | null): Promise<Result<HttpReply>> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  const secure = opts.url.protocol === 'https:';
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Result<HttpReply>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.length);
    }
    const base = {
      method: opts.method,
      hostname: opts.url.hostname.replace(/^\[|\]$/g, ''),
      port: opts.url.port || (secure ? 443 : 80),
      path: `${opts.url.pathname}${opts.url.search}`,
      headers,
      agent: pinned ? undefined : opts.agent,
      ...(pinned ? { createConnection: () => pinned } : {}),
    };
    let req: http.ClientRequest;
    try {
      if (secure && pinned) {
        req = https.request(base);
      } else if (secure) {
        const tls = opts.tls;
        const cn = tls?.commonName?.toLowerCase();
        req = https.request({
          ...base,
          ...(tls?.ca ? { ca: tls.ca } : {}),
          servername: '',
          checkServerIdentity: (_host: string, cert: PeerCertificate) => {
            if (!cn) return undefined;
            const got = String(cert.subject?.CN ?? '').toLowerCase();
            return got === cn ? undefined : new Error('the device certificate belongs to another device');
          },
        });
      } else {
        req = http.request(base);
      }
    } catch (err) {
      return done({ ok: false, error: `cannot send the request (${err instanceof Error ? err.name : 'error'})` });
    }
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, error: `no answer within ${(timeoutMs / 1000).toFixed(1)} s` });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const msg = err.message?.startsWith('the device certificate') ? err.message : describeError(err);
      done({ ok: false, error: msg });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy();
          res.destroy();
          done({ ok: false, error: `reply too large (over ${Math.round(maxBytes / 1024)} KB)` });
          return;
        }
        chunks.push(c);
      });
      res.on('error', () => done({ ok: false, error: 'the reply was cut off' }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text.length ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const ra = Number(res.headers['retry-after']);
        done({
          ok: true,
          value: { status: res.statusCode ?? 0, text, json, retryAfterMs: Number.isFinite(ra) && ra >= 0 ? ra * 1000 : null },
        });
      });
    });
    if (body) req.write(body);
    req.end();
  });
}

/**
 * Whether an error from `request` means the peer did not answer at all (its connection failed),
 * as opposed to an answer Stillroom did not like. A device link treats the first as "lost".
 */
export function isTransportError(error: string): boolean {
  return /^(connection refused|device unreachable|the device closed the connection|host name not found|network error|no answer within|the reply was cut off|cannot send the request)/.test(
    error,
  );
}

/** Replaces every occurrence of any secret in `text` (belt and braces for error messages). */
export function redact(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('•••');
  return out;
}
