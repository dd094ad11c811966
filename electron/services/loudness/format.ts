/**
 * What kind of audio a file really holds, judged from its first bytes, never from its name:
 * an ".mp3" that is really FLAC still plays, one that is really a text file is reported as
 * such. Also reads the few header facts that reveal a truncated file.
 */

/** Decoder names understood by audio-decode's chunked decoder. */
export type DecoderFormat = 'mp3' | 'flac' | 'oga' | 'opus' | 'm4a' | 'aac' | 'wav' | 'aiff' | 'caf' | 'webm';

export interface Sniffed {
  format: DecoderFormat;
  /** What to call it in messages. */
  label: string;
}

const ascii = (b: Uint8Array, at: number, text: string): boolean => {
  if (at + text.length > b.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

const includesAscii = (b: Uint8Array, from: number, to: number, text: string): boolean => {
  for (let i = from; i <= Math.min(to, b.length - text.length); i++) if (ascii(b, i, text)) return true;
  return false;
};

/** Size of an ID3v2 tag at the start (header + body + footer), or 0. */
export function id3v2Size(b: Uint8Array): number {
  if (!ascii(b, 0, 'ID3') || b.length < 10) return 0;
  const body =
    (((b[6] as number) & 0x7f) << 21) | (((b[7] as number) & 0x7f) << 14) | (((b[8] as number) & 0x7f) << 7) | ((b[9] as number) & 0x7f);
  const footer = ((b[5] as number) & 0x10) !== 0 ? 10 : 0;
  return 10 + body + footer;
}

/** An MPEG audio Layer III frame header at `at`. */
export function isMp3Frame(b: Uint8Array, at = 0): boolean {
  if (at + 4 > b.length) return false;
  const b1 = b[at + 1] as number;
  const b2 = b[at + 2] as number;
  if (b[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrate = b2 >> 4;
  const rate = (b2 >> 2) & 3;
  return version !== 1 && layer === 1 && bitrate !== 15 && bitrate !== 0 && rate !== 3;
}

/** An ADTS (raw AAC) header at the start. */
function isAdts(b: Uint8Array): boolean {
  return b.length >= 7 && b[0] === 0xff && ((b[1] as number) & 0xf6) === 0xf0;
}

/**
 * The decoder for these bytes. `head` is the start of the file; `afterId3` the bytes just
 * after a leading ID3v2 tag (which may be larger than `head`), when there is one.
 */
export function sniffFormat(head: Uint8Array, afterId3?: Uint8Array): Sniffed | null {
  if (ascii(head, 0, 'ID3')) {
    const rest = afterId3 ?? new Uint8Array(0);
    if (ascii(rest, 0, 'fLaC')) return { format: 'flac', label: 'FLAC' };
    if (isAdts(rest)) return { format: 'aac', label: 'AAC' };
    // Some taggers pad after the tag; the mp3 decoder resyncs, so an ID3 tag is enough.
    return { format: 'mp3', label: 'MP3' };
  }
  if ((ascii(head, 0, 'RIFF') || ascii(head, 0, 'RF64')) && ascii(head, 8, 'WAVE')) return { format: 'wav', label: 'WAV' };
  if (ascii(head, 0, 'fLaC')) return { format: 'flac', label: 'FLAC' };
  if (ascii(head, 0, 'OggS')) {
    if (includesAscii(head, 28, 200, 'OpusHead')) return { format: 'opus', label: 'Ogg Opus' };
    if (includesAscii(head, 28, 200, 'vorbis')) return { format: 'oga', label: 'Ogg Vorbis' };
    return null;
  }
  if (ascii(head, 4, 'ftyp')) return { format: 'm4a', label: 'MPEG-4 (AAC)' };
  if (ascii(head, 0, 'FORM') && (ascii(head, 8, 'AIFF') || ascii(head, 8, 'AIFC'))) return { format: 'aiff', label: 'AIFF' };
  if (ascii(head, 0, 'caff')) return { format: 'caf', label: 'CAF' };
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return { format: 'webm', label: 'WebM/Matroska' };
  if (isAdts(head)) return { format: 'aac', label: 'AAC' };
  // A bare mp3 stream: insist on two consecutive frame headers, so random bytes don't pass.
  if (isMp3Frame(head, 0) && isMp3Frame(head, mp3FrameLength(head, 0))) return { format: 'mp3', label: 'MP3' };
  return null;
}

const MP3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_RATES = [44100, 48000, 32000];

/** Length in bytes of the Layer III frame whose header is at `at`. */
function mp3FrameLength(b: Uint8Array, at: number): number {
  const b1 = b[at + 1] as number;
  const b2 = b[at + 2] as number;
  const version = (b1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  const kbps = (version === 3 ? MP3_BITRATES_V1 : MP3_BITRATES_V2)[b2 >> 4] as number;
  const rate = (MP3_RATES[(b2 >> 2) & 3] as number) / (version === 3 ? 1 : version === 2 ? 2 : 4);
  const padding = (b2 >> 1) & 1;
  return Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + padding;
}

/** True when an mp3's first frame carries a Xing/Info/VBRI header, i.e. states its exact length. */
export function mp3StatesLength(firstFrame: Uint8Array): boolean {
  return (
    isMp3Frame(firstFrame, 0) &&
    (includesAscii(firstFrame, 4, 64, 'Xing') || includesAscii(firstFrame, 4, 64, 'Info') || includesAscii(firstFrame, 4, 64, 'VBRI'))
  );
}

/**
 * Seconds of audio a WAV file's `data` chunk says it holds (its size over the `fmt ` chunk's
 * block size and rate), or null when unknown: a streaming writer's placeholder size, RF64,
 * or headers not within `head`.
 */
export function wavDeclaredSeconds(head: Uint8Array): number | null {
  if (!ascii(head, 0, 'RIFF') || !ascii(head, 8, 'WAVE')) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let blockAlign = 0;
  let rate = 0;
  let at = 12;
  while (at + 8 <= head.length) {
    const size = view.getUint32(at + 4, true);
    if (ascii(head, at, 'fmt ') && at + 22 <= head.length) {
      rate = view.getUint32(at + 12, true);
      blockAlign = view.getUint16(at + 20, true);
    }
    if (ascii(head, at, 'data')) {
      if (blockAlign === 0 || rate === 0 || size === 0 || size === 0xffffffff) return null;
      return Math.floor(size / blockAlign) / rate;
    }
    at += 8 + size + (size & 1);
  }
  return null;
}

/** True when the bytes read as text (no NULs, nearly all printable), for a clearer message. */
export function looksLikeText(head: Uint8Array): boolean {
  const n = Math.min(head.length, 512);
  if (n === 0) return false;
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i] as number;
    if (c === 0) return false;
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128) printable++;
  }
  return printable / n > 0.95;
}
