/**
 * Reads what the library needs from one audio file — title, artist, album, duration,
 * identifiers, ReplayGain — with music-metadata. Tags are input like any other: text is
 * trimmed, stripped of control characters and capped to what a preset may carry, and
 * identifiers are kept only when well-formed, so a track can always be written into a preset.
 */

/** Audio extensions the library scans (what Chromium's audio element plays). */
export const AUDIO_EXTENSIONS = ['.mp3', '.flac', '.m4a', '.aac', '.mp4', '.ogg', '.oga', '.opus', '.wav'] as const;

export function isAudioFile(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0) return false;
  const ext = path.slice(dot).toLowerCase();
  return (AUDIO_EXTENSIONS as readonly string[]).includes(ext);
}

export interface TrackTags {
  title: string;
  /** True when no title tag was found and the file name stands in for it. */
  titleFromFileName: boolean;
  artist: string;
  album: string;
  durationS: number | null;
  isrc: string | null;
  musicbrainzId: string | null;
  /** ReplayGain track gain in dB, when tagged (loudness ≈ −18 LUFS − gain). */
  replayGainDb: number | null;
  /** Container/codec as music-metadata names it, e.g. "MPEG", "FLAC". */
  container: string;
}

const MAX_FIELD = 200;
const ISRC_RE = /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * RIFF INFO chunks have no declared encoding; ffmpeg and most taggers write UTF-8, which
 * music-metadata reads as Latin-1 ("TÃ«st"). Re-decode when the bytes are valid UTF-8.
 */
export function repairMojibake(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checks for characters only Latin-1 decoding produces
  if (!/[\u00c2-\u00f4][\u0080-\u00bf]/.test(text) || /[^\u0000-\u00ff]/.test(text)) return text;
  const bytes = Buffer.from(text, 'latin1');
  const decoded = bytes.toString('utf8');
  return decoded.includes('\uFFFD') ? text : decoded;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/** Cleans one tag value: control characters out, whitespace collapsed, length capped. */
export function cleanTag(value: unknown): string {
  if (typeof value !== 'string') return '';
  const text = repairMojibake(value).replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return text.length > MAX_FIELD ? text.slice(0, MAX_FIELD).trim() : text;
}

export function cleanIsrc(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.replace(/[-\s]/g, '').toUpperCase();
  return ISRC_RE.test(v) ? v : null;
}

export function cleanMbid(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  return UUID_RE.test(v) ? v : null;
}

/** "03 - Gymnopédie No. 1.flac" → "Gymnopédie No. 1". */
export function titleFromFileName(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  const stem = name.replace(/\.[^.]+$/, '').replace(/^\d{1,3}[\s._-]+(-\s+)?/, '');
  return cleanTag(stem) || cleanTag(name) || 'Untitled';
}

interface NativeTag {
  id: string;
  value: unknown;
}

/** Identifiers that music-metadata leaves in native tags (e.g. ID3 TXXX frames written by ffmpeg). */
function fromNative(native: Record<string, NativeTag[]>, pattern: RegExp): unknown {
  for (const tags of Object.values(native)) {
    for (const tag of tags) {
      if (pattern.test(tag.id)) return tag.value;
    }
  }
  return undefined;
}

const PARSE_TIMEOUT_MS = 30_000;

/** Reads one file's tags and duration; throws with a readable message when it cannot. */
export async function readTrackTags(path: string): Promise<TrackTags> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reading tags took longer than ${PARSE_TIMEOUT_MS / 1000} s`)), PARSE_TIMEOUT_MS);
  });
  try {
    const { parseFile } = await import('music-metadata');
    const meta = await Promise.race([parseFile(path, { duration: true, skipCovers: true }), timeout]);
    const c = meta.common;
    const native = meta.native as Record<string, NativeTag[]>;
    const rawTitle = cleanTag(c.title);
    const d = meta.format.duration;
    const gain = c.replaygain_track_gain?.dB;
    return {
      title: rawTitle || titleFromFileName(path),
      titleFromFileName: !rawTitle,
      artist: cleanTag(c.artist ?? c.artists?.join(', ') ?? c.albumartist),
      album: cleanTag(c.album),
      durationS: typeof d === 'number' && Number.isFinite(d) && d > 0 ? d : null,
      isrc: cleanIsrc(c.isrc?.[0]) ?? cleanIsrc(fromNative(native, /^(TXXX:)?ISRC$/i)),
      musicbrainzId: cleanMbid(c.musicbrainz_recordingid) ?? cleanMbid(fromNative(native, /^(TXXX:)?musicbrainz[ _]track[ _]id$/i)),
      replayGainDb: typeof gain === 'number' && Number.isFinite(gain) ? gain : null,
      container: cleanTag(meta.format.container).slice(0, 40),
    };
  } finally {
    clearTimeout(timer);
  }
}
