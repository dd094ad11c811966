/**
 * Playback figures, measured in Chromium against the browser host (with a private PulseAudio
 * where there is one, so the output really runs):
 *
 * - **Formats and start accuracy**: a program of short tracks in every format Stillroom
 *   plays (mp3, flac, m4a/aac, ogg vorbis, opus, wav) with 2 s crossfades. Each on-time start
 *   is timed from the recorded output (`start-timing.ts`: a marker in each track against a
 *   reference burst scheduled on the audio clock) → p50/p99 over the starts that are
 *   crossfades; the engine's own estimate beside it (`…_page_p99_ms`).
 *   Twice, the file of the track playing is deleted mid-track, and once it is truncated to a
 *   quarter (a sync client replacing it): how long until the host notices, until the
 *   replacement sounds, and the longest silence on the output meter.
 * - **Long program, bounded memory**: 30 tracks of 25 minutes (a 12½-hour playlist, far
 *   more than the 3-hour program it stands for), played as a fast program: every 5 s the
 *   therapist skips, so each long file is opened, streamed, crossfaded and released. Renderer
 *   memory (RSS of Chromium's renderer processes; PSS of the page's renderer from
 *   `/proc/PID/smaps_rollup`, which splits shared pages fairly; the page's JS heap) is sampled
 *   throughout; a decoding player would add ~400 MiB per track, a streaming one stays flat.
 *   Beside it, the floor: a bare page (one `<audio>` element, nothing else) playing one of
 *   the same long files, measured the same way. The four long source files and their
 *   measurements are made once and kept in the temp folder (`longSources`), so only the first
 *   run spends minutes encoding and measuring; the program itself plays in real time (about
 *   3 minutes: 30 skips 5 s apart, then 15 s of the bare page).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { identityOf, LoudnessCache, LoudnessPool } from '../../electron/services/loudness';
import { makeTone, record } from '../e2e/audio-record';
import { HostView } from '../e2e/host-view';
import { launchChromium, startHost, stopHost } from '../e2e/launcher';
import { startPulse } from '../e2e/pulse';
import { pageRendererPid, pssMb } from './procs';
import { installReferenceBursts, MARK_HZ, MARK_S, scheduledRefs, startErrorsFromRecording } from './start-timing';

const FORMATS = ['mp3', 'flac', 'm4a', 'ogg', 'opus', 'wav'] as const;
const LONG_S = 25 * 60;
const LONG_TRACKS = Number(process.env.BENCH_LONG_TRACKS ?? 30);
const LOSSY = ['mp3', 'm4a', 'ogg', 'opus'] as const;

/** A hard link where the temp folder allows it (same file system), else a copy. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

interface Debug {
  voices: Array<{ id: string; trackId: string; state: string }>;
  startErrorsMs: number[];
  failedAt: Record<string, number>;
  rmsDb: number;
  underruns: { events: number; ms: number } | null;
}

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
};

function presetJson(id: string, refs: Array<{ title: string; asset: string; durationS: number }>, crossfadeS: number, plannedMin: number) {
  return {
    format: 'stillroom.preset/1',
    id,
    name: id,
    route: 'demo',
    phases: [
      {
        kind: 'preparation',
        name: 'Program',
        plannedMin,
        crossfadeS,
        volume: 1,
        runOut: 'repeat',
        playlist: refs.map((r) => ({ ...r, artist: 'bench' })),
        light: { level: 40, kelvin: 2700, transitionS: 5 },
      },
    ],
  };
}

const debug = (page: Page): Promise<Debug> =>
  page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __stillroomAudio: unknown }).__stillroomAudio)) as Debug);

/** RSS (MB) of this Chromium's renderer processes: the children of the browser we launched. */
function rendererRssMb(): number {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' }).stdout.trim().split('\n');
  const rows = ps.map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l);
    return m ? { pid: Number(m[1]), ppid: Number(m[2]), rss: Number(m[3]), args: m[4] as string } : null;
  });
  const mine = new Set<number>([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of rows) {
      if (r && !mine.has(r.pid) && mine.has(r.ppid)) {
        mine.add(r.pid);
        grew = true;
      }
    }
  }
  return rows.filter((r) => r && mine.has(r.pid) && r.args.includes('--type=renderer')).reduce((kb, r) => kb + (r?.rss ?? 0), 0) / 1024;
}

