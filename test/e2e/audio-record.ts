/**
 * Recording and measuring what Chromium really played into the private PulseAudio sink, for
 * the playback end-to-end tests: parec into memory, then RMS per window, Goertzel at a tone's
 * frequency, BS.1770 loudness (the project's own meter, which agrees with ffmpeg's ebur128)
 * and the highest sample. Also generates the test music with sox and ffmpeg.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoudnessMeter } from '../../electron/services/loudness/meter';

export const RATE = 44100;

/** A recording in progress on a sink's monitor (16-bit stereo, 44.1 kHz). */
export interface Recording {
  /** Host wall time (ms) when parec was started (the first samples arrive a little later). */
  startedAt: number;
  stop(): Promise<Pcm>;
}

/** Planar stereo, as recorded. */
export interface Pcm {
  left: Float32Array;
  right: Float32Array;
  /** Highest absolute 16-bit sample value. */
  maxAbs: number;
}

export function record(source = 'room.monitor'): Recording {
  const chunks: Buffer[] = [];
  const startedAt = Date.now();
  const rec: ChildProcess = spawn(
    'parec',
    ['-d', source, '--format=s16le', `--rate=${RATE}`, '--channels=2', '--latency-msec=20', '--raw'],
    { env: process.env, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  rec.stdout?.on('data', (d: Buffer) => chunks.push(d));
  return {
    startedAt,
    async stop(): Promise<Pcm> {
      rec.kill('SIGINT');
      await new Promise((r) => rec.once('exit', r));
      const pcm = Buffer.concat(chunks);
      const n = Math.floor(pcm.length / 4);
      const left = new Float32Array(n);
      const right = new Float32Array(n);
      let maxAbs = 0;
      for (let i = 0; i < n; i++) {
        const l = pcm.readInt16LE(i * 4);
        const r = pcm.readInt16LE(i * 4 + 2);
        maxAbs = Math.max(maxAbs, Math.abs(l), Math.abs(r));
        left[i] = l / 32768;
        right[i] = r / 32768;
      }
      return { left, right, maxAbs };
    },
  };
}

const db = (x: number): number => (x > 1e-9 ? 20 * Math.log10(x) : -180);

/** RMS (dBFS, both channels) of each `winMs` window. */
export function rmsWindows(p: Pcm, winMs = 10): number[] {
  const w = Math.round((RATE * winMs) / 1000);
  const out: number[] = [];
  for (let at = 0; at + w <= p.left.length; at += w) {
    let sum = 0;
    for (let i = at; i < at + w; i++) sum += (p.left[i] as number) ** 2 + (p.right[i] as number) ** 2;
    out.push(db(Math.sqrt(sum / (2 * w))));
  }
  return out;
}

/** Seconds into the recording where sound first rises above `floorDb` (10 ms windows). */
export function onsetS(p: Pcm, floorDb = -60): number {
  const i = rmsWindows(p, 10).findIndex((v) => v > floorDb);
  return i < 0 ? Number.NaN : i * 0.01;
}

/** The longest run of 10 ms windows below `floorDb` between `fromS` and `toS`, in ms, and where it starts. */
export function longestSilenceMs(p: Pcm, fromS: number, toS: number, floorDb = -60): { ms: number; atS: number } {
  const w = rmsWindows(p, 10);
  let best = { ms: 0, atS: Number.NaN };
  let run = 0;
  for (let i = Math.floor(fromS * 100); i < Math.min(w.length, Math.floor(toS * 100)); i++) {
    if ((w[i] as number) < floorDb) {
      run++;
      if (run * 10 > best.ms) best = { ms: run * 10, atS: (i - run + 1) / 100 };
    } else run = 0;
  }
  return best;
}

/** Amplitude (dBFS, peak) of the tone at `freq` Hz in [fromS, fromS + lenS), Hann-windowed Goertzel on L+R. */
export function toneDb(p: Pcm, freq: number, fromS: number, lenS = 0.1): number {
  const a = Math.max(0, Math.round(fromS * RATE));
  const n = Math.min(Math.round(lenS * RATE), p.left.length - a);
  if (n <= 0) return -180;
  const k = (2 * Math.PI * freq) / RATE;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const x = (((p.left[a + i] as number) + (p.right[a + i] as number)) / 2) * hann;
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  // A Hann window halves the amplitude of a bin-centred tone: × 2 (sum of the window = n/2).
  return db((2 * Math.sqrt(Math.max(0, power))) / (n / 2));
}

/** Integrated loudness (LUFS, BS.1770 with gating) of [fromS, toS) of the recording. */
export function loudnessLufs(p: Pcm, fromS: number, toS: number): number {
  const a = Math.max(0, Math.round(fromS * RATE));
  const b = Math.min(p.left.length, Math.round(toS * RATE));
  const m = new LoudnessMeter(RATE, 2);
  m.add([p.left.subarray(a, b), p.right.subarray(a, b)]);
  return m.integratedLufs();
}

function run(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr}`);
}

export const hasTools = (): boolean => ['sox', 'ffmpeg', 'parec'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

/** Length of a marker burst (s). */
export const MARK_LEN_S = 0.01;

/**
 * Where, between `fromS` and `toS`, a Hann-shaped burst at `freq` Hz peaks (s into the
 * recording, to 0.1 ms), and how strong it is there (dBFS). The envelope is a Goertzel over a
 * window as long as the burst, slid 0.1 ms at a time; its peak is the burst's middle.
 */
export function burstPeakS(p: Pcm, freq: number, fromS: number, toS: number): { atS: number; db: number } {
  let best = { atS: Number.NaN, db: -180 };
  for (let t = Math.max(0, fromS); t + MARK_LEN_S <= toS; t += 0.0001) {
    const v = toneDb(p, freq, t, MARK_LEN_S);
    if (v > best.db) best = { atS: t + MARK_LEN_S / 2, db: v };
  }
  return best;
}

/**
 * A stereo tone file: `lead` s of silence, `seconds` of `freq` Hz whose peak is `peakDb`
 * dBFS, `trail` s of silence, encoded by its extension (ogg vorbis, mp3, flac, m4a aac, opus, wav).
 */
export function makeTone(
  dir: string,
  name: string,
  opts: { freq: number; peakDb: number; seconds: number; lead?: number; trail?: number; mark?: { atS: number; hz: number } },
): string {
  const wav = join(dir, `${name}.src.wav`);
  const parts = [
    '-n',
    '-r',
    String(RATE),
    '-c',
    '2',
    '-b',
    '16',
    wav,
    'synth',
    String(opts.seconds),
    'sine',
    String(opts.freq),
    'gain',
    '-n',
    String(opts.peakDb),
  ];
  if (opts.lead || opts.trail) parts.push('pad', String(opts.lead ?? 0), String(opts.trail ?? 0));
  run('sox', ['-R', ...parts]);
  if (opts.mark) {
    // A short Hann-shaped burst at `mark.hz`, mixed in at `mark.atS` s: a point in the music whose
    // moment can be found in a recording to a fraction of a millisecond (see `burstPeakS`).
    const burst = join(dir, `${name}.mark.wav`);
    const mixed = join(dir, `${name}.marked.wav`);
    run('sox', [
      '-R',
      '-n',
      '-r',
      String(RATE),
      '-c',
      '2',
      '-b',
      '16',
      burst,
      'synth',
      String(MARK_LEN_S),
      'sine',
      String(opts.mark.hz),
      'gain',
      '-n',
      '-20',
    ]);
    const shaped = join(dir, `${name}.mark-shaped.wav`);
    // sox's `fade h` is a half-cosine (Hann) in and out: the burst's envelope peaks at its middle.
    run('sox', [
      burst,
      shaped,
      'fade',
      'h',
      String(MARK_LEN_S / 2),
      String(MARK_LEN_S),
      String(MARK_LEN_S / 2),
      'pad',
      String(opts.mark.atS - MARK_LEN_S / 2),
    ]);
    run('sox', ['-m', wav, shaped, mixed, 'trim', '0', String(opts.seconds + (opts.lead ?? 0) + (opts.trail ?? 0))]);
    renameSync(mixed, wav);
  }
  const out = join(dir, name);
  const codec: Record<string, string[]> = {
    ogg: ['-c:a', 'libvorbis', '-q:a', '6'],
    mp3: ['-c:a', 'libmp3lame', '-b:a', '192k'],
    flac: ['-c:a', 'flac'],
    m4a: ['-c:a', 'aac', '-b:a', '192k'],
    opus: ['-c:a', 'libopus', '-b:a', '128k'],
    wav: ['-c:a', 'pcm_s16le'],
  };
  const ext = name.split('.').pop() ?? '';
  const args = codec[ext];
  if (!args) throw new Error(`no codec for ${name}`);
  run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', wav, ...args, out]);
  return out;
}

/** "An mp3 that is really text". */
export function makeMislabelled(dir: string, name: string): string {
  const out = join(dir, name);
  writeFileSync(out, 'This is a shopping list, not music.\n'.repeat(200));
  return out;
}
