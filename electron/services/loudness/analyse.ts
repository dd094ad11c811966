/**
 * Measures one audio file: integrated loudness, loudness range, true peak, and where the
 * music starts and ends. The file is streamed: read in 256 KB pieces, decoded piece by piece
 * (audio-decode's chunked decoders), and each decoded piece goes through the meters and is
 * dropped, so memory stays flat however long the track is (an MPEG-4 file is read index
 * first for this, see `mp4-order.ts`).
 *
 * Every way a file can be bad ends in a `LoudnessError` with a code and a plain message.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { decodeChunked } from 'audio-decode/stream';
import { checkReplayGain, type ReplayGainCheck } from '../../core/gain';
import { id3v2Size, looksLikeText, mp3StatesLength, type Sniffed, sniffFormat, wavDeclaredSeconds } from './format';
import { LoudnessMeter } from './meter';
import { mp4IndexFirst, topLevelBoxes } from './mp4-order';
import { SilenceScanner } from './silence';
import { TruePeakMeter } from './true-peak';
import { LoudnessError, type LoudnessResult } from './types';

export interface AnalyseOptions {
  /** Stops the analysis between two pieces of the file; it then rejects with code `cancelled`. */
  signal?: AbortSignal;
  /** Share of the file read so far (0…1), at most every 100 ms, and 1 at the end. */
  onProgress?: (fraction: number) => void;
}

const READ_BYTES = 256 * 1024;
const HEAD_BYTES = 64 * 1024;
/** BS.1770 needs one complete 400 ms gating block. */
const MIN_DURATION_S = 0.4;
const AUDIO_EXTENSIONS = new Set([
  '.mp3',
  '.flac',
  '.ogg',
  '.oga',
  '.opus',
  '.m4a',
  '.mp4',
  '.aac',
  '.wav',
  '.aif',
  '.aiff',
  '.caf',
  '.webm',
]);

interface FileFacts {
  file: string;
  size: number;
  sniffed: Sniffed;
  /** Length the container states exactly (WAV data size, FLAC STREAMINFO, mp3 Xing/Info), in seconds. */
  declaredS: number | null;
  declaredChannels: number | null;
  replayGain: ReplayGainCheck | null;
}

async function readAt(file: string, position: number, length: number): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = new Uint8Array(length);
    const { bytesRead } = await fh.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function ioError(err: unknown): LoudnessError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new LoudnessError('not-found', 'file not found');
  if (code === 'EACCES' || code === 'EPERM') return new LoudnessError('unreadable', 'no permission to read the file');
  if (code === 'EISDIR') return new LoudnessError('unreadable', 'this is a folder, not an audio file');
  return new LoudnessError('unreadable', `the file could not be read (${code ?? (err as Error).message})`);
}

/** Where the file is and how big; missing, unreadable and empty files stop here. */
async function locate(path: string): Promise<{ file: string; size: number }> {
  const file = resolve(path);
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw new LoudnessError('unreadable', 'this is a folder, not an audio file');
    if (!st.isFile()) throw new LoudnessError('unreadable', 'not a regular file');
    if (st.size === 0) throw new LoudnessError('empty', 'the file is empty (0 bytes)');
    return { file, size: st.size };
  } catch (err) {
    throw err instanceof LoudnessError ? err : ioError(err);
  }
}

/** What the first bytes say the file is; anything that isn't audio we play stops here. */
async function identify(file: string, size: number): Promise<{ sniffed: Sniffed; head: Uint8Array; firstFrame: Uint8Array }> {
  let head: Uint8Array;
  let afterId3: Uint8Array | undefined;
  try {
    head = await readAt(file, 0, Math.min(size, HEAD_BYTES));
    const id3 = id3v2Size(head);
    if (id3 > 0) afterId3 = id3 + 4096 <= head.length ? head.subarray(id3) : await readAt(file, id3, 4096);
  } catch (err) {
    throw ioError(err);
  }
  const sniffed = sniffFormat(head, afterId3);
  if (!sniffed) {
    const ext = extname(file).toLowerCase();
    const named = AUDIO_EXTENSIONS.has(ext) ? `, although its name ends in ${ext}` : '';
    const what = looksLikeText(head) ? 'it contains text' : 'its content matches no audio format Stillroom plays';
    throw new LoudnessError(
      'unrecognised',
      `not an audio file: ${what}${named} (playable: MP3, FLAC, Ogg Vorbis, Opus, MPEG-4/AAC, WAV, AIFF)`,
    );
  }
  return { sniffed, head, firstFrame: afterId3 ?? head };
}

