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
 * - **Levelling by what is heard** (`heardLoudness`): tracks whose openings are far from their
 *   whole-track loudness, cut early by short phases; the spread of their recorded steady levels.
 * - **Quiet idle**: before the program moves on, 60 s of the session on its first long track
 *   with the light steady: CPU of the page's renderer and of all Chromium processes (`/proc`).
 * - **Long program, bounded memory**: 30 tracks of 25 minutes (a 12½-hour playlist, far
 *   more than the 3-hour program it stands for), played as a fast program: every 5 s the
 *   therapist skips, so each long file is opened, streamed, crossfaded and released. Renderer
 *   memory (RSS of Chromium's renderer processes; PSS of the page's renderer from
 *   `/proc/PID/smaps_rollup`, which splits shared pages fairly; the page's JS heap) is sampled
 *   throughout; a decoding player would add ~400 MiB per track, a streaming one stays flat.
 *   Beside it, the floor: a bare page (two `<audio>` elements, nothing else) playing one of
 *   the long files, then the same 30 files at the same pace, measured the same way
 *   (`barePageFloor`). The four long source files and their
 *   measurements are made once and kept in the temp folder (`longSources`), so only the first
 *   run spends minutes encoding and measuring; the program itself plays in real time (about
 *   12 minutes: 60 s idle, 30 skips 5 s apart, then the bare page's 45 s, its own program, and
 *   38 s of the same file routed through Web Audio — the floor for a player that fades on the
 *   audio clock — and the 30 files once more, routed the same way, a new element each).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
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
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { heardSection, sectionGain, trackGain } from '../../electron/core/gain';
import { identityOf, LoudnessCache, LoudnessPool } from '../../electron/services/loudness';
import { planStatic } from '../../electron/services/static';
import { loudnessLufs, makeTone, record } from '../e2e/audio-record';
import { HostView } from '../e2e/host-view';
import { launchChromium, startHost, stopHost } from '../e2e/launcher';
import { startPulse } from '../e2e/pulse';
import { busiestThreads, idleCpu, pageRendererPid, pssMb } from './procs';
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
): Promise<Map<string, Awaited<ReturnType<LoudnessPool['analyse']>>>> {
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
  return measured;
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
        `start errors recorded: ${heard.map((h) => `${h.id} ${h.format} ${h.errorMs.toFixed(1)} at +${((h.start - t0) / 1000).toFixed(2)} s [${h.align.join(' ')}]`).join(', ')}\n`,
      );
      const failed = (view.last?.session?.failures ?? []).map((f) => `${f.trackId} at +${((f.at - t0) / 1000).toFixed(2)} s`);
      process.stderr.write(
        `failures: ${failed.join(', ')}; files changed at ${deleted.map((x) => `+${((x.at - t0) / 1000).toFixed(2)} s`).join(' ')}\n`,
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
  let result: Record<string, number>;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(host.url);
    await view.ready();
    await startedSession(page, view, 'bench-long');
    await page.waitForTimeout(6000); // the light's 5 s move settles; the first long track plays on
    const cdp = await context.newCDPSession(page);
    // Quiet idle: 60 s of the session on its first 25-minute track with the light steady, as the
    // OS counts CPU (/proc) for the page's renderer and for every Chromium process (the audio
    // service included), and as CDP counts the renderer's main-thread tasks and script. With
    // BENCH_VERBOSE the busiest threads are listed. Most of it is the audio path, not the page
    // (session 10, one run each): the renderer's `AudioOutputDevice` (Web Audio's render thread)
    // 1.17 %, `Media` (decoding) 0.85 %, main thread 0.80 % (JS in it ~0.2 %: a CPU profile puts
    // the rest in style, layout and paint of the clocks), the audio service's `threaded-ml` 1.17 %.
    // A larger output buffer cuts the audio threads — `latencyHint: 'playback'` (1,024 frames):
    // renderer 3.2 %, all Chromium 5.6 %; `0.1` s (4,410 frames): 2.5 % and 4.4 %, level with a
    // bare `<audio>` — but the audio clock then advances in steps that size, the start alarms and
    // alignment readings with it, and crossfade starts were off by up to 14 ms ('playback') and
    // 109 ms (0.1 s) against 2.8 ms at the default. The default stays.
    await cdp.send('Performance.enable');
    const metric = async (): Promise<Record<string, number>> => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
      return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
    };
    const idleWindowS = 60;
    const m0 = await metric();
    const idle = await idleCpu(idleWindowS * 1000);
    const m1 = await metric();
    if (process.env.BENCH_VERBOSE) process.stderr.write(`idle session, busiest threads: ${busiestThreads(idle.threads)}\n`);
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
    result = {
      renderer_cpu_idle_session_pct_of_core: idle.rendererPct,
      chromium_cpu_idle_session_pct_of_core: idle.chromiumPct,
      renderer_task_idle_session_pct_of_core: (((m1.TaskDuration ?? 0) - (m0.TaskDuration ?? 0)) / idleWindowS) * 100,
      renderer_script_idle_session_pct_of_core: (((m1.ScriptDuration ?? 0) - (m0.ScriptDuration ?? 0)) / idleWindowS) * 100,
      audio_long_program_tracks: skipped,
      audio_long_program_renderer_rss_mb_peak: Math.max(...rss),
      audio_long_program_renderer_rss_growth_mb: tail - base,
      audio_long_program_renderer_pss_mb_peak: Math.max(...pss),
      audio_long_program_renderer_pss_growth_mb: mean(pss.slice(-3)) - mean(pss.slice(0, 3)),
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
  // The floor, measured with the session's browser closed, so only the bare page's processes count.
  const floor = await barePageFloor(refs.map((r) => join(root, 'assets', r.asset)));
  return {
    ...result,
    audio_long_program_renderer_pss_growth_over_bare_page_mb:
      (result.audio_long_program_renderer_pss_growth_mb ?? Number.NaN) - floor.programPssGrowth,
    audio_bare_page_long_program_pss_growth_mb: floor.programPssGrowth,
    audio_bare_page_long_program_pss_mb_peak: floor.programPssPeak,
    audio_bare_page_web_audio_long_program_pss_growth_mb: floor.webAudioProgramPssGrowth,
    audio_bare_page_web_audio_long_program_pss_mb_peak: floor.webAudioProgramPssPeak,
    audio_long_program_renderer_pss_growth_over_web_audio_page_mb:
      (result.audio_long_program_renderer_pss_growth_mb ?? Number.NaN) - floor.webAudioProgramPssGrowth,
    // What Stillroom adds to idle CPU above the same file routed the same way on a bare page.
    renderer_cpu_idle_session_over_web_audio_page_pct_of_core:
      (result.renderer_cpu_idle_session_pct_of_core ?? Number.NaN) - floor.webAudioRendererCpuPct,
    chromium_cpu_idle_session_over_web_audio_page_pct_of_core:
      (result.chromium_cpu_idle_session_pct_of_core ?? Number.NaN) - floor.webAudioChromiumCpuPct,
    audio_bare_page_one_long_track_pss_mb: floor.pss,
    audio_bare_page_one_long_track_renderer_cpu_pct_of_core: floor.rendererCpuPct,
    audio_bare_page_one_long_track_chromium_cpu_pct_of_core: floor.chromiumCpuPct,
    audio_bare_page_web_audio_renderer_cpu_pct_of_core: floor.webAudioRendererCpuPct,
    audio_bare_page_web_audio_chromium_cpu_pct_of_core: floor.webAudioChromiumCpuPct,
  };
}