/**
 * Seeds the loudness cache as if the clinic's library had been measured before (each distinct
 * source file once, then by identity). `remembered` keeps measurements between bench runs
 * (the long files are the same every time: measuring 4 × 25 minutes again costs minutes).
 */
async function seedCache(
  dataDir: string,
  files: string[],
  measureOne: (f: string) => string,
  remembered: string | null = null,
): Promise<void> {
  const { cache } = await LoudnessCache.open(dataDir);
  const pool = new LoudnessPool({ cache });
  type Outcome = Awaited<ReturnType<LoudnessPool['analyse']>>;
  const measured = new Map<string, Outcome>();
  if (remembered && existsSync(remembered)) {
    for (const [src, o] of Object.entries(JSON.parse(readFileSync(remembered, 'utf8')) as Record<string, Outcome>)) measured.set(src, o);
  }
  let fresh = false;
  for (const f of files) {
    const src = measureOne(f);
    let outcome = measured.get(src);
    if (!outcome) {
      outcome = await pool.analyse(src);
      measured.set(src, outcome);
      fresh = true;
    }
    const id = await identityOf(f);
    if (id) cache.store({ ...outcome, file: f }, id);
  }
  if (remembered && fresh) writeFileSync(remembered, JSON.stringify(Object.fromEntries(measured)));
  await pool.close();
}

/**
 * The long program's four source files (25 minutes each, one per lossy format) and their
 * measurements, made once and kept in the system's temp folder under a name that holds every
 * parameter, so a second bench run starts playing at once (the first spends minutes encoding
 * and measuring 100 minutes of audio).
 */
function longSources(): { dir: string; measured: string } {
  const dir = join(tmpdir(), `stillroom-bench-long-v1-${LONG_S}s-220hz`);
  mkdirSync(dir, { recursive: true });
  const codec: Record<(typeof LOSSY)[number], string[]> = {
    mp3: ['-c:a', 'libmp3lame', '-b:a', '128k'],
    m4a: ['-c:a', 'aac', '-b:a', '128k'],
    ogg: ['-c:a', 'libvorbis', '-q:a', '3'],
    opus: ['-c:a', 'libopus', '-b:a', '64k'],
  };
  for (const fmt of LOSSY) {
    const out = join(dir, `long.${fmt}`);
    if (existsSync(out)) continue;
    const partial = join(dir, `partial.${fmt}`);
    const r = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=220:duration=${LONG_S}:sample_rate=44100`,
        '-af',
        'volume=-12dB',
        '-ac',
        '2',
        ...codec[fmt],
        partial,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr}`);
    renameSync(partial, out); // only a whole file is ever reused
  }
  return { dir, measured: join(dir, 'measured.json') };
}

async function startedSession(page: Page, view: HostView, presetId: string): Promise<number> {
  await page.getByRole('button', { name: 'Start session' }).waitFor();
  await page.waitForFunction(
    () => (window as unknown as { __stillroomAudio?: { ctxState: string } }).__stillroomAudio?.ctxState === 'running',
  );
  await page.waitForTimeout(500);
  const r = await view.send('startSession', { presetId });
  if (!r.ok) throw new Error(`startSession: ${r.error}`);
  for (let i = 0; i < 100 && view.last?.session?.status !== 'running'; i++) await page.waitForTimeout(50);
  return view.last?.session?.startedAt ?? Date.now();
}

