/**
 * Playback as the room hears it: a short program of generated tones (one tone per track, a
 * different frequency and a different loudness each, in six formats) played by the browser
 * host in Chromium into a private PulseAudio sink and recorded with parec.
 *
 * Program (3 s crossfades, phase volume 1): phase 1 = A (ogg, loud), C (an "mp3" that is
 * text: reported before the start), B (mp3, quiet), E (flac: deleted *during* the B→E
 * crossfade); phase 2 (by plan, 27 s in) = D (m4a with 2 s of leading and trailing silence),
 * F (wav), G (opus). The music comes from a temporary folder that the host is pointed at with
 * STILLROOM_EXTRA_ASSET_DIR (see electron/host/audio.ts); the preset sits in the data folder's
 * presets/ like any clinic's own preset.
 *
 * Checked on the recording: no silence longer than 50 ms anywhere in the program; both tracks
 * audible in the middle of every crossfade (Goertzel at each tone); each track's loudness
 * within ±1 LU of the target (−23 LUFS); no sample at or above 0 dBFS; the deleted file
 * leaves no gap. Then: the music controls (duck, mute, volume, skip; a reload keeps them), the
 * output device (chosen, then unplugged: back on the default with a fade), a track whose
 * data stops coming (skipped after 2 s, inside its crossfade, without a gap), and files that
 * change under the session (one truncated 12 s before it is due, one while it plays: left out,
 * or faded out, never a gap or a cut). These play and record in real time: their waits are
 * the program's own time, not sleeps standing in for a state.
 */

import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { sine, writeWav } from '../fixtures/audio-gen';
import {
  hasTools,
  longestSilenceMs,
  loudnessLufs,
  makeMislabelled,
  makeTone,
  onsetS,
  type Pcm,
  RATE,
  record,
  rmsWindows,
  toneDb,
} from './audio-record';
import { HostView } from './host-view';
import { expect, launchChromium, type RunningHost, startHost, stopHost, test } from './launcher';

const TARGET_LUFS = -23;
const XF_S = 3;

interface Track {
  key: string;
  file: string;
  freq: number;
  title: string;
}

const TRACKS: Record<string, Track & { make: { peakDb: number; seconds: number; lead?: number; trail?: number } | null }> = {
  A: { key: 'A', file: 'a.ogg', freq: 440, title: 'Tone A', make: { peakDb: -6, seconds: 12 } },
  C: { key: 'C', file: 'c.mp3', freq: 0, title: 'Tone C (text)', make: null },
  B: { key: 'B', file: 'b.mp3', freq: 660, title: 'Tone B', make: { peakDb: -30, seconds: 12 } },
  E: { key: 'E', file: 'e.flac', freq: 880, title: 'Tone E', make: { peakDb: -20, seconds: 12 } },
  D: { key: 'D', file: 'd.m4a', freq: 550, title: 'Tone D', make: { peakDb: -18, seconds: 14, lead: 2, trail: 2 } },
  F: { key: 'F', file: 'f.wav', freq: 330, title: 'Tone F', make: { peakDb: -12, seconds: 10 } },
  G: { key: 'G', file: 'g.opus', freq: 770, title: 'Tone G', make: { peakDb: -16, seconds: 10 } },
};

const ref = (k: string) => {
  const t = TRACKS[k] as Track;
  return { title: t.title, artist: 'Stillroom e2e', durationS: 12, asset: `e2e/${t.file}` };
};

function preset(id: string, phases: Array<{ name: string; plannedMin: number; playlist: string[]; kind: string }>) {
  return {
    format: 'stillroom.preset/1',
    id,
    name: `E2E ${id}`,
    route: 'demo',
    phases: phases.map((p) => ({
      kind: p.kind,
      name: p.name,
      plannedMin: p.plannedMin,
      crossfadeS: XF_S,
      volume: 1,
      runOut: 'repeat',
      playlist: p.playlist.map(ref),
      light: { level: 40, kelvin: 2700, transitionS: 5 },
    })),
  };
}

interface Setup {
  dir: string;
  media: string;
  dataDir: string;
  host: RunningHost;
  context: BrowserContext;
  page: Page;
  view: HostView;
  close(): Promise<void>;
}

