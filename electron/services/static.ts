/**
 * Static files and audio for both shells, decided in one place: which content type a file is
 * served as, how a `Range: bytes=a-b` request (what <audio> sends to seek) is answered, and
 * whether a requested path stays inside the folder it is served from. The browser host's HTTP
 * server (electron/serve/server.ts) and the desktop app's `stillroom://app` protocol
 * (electron/main/protocol.ts) only turn a plan from here into their own kind of response.
 *
 * Contract: never throws for any input; a file that cannot be read is a 404, a range past the
 * end a 416, a path outside the root `null` (the caller answers 403).
 */
import { statSync } from 'node:fs';
import { extname, normalize, resolve, sep } from 'node:path';

export type RangeAnswer = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/** Interprets a single-range `Range` header against a file of `size` bytes (multi-range requests get the whole file). */
export function parseRange(header: string | null | undefined, size: number): RangeAnswer {
  const m = /^bytes=(\d*)-(\d*)$/.exec((header ?? '').trim());
  if (!m || (!m[1] && !m[2])) return { kind: 'full' };
  let start = m[1] ? Number(m[1]) : size - Number(m[2]);
  let end = m[1] && m[2] ? Number(m[2]) : size - 1;
  start = Math.max(0, start);
  end = Math.min(size - 1, end);
  if (start > end || start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/**
 * Content types by extension: the renderer's own files and every audio format the library
 * accepts (see services/library/tags.ts `AUDIO_EXTENSIONS`; a test keeps the two in step).
 * `.mp4` holding music is `audio/mp4`: Stillroom serves no video, and Chromium plays an
 * audio-only MP4 under either type but refuses `application/octet-stream` in some paths.
 */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.m4b': 'audio/mp4',
  '.mp4': 'audio/mp4',
  '.aac': 'audio/aac',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.flac': 'audio/flac',
  '.wav': 'audio/wav',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
  '.weba': 'audio/webm',
  '.webm': 'audio/webm',
};

/** The content type a file is served with; unknown extensions are plain bytes. */
export function contentType(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** What to answer for one file: the bytes to send (200/206) or an empty answer (404/416). */
export type StaticPlan =
  | { status: 200 | 206; file: string; start: number; end: number; headers: Record<string, string> }
  | { status: 404 | 416; headers: Record<string, string>; body: string };

/**
 * Plans the answer for `file` and a `Range` header. `cacheControl` is added when given.
 * Zero-length files answer 200 with no bytes (start 0, end -1).
 */
export function planStatic(file: string, rangeHeader: string | null | undefined, cacheControl?: string): StaticPlan {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found' };
    size = st.size;
  } catch {
    return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found' };
  }
  const headers: Record<string, string> = {
    'content-type': contentType(file),
    'accept-ranges': 'bytes',
    'x-content-type-options': 'nosniff',
    ...(cacheControl ? { 'cache-control': cacheControl } : {}),
  };
  const range = parseRange(rangeHeader, size);
  if (range.kind === 'unsatisfiable') return { status: 416, headers: { 'content-range': `bytes */${size}` }, body: '' };
  if (range.kind === 'partial') {
    const { start, end } = range;
    headers['content-length'] = String(end - start + 1);
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
    return { status: 206, file, start, end, headers };
  }
  headers['content-length'] = String(size);
  return { status: 200, file, start: 0, end: size - 1, headers };
}

/**
 * The path-traversal guard: the file a decoded URL path names inside `root`, or null when it
 * would leave it (`..` past the root of a relative path, a drive letter, a NUL). A URL path starts
 * with '/', so its `..` stop at the root as a browser's do. '' and '/' name `index.html`.
 */
export function fileInside(root: string, decodedPath: string): string | null {
  const base = resolve(root);
  if (decodedPath.includes('\0')) return null;
  const rel = normalize(decodedPath).replace(/^([/\\])+/, '');
  const file = resolve(base, rel === '' || rel === '.' ? 'index.html' : rel);
  return file.startsWith(base + sep) ? file : null;
}