/** An MPEG-4 file whose last top-level box runs past the end of the file was cut short. */
async function checkMp4Complete(file: string, size: number): Promise<void> {
  const last = (await topLevelBoxes(file, size).catch(() => [])).at(-1);
  if (!last || last.start + last.size <= size) return;
  const amount = (n: number) => (n < 1e6 ? `${Math.round(n / 1e3)} kB` : `${Math.round(n / 1e5) / 10} MB`);
  throw new LoudnessError(
    'truncated',
    `the file ends after ${amount(size)} but its structure says ${amount(last.start + last.size)}: it was probably cut off while copying`,
  );
}

async function examine(path: string): Promise<FileFacts> {
  const { file, size } = await locate(path);
  const { sniffed, head, firstFrame } = await identify(file, size);
  if (sniffed.format === 'm4a') await checkMp4Complete(file, size);

  // Tags and header facts. A file whose tags can't be parsed may still decode: the decoder decides.
  let declaredS: number | null = null;
  let declaredChannels: number | null = null;
  let replayGain: ReplayGainCheck | null = null;
  try {
    const { parseFile } = await import('music-metadata');
    const meta = await parseFile(file, { duration: false, skipCovers: true });
    const f = meta.format;
    if (typeof f.numberOfChannels === 'number' && f.numberOfChannels > 0) declaredChannels = f.numberOfChannels;
    const rg = meta.common.replaygain_track_gain;
    if (rg) replayGain = checkReplayGain({ trackGainDb: rg.dB ?? null, trackPeak: meta.common.replaygain_track_peak?.ratio ?? null });
    // Only headers that state the length exactly (FLAC STREAMINFO, an mp3's Xing/Info frame) can reveal a cut.
    const stated = sniffed.format === 'flac' || (sniffed.format === 'mp3' && mp3StatesLength(firstFrame));
    if (stated && typeof f.duration === 'number' && Number.isFinite(f.duration) && f.duration > 0) declaredS = f.duration;
  } catch {
    // No tags, no declared length.
  }
  if (sniffed.format === 'wav') declaredS = wavDeclaredSeconds(head);
  return { file, size, sniffed, declaredS, declaredChannels, replayGain };
}

/** The file's bytes (MPEG-4: index first, so its decoder can stream), as the decoder reads them. */
async function* fileBytes(facts: FileFacts): AsyncGenerator<Uint8Array> {
  if (facts.sniffed.format === 'm4a') {
    yield* mp4IndexFirst(facts.file, facts.size, READ_BYTES);
    return;
  }
  const stream = createReadStream(facts.file, { highWaterMark: READ_BYTES });
  try {
    for await (const piece of stream) yield piece as Buffer;
  } finally {
    stream.destroy();
  }
}

/** The file's bytes, reporting progress and honouring cancellation; read errors are kept apart from decode errors. */
async function* readPieces(facts: FileFacts, options: AnalyseOptions, failed: { io: unknown }): AsyncGenerator<Uint8Array> {
  let read = 0;
  let lastReport = 0;
  try {
    for await (const piece of fileBytes(facts)) {
      if (options.signal?.aborted) throw new LoudnessError('cancelled', 'analysis cancelled');
      read += piece.length;
      const now = performance.now();
      if (options.onProgress && now - lastReport >= 100) {
        lastReport = now;
        options.onProgress(Math.min(1, read / facts.size));
      }
      yield piece;
    }
  } catch (err) {
    if (!(err instanceof LoudnessError)) failed.io = err;
    throw err;
  }
}

interface Meters {
  sampleRate: number;
  channels: number;
  loudness: LoudnessMeter;
  peak: TruePeakMeter;
  silence: SilenceScanner;
}

/**
 * Some decoders (mp3, aac) collapse identical channels to one, so a stereo file that starts
 * in silence arrives as mono pieces first. Those pieces are widened back to the file's width.
 */