/** The heard-loudness program: each track's opening and the rest of it (s), and how long each phase lasts (s). */
const HEARD = { openingS: 60, restS: 90, phaseS: 36 };

/**
 * Levelling by what is heard. Four tracks whose openings sit 10–16 LU away from the rest of
 * them (two quieter, two louder), one per phase, each phase short enough that the track is
 * faded out inside its opening: the room hears only openings. The steady part of each (after
 * its fade-in, before its fade-out) is measured in the recorded output; the spread is the
 * loudest minus the quietest. Beside it, what the same recording would have measured with
 * whole-track gains (each track's level moved by whole-track gain − section gain).
 */
async function heardLoudness(root: string): Promise<Record<string, number>> {
  const media = join(root, 'assets', 'heard');
  const dataDir = join(root, 'data-heard');
  mkdirSync(media, { recursive: true });
  mkdirSync(join(dataDir, 'presets'), { recursive: true });
  // Peak level (dBFS) of each track's opening and of its rest.
  const shapes: Array<[number, number]> = [
    [-30, -12],
    [-12, -28],
    [-24, -14],
    [-16, -26],
  ];
  const tool = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  };
  const files = shapes.map(([opening, rest], i) => {
    const parts = [
      [opening, HEARD.openingS],
      [rest, HEARD.restS],
    ].map(([peakDb, seconds], k) => {
      const f = join(media, `h${i}-${k}.wav`);
      tool('sox', [
        '-R',
        '-n',
        '-r',
        '44100',
        '-c',
        '2',
        '-b',
        '16',
        f,
        'synth',
        String(seconds),
        'sine',
        String(250 + 100 * i),
        'gain',
        '-n',
        String(peakDb),
      ]);
      return f;
    });
    const wav = join(media, `h${i}.wav`);
    tool('sox', [...parts, wav]);
    const ogg = join(media, `heard${i}.ogg`);
    tool('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', wav, '-c:a', 'libvorbis', '-q:a', '5', ogg]);
    return ogg;
  });
  // A fifth phase follows, so the fourth is cut like the others (the last phase runs on).
  const kinds = ['preparation', 'onset', 'peak', 'return', 'integration'] as const;
  const preset = {
    ...presetJson('bench-heard', [], 3, 1),
    phases: kinds.map((kind, i) => ({
      kind,
      name: `Phase ${i + 1}`,
      plannedMin: HEARD.phaseS / 60,
      crossfadeS: 3,
      volume: 1,
      runOut: 'repeat',
      playlist: [{ title: `Heard ${i}`, artist: 'bench', asset: `heard/heard${i % 4}.ogg`, durationS: HEARD.openingS + HEARD.restS }],
      light: { level: 40, kelvin: 2700, transitionS: 5 },
    })),
  };
  writeFileSync(join(dataDir, 'presets', 'bench-heard.stillroom.json'), JSON.stringify(preset));
  const measured = await seedCache(dataDir, files, (f) => f);

  process.env.STILLROOM_EXTRA_ASSET_DIR = join(root, 'assets');
  const host = await startHost(dataDir, ['--preset', 'bench-heard']);
  delete process.env.STILLROOM_EXTRA_ASSET_DIR;
  const { context, close } = await launchChromium();
  const view = new HostView(host.url);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(host.url);
    await view.ready();
    const rec = record();
    const t0 = await startedSession(page, view, 'bench-heard');
    const until = t0 + 4 * HEARD.phaseS * 1000 + 4000;
    while (Date.now() < until) await page.waitForTimeout(500);
    const pcm = await rec.stop();
    const session = view.last?.session;
    const segments = (view.last?.timeline?.segments ?? []).filter((g) => g.phaseIndex < 4);
    const toRecS = (hostMs: number): number => (hostMs - rec.startedAt) / 1000 + 0.1;
    const rows = segments.flatMap((g) => {
      const file = session?.plan.tracks[g.trackId]?.file ?? '';
      const outcome = measured.get(file);
      if (!outcome?.ok) return [];
      const { result } = outcome;
      const whole = trackGain({ measured: result });
      const section = sectionGain(result, heardSection(g));
      // Steady: 1 s after the fade-in ends to 1 s before the fade-out begins.
      const heard = loudnessLufs(pcm, toRecS(g.start + g.fadeInMs) + 1, toRecS(g.fadeOutStart) - 1);
      return [{ file, heard, wholeGainHeard: heard + whole.gainDb - section.gainDb }];
    });
    if (process.env.BENCH_VERBOSE)
      process.stderr.write(
        `heard loudness (LUFS) per track: ${rows.map((r) => `${r.file.split('/').pop()} ${r.heard.toFixed(2)} (whole-track gain: ${r.wholeGainHeard.toFixed(2)})`).join(', ')}\n`,
      );
    const spread = (xs: number[]): number => (xs.length < 2 ? Number.NaN : Math.max(...xs) - Math.min(...xs));
    return {
      audio_heard_loudness_tracks_measured: rows.length,
      audio_heard_loudness_spread_lu: spread(rows.map((r) => r.heard)),
      audio_heard_loudness_spread_whole_track_gains_lu: spread(rows.map((r) => r.wholeGainHeard)),
    };
  } finally {
    view.close();
    await close();
    await stopHost(host);
  }
}