/** Formats, start accuracy and failure recovery on a program of short tracks. */
async function formatsAndStarts(root: string): Promise<Record<string, number>> {
  const media = join(root, 'assets', 'bench');
  const dataDir = join(root, 'data-short');
  mkdirSync(media, { recursive: true });
  mkdirSync(join(dataDir, 'presets'), { recursive: true });
  const refs: Array<{ title: string; asset: string; durationS: number }> = [];
  for (const [i, fmt] of FORMATS.entries()) {
    makeTone(media, `short.${fmt}`, { freq: 300 + 60 * i, peakDb: -14, seconds: 7, mark: { atS: MARK_S, hz: MARK_HZ } });
  }
  for (let round = 0; round < 4; round++) {
    for (const fmt of FORMATS) {
      const name = `r${round}-${fmt}.${fmt}`;
      // Copies, not links: one of them is truncated in place during the run.
      copyFileSync(join(media, `short.${fmt}`), join(media, name));
      refs.push({ title: `${fmt} ${round}`, asset: `bench/${name}`, durationS: 7 });
    }
  }
  writeFileSync(join(dataDir, 'presets', 'bench-short.stillroom.json'), JSON.stringify(presetJson('bench-short', refs, 2, 30)));
  await seedCache(
    dataDir,
    refs.map((r) => join(root, 'assets', r.asset)),
    (f) => f,
  );

  process.env.STILLROOM_EXTRA_ASSET_DIR = join(root, 'assets');
  const host = await startHost(dataDir, ['--preset', 'bench-short']);
  delete process.env.STILLROOM_EXTRA_ASSET_DIR;
  const { context, close } = await launchChromium();
  const view = new HostView(host.url);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(host.url);
    await view.ready();
    // The page's own output level and which voices sound, every 10 ms, to time failures.
    await page.evaluate(() => {
      type V = { id: string; state: string; gain: number };
      const w = window as unknown as {
        __levels: Array<[number, number, string[]]>;
        __stillroomAudio: { rmsDb: number; voices: V[] };
      };
      w.__levels = [];
      setInterval(() => {
        const a = w.__stillroomAudio;
        const audible = a.voices.filter((v) => v.state === 'playing' && v.gain > 0.01).map((v) => v.id);
        w.__levels.push([Date.now(), a.rmsDb, audible]);
      }, 10);
    });
    // Recorded from the private sink in real time: the start errors are read off the recording.
    const rec = record();
    const t0 = await startedSession(page, view, 'bench-short');
    await installReferenceBursts(page, t0);
    const session = view.last?.session;
    const end = (view.last?.timeline?.segments ?? []).filter((s) => s.start < t0 + refs.length * 5500).at(-1)?.end ?? t0 + 120_000;
    const playedFormats = new Set<string>();
    // Twice, the file of the track playing alone is deleted mid-track, once truncated to a quarter
    // (the host notices, the next fades in).
    const deleteAt = [t0 + 25_000, t0 + 60_000, t0 + 95_000];
    const deleted: Array<{ at: number; trackId: string; truncated: boolean }> = [];
    while (Date.now() < Math.min(end, t0 + 150_000)) {
      const now = Date.now();
      const solo = (view.last?.timeline?.segments ?? []).filter((x) => x.start <= now && x.end > now);
      if (deleteAt.length > 0 && now >= (deleteAt[0] as number) && solo.length === 1 && (solo[0]?.fadeOutStart ?? 0) - now > 2500) {
        deleteAt.shift();
        const seg = solo[0];
        const file = seg ? session?.plan.tracks[seg.trackId]?.file : null;
        if (seg && file) {
          const truncated = deleted.length === 2;
          if (truncated) truncateSync(file, Math.floor(statSync(file).size / 4));
          else unlinkSync(file);
          deleted.push({ at: Date.now(), trackId: seg.trackId, truncated });
        }
      }
      const d = await debug(page);
      for (const v of d.voices) {
        if (v.state !== 'playing') continue;
        const file = session?.plan.tracks[v.trackId]?.file ?? '';
        playedFormats.add(file.split('.').pop() ?? '');
      }
      await page.waitForTimeout(250);
    }
    const pcm = await rec.stop();
    const d = await debug(page);
    const formatOfTrack = (trackId: string): string => session?.plan.tracks[trackId]?.file?.split('.').pop() ?? '?';
    const heard = startErrorsFromRecording(pcm, await scheduledRefs(page, formatOfTrack), (h) => (h - rec.startedAt) / 1000 + 0.1);
    const errors = heard.map((h) => h.errorMs);
    if (process.env.BENCH_VERBOSE) {
      process.stderr.write(`start errors in the page: ${d.startErrorsMs.join(' ')}\n`);
      process.stderr.write(
        `start errors recorded: ${heard.map((h) => `${h.format} ${h.errorMs.toFixed(1)} [${h.align.join(' ')}]`).join(', ')}\n`,
      );
    }
    const levels = await page.evaluate(() => (window as unknown as { __levels: Array<[number, number, string[]]> }).__levels);
    const failures = view.last?.session?.failures ?? [];
    const segments = view.last?.timeline?.segments ?? [];
    const timings = deleted.map(({ at, trackId, truncated }) => {
      const failure = failures.find((f) => f.trackId === trackId);
      const replacement = failure ? segments.find((x) => x.start === failure.at && x.trackId !== trackId) : undefined;
      // The replacement's voice sounding (its element playing, its fade above 1 %).
      const heard = replacement ? levels.find(([t, , ids]) => t >= (failure?.at ?? 0) && ids.includes(replacement.id)) : undefined;
      let run = 0;
      let silent = 0;
      for (const [t, db] of levels) {
        if (t < at - 2000 || t > at + 4000) continue;
        run = db < -60 ? run + 10 : 0;
        silent = Math.max(silent, run);
      }
      return {
        truncated,
        notice: failure ? failure.at - at : Number.NaN,
        replaced: heard && failure ? heard[0] - failure.at : Number.NaN,
        silent,
      };
    });
    return {
      audio_formats_played_of_6: FORMATS.filter((f) => playedFormats.has(f)).length,
      audio_format_failures: failures.filter((f) => !deleted.some((x) => x.trackId === f.trackId)).length,
      // From the recording: |error| (early or late); the bias says which way it leans (+ = late).
      audio_crossfade_start_error_p50_ms: quantile(errors.map(Math.abs), 0.5),
      audio_crossfade_start_error_p99_ms: quantile(errors.map(Math.abs), 0.99),
      audio_crossfade_start_bias_ms: quantile(errors, 0.5),
      audio_crossfade_starts_measured: errors.length,
      // The engine's own estimate (element position against the plan, ~1 s in), for comparison.
      audio_crossfade_start_error_page_p99_ms: quantile(d.startErrorsMs.map(Math.abs), 0.99),
      audio_deleted_track_noticed_ms_max: Math.max(...timings.map((t) => t.notice)),
      audio_failed_track_to_replacement_sounding_ms_max: Math.max(...timings.map((t) => t.replaced)),
      audio_failed_track_to_music_again_ms: Math.max(...timings.map((t) => t.notice + t.replaced)),
      audio_failed_track_longest_silence_ms: Math.max(...timings.map((t) => t.silent)),
      audio_truncated_track_noticed_ms: timings.find((t) => t.truncated)?.notice ?? Number.NaN,
      audio_truncated_track_longest_silence_ms: timings.find((t) => t.truncated)?.silent ?? Number.NaN,
      audio_failures_measured: timings.filter((t) => Number.isFinite(t.replaced)).length,
      audio_output_underruns: d.underruns?.events ?? Number.NaN,
    };
  } finally {
    view.close();
    await close();
    await stopHost(host);
  }
}

