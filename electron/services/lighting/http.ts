/**
 * A small JSON-over-HTTP(S) client for bridges and Home Assistant: timeouts, a cap on reply
 * size, optional pinned CA with a certificate-name check, and errors a person can read that
 * never include the URL path or headers (where keys live).
 */
import http from 'node:http';
import https from 'node:https';
import type { PeerCertificate } from 'node:tls';
import type { Result } from './driver';

export interface HttpTls {
  /** CA certificate(s) to trust (PEM); the system store is not used when given. */
  ca: string | string[];
  /** Expected certificate common name (a Hue bridge's id), checked instead of the host name. */
  commonName?: string;
}

export interface HttpOptions {
  method: 'GET' | 'PUT' | 'POST';
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

/** Sends one request. Never rejects: failures come back as `{ ok: false, error }`. */
export function request(opts: HttpOptions): Promise<Result<HttpReply>> {
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
      agent: opts.agent,
    };
    let req: http.ClientRequest;
    try {
      if (secure) {
        const tls = opts.tls;
        const cn = tls?.commonName?.toLowerCase();
        req = https.request({
          ...base,
          ...(tls ? { ca: tls.ca } : {}),
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

/** Replaces every occurrence of any secret in `text` (belt and braces for error messages). */
export function redact(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('•••');
  return out;
}
