/**
 * Loudness analysis figures: speed (× real time on one core, the main thread, no worker) and
 * the peak memory an analysis adds, over a generated ~5-minute stereo track (WAV; MP3 and
 * m4a too when ffmpeg is installed). For contrast it also measures the whole-buffer way (decode the
 * whole file, hand it to ebur128-wasm), which is what streaming avoids.
 *
 * Memory is measured in a fresh child process per figure (peak RSS minus the RSS after
 * warm-up), so one figure's garbage can't inflate another's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import decode from 'audio-decode';
import { analyseFile } from '../../electron/services/loudness/analyse';
import { integratedLufsWhole, truePeakDbtp } from '../../electron/services/loudness/ebur128';
import { analyseMany } from '../../electron/services/loudness/pool';
import { hasTool, run, sine, writeWav } from '../fixtures/audio-gen';

const RATE = 44100;
const SECONDS = 300;
const CHILD_FLAG = '--loudness-bench-child';

/**
 * Something like ambient music, written 10 s at a time: two slowly breathing drones, a pad of
 * filtered noise that swells and fades (so the loudness range is not zero), different per channel.
 */
function writeMusicWav(path: string, seconds: number): void {
  const frames = seconds * RATE;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + frames * 4, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(frames * 4, 40);
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  let seed = 12345;
  let lowL = 0;
  let lowR = 0;
  const block = 10 * RATE;
  for (let start = 0; start < frames; start += block) {
    const n = Math.min(block, frames - start);
    const out = Buffer.alloc(n * 4);
    for (let i = 0; i < n; i++) {
      const t = (start + i) / RATE;
      const swell = 0.5 + 0.45 * Math.sin((2 * Math.PI * t) / 47);
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const w1 = seed / 2 ** 31 - 1;
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const w2 = seed / 2 ** 31 - 1;
      lowL += 0.02 * (w1 - lowL);
      lowR += 0.02 * (w2 - lowR);
      const drone = 0.08 * (1 + 0.3 * Math.sin(2 * Math.PI * 0.1 * t));
      const l = drone * Math.sin(2 * Math.PI * 110 * t) + 0.05 * Math.sin(2 * Math.PI * 164.8 * t) + 0.6 * swell * lowL;
      const r = drone * Math.sin(2 * Math.PI * 110.4 * t) + 0.05 * Math.sin(2 * Math.PI * 220 * t) + 0.6 * swell * lowR;
      out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, l)) * 32767), i * 4);
      out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, r)) * 32767), i * 4 + 2);
    }
    writeSync(fd, out);
  }
  closeSync(fd);
}

/** In the child: warm up, then report how much one analysis raised the peak RSS (MB). */
async function child(mode: string, file: string, warmup: string): Promise<void> {
  await analyseFile(warmup); // loads the decoders and the WASM meter
  if (mode === 'whole') {
    const d = await decode(readFileSync(warmup));
    integratedLufsWhole(d.sampleRate, d.channelData.slice(0, 2));
  }
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().rss;
  if (mode === 'stream') {
    await analyseFile(file);
  } else {
    const d = await decode(readFileSync(file));
    const ch = d.channelData.slice(0, 2);
    integratedLufsWhole(d.sampleRate, ch);
    truePeakDbtp(d.sampleRate, ch);
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ mb: Math.max(0, peak - base) / 1e6 })}\n`);
}

function peakRssIncreaseMb(mode: 'stream' | 'whole', file: string, warmup: string): number {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, CHILD_FLAG, mode, file, warmup], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return (JSON.parse(line) as { mb: number }).mb;
  } catch {
    throw new Error(`loudness bench child (${mode}) failed: ${r.stderr.slice(-1000)}`);
  }
}

async function speed(file: string, seconds: number): Promise<number> {
  const t0 = performance.now();
  await analyseFile(file);
  return seconds / ((performance.now() - t0) / 1000);
}

/** Runs `jobs` at most `parallel` at a time; resolves when all are done. */
async function inParallel(jobs: Array<() => Promise<void>>, parallel: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
    }),
  );
}

const ffmpegEbur128 = (file: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const p = spawn('ffmpeg', ['-nostats', '-hide_banner', '-i', file, '-filter_complex', 'ebur128=peak=true', '-f', 'null', '-'], {
      stdio: 'ignore',
    });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ebur128 ${file}: exit ${code}`))));
  });