/** Renderer memory over a fast program of 30 long (25-minute) tracks. */
async function longProgram(root: string): Promise<Record<string, number>> {
  const media = join(root, 'assets', 'long');
  const dataDir = join(root, 'data-long');
  mkdirSync(media, { recursive: true });
  mkdirSync(join(dataDir, 'presets'), { recursive: true });
  const sources = longSources();
  const refs = Array.from({ length: LONG_TRACKS }, (_, i) => {
    const fmt = LOSSY[i % LOSSY.length] as string;
    const name = `t${String(i).padStart(2, '0')}.${fmt}`;
    // Copies of the kept sources would cost 30 × 25 minutes of disk; links cost nothing.
    linkOrCopy(join(sources.dir, `long.${fmt}`), join(media, name));
    return { title: `Long ${i}`, asset: `long/${name}`, durationS: LONG_S };
  });
  writeFileSync(join(dataDir, 'presets', 'bench-long.stillroom.json'), JSON.stringify(presetJson('bench-long', refs, 4, 180)));
  await seedCache(
    dataDir,
    refs.map((r) => join(root, 'assets', r.asset)),
    (f) => join(sources.dir, `long.${f.split('.').pop()}`),
    sources.measured,
  );

  process.env.STILLROOM_EXTRA_ASSET_DIR = join(root, 'assets');
  const host = await startHost(dataDir, ['--preset', 'bench-long']);
  delete process.env.STILLROOM_EXTRA_ASSET_DIR;
  const { context, close } = await launchChromium();
  const view = new HostView(host.url);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(host.url);
    await view.ready();
    await startedSession(page, view, 'bench-long');
    await page.waitForTimeout(6000);
    const cdp = await context.newCDPSession(page);
    const heapMb = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      return usedSize / 1024 / 1024;
    };
    const rss: number[] = [];
    const pss: number[] = [];
    const heap: number[] = [];
    let skipped = 0;
    for (let i = 0; i < LONG_TRACKS; i++) {
      const r = await view.send('skipTrack', {});
      if (r.ok) skipped++;
      await page.waitForTimeout(5000);
      rss.push(rendererRssMb());
      const pid = pageRendererPid();
      pss.push(pid === null ? Number.NaN : pssMb(pid));
      if (i % 5 === 4) heap.push(await heapMb());
    }
    const d = await debug(page);
    if (process.env.BENCH_VERBOSE)
      process.stderr.write(
        `renderer RSS (MB) after each skip: ${rss.map((x) => x.toFixed(0)).join(' ')}\nheap: ${heap.map((x) => x.toFixed(1)).join(' ')}\n`,
      );
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const base = mean(rss.slice(0, 3));
    const tail = mean(rss.slice(-3));
    return {
      audio_long_program_tracks: skipped,
      audio_long_program_renderer_rss_mb_peak: Math.max(...rss),
      audio_long_program_renderer_rss_growth_mb: tail - base,
      audio_long_program_renderer_pss_mb_peak: Math.max(...pss),
      audio_long_program_renderer_pss_growth_mb: mean(pss.slice(-3)) - mean(pss.slice(0, 3)),
      audio_bare_page_one_long_track_pss_mb: await barePageFloor(join(sources.dir, 'long.mp3')),
      audio_long_program_js_heap_mb_end: heap.at(-1) ?? Number.NaN,
      audio_long_program_js_heap_growth_mb: (heap.at(-1) ?? 0) - (heap[0] ?? 0),
      audio_long_program_voices_alive_at_end: d.voices.length,
      audio_long_program_failures: view.last?.session?.failures.length ?? Number.NaN,
    };
  } finally {
    view.close();
    await close();
    await stopHost(host);
  }
}