function widen(channelData: Float32Array[], width: number): Float32Array[] {
  if (channelData.length === width) return channelData;
  if (channelData.length === 1 && width > 1) return Array.from({ length: width }, () => channelData[0] as Float32Array);
  throw new LoudnessError('corrupt', `the number of channels changes mid-file (from ${width} to ${channelData.length})`);
}

function decoderMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Decodes and measures; the caller has checked the file is there and is audio. */
async function measure(facts: FileFacts, options: AnalyseOptions): Promise<Meters | null> {
  const failed: { io: unknown } = { io: null };
  let meters: Meters | null = null;
  try {
    for await (const piece of decodeChunked(readPieces(facts, options, failed), facts.sniffed.format)) {
      if (piece.channelData.length === 0 || (piece.channelData[0] as Float32Array).length === 0) continue;
      if (!meters) {
        const rate = piece.sampleRate;
        const got = piece.channelData.length;
        const channels = got === 1 && facts.declaredChannels === 2 ? 2 : got;
        if (!(rate > 0)) throw new LoudnessError('corrupt', `the decoder reported an impossible sample rate (${rate})`);
        meters = {
          sampleRate: rate,
          channels,
          loudness: new LoudnessMeter(rate, channels),
          peak: new TruePeakMeter(rate, channels),
          silence: new SilenceScanner(rate, channels),
        };
      } else if (piece.sampleRate !== meters.sampleRate) {
        throw new LoudnessError('corrupt', `the sample rate changes mid-file (${meters.sampleRate} → ${piece.sampleRate} Hz)`);
      }
      const data = widen(piece.channelData, meters.channels);
      meters.loudness.add(data);
      meters.peak.add(data);
      meters.silence.add(data);
    }
  } catch (err) {
    if (err instanceof LoudnessError) throw err;
    if (failed.io) throw ioError(failed.io);
    throw new LoudnessError('corrupt', `the ${facts.sniffed.label} audio could not be decoded (${decoderMessage(err)})`);
  }
  return meters;
}

const secs = (s: number): string => `${Math.round(s * 10) / 10} s`;

/** Measures one file. Rejects with a `LoudnessError` for every kind of bad file. */
export async function analyseFile(path: string, options: AnalyseOptions = {}): Promise<LoudnessResult> {
  if (options.signal?.aborted) throw new LoudnessError('cancelled', 'analysis cancelled');
  const facts = await examine(path);
  const meters = await measure(facts, options);
  const durationS = meters ? meters.loudness.frames / meters.sampleRate : 0;
  if (facts.declaredS !== null) {
    const missing = facts.declaredS - durationS;
    if (missing > Math.max(1, 0.02 * facts.declaredS)) {
      throw new LoudnessError(
        'truncated',
        `the audio stops after ${secs(durationS)} but the file's header says ${secs(facts.declaredS)}: it was probably cut off while copying`,
      );
    }
  }
  if (!meters) throw new LoudnessError('corrupt', `no audio could be decoded from this ${facts.sniffed.label} file`);
  if (durationS < MIN_DURATION_S) {
    throw new LoudnessError('too-short', `only ${Math.round(durationS * 1000)} ms of audio; loudness needs at least 400 ms`);
  }
  const integratedLufs = meters.loudness.integratedLufs();
  if (integratedLufs === Number.NEGATIVE_INFINITY) throw new LoudnessError('silent', 'the file is silent (nothing above −70 LUFS)');
  const truePeakDbtp = meters.peak.finish();
  const cues = meters.silence.finish() ?? { cueInS: 0, cueOutS: durationS };
  options.onProgress?.(1);
  const rg = facts.replayGain;
  return {
    file: facts.file,
    integratedLufs,
    loudnessRangeLu: meters.loudness.loudnessRangeLu(),
    envelope: { ...meters.loudness.envelope(), peaks: meters.peak.envelope() },
    truePeakDbtp,
    cueInS: cues.cueInS,
    cueOutS: cues.cueOutS,
    durationS,
    sampleRate: meters.sampleRate,
    channels: meters.channels,
    replayGain: rg?.ok ? rg.tag : null,
    ...(rg && !rg.ok ? { replayGainIgnored: rg.reason } : {}),
    decodeWarnings: 0,
  };
}