/**
 * The side-by-side: 16 files (4 each of mp3, ogg, flac, m4a; 90 s of music-like sound),
 * measured by ffmpeg's `ebur128` filter with one process per core at a time, and by Stillroom's
 * pool with 1, 2 and one worker per core (the default), in the same run. Ratios are ffmpeg's wall
 * clock over ours: above 1 Stillroom is faster. The pool runs the bundled worker when the app is
 * built (as the host does), else the TypeScript one through tsx (slower to start).
 */
export async function versusFfmpeg(dir: string): Promise<Record<string, number>> {
  const cores = availableParallelism();
  const wav = join(dir, 'side.wav');
  writeMusicWav(wav, 90);
  const codecs: Record<string, string[]> = {
    mp3: ['-c:a', 'libmp3lame', '-b:a', '192k'],
    ogg: ['-c:a', 'libvorbis', '-q:a', '5'],
    flac: ['-c:a', 'flac'],
    m4a: ['-c:a', 'aac', '-b:a', '192k'],
  };
  const files: string[] = [];
  for (const [ext, args] of Object.entries(codecs)) {
    for (let i = 0; i < 4; i++) {
      const f = join(dir, `side-${i}.${ext}`);
      // Each copy a little different (gain), so no two are the same file.
      run('ffmpeg', ['-i', wav, '-af', `volume=${-i}dB`, ...args, f]);
      files.push(f);
    }
  }
  const bundled = join(import.meta.dirname, '..', '..', 'out', 'main', 'loudness-worker.js');
  const workerUrl = existsSync(bundled) ? new URL(`file://${bundled}`) : undefined;
  const ours = async (concurrency: number): Promise<number> => {
    const t0 = performance.now();
    const out = await analyseMany(files, { concurrency, ...(workerUrl ? { workerUrl } : {}) });
    if (out.some((o) => !o.ok)) throw new Error('loudness bench: a file failed to measure');
    return (performance.now() - t0) / 1000;
  };
  const t0 = performance.now();
  await inParallel(
    files.map((f) => () => ffmpegEbur128(f)),
    cores,
  );
  const ffmpegS = (performance.now() - t0) / 1000;
  const one = await ours(1);
  const two = await ours(2);
  const all = await ours(cores);
  return {
    loudness_16_files_ffmpeg_wall_s: ffmpegS,
    loudness_16_files_default_wall_s: all,
    loudness_16_files_vs_ffmpeg_ratio_1_worker: ffmpegS / one,
    loudness_16_files_vs_ffmpeg_ratio_2_workers: ffmpegS / two,
    loudness_16_files_vs_ffmpeg_ratio_default: ffmpegS / all,
    loudness_workers_default: cores,
  };
}

export async function benchLoudness(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'stillroom-bench-loudness-'));
  try {
    const wav = join(dir, 'music.wav');
    const warm = writeWav(join(dir, 'warm.wav'), [sine(1, RATE, 440, -20), sine(1, RATE, 440, -20)], RATE);
    writeMusicWav(wav, SECONDS);
    await analyseFile(warm);
    const out: Record<string, number> = {
      loudness_wav_5min_x_realtime: await speed(wav, SECONDS),
    };
    if (!hasTool('ffmpeg')) {
      out.loudness_wav_5min_peak_rss_increase_mb = peakRssIncreaseMb('stream', wav, warm);
      out.loudness_wav_5min_whole_buffer_peak_rss_increase_mb = peakRssIncreaseMb('whole', wav, warm);
      return out;
    }
    const mp3 = join(dir, 'music.mp3');
    const m4a = join(dir, 'music.m4a'); // ffmpeg's default layout: the index after the audio
    run('ffmpeg', ['-i', wav, '-c:a', 'libmp3lame', '-b:a', '192k', mp3]);
    run('ffmpeg', ['-i', wav, '-c:a', 'aac', '-b:a', '192k', m4a]);
    out.loudness_mp3_5min_x_realtime = await speed(mp3, SECONDS);
    out.loudness_m4a_5min_x_realtime = await speed(m4a, SECONDS);
    out.loudness_mp3_5min_peak_rss_increase_mb = peakRssIncreaseMb('stream', mp3, warm);
    out.loudness_m4a_5min_peak_rss_increase_mb = peakRssIncreaseMb('stream', m4a, warm);
    out.loudness_mp3_5min_whole_buffer_peak_rss_increase_mb = peakRssIncreaseMb('whole', mp3, warm);
    Object.assign(out, await versusFfmpeg(dir));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === CHILD_FLAG) {
  await child(process.argv[3] ?? 'stream', process.argv[4] ?? '', process.argv[5] ?? '');
}