/**
 * The floor for the memory figures: a page with nothing but one `<audio>` element playing one
 * of the long files (served by Playwright on a made-up origin), PSS of its renderer after 15 s.
 */
export async function barePageFloor(file: string): Promise<number> {
  const { context, close } = await launchChromium();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const body = readFileSync(file);
    await page.route('http://floor.invalid/**', (route) =>
      route.request().url().endsWith('.mp3')
        ? route.fulfill({ status: 200, headers: { 'content-type': 'audio/mpeg' }, body })
        : route.fulfill({ status: 200, headers: { 'content-type': 'text/html' }, body: '<audio src="/long.mp3" autoplay></audio>' }),
    );
    await page.goto('http://floor.invalid/');
    await page.waitForFunction(() => (document.querySelector('audio')?.currentTime ?? 0) > 1, undefined, { timeout: 20_000 });
    await page.waitForTimeout(15_000); // real time: the element streams and plays as it would in a session
    const pid = pageRendererPid();
    return pid === null ? Number.NaN : pssMb(pid);
  } finally {
    await close();
  }
}

export async function benchAudio(only: 'short' | 'long' | null = null): Promise<Record<string, number>> {
  if (!has('ffmpeg') || !has('sox')) return {};
  const root = mkdtempSync(join(tmpdir(), 'stillroom-bench-audio-'));
  const pulse = await startPulse(join(root, 'pulse'));
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (pulse) process.env.XDG_RUNTIME_DIR = pulse.runtimeDir;
  try {
    return {
      ...(only !== 'long' ? await formatsAndStarts(root) : {}),
      ...(only !== 'short' ? await longProgram(root) : {}),
    };
  } finally {
    if (runtime === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = runtime;
    await pulse?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('audio.ts') && process.argv.includes('--run')) {
  const only = process.argv.includes('--short') ? 'short' : process.argv.includes('--long') ? 'long' : null;
  const out = await benchAudio(only);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
