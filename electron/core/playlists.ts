/**
 * Reads the playlists therapists already have (M3U/M3U8, PLS, XSPF) as plain text and turns
 * them into entries: where the file was (a path or URL, as written) plus whatever metadata the
 * playlist carried. Pure: no file is opened and no URL is fetched here; the library service
 * decides what each location means on this machine (see `entryPathCandidates`).
 *
 * Playlists come from anywhere (another machine, another app, another clinic), so every parser
 * accepts any text, never throws for bad content and reports what it skipped in `problems`.
 */

import {
  emptyEntry,
  field,
  type ParsedPlaylist,
  PLAYLIST_LIMITS,
  type PlaylistEntry,
  PlaylistError,
  type PlaylistFormat,
  Problems,
  seconds,
} from './playlist-entry';
import { parseXSPF } from './xspf';

export {
  type ParsedPlaylist,
  PLAYLIST_LIMITS,
  type PlaylistEntry,
  PlaylistError,
  type PlaylistFormat,
} from './playlist-entry';
export { parseXSPF } from './xspf';

/**
 * Splits "Artist - Title", the convention of #EXTINF and PLS titles. Only the first " - "
 * counts, so "Artist - Title - Live" keeps "Title - Live" as the title.
 */
export function splitArtistTitle(text: string): { artist: string | null; title: string | null } {
  const at = text.indexOf(' - ');
  if (at <= 0) return { artist: null, title: field(text) };
  return { artist: field(text.slice(0, at)), title: field(text.slice(at + 3)) };
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
}

/** M3U and M3U8, plain or extended (#EXTM3U, #EXTINF, #EXTART, #EXTALB, #PLAYLIST). */
export function parseM3U(text: string): ParsedPlaylist {
  const problems = new Problems();
  const entries: PlaylistEntry[] = [];
  let title: string | null = null;
  let pending = emptyEntry(0);
  let pendingHasInfo = false;
  const all = lines(text);
  for (let i = 0; i < all.length; i++) {
    const raw = all[i] ?? '';
    const line = raw.trim();
    if (!line) continue;
    if (line.length > PLAYLIST_LIMITS.maxLineChars) {
      problems.add(`line ${i + 1}: longer than ${PLAYLIST_LIMITS.maxLineChars} characters, skipped`);
      continue;
    }
    if (line.startsWith('#')) {
      const upper = line.slice(0, 12).toUpperCase();
      if (upper.startsWith('#EXTINF:')) {
        pending = emptyEntry(i + 1);
        pendingHasInfo = true;
        const body = line.slice(8);
        const comma = findInfoComma(body);
        const head = comma < 0 ? body : body.slice(0, comma);
        const display = comma < 0 ? '' : body.slice(comma + 1);
        const durMatch = /^\s*(-?\d+(?:\.\d+)?)/.exec(head);
        pending.durationS = seconds(durMatch?.[1]);
        const split = splitArtistTitle(display);
        pending.artist = split.artist;
        pending.title = split.title;
      } else if (upper.startsWith('#EXTART:')) {
        if (!pendingHasInfo) pending = emptyEntry(i + 1);
        pendingHasInfo = true;
        pending.artist = field(line.slice(8));
      } else if (upper.startsWith('#EXTALB:')) {
        if (!pendingHasInfo) pending = emptyEntry(i + 1);
        pendingHasInfo = true;
        pending.album = field(line.slice(8));
      } else if (upper.startsWith('#PLAYLIST:')) {
        title = field(line.slice(10));
      }
      continue;
    }
    if (entries.length >= PLAYLIST_LIMITS.maxEntries) {
      problems.add(`line ${i + 1}: more than ${PLAYLIST_LIMITS.maxEntries} entries, the rest skipped`);
      break;
    }
    const entry = pendingHasInfo ? pending : emptyEntry(i + 1);
    entry.location = line;
    if (!pendingHasInfo) entry.line = i + 1;
    entries.push(entry);
    pending = emptyEntry(0);
    pendingHasInfo = false;
  }
  return { format: 'm3u', title, entries, problems: problems.list };
}

/** The comma that ends `#EXTINF:<duration> key="v,alue" …,` — commas inside quotes don't count. */
function findInfoComma(body: string): number {
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) return i;
  }
  return -1;
}