/** Serves `files` over http on 127.0.0.1 as `/0.mp3`, `/1.mp3`… with ranges and `no-store`, as the host serves media. */
async function mediaServer(files: string[]): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const m = /^\/(\d+)\.\w+$/.exec(req.url ?? '');
    const file = m ? files[Number(m[1])] : undefined;
    if (!file) {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<!doctype html><title>floor</title><audio></audio><audio></audio>');
    }
    const plan = planStatic(file, req.headers.range, 'no-store');
    res.writeHead(plan.status, plan.headers);
    if (!('file' in plan) || plan.end < plan.start) return void res.end();
    createReadStream(plan.file, { start: plan.start, end: plan.end })
      .on('error', () => res.destroy())
      .pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

/**
 * The floor for the memory and idle figures: a page with nothing but two `<audio>` elements,
 * its files served over loopback as the host serves them. First one long file plays alone:
 * PSS of its renderer after 15 s, then CPU over 30 s (what playing a file costs at all). Then
 * the same program as the session's — the same files, a new one every 5 s, the two elements
 * taking turns, each released (src removed, `load()`) when the other starts — and the growth of
 * PSS measured the same way. Chromium keeps the data it streamed for each media URL in the
 * renderer, so most of any growth over a fast program is the browser's own. Measured on a bare
 * page (Chromium 156, 30 of these files, 5 s apart; growth in MB; the same page varies by ~15 from
 * run to run): 66–82 as here (75 again); 0 when the same two URLs alternate; no better whatever
 * the page does with its elements — a new element per track, dropped (90), `src = ''` (60; 73
 * again), never released (85), each element in its own frame removed with it (75),
 * `preload="none"` (86), a forced full GC after every track (82) — or whatever the server sends
 * (no `Cache-Control`: 73; no ranges at all, so Chromium cannot index the URL: 80). It follows the
 * bytes streamed, not the players (every old player reports `kWebMediaPlayerDestroyed`): mp3 alone
 * 3.6 MB a track (its ~3 MB read-ahead), 3.7 MB ogg files 2.4, 60-s files 1.2. It is not given
 * back: not in 7 minutes of one track playing on (+11 MB meanwhile, while it streamed ~7 MB), not
 * on a simulated critical memory-pressure signal (`Memory.simulatePressureNotification`). A
 * voice's Web Audio chain (element source → 1-s delay → two gains), alternating the same two URLs,
 * adds 3–7 MB over 30 voices.
 */
