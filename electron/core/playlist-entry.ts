/**
 * What every playlist parser produces, and the small checks they share: one entry per line or
 * track, every field trimmed and capped, identifiers recognised, problems counted.
 */

export type PlaylistFormat = 'm3u' | 'pls' | 'xspf';

/** One line of a playlist: where the file was, and what the playlist said about it. */
export interface PlaylistEntry {
  /** The location as written (path, relative path, file:// URL, or another URL); null when absent. */
  location: string | null;
  title: string | null;
  artist: string | null;
  album: string | null;
  durationS: number | null;
  isrc: string | null;
  musicbrainzId: string | null;
  /** 1-based line (M3U/PLS) or track number (XSPF), for messages. */
  line: number;
}

export interface ParsedPlaylist {
  format: PlaylistFormat;
  title: string | null;
  entries: PlaylistEntry[];
  /** Things that were skipped, each naming where (line or track) and why. */
  problems: string[];
}

/** Caps that keep a hostile playlist from costing much memory or time. */
export const PLAYLIST_LIMITS = {
  maxChars: 5 * 1024 * 1024,
  maxEntries: 10_000,
  maxLineChars: 8 * 1024,
  maxFieldChars: 500,
  maxXmlDepth: 64,
  maxProblems: 50,
} as const;

/** A playlist that cannot be read at all (unknown format, too large). */
export class PlaylistError extends Error {
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = 'PlaylistError';
  }
}

const ISRC_RE = /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/;
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function emptyEntry(line: number): PlaylistEntry {
  return { location: null, title: null, artist: null, album: null, durationS: null, isrc: null, musicbrainzId: null, line };
}

/** Trims, drops control characters, caps length; empty becomes null. */
export function field(value: string | null | undefined): string | null {
  if (value == null) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (!clean) return null;
  return clean.length > PLAYLIST_LIMITS.maxFieldChars ? clean.slice(0, PLAYLIST_LIMITS.maxFieldChars) : clean;
}

export function seconds(value: string | null | undefined, scale = 1): number | null {
  if (value == null) return null;
  const n = Number(value.trim());
  if (!Number.isFinite(n) || n <= 0) return null;
  const s = n / scale;
  return s > 0 && s <= 24 * 3600 ? s : null;
}

export function isrcOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value
    .replace(/^isrc:/i, '')
    .replace(/[-\s]/g, '')
    .toUpperCase();
  return ISRC_RE.test(v) ? v : null;
}

export function mbidOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = UUID_RE.exec(value);
  return m ? m[0].toLowerCase() : null;
}

/** Problems of one playlist, capped so a hostile file cannot make a long list. */
export class Problems {
  readonly list: string[] = [];
  add(message: string): void {
    if (this.list.length < PLAYLIST_LIMITS.maxProblems) this.list.push(message);
    else if (this.list.length === PLAYLIST_LIMITS.maxProblems) this.list.push('more problems not listed');
  }
}