/** PLS (`[playlist]`, FileN=, TitleN=, LengthN=). Keys are case-insensitive; N may skip numbers. */
export function parsePLS(text: string): ParsedPlaylist {
  const problems = new Problems();
  // A Map keyed by the entry number: a hostile "File999999999=" must not make a huge array.
  const byNumber = new Map<number, PlaylistEntry>();
  let sawHeader = false;
  const all = lines(text);
  for (let i = 0; i < all.length; i++) {
    const line = (all[i] ?? '').trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    if (line.length > PLAYLIST_LIMITS.maxLineChars) {
      problems.add(`line ${i + 1}: longer than ${PLAYLIST_LIMITS.maxLineChars} characters, skipped`);
      continue;
    }
    if (/^\[playlist\]$/i.test(line)) {
      sawHeader = true;
      continue;
    }
    const m = /^(File|Title|Length)(\d{1,9})\s*=(.*)$/i.exec(line);
    if (!m) continue; // NumberOfEntries, Version and unknown keys carry nothing we need
    const key = (m[1] ?? '').toLowerCase();
    const n = Number(m[2]);
    const value = m[3] ?? '';
    let entry = byNumber.get(n);
    if (!entry) {
      if (byNumber.size >= PLAYLIST_LIMITS.maxEntries) {
        problems.add(`line ${i + 1}: more than ${PLAYLIST_LIMITS.maxEntries} entries, the rest skipped`);
        break;
      }
      entry = emptyEntry(i + 1);
      byNumber.set(n, entry);
    }
    if (key === 'file') {
      entry.location = field(value);
      entry.line = i + 1;
    } else if (key === 'title') {
      const split = splitArtistTitle(value);
      entry.artist = split.artist;
      entry.title = split.title;
    } else {
      entry.durationS = seconds(value);
    }
  }
  if (!sawHeader) problems.add('line 1: no [playlist] header (read anyway)');
  const entries: PlaylistEntry[] = [];
  for (const n of [...byNumber.keys()].sort((a, b) => a - b)) {
    const entry = byNumber.get(n);
    if (!entry) continue;
    if (!entry.location) {
      problems.add(`entry ${n}: has no File${n}= line, skipped`);
      continue;
    }
    entries.push(entry);
  }
  return { format: 'pls', title: null, entries, problems: problems.list };
}

/** File name endings of the playlist formats Stillroom imports. */
export const PLAYLIST_EXTENSIONS: readonly string[] = ['.m3u', '.m3u8', '.pls', '.xspf'];

/** Which parser a file needs, by extension first, then by content. */
export function detectPlaylistFormat(fileName: string, text: string): PlaylistFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.m3u') || lower.endsWith('.m3u8')) return 'm3u';
  if (lower.endsWith('.pls')) return 'pls';
  if (lower.endsWith('.xspf')) return 'xspf';
  const head = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 512);
  if (head.startsWith('#EXTM3U')) return 'm3u';
  if (/^\[playlist\]/i.test(head)) return 'pls';
  if (head.startsWith('<') && /<(\w+:)?playlist[\s>]/.test(head)) return 'xspf';
  return null;
}

/** Parses playlist text of any supported format; throws `PlaylistError` only when it cannot start. */
export function parsePlaylist(text: string, fileName: string): ParsedPlaylist {
  if (text.length > PLAYLIST_LIMITS.maxChars) {
    throw new PlaylistError(fileName, `larger than ${PLAYLIST_LIMITS.maxChars / 1024 / 1024} MiB; a playlist is never that big`);
  }
  const format = detectPlaylistFormat(fileName, text);
  if (format === 'm3u') return parseM3U(text);
  if (format === 'pls') return parsePLS(text);
  if (format === 'xspf') return parseXSPF(text);
  throw new PlaylistError(fileName, 'not a playlist Stillroom reads (M3U, M3U8, PLS or XSPF)');
}

// ---------------------------------------------------------------------------------------------
// Locations → paths (pure string work, so the same code answers for Windows and POSIX hosts)
// ---------------------------------------------------------------------------------------------

export type PathStyle = 'posix' | 'win32';

/** What a playlist location means on a machine of the given path style. */
export type LocationMeaning =
  | { kind: 'path'; path: string }
  /** A path written for the other OS (e.g. `C:\Music\…` on Linux): only its tail can help. */
  | { kind: 'foreign-path'; path: string; segments: string[] }
  | { kind: 'url'; reason: string }
  | { kind: 'invalid'; reason: string };

const WIN_DRIVE = /^[A-Za-z]:[\\/]/;
const WIN_UNC = /^\\\\[^\\]+\\[^\\]+/;

function segmentsOf(path: string): string[] {
  return path.split(/[\\/]+/).filter((s) => s.length > 0);
}