export async function barePageFloor(files: string[]): Promise<{
  pss: number;
  rendererCpuPct: number;
  chromiumCpuPct: number;
  webAudioRendererCpuPct: number;
  webAudioChromiumCpuPct: number;
  programPssGrowth: number;
  programPssPeak: number;
  webAudioProgramPssGrowth: number;
  webAudioProgramPssPeak: number;
}> {
  const server = await mediaServer(files);
  const { context, close } = await launchChromium();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.origin}/`);
    const play = (i: number) =>
      page.evaluate(async (i) => {
        const els = [...document.querySelectorAll('audio')];
        const next = els[i % 2] as HTMLAudioElement;
        const prev = els[(i + 1) % 2] as HTMLAudioElement;
        next.src = `/${i}.mp3`;
        await next.play();
        prev.pause();
        prev.removeAttribute('src');
        prev.load();
      }, i);
    await play(0);
    await page.waitForTimeout(15_000); // real time: the element streams and plays as it would in a session
    const pid = pageRendererPid();
    const pss = pid === null ? Number.NaN : pssMb(pid);
    const cpu = await idleCpu(30_000);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`bare page, one file, busiest threads: ${busiestThreads(cpu.threads)}\n`);
    const program: number[] = [];
    for (let i = 1; i < files.length; i++) {
      await play(i);
      await page.waitForTimeout(5000); // the session's program pace
      const p = pageRendererPid();
      program.push(p === null ? Number.NaN : pssMb(p));
    }
    // The same file on a fresh page, routed through Web Audio as a crossfade on the audio clock
    // needs (element → delay → gains → destination): what that routing costs at all.
    await page.goto(`${server.origin}/`);
    await page.evaluate(async () => {
      const el = document.querySelector('audio') as HTMLAudioElement;
      el.src = '/0.mp3';
      const ctx = new AudioContext();
      let node: AudioNode = ctx.createMediaElementSource(el);
      for (const next of [ctx.createDelay(1), ctx.createGain(), ctx.createGain(), ctx.createGain()]) node = node.connect(next);
      node.connect(ctx.destination);
      await ctx.resume();
      await el.play();
    });
    await page.waitForTimeout(8000); // real time: playing settles before CPU is counted
    const routed = await idleCpu(30_000);
    if (process.env.BENCH_VERBOSE)
      process.stderr.write(`bare page through Web Audio, busiest threads: ${busiestThreads(routed.threads)}\n`);
    // The same 30 files at the same pace through Web Audio as a player that fades on the audio
    // clock must: a new element per track (a MediaElementAudioSourceNode binds its element for
    // good), routed into the context, the one before stopped, released and disconnected.
    const playRouted = (i: number) =>
      page.evaluate(async (i) => {
        const w = window as unknown as { ctx?: AudioContext; cur?: { el: HTMLAudioElement; src: AudioNode } };
        w.ctx ??= new AudioContext();
        const el = new Audio(`/${i}.mp3`);
        const src = w.ctx.createMediaElementSource(el);
        src.connect(w.ctx.createGain()).connect(w.ctx.destination);
        await w.ctx.resume();
        await el.play();
        if (w.cur) {
          w.cur.el.pause();
          w.cur.el.removeAttribute('src');
          w.cur.el.load();
          w.cur.src.disconnect();
        }
        w.cur = { el, src };
      }, i);
    await page.goto(`${server.origin}/`);
    const routedProgram: number[] = [];
    for (let i = 0; i < files.length; i++) {
      await playRouted(i);
      await page.waitForTimeout(5000); // the session's program pace
      const p = pageRendererPid();
      if (i > 0) routedProgram.push(p === null ? Number.NaN : pssMb(p));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      pss,
      rendererCpuPct: cpu.rendererPct,
      chromiumCpuPct: cpu.chromiumPct,
      webAudioRendererCpuPct: routed.rendererPct,
      webAudioChromiumCpuPct: routed.chromiumPct,
      programPssGrowth: mean(program.slice(-3)) - mean(program.slice(0, 3)),
      programPssPeak: Math.max(...program),
      webAudioProgramPssGrowth: mean(routedProgram.slice(-3)) - mean(routedProgram.slice(0, 3)),
      webAudioProgramPssPeak: Math.max(...routedProgram),
    };
  } finally {
    await close();
    await server.close();
  }
}

export async function benchAudio(only: 'short' | 'long' | 'heard' | null = null): Promise<Record<string, number>> {
  if (!has('ffmpeg') || !has('sox')) return {};
  const root = mkdtempSync(join(tmpdir(), 'stillroom-bench-audio-'));
  const pulse = await startPulse(join(root, 'pulse'));
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (pulse) process.env.XDG_RUNTIME_DIR = pulse.runtimeDir;
  try {
    return {
      ...(only === null || only === 'short' ? await formatsAndStarts(root) : {}),
      ...(only === null || only === 'heard' ? await heardLoudness(root) : {}),
      ...(only === null || only === 'long' ? await longProgram(root) : {}),
    };
  } finally {
    if (runtime === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = runtime;
    await pulse?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('audio.ts') && process.argv.includes('--run')) {
  const only = process.argv.includes('--short')
    ? 'short'
    : process.argv.includes('--long')
      ? 'long'
      : process.argv.includes('--heard')
        ? 'heard'
        : null;
  const out = await benchAudio(only);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
