/**
 * The `stillroom://app` protocol: serves the built renderer *and* the session's audio from one
 * origin, so the audio engine can route <audio> elements through Web Audio without CORS
 * silencing them, and answers HTTP ranges itself so the player can seek (electron#38749).
 * What each request gets is decided in services/static.ts (shared with the browser host).
 * Why the desktop app keeps this protocol instead of the browser host's loopback server is
 * written in docs/architecture.md ("Media in the desktop app").
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { CustomScheme } from 'electron';
import { fileInside, planStatic } from '../services/static';

export const SCHEME = 'stillroom';
export const APP_HOST = 'app';
export const ORIGIN = `${SCHEME}://${APP_HOST}`;

/** Electron's `protocol`, the part used here. */
export interface ProtocolApi {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Must run before the app is ready. `stream` lets media elements read ranges as they play. */
export function registerAppScheme(protocol: Pick<ProtocolApi, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}

export interface AppFiles {
  /** The built renderer (`out/renderer`). */
  rendererDir: string;
  /** The file behind a `/media/<track id>` address, or null when the session has no such track. */
  mediaFile(trackId: string): string | null;
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function fileResponse(file: string, range: string | null): Response {
  const plan = planStatic(file, range);
  if (!('file' in plan)) return new Response(plan.body || null, { status: plan.status, headers: plan.headers });
  if (plan.end < plan.start) return new Response(null, { status: plan.status, headers: plan.headers });
  const body = Readable.toWeb(createReadStream(plan.file, { start: plan.start, end: plan.end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status: plan.status, headers: plan.headers });
}

/** The protocol handler: 200/206/416 for files, 404 for what is not there, 403 for another host or a path outside. */
export function appRequestHandler(files: AppFiles): (request: Request) => Response {
  return (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return text(403, 'forbidden');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return text(400, 'bad request: the address is not valid percent-encoding');
    }
    if (path.startsWith('/media/')) {
      const file = files.mediaFile(path.slice('/media/'.length));
      return file ? fileResponse(file, request.headers.get('range')) : text(404, 'no such track in this session');
    }
    const file = fileInside(files.rendererDir, path);
    return file ? fileResponse(file, null) : text(403, 'forbidden');
  };
}

export function setupProtocol(protocol: Pick<ProtocolApi, 'handle'>, files: AppFiles): void {
  protocol.handle(SCHEME, appRequestHandler(files));
}