/** Resolves `.` and `..` in segments; `..` never climbs above the root. */
function normaliseSegments(segs: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of segs) {
    if (s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return out;
}

function joinPosix(segs: readonly string[]): string {
  return `/${normaliseSegments(segs).join('/')}`;
}

function joinWin(prefix: string, segs: readonly string[]): string {
  return `${prefix}\\${normaliseSegments(segs).join('\\')}`;
}

/** Splits a Windows absolute path into its root (`C:` or `\\server\share`) and segments. */
function winRoot(path: string): { root: string; rest: string[] } | null {
  if (WIN_DRIVE.test(path)) return { root: path.slice(0, 2).toUpperCase(), rest: segmentsOf(path.slice(3)) };
  const unc = /^[\\/]{2}([^\\/]+)[\\/]+([^\\/]+)(.*)$/.exec(path);
  if (unc) return { root: `\\\\${unc[1]}\\${unc[2]}`, rest: segmentsOf(unc[3] ?? '') };
  return null;
}

function decodeFileUrl(location: string): { path: string } | { reason: string } {
  // file:///abs/path, file://localhost/abs, file:///C:/x, file://server/share/x
  const rest = location.slice('file:'.length);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest.replace(/[?#].*$/, ''));
  } catch {
    return { reason: 'a file:// URL with broken %-escapes' };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a NUL in a path is an attack, not a name
  if (/\u0000/.test(decoded)) return { reason: 'a file:// URL containing a NUL character' };
  if (decoded.startsWith('///')) decoded = decoded.slice(2);
  else if (/^\/\/localhost\//i.test(decoded)) decoded = decoded.slice('//localhost'.length);
  else if (decoded.startsWith('//')) return { path: `\\\\${decoded.slice(2).replace(/\//g, '\\')}` };
  // "/C:/Music/x.mp3" → "C:/Music/x.mp3"
  if (/^\/[A-Za-z]:[\\/]/.test(decoded)) decoded = decoded.slice(1);
  return { path: decoded };
}

/**
 * What a playlist location means on this machine: absolute, relative to the playlist's folder,
 * a file:// URL, or a Windows path. Other URLs are never fetched; they are reported as such.
 * `playlistPath` is the playlist's own absolute path in `style`.
 */
export function interpretLocation(location: string, playlistPath: string, style: PathStyle): LocationMeaning {
  let loc = location.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a NUL in a path is an attack, not a name
  if (!loc || /\u0000/.test(loc)) return { kind: 'invalid', reason: 'an empty location or one containing NUL' };
  if (/^file:/i.test(loc)) {
    const d = decodeFileUrl(loc);
    if ('reason' in d) return { kind: 'invalid', reason: d.reason };
    loc = d.path;
  } else if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(loc) && !WIN_DRIVE.test(loc)) {
    return { kind: 'url', reason: `a ${loc.slice(0, loc.indexOf(':'))} URL (Stillroom never downloads; matched by tags instead)` };
  }
  const isWinAbs = WIN_DRIVE.test(loc) || WIN_UNC.test(loc) || /^\/\/[^/]+\/[^/]+/.test(loc);
  if (style === 'win32') {
    const root = winRoot(loc);
    if (root) return { kind: 'path', path: joinWin(root.root, root.rest) };
    const base = winRoot(playlistPath);
    if (!base) return { kind: 'invalid', reason: 'the playlist path is not a Windows absolute path' };
    if (loc.startsWith('\\') || loc.startsWith('/')) return { kind: 'path', path: joinWin(base.root, segmentsOf(loc)) };
    return { kind: 'path', path: joinWin(base.root, [...base.rest.slice(0, -1), ...segmentsOf(loc)]) };
  }
  // POSIX host
  if (isWinAbs) {
    const root = winRoot(loc);
    const segments = normaliseSegments(root ? root.rest : segmentsOf(loc));
    return { kind: 'foreign-path', path: loc, segments };
  }
  if (loc.startsWith('/')) return { kind: 'path', path: joinPosix(segmentsOf(loc)) };
  const baseSegs = segmentsOf(playlistPath).slice(0, -1);
  // A relative path written on Windows uses backslashes; POSIX names rarely contain them.
  const rel = loc.includes('\\') && !loc.includes('/') ? loc.split('\\') : loc.split('/');
  return { kind: 'path', path: joinPosix([...baseSegs, ...rel.filter((s) => s.length > 0)]) };
}

/** The last `count` segments of a path, lower-cased: how a moved library is recognised. */
export function pathTail(path: string, count: number): string {
  return segmentsOf(path).slice(-count).join('/').toLowerCase();
}