/** Generates the music, writes the preset, starts the host (pointed at the music) and Chromium. */
async function setUp(presetJson: unknown, opts: { allowDeviceNames?: boolean; music?: (media: string) => void } = {}): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'stillroom-audio-e2e-'));
  const media = join(dir, 'assets', 'e2e');
  const dataDir = join(dir, 'data');
  mkdirSync(media, { recursive: true });
  mkdirSync(join(dataDir, 'presets'), { recursive: true });
  for (const t of Object.values(TRACKS)) {
    if (t.make) makeTone(media, t.file, { freq: t.freq, ...t.make });
    else makeMislabelled(media, t.file);
  }
  opts.music?.(media);
  const id = (presetJson as { id: string }).id;
  writeFileSync(join(dataDir, 'presets', `${id}.stillroom.json`), JSON.stringify(presetJson, null, 2));
  process.env.STILLROOM_EXTRA_ASSET_DIR = join(dir, 'assets');
  let host: RunningHost;
  try {
    host = await startHost(dataDir, ['--preset', id]);
  } finally {
    delete process.env.STILLROOM_EXTRA_ASSET_DIR;
  }
  const { context, close } = await launchChromium();
  // Chromium names audio outputs only for a page that may use a microphone (Electron allows it).
  if (opts.allowDeviceNames) await context.grantPermissions(['microphone'], { origin: host.url });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(host.url);
  const view = new HostView(host.url);
  await expect.poll(() => view.last !== null, { timeout: 5000 }).toBe(true);
  return {
    dir,
    media,
    dataDir,
    host,
    context,
    page,
    view,
    async close() {
      view.close();
      await close();
      await stopHost(host);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The start view lists the unplayable file and waits for every other file to be measured. */
async function checkedBeforeStart(page: Page, found: number, skipped: string | null = null): Promise<void> {
  const check = page.getByTestId('preset-check');
  if (skipped) {
    await expect(check).toContainText('will be skipped', { timeout: 15_000 });
    await expect(check).toContainText(skipped);
  }
  await expect(page.getByTestId('preset-check-progress')).toHaveText(`Loudness measured for ${found} of ${found}.`, { timeout: 60_000 });
}

/** The engine's read-only debug view (see renderer/src/audio/debug.ts). */
interface AudioDebugView {
  ctxState: string;
  rmsDb: number;
  stages: Record<string, number>;
  voices: Array<{ id: string; trackId: string; state: string; trimDb: number; gain: number }>;
  startErrorsMs: number[];
  underruns: { events: number; ms: number } | null;
}
/** Reads the debug view in the page (the function runs there, so it names everything it needs). */
const audioDebug = (page: Page): Promise<AudioDebugView | null> =>
  page
    .evaluate(() => (window as unknown as { __stillroomAudio?: AudioDebugView }).__stillroomAudio ?? null)
    .then((d) => (d ? (JSON.parse(JSON.stringify(d)) as AudioDebugView) : null));

/** Warm the audio output up (its first start is slow) before anything is measured. */
async function warmUp(page: Page): Promise<void> {
  await expect.poll(async () => (await audioDebug(page))?.ctxState, { timeout: 10_000 }).toBe('running');
  await page.waitForTimeout(500);
}

const skipReason = (): string | null =>
  !process.env.STILLROOM_PULSE ? 'PulseAudio is not available: nothing to record' : !hasTools() ? 'sox, ffmpeg and parec are needed' : null;

test.describe('playback recorded from the room', () => {
  test.describe.configure({ timeout: 150_000 });

  test('a levelled program with crossfades, a failing file and a phase change plays without a gap', async () => {
    const why = skipReason();
    test.skip(why !== null, why ?? '');
    const s = await setUp(
      preset('e2e-audio', [
        { kind: 'preparation', name: 'Arriving', plannedMin: 0.45, playlist: ['A', 'C', 'B', 'E'] },
        { kind: 'onset', name: 'Settling', plannedMin: 2, playlist: ['D', 'F', 'G'] },
      ]),
    );
    try {
      const { page, view } = s;
      await checkedBeforeStart(page, 6, TRACKS.C?.title ?? '');
      await warmUp(page);

      const underrunsBefore = (await audioDebug(page))?.underruns;
      const rec = record();
      await page.waitForTimeout(300);
      await page.getByRole('button', { name: 'Start session' }).click();
      await expect.poll(() => view.last?.session?.status, { timeout: 5000 }).toBe('running');
      const session = view.last?.session;
      if (!session) throw new Error('no session');
      const t0 = session.startedAt;
      const idOf = (k: string): string => {
        const t = TRACKS[k] as Track;
        const found = Object.values(session.plan.tracks).find((x) => x.title === t.title);
        if (!found) throw new Error(`no track ${k}`);
        return found.id;
      };
      // C was reported before the start and has no file to play.
      expect(session.plan.tracks[idOf('C')]?.problem).toBeTruthy();
      expect(session.plan.tracks[idOf('C')]?.file).toBeNull();
      // Everything else was measured before the start: gains and cue points are in the plan.
      expect(session.plan.tracks[idOf('D')]?.cueInS).toBeCloseTo(2, 1);

      // Delete E one second into the B → E crossfade.
      const eSeg = () => view.last?.timeline?.segments.find((x) => x.trackId === idOf('E'));
      const eStart = eSeg()?.start ?? Number.NaN;
      expect(eStart - t0).toBeGreaterThan(15_000);
      await page.waitForTimeout(Math.max(0, eStart + 1000 - Date.now()));
      unlinkSync(join(s.media, TRACKS.E?.file ?? ''));
      const deletedAt = Date.now();

      await page.waitForTimeout(Math.max(0, t0 + 53_000 - Date.now()));
      const pcm = await rec.stop();
      const underrunsAfter = (await audioDebug(page))?.underruns;
      const starved =
        underrunsAfter && underrunsBefore
          ? `${underrunsAfter.events - underrunsBefore.events} underruns, ${(underrunsAfter.ms - underrunsBefore.ms).toFixed(0)} ms`
          : 'n/a';

      const tl = view.last?.timeline;
      const final = view.last?.session;
      if (!tl || !final) throw new Error('no timeline');
      const failure = final.failures.find((f) => f.trackId === idOf('E'));
      expect(failure?.reason).toMatch(/moved or deleted/);
      expect((failure?.at ?? 0) - deletedAt, 'the host noticed the deleted file within about a second').toBeLessThan(1500);
      const report: string[] = [`E deleted ${deletedAt - eStart} ms into its crossfade; failed ${(failure?.at ?? 0) - deletedAt} ms later`];

      // Align the recording to host time by the first track's onset (its fade starts at t0).
      const onset = onsetS(pcm);
      const at = (hostMs: number): number => onset + (hostMs - t0) / 1000;
      const endS = at(t0 + 52_500);

      // 1. No silence longer than 50 ms anywhere the program plays.
      const gap = longestSilenceMs(pcm, onset + 0.05, endS);
      const plan = tl.segments.map((x) => `${x.id} ${(x.start - t0) / 1000}–${(x.end - t0) / 1000}`).join(', ');
      report.push(`longest silence ${gap.ms} ms; Chromium's own output: ${starved}`);
      expect(
        gap.ms,
        `silence at +${(gap.atS - onset).toFixed(2)} s of the program; Chromium: ${starved} (${plan.slice(0, 400)})`,
      ).toBeLessThanOrEqual(50);

      // 2. Both tracks audible in the middle of every crossfade.
      const segs = tl.segments.filter((x) => x.start < t0 + 52_500).sort((a, b) => a.start - b.start);
      const freqOf = (trackId: string): number =>
        (Object.values(TRACKS).find((t) => t.title === final.plan.tracks[trackId]?.title) as Track).freq;
      let windows = 0;
      const pairs = segs.flatMap((inn) =>
        segs.filter((out) => out.start < inn.start && out.end > inn.start && out.failedAt === undefined).map((out) => [out, inn] as const),
      );
      for (const [out, inn] of pairs) {
        const from = Math.max(inn.start, out.fadeOutStart);
        const to = Math.min(out.end, inn.start + Math.max(inn.fadeInMs, 1));
        if (to - from < 600) continue;
        const mid = at((from + to) / 2) - 0.1;
        if (mid + 0.3 > endS) continue; // the recording stops before this one's middle
        const fOut = toneDb(pcm, freqOf(out.trackId), mid, 0.2);
        const fIn = toneDb(pcm, freqOf(inn.trackId), mid, 0.2);
        report.push(
          `crossfade ${(from - t0) / 1000}–${(to - t0) / 1000} s: out ${freqOf(out.trackId)} Hz ${fOut.toFixed(1)} dB, in ${freqOf(inn.trackId)} Hz ${fIn.toFixed(1)} dB`,
        );
        expect(fOut, `outgoing ${out.id} audible in the crossfade`).toBeGreaterThan(-45);
        expect(fIn, `incoming ${inn.id} audible in the crossfade`).toBeGreaterThan(-45);
        windows++;
      }
      expect(windows, 'crossfades checked (A→B, B→E, B→A after E failed, A→D at the phase change, D→F, F→G)').toBeGreaterThanOrEqual(6);

      // 3. Each track at the target loudness where it plays alone at full level.
      for (const seg of segs) {
        const others = segs.filter((o) => o !== seg);
        let from = seg.start + seg.fadeInMs + 800;
        for (const o of others) if (o.end > seg.start && o.end < seg.fadeOutStart) from = Math.max(from, o.end + 500);
        let to = Math.min(seg.fadeOutStart, t0 + 52_500) - 300;
        for (const o of others) if (o.start > seg.start && o.start < to) to = Math.min(to, o.start - 300);
        if (to - from < 2500) continue;
        const lufs = loudnessLufs(pcm, at(from), at(to));
        report.push(`${seg.id}: ${lufs.toFixed(2)} LUFS over ${((to - from) / 1000).toFixed(1)} s`);
        expect(Math.abs(lufs - TARGET_LUFS), `${seg.id} at ${lufs.toFixed(2)} LUFS`).toBeLessThanOrEqual(1);
      }

      // 4. Nothing clips.
      report.push(`highest sample ${(20 * Math.log10(pcm.maxAbs / 32768)).toFixed(2)} dBFS`);
      expect(pcm.maxAbs).toBeLessThan(32767);

      // 5. Where E was deleted: music all through, and it comes back as A (the playlist repeats).
      const around = longestSilenceMs(pcm, at(deletedAt - 500), at(deletedAt + 4000));
      expect(around.ms).toBeLessThanOrEqual(10);
      test.info().annotations.push({ type: 'measured', description: report.join('\n') });
      process.stderr.write(`audio e2e:\n  ${report.join('\n  ')}\n`);
    } finally {
      await s.close();
    }
  });

  test('duck, mute, volume and skip move the music smoothly and survive a reload', async () => {
    const why = skipReason();
    test.skip(why !== null, why ?? '');
    const s = await setUp(preset('e2e-controls', [{ kind: 'preparation', name: 'Arriving', plannedMin: 5, playlist: ['A', 'B', 'F'] }]));
    try {
      const { page, view } = s;
      await checkedBeforeStart(page, 3);
      await warmUp(page);
      await page.getByRole('button', { name: 'Start session' }).click();
      await expect.poll(() => view.last?.session?.status, { timeout: 5000 }).toBe('running');
      await page.waitForTimeout(4000); // past the first fade-in
      const level = async (): Promise<number> => rmsOf(await recordFor(1000));
      const before = await level();
      expect(before).toBeGreaterThan(-30);

      // Duck: down by 12 dB over about 2 s, never in one step.
      const duck = page.getByRole('button', { name: 'Duck music' });
      await duck.click();
      await expect(duck).toHaveAttribute('aria-pressed', 'true');
      const midDuck = await stagesAfter(page, 900);
      expect(midDuck.duck, 'the duck glides').toBeGreaterThan(0.3);
      expect(midDuck.duck).toBeLessThan(0.95);
      await page.waitForTimeout(1800);
      const ducked = await level();
      expect(ducked - before).toBeGreaterThan(-13);
      expect(ducked - before).toBeLessThan(-11);

      // A reload keeps the duck (it is the host's state, journalled).
      await page.reload();
      await expect(page.getByRole('button', { name: 'Duck music' })).toHaveAttribute('aria-pressed', 'true');
      await expect.poll(async () => (await audioDebug(page))?.stages.duck ?? 1, { timeout: 5000 }).toBeLessThan(0.3);
      await page.getByRole('button', { name: 'Duck music' }).click();
      await page.waitForTimeout(2600);
      expect(Math.abs((await level()) - before), 'back to where it was').toBeLessThan(1);

      // Mute: to silence with a fade, and back.
      const mute = page.getByRole('button', { name: 'Mute music' });
      await mute.click();
      await expect(mute).toHaveAttribute('aria-pressed', 'true');
      const midMute = await stagesAfter(page, 600);
      expect(midMute.mute, 'the mute fades').toBeGreaterThan(0.05);
      await page.waitForTimeout(1500);
      expect(await level()).toBeLessThan(-80);
      await mute.click();
      await page.waitForTimeout(2500);
      expect(Math.abs((await level()) - before)).toBeLessThan(1);

      // The music volume slider: 50 is −20 dB.
      await page.getByLabel('Music volume').fill('50');
      await expect.poll(() => view.last?.session?.record.music.levelDb, { timeout: 3000 }).toBe(-20);
      await page.waitForTimeout(2000);
      expect((await level()) - before).toBeCloseTo(-20, 0);
      await page.getByLabel('Music volume').fill('100');
      await expect.poll(() => view.last?.session?.record.music.levelDb, { timeout: 3000 }).toBe(0);
      await page.waitForTimeout(2000);

      // Skip: a crossfade of at least 4 s, both tracks heard in its middle. Pressed while one
      // track plays alone (during a crossfade the skip waits for it to finish).
      await expect
        .poll(
          () => {
            const now = Date.now();
            const sounding = (view.last?.timeline?.segments ?? []).filter((x) => x.start <= now && x.end > now);
            return sounding.length === 1 && (sounding[0]?.fadeOutStart ?? 0) - now > 2000;
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      const now0 = Date.now();
      const playing = (view.last?.timeline?.segments ?? []).find((x) => x.start <= now0 && x.end > now0);
      const skipAt = Date.now();
      const rec = record();
      await page.getByRole('button', { name: 'Skip track' }).click();
      await page.waitForTimeout(4500);
      const pcm = await rec.stop();
      const segs = view.last?.timeline?.segments ?? [];
      const out = segs.find((x) => x.id === playing?.id);
      const inn = segs.find((x) => out && x.start >= skipAt - 500 && x.id !== out.id);
      expect(out && inn).toBeTruthy();
      if (!out || !inn) return;
      expect(out.end - out.fadeOutStart).toBeGreaterThanOrEqual(4000);
      const midS = (out.fadeOutStart + out.end) / 2 / 1000 - rec.startedAt / 1000;
      const tracks = s.view.last?.session?.plan.tracks ?? {};
      const f = (id: string) => Object.values(TRACKS).find((t) => t.title === tracks[id]?.title)?.freq ?? 0;
      expect(toneDb(pcm, f(out.trackId), midS - 0.1, 0.2)).toBeGreaterThan(-45);
      expect(toneDb(pcm, f(inn.trackId), midS - 0.1, 0.2)).toBeGreaterThan(-45);
      expect(longestSilenceMs(pcm, 0.3, 4.3).ms).toBeLessThanOrEqual(10);
    } finally {
      await s.close();
    }
  });

  test('music moves to the chosen output, and to the default with a fade when that device disappears', async () => {
    const why = skipReason();
    test.skip(why !== null, why ?? '');
    const env = { ...process.env };
    const load = spawnSync(
      'pactl',
      ['load-module', 'module-null-sink', 'sink_name=headphones', 'sink_properties=device.description=Headphones', `rate=${RATE}`],
      {
        env,
        encoding: 'utf8',
      },
    );
    test.skip(load.status !== 0, 'could not add a second sink');
    const moduleId = load.stdout.trim();
    const s = await setUp(preset('e2e-output', [{ kind: 'preparation', name: 'Arriving', plannedMin: 5, playlist: ['A', 'B', 'F'] }]), {
      allowDeviceNames: true,
    });
    try {
      const { page, view } = s;
      await checkedBeforeStart(page, 3);
      await warmUp(page);
      await page.getByRole('button', { name: 'Start session' }).click();
      await page.waitForTimeout(3500);
      const before = rmsOf(await recordFor(800, 'room.monitor'));
      expect(before).toBeGreaterThan(-35);

      // Choose the headphones: the music moves there, the room falls silent, the choice is remembered.
      await page.getByLabel('Music output').selectOption({ label: 'Headphones' });
      await expect.poll(() => view.last?.audio?.outputDevice.label, { timeout: 3000 }).toBe('Headphones');
      await page.waitForTimeout(2500);
      expect(rmsOf(await recordFor(800, 'headphones.monitor'))).toBeGreaterThan(-35);
      expect(rmsOf(await recordFor(800, 'room.monitor'))).toBeLessThan(-80);

      // Unplug them: the music comes back on the default output with a fade, and the panel says so.
      const rec = record('room.monitor');
      await page.waitForTimeout(300);
      spawnSync('pactl', ['unload-module', moduleId], { env });
      await expect(page.getByRole('status').filter({ hasText: 'not connected' })).toBeVisible({ timeout: 5000 });
      await page.waitForTimeout(4000);
      const pcm = await rec.stop();
      // (PulseAudio itself moves the stream to the default at once, at full level; Stillroom then
      // takes it over: a short dip, the switch, and a rise over 3 s.)
      const on = onsetS(pcm, -70);
      expect(on, 'music reached the default output').toBeLessThan(2);
      const levels = rmsWindows(pcm, 100);
      const settled = levels.at(-3) ?? -180;
      expect(Math.abs(settled - before), 'back at the level it had').toBeLessThan(1.5);
      const low = levels.findIndex((v, i) => i > on * 10 && v < settled - 10);
      expect(low, 'the music comes back with a fade, not at full level at once').toBeGreaterThan(0);
      // From the dip on: nothing loud bursts out, and where it is audible (within 30 dB of the
      // settled level) it rises by less than 6 dB per 100 ms.
      const rise = levels.slice(low, -2);

      process.stderr.write(
        `output e2e: on the default ${on.toFixed(2)} s after unplugging; at full level until the dip: ${levels
          .slice(Math.max(0, Math.floor(on * 10)), low)
          .map((v) => v.toFixed(0))
          .join(' ')} dBFS; then ${rise.map((v) => v.toFixed(0)).join(' ')} dBFS (100 ms)\n`,
      );
      const quiet = Math.max(
        0,
        rise.findIndex((v) => v < -100),
      );
      const after = rise.findIndex((v, i) => i > quiet && v > -100);
      const peakInDip = Math.max(...rise.slice(after, after + 3));
      const climb = rise.slice(after + 3);
      const steps = climb.slice(1).map((v, i) => (v > settled - 30 ? v - (climb[i] as number) : 0));
      expect(peakInDip, 'no burst while the music moves').toBeLessThan(settled - 15);
      // PulseAudio moves the stream to the default at full level before anyone can know; Stillroom
      // notices within a watch period and dips it (0.1–0.2 s in 7 runs with a 250 ms watch; up to 0.5 s with the 1 s watch before).
      const loudBeforeDip = levels.slice(Math.floor(on * 10), low).filter((v) => v > settled - 6).length;
      expect(loudBeforeDip, 'at full level on the default output for at most 0.3 s').toBeLessThanOrEqual(3);
      expect(Math.max(...steps), 'the rise is gradual').toBeLessThan(6);
      expect(view.last?.audio?.outputDevice.label, 'the choice stays remembered for when they come back').toBe('Headphones');
    } finally {
      spawnSync('pactl', ['unload-module', moduleId], { env });
      await s.close();
    }
  });

  test('a track whose data stops coming is skipped after 2 s, inside its crossfade, without a gap', async () => {
    const why = skipReason();
    test.skip(why !== null, why ?? '');
    const s = await setUp(preset('e2e-stall', [{ kind: 'preparation', name: 'Arriving', plannedMin: 5, playlist: ['A', 'F', 'B'] }]));
    try {
      const { page, view } = s;
      await checkedBeforeStart(page, 3);
      await warmUp(page);
      // F (a WAV) is served in part: its first 3 s, then the connection hangs, as a failing disk
      // or share would. The browser never gets enough to play through, so F never really starts:
      // 2 s into its crossfade with A the player gives up, and B comes in while A still fades.
      const fBytes = readFileSync(join(s.media, TRACKS.F?.file ?? ''));
      const partEnd = 44 + 3 * RATE * 4;
      const hung: Array<() => void> = [];
      await page.route(/\/media\/\d+-tone-f(\?|$)/, async (route) => {
        const range = route.request().headers().range ?? 'bytes=0-';
        const from = Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0);
        if (from < partEnd) {
          await route.fulfill({
            status: 206,
            headers: {
              'content-type': 'audio/wav',
              'accept-ranges': 'bytes',
              'content-range': `bytes ${from}-${partEnd - 1}/${fBytes.length}`,
            },
            body: fBytes.subarray(from, partEnd),
          });
        } else {
          await new Promise<void>((release) => hung.push(release)); // never answers while the test runs
          await route.abort().catch(() => undefined);
        }
      });
      const rec = record();
      await page.waitForTimeout(300);
      await page.getByRole('button', { name: 'Start session' }).click();
      await expect.poll(() => view.last?.session?.status, { timeout: 5000 }).toBe('running');
      const t0 = view.last?.session?.startedAt ?? Date.now();
      const fId = Object.values(view.last?.session?.plan.tracks ?? {}).find((t) => t.title === TRACKS.F?.title)?.id ?? '';
      const failure = await expect
        .poll(() => view.last?.session?.failures.find((f) => f.trackId === fId), { timeout: 30_000 })
        .toBeTruthy()
        .then(() => view.last?.session?.failures.find((f) => f.trackId === fId));
      expect(failure?.reason).toMatch(/stalled|stopped advancing/);
      await page.waitForTimeout(4000);
      const pcm = await rec.stop();
      for (const release of hung) release();
      const fSeg = view.last?.timeline?.segments.find((x) => x.trackId === fId);
      const onset = onsetS(pcm);
      const at = (hostMs: number): number => onset + (hostMs - t0) / 1000;
      const gap = longestSilenceMs(pcm, at(t0 + 1000), at((failure?.at ?? 0) + 3000));
      process.stderr.write(
        `stall e2e: F started +${(((fSeg?.start ?? 0) - t0) / 1000).toFixed(1)} s, failed +${(((failure?.at ?? 0) - t0) / 1000).toFixed(1)} s (${failure?.reason}); longest silence ${gap.ms} ms\n`,
      );
      expect((failure?.at ?? 0) - (fSeg?.start ?? 0), 'given up after the 2 s stall limit').toBeLessThan(3000);
      expect(gap.ms, 'the outgoing track and the replacement bridge the stall').toBeLessThanOrEqual(50);
      const replacement = view.last?.timeline?.segments.find((x) => x.start === failure?.at && x.trackId !== fId);
      expect(replacement, 'the next track starts where F failed').toBeTruthy();
    } finally {
      await s.close();
    }
  });
});

test.describe('files that change under a session, recorded from the room', () => {
  test.describe.configure({ timeout: 150_000 });

  test('a file truncated 12 s before it is due is left out, one truncated while it plays fades out: no gap, no cut', async () => {
    const why = skipReason();
    test.skip(why !== null, why ?? '');
    // Four 20-second tones, each its own frequency, levelled alike; 3 s crossfades.
    const tones = {
      P: { file: 'p.ogg', freq: 440 },
      Q: { file: 'q.mp3', freq: 660 },
      R: { file: 'r.flac', freq: 880 },
      S: { file: 's.wav', freq: 330 },
    } as const;
    const music = (media: string) => {
      for (const t of Object.values(tones)) makeTone(media, t.file, { freq: t.freq, peakDb: -12, seconds: 20 });
    };
    const s = await setUp(
      {
        format: 'stillroom.preset/1',
        id: 'e2e-changed',
        name: 'E2E changed files',
        route: 'demo',
        phases: [
          {
            kind: 'preparation',
            name: 'Arriving',
            plannedMin: 5,
            crossfadeS: XF_S,
            volume: 1,
            runOut: 'repeat',
            playlist: Object.entries(tones).map(([k, t]) => ({
              title: `Tone ${k}`,
              artist: 'Stillroom e2e',
              durationS: 20,
              asset: `e2e/${t.file}`,
            })),
            light: { level: 40, kelvin: 2700, transitionS: 5 },
          },
        ],
      },
      { music },
    );
    try {
      const { page, view } = s;
      await checkedBeforeStart(page, 4);
      await warmUp(page);
      const underrunsBefore = (await audioDebug(page))?.underruns;
      const rec = record();
      await page.waitForTimeout(300);
      await page.getByRole('button', { name: 'Start session' }).click();
      await expect.poll(() => view.last?.session?.status, { timeout: 5000 }).toBe('running');
      const session = view.last?.session;
      if (!session) throw new Error('no session');
      const t0 = session.startedAt;
      const idOf = (k: keyof typeof tones): string => Object.values(session.plan.tracks).find((x) => x.title === `Tone ${k}`)?.id ?? '';
      const segOf = (k: keyof typeof tones) => view.last?.timeline?.segments.find((x) => x.trackId === idOf(k));
      const failureOf = (k: keyof typeof tones) => view.last?.session?.failures.find((f) => f.trackId === idOf(k));
      const truncate = (k: keyof typeof tones): number => {
        const file = join(s.media, tones[k].file);
        truncateSync(file, Math.floor(statSync(file).size / 4));
        return Date.now();
      };

      // Q, 12 s before it is due: a sync client leaves a quarter of it.
      const qStart = segOf('Q')?.start ?? Number.NaN;
      await page.waitForTimeout(Math.max(0, qStart - 12_000 - Date.now())); // real time: the program plays in real time
      const qCutAt = truncate('Q');
      await expect.poll(() => failureOf('Q'), { timeout: 5000 }).toBeTruthy();
      expect(failureOf('Q')?.reason).toMatch(/cut short/);
      expect(failureOf('Q')?.at ?? Number.NaN, 'Q failed before it was due').toBeLessThan(qStart);

      // R plays in Q's place; 9 s in, while it plays alone, it is cut to a quarter (5 s: behind where it plays).
      const rStart = segOf('R')?.start ?? Number.NaN;
      expect(Math.abs(rStart - qStart), 'R takes the slot Q had').toBeLessThan(1000);
      await page.waitForTimeout(Math.max(0, rStart + 9000 - Date.now())); // real time
      const rCutAt = truncate('R');
      await expect.poll(() => failureOf('R'), { timeout: 5000 }).toBeTruthy();
      const rFailedAt = failureOf('R')?.at ?? Number.NaN;
      expect(failureOf('R')?.reason).toMatch(/cut short/);
      expect(rFailedAt - rCutAt, 'noticed within about a second').toBeLessThan(1500);
      await page.waitForTimeout(Math.max(0, rFailedAt + 5000 - Date.now())); // real time: record S coming in
      const pcm = await rec.stop();
      const underrunsAfter = (await audioDebug(page))?.underruns;
      const starved =
        underrunsAfter && underrunsBefore
          ? `${underrunsAfter.events - underrunsBefore.events} underruns, ${(underrunsAfter.ms - underrunsBefore.ms).toFixed(0)} ms`
          : 'n/a';

      const onset = onsetS(pcm);
      const at = (hostMs: number): number => onset + (hostMs - t0) / 1000;
      const endS = at(rFailedAt + 4500);
      const report = [
        `Q cut ${((qStart - qCutAt) / 1000).toFixed(1)} s before due; R cut ${((rCutAt - rStart) / 1000).toFixed(1)} s in, failed ${rFailedAt - rCutAt} ms later`,
      ];

      // 1. Music all the way through.
      const gap = longestSilenceMs(pcm, onset + 0.05, endS);
      report.push(`longest silence ${gap.ms} ms at +${(gap.atS - onset).toFixed(2)} s; Chromium's own output: ${starved}`);
      expect(gap.ms, `silence at +${(gap.atS - onset).toFixed(2)} s (Chromium: ${starved})`).toBeLessThanOrEqual(50);

      // 2. Q never sounded.
      const qHeard = Math.max(...Array.from({ length: 20 }, (_, i) => toneDb(pcm, tones.Q.freq, at(qStart) + i * 0.5, 0.2)));
      report.push(`Q (660 Hz) at most ${qHeard.toFixed(1)} dB where it was due`);
      expect(qHeard, 'the truncated Q never played').toBeLessThan(-60);

      // 3. R left with a fade: while it is within 20 dB of its steady level it falls by less than
      // 10 dB per 50 ms (its 1.5 s equal-power fade: about 5; a cut: 35+ in one window), and it is
      // gone 2.5 s after it failed.
      const steady = toneDb(pcm, tones.R.freq, at(rFailedAt - 1500), 1);
      const windows = Array.from({ length: 60 }, (_, i) => toneDb(pcm, tones.R.freq, at(rFailedAt - 500) + i * 0.05, 0.05));
      const drops = windows.slice(1).map((v, i) => ((windows[i] as number) > steady - 20 ? (windows[i] as number) - v : 0));
      report.push(`R steady ${steady.toFixed(1)} dB; largest fall per 50 ms while audible ${Math.max(...drops).toFixed(1)} dB`);
      expect(steady, 'R was playing when it was cut').toBeGreaterThan(-35);
      expect(Math.max(...drops), 'R faded out, it was not cut').toBeLessThan(10);
      expect(windows.at(-1) ?? 0, 'R is gone after its fade').toBeLessThan(steady - 30);

      // 4. S came in to replace it.
      expect(toneDb(pcm, tones.S.freq, at(rFailedAt + 3000), 0.5), 'S plays').toBeGreaterThan(steady - 6);
      test.info().annotations.push({ type: 'measured', description: report.join('\n') });
      process.stderr.write(`changed-files e2e:\n  ${report.join('\n  ')}\n`);
    } finally {
      await s.close();
    }
  });
});

test('a large batch shows its measuring progress quietly, and the music starts without waiting for it', async () => {
  test.setTimeout(150_000);
  const shots = process.env.STILLROOM_SHOTS ?? '/tmp/shots-panel';
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'stillroom-progress-e2e-'));
  const media = join(dir, 'assets', 'big');
  const dataDir = join(dir, 'data');
  mkdirSync(media, { recursive: true });
  mkdirSync(join(dataDir, 'presets'), { recursive: true });
  // 40 tracks of 40 s: one generated file, hard-linked under 40 names (each name is measured on its own).
  const tone = sine(40, 44100, 220, -18);
  writeWav(join(media, 'tone.wav'), [tone, tone], 44100);
  const playlist = Array.from({ length: 40 }, (_, i) => {
    linkSync(join(media, 'tone.wav'), join(media, `t${String(i).padStart(2, '0')}.wav`));
    return { title: `Tone ${i + 1}`, artist: 'Stillroom e2e', durationS: 40, asset: `big/t${String(i).padStart(2, '0')}.wav` };
  });
  const phase = (kind: string, name: string, tracks: typeof playlist) => ({
    kind,
    name,
    plannedMin: 20,
    crossfadeS: 3,
    volume: 1,
    playlist: tracks,
    light: { level: 40, kelvin: 2700, transitionS: 5 },
  });
  writeFileSync(
    join(dataDir, 'presets', 'big.stillroom.json'),
    JSON.stringify({
      format: 'stillroom.preset/1',
      id: 'big',
      name: 'A long evening',
      route: 'demo',
      phases: [phase('preparation', 'Arriving', playlist.slice(0, 20)), phase('peak', 'Deep listening', playlist.slice(20))],
    }),
  );
  process.env.STILLROOM_EXTRA_ASSET_DIR = join(dir, 'assets');
  let host: RunningHost;
  try {
    host = await startHost(dataDir, ['--preset', 'big']);
  } finally {
    delete process.env.STILLROOM_EXTRA_ASSET_DIR;
  }
  const { context, close } = await launchChromium();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(host.url);
    // Before the start: the pre-session check counts the batch.
    const before = page.getByTestId('preset-check-progress');
    await expect(before).toHaveText(/^Measuring loudness: \d+ of 40 tracks\.$/, { timeout: 15_000 });
    await before.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'dark-start-measuring.png') });

    // Start while it is still measuring: the music starts at once; the live panel says what is left.
    await page.getByRole('button', { name: 'Start session' }).click();
    await expect(page.getByTestId('phase-name')).toHaveText('Arriving');
    const started = Date.now();
    await expect
      .poll(async () => (await audioDebug(page))?.voices.some((v) => v.state === 'playing') ?? false, { timeout: 5_000 })
      .toBe(true);
    const toMusicMs = Date.now() - started;
    const line = page.getByTestId('analysis-progress');
    await expect(line).toHaveText(/^Measuring loudness: \d+ of 40 tracks$/);
    const first = Number(/(\d+) of/.exec((await line.textContent()) ?? '')?.[1]);
    expect(first).toBeLessThan(40);
    await page.waitForTimeout(2200); // the line fades in only after a while (a short batch never shows it)
    await page.screenshot({ path: join(shots, 'dark-live-measuring.png') });
    await page.keyboard.press('F4'); // the Keys mode: typing alone never acts
    await page.keyboard.press('t');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'night');
    await page.waitForTimeout(700);
    await page.screenshot({ path: join(shots, 'night-live-measuring.png') });
    // It counts up, and goes away when every track is measured. The count is read without
    // waiting for the line: a fast machine may finish the batch, and drop the line, meanwhile.
    const count = async () => Number(/(\d+) of/.exec((await line.allTextContents())[0] ?? '')?.[1] ?? 40);
    await expect.poll(count, { timeout: 60_000 }).toBeGreaterThan(first);
    await expect(line).toHaveCount(0, { timeout: 120_000 });
    test.info().annotations.push({ type: 'music-after-start-ms', description: String(toMusicMs) });
  } finally {
    await close();
    await stopHost(host);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Each stage's gain `ms` after now. */
async function stagesAfter(page: Page, ms: number): Promise<Record<string, number>> {
  await page.waitForTimeout(ms);
  return (await audioDebug(page))?.stages ?? {};
}

async function recordFor(ms: number, source = 'room.monitor'): Promise<Pcm> {
  const rec = record(source);
  await new Promise((r) => setTimeout(r, ms + 150));
  const pcm = await rec.stop();
  return slice(pcm, 0.15, ms / 1000 + 0.15);
}

function slice(p: Pcm, fromS: number, toS: number): Pcm {
  const a = Math.max(0, Math.round(fromS * RATE));
  const b = Math.min(p.left.length, Math.round(toS * RATE));
  return { left: p.left.subarray(a, b), right: p.right.subarray(a, b), maxAbs: p.maxAbs };
}

/** RMS of a whole recording (dBFS). */
function rmsOf(p: Pcm): number {
  let sum = 0;
  for (let i = 0; i < p.left.length; i++) sum += (p.left[i] as number) ** 2 + (p.right[i] as number) ** 2;
  const ms = sum / Math.max(1, 2 * p.left.length);
  return ms > 0 ? 10 * Math.log10(ms) : -180;
}
