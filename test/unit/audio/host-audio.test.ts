/**
 * The host's side of playback (electron/host/audio.ts) through the real host: the file check
 * before a session (missing and unplayable tracks named, the rest measured in a worker), gains
 * and cue points carried into the plan, cue points learned mid-session kept beside the
 * journal so a restart rebuilds the same timeline, a file deleted, cut short or re-written
 * mid-session failed at once,
 * the mute, and the output device remembered per machine.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unmeasuredGainDb } from '../../../electron/core/gain';
import { EXTRA_ASSET_DIR_ENV } from '../../../electron/host/audio';
import type { HostSnapshot } from '../../../electron/host/contract';
import { StillroomHost } from '../../../electron/host/host';
import { confSettings } from '../../../electron/services/settings';
import { concat, silence, sine, writeWav } from '../../fixtures/audio-gen';

const RATE = 22050;
let root: string;
let appRoot: string;
let dataDir: string;
let extra: string;
let now: number;
const hosts: StillroomHost[] = [];

const ref = (title: string, asset: string) => ({ title, artist: 'Test', durationS: 8, asset });
function writePreset(id: string, playlist: Array<ReturnType<typeof ref>>) {
  mkdirSync(join(dataDir, 'presets'), { recursive: true });
  writeFileSync(
    join(dataDir, 'presets', `${id}.stillroom.json`),
    JSON.stringify({
      format: 'stillroom.preset/1',
      id,
      name: id,
      route: 'demo',
      phases: [
        {
          kind: 'preparation',
          name: 'Arriving',
          plannedMin: 10,
          crossfadeS: 2,
          volume: 1,
          playlist,
          light: { level: 50, kelvin: 2700, transitionS: 5 },
        },
      ],
    }),
  );
}

async function openHost(): Promise<StillroomHost> {
  const h = await StillroomHost.open({
    dataDir,
    appRoot,
    settings: confSettings(dataDir),
    clock: () => now,
    log: () => undefined,
    tickMs: 50,
  });
  hosts.push(h);
  return h;
}

async function until<T>(what: () => T, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = what();
    if (ok(v)) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'stillroom-host-audio-'));
  appRoot = join(root, 'app');
  dataDir = join(root, 'data');
  extra = join(root, 'music');
  mkdirSync(join(appRoot, 'playlists'), { recursive: true });
  mkdirSync(join(extra, 'm'), { recursive: true });
  // Loud and padded (1.5 s of silence each side), quiet, and an "mp3" that is text.
  writeWav(join(extra, 'm', 'loud.wav'), [concat(silence(1.5, RATE), sine(8, RATE, 440, -6), silence(1.5, RATE))], RATE);
  writeWav(join(extra, 'm', 'quiet.wav'), [sine(8, RATE, 660, -30)], RATE);
  writeWav(join(extra, 'm', 'other.wav'), [sine(8, RATE, 550, -20)], RATE);
  writeFileSync(join(extra, 'm', 'text.mp3'), 'not music\n'.repeat(100));
  process.env[EXTRA_ASSET_DIR_ENV] = extra;
  now = Date.UTC(2026, 10, 22, 9, 0, 0);
});

afterEach(async () => {
  for (const h of hosts.splice(0)) h.close();
  delete process.env[EXTRA_ASSET_DIR_ENV];
  // Closing writes the loudness cache in the background: let it finish before the folder goes.
  await new Promise((r) => setTimeout(r, 300));
  rmSync(root, { recursive: true, force: true });
});

const audioOf = (h: StillroomHost): NonNullable<HostSnapshot['audio']> => {
  const a = h.snapshot().audio;
  if (!a) throw new Error('no audio snapshot');
  return a;
};

describe('before the session', () => {
  it('names the missing and unplayable tracks and measures the rest in the background', async () => {
    writePreset('check', [ref('Loud', 'm/loud.wav'), ref('Gone', 'm/gone.wav'), ref('Text', 'm/text.mp3'), ref('Quiet', 'm/quiet.wav')]);
    const host = await openHost();
    expect(await host.dispatch('checkPreset', { presetId: 'check' })).toEqual({ ok: true });
    const check = await until(
      () => audioOf(host).check,
      (c) => c !== null && !c.analysing,
    );
    expect(check).toMatchObject({ presetId: 'check', tracks: 4, found: 2, measured: 2 });
    expect(check?.problems.map((p) => `${p.title}: ${p.kind}`).sort()).toEqual(['Gone: missing', 'Text: missing']);
    expect(check?.problems.find((p) => p.title === 'Gone')?.problem).toMatch(/not found/);
    expect(await host.dispatch('checkPreset', { presetId: 'nope' })).toEqual({ ok: false, error: 'no preset with id "nope"' });
  });

  it('a session started after the check carries each track’s gain and cue points in its plan', async () => {
    writePreset('levels', [ref('Loud', 'm/loud.wav'), ref('Quiet', 'm/quiet.wav')]);
    const host = await openHost();
    await host.dispatch('checkPreset', { presetId: 'levels' });
    await until(
      () => audioOf(host).check,
      (c) => c !== null && !c.analysing,
    );
    expect((await host.dispatch('startSession', { presetId: 'levels' })).ok).toBe(true);
    const plan = host.snapshot().session?.plan;
    const loud = Object.values(plan?.tracks ?? {}).find((t) => t.title === 'Loud');
    const quiet = Object.values(plan?.tracks ?? {}).find((t) => t.title === 'Quiet');
    // Loud (−6 dBFS peak sine, mono → both speakers: about −6 LUFS) comes down ~17 dB; quiet (−30 dBFS peak) comes up about 7.5 dB.
    expect(loud?.gainDb).toBeLessThan(-15);
    expect(quiet?.gainDb).toBeGreaterThan(6);
    expect(loud?.cueInS).toBeCloseTo(1.5, 1);
    expect(loud?.cueOutS).toBeCloseTo(9.5, 1);
    const seg = host.snapshot().timeline?.segments[0];
    expect(seg?.offsetS).toBeCloseTo(1.5, 1);
    const gains = audioOf(host).gains;
    expect(gains[loud?.id ?? '']).toMatchObject({ basis: 'measured' });
    expect(audioOf(host).analysis).toEqual({ done: 2, total: 2 });
  });
});

describe('during the session', () => {
  it('an unmeasured track starts at the conservative gain; its measurement and cue points follow, and survive a restart', async () => {
    writePreset('late', [ref('Loud', 'm/loud.wav'), ref('Quiet', 'm/quiet.wav')]);
    let host = await openHost();
    expect((await host.dispatch('startSession', { presetId: 'late' })).ok).toBe(true);
    const id = Object.values(host.snapshot().session?.plan.tracks ?? {}).find((t) => t.title === 'Quiet')?.id ?? '';
    const first = audioOf(host).gains[id];
    expect(first?.basis === 'unmeasured' ? first.gainDb : unmeasuredGainDb()).toBe(unmeasuredGainDb());
    const measured = await until(
      () => audioOf(host).gains[id],
      (g) => g?.basis === 'measured',
    );
    expect(measured?.gainDb).toBeGreaterThan(6);
    // The second track was not playing yet when its cue points arrived: it starts at its cue-in (0 here).
    const loudId = Object.values(host.snapshot().session?.plan.tracks ?? {}).find((t) => t.title === 'Loud')?.id ?? '';
    await until(
      () => host.snapshot().timeline?.segments.find((s) => s.trackId === loudId && s.start > now),
      (s) => s !== undefined && s.offsetS > 1,
    );
    const timeline = JSON.stringify(host.snapshot().timeline?.segments);
    host.close();
    hosts.pop();
    host = await openHost();
    expect(JSON.stringify(host.snapshot().timeline?.segments)).toBe(timeline);
  });

  it('a phase that fades a track out early levels that segment by the part it plays (a quiet opening raised to the target)', async () => {
    // 40 s: a quiet opening (20 s at −36 dBFS) before a loud body; the first phase is 18 s, so
    // the room hears only the opening before the next phase's track comes in.
    writeWav(join(extra, 'm', 'build.wav'), [concat(sine(20, RATE, 330, -36), sine(20, RATE, 330, -12))], RATE);
    mkdirSync(join(dataDir, 'presets'), { recursive: true });
    const phase = (kind: string, plannedMin: number, asset: string) => ({
      kind,
      name: kind,
      plannedMin,
      crossfadeS: 2,
      volume: 1,
      playlist: [{ title: asset, artist: 'Test', durationS: 40, asset }],
      light: { level: 50, kelvin: 2700, transitionS: 5 },
    });
    writeFileSync(
      join(dataDir, 'presets', 'cut.stillroom.json'),
      JSON.stringify({
        format: 'stillroom.preset/1',
        id: 'cut',
        name: 'cut',
        route: 'demo',
        phases: [phase('preparation', 18 / 60, 'm/build.wav'), phase('onset', 10, 'm/other.wav')],
      }),
    );
    const host = await openHost();
    expect((await host.dispatch('startSession', { presetId: 'cut' })).ok).toBe(true);
    const id = Object.values(host.snapshot().session?.plan.tracks ?? {}).find((t) => t.title === 'm/build.wav')?.id ?? '';
    const seg = host.snapshot().timeline?.segments.find((x) => x.trackId === id);
    if (!seg) throw new Error('no segment for the build');
    expect((seg.fadeOutStart - seg.start) / 1000, 'the phase cuts the 40 s track early').toBeLessThanOrEqual(18);
    const section = await until(
      () => audioOf(host).sections?.[seg.id],
      (g) => g !== undefined,
    );
    const whole = audioOf(host).gains[id]?.gainDb ?? Number.NaN;
    // The whole track is led by its loud body (about −15 LUFS → −8 dB); the opening is about
    // −39 LUFS, raised by the 12 dB limit at most — a step of 12 dB or more the room would hear.
    expect(whole).toBeLessThan(-6);
    expect(section).toBeGreaterThan(whole + 12);
    expect(section).toBeLessThanOrEqual(12);
  });

  it('a file deleted mid-session is failed at once, and the music moves on', async () => {
    writePreset('deleted', [ref('Quiet', 'm/quiet.wav'), ref('Other', 'm/other.wav')]);
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'deleted' });
    const otherId = Object.values(host.snapshot().session?.plan.tracks ?? {}).find((t) => t.title === 'Other')?.id ?? '';
    unlinkSync(join(extra, 'm', 'other.wav'));
    now += 2000;
    const failure = await until(
      () => host.snapshot().session?.failures.find((f) => f.trackId === otherId),
      (f) => f !== undefined,
    );
    expect(failure?.reason).toMatch(/moved or deleted/);
    expect(host.snapshot().notices.join(' ')).toMatch(/Skipped “Other”/);
    // Only Quiet plays from now on.
    expect(
      host
        .snapshot()
        .timeline?.segments.filter((s) => s.start > now)
        .every((s) => s.trackId !== otherId),
    ).toBe(true);
  });

  it('a file cut short or re-written mid-session is failed at once, before it is due and while it plays', async () => {
    writePreset('changed', [ref('Quiet', 'm/quiet.wav'), ref('Other', 'm/other.wav'), ref('Loud', 'm/loud.wav')]);
    const host = await openHost();
    await host.dispatch('startSession', { presetId: 'changed' });
    const idOf = (title: string) => Object.values(host.snapshot().session?.plan.tracks ?? {}).find((t) => t.title === title)?.id ?? '';
    const failureOf = (id: string) => host.snapshot().session?.failures.find((f) => f.trackId === id);
    // Other is due in a few seconds: a sync client truncates it to a quarter.
    const other = join(extra, 'm', 'other.wav');
    truncateSync(other, Math.floor(statSync(other).size / 4));
    now += 1000;
    const cut = await until(
      () => failureOf(idOf('Other')),
      (f) => f !== undefined,
    );
    expect(cut?.reason).toMatch(/cut short during the session \(\d+ kB of \d+ kB left\)/);
    expect(host.snapshot().notices.join(' ')).toMatch(/Skipped “Other”/);
    // Quiet, playing now, is re-written in place with the same size: a change too.
    const quiet = join(extra, 'm', 'quiet.wav');
    const { size, mtime } = statSync(quiet);
    writeFileSync(quiet, Buffer.alloc(size));
    utimesSync(quiet, mtime, new Date(mtime.getTime() + 5000));
    now += 1000;
    const rewritten = await until(
      () => failureOf(idOf('Quiet')),
      (f) => f !== undefined,
    );
    expect(rewritten?.reason).toMatch(/replaced or re-written/);
    // Loud, unchanged, plays on.
    expect(failureOf(idOf('Loud'))).toBeUndefined();
    expect(host.snapshot().timeline?.segments.some((s) => s.trackId === idOf('Loud') && s.end > now)).toBe(true);
  });

  it('mute is the host’s (a reload keeps it), a new session starts audible, and the output device is remembered', async () => {
    writePreset('mute', [ref('Quiet', 'm/quiet.wav')]);
    let host = await openHost();
    await host.dispatch('startSession', { presetId: 'mute' });
    expect((await host.dispatch('setMute', { on: true })).ok).toBe(true);
    expect(audioOf(host).muted).toBe(true);
    now += 1000;
    await host.dispatch('endSession', {});
    now += 1000;
    await host.dispatch('startSession', { presetId: 'mute' });
    expect(audioOf(host).muted).toBe(false);
    expect((await host.dispatch('setOutputDevice', { deviceId: 'abc123', label: 'Headphones' })).ok).toBe(true);
    host.close();
    hosts.pop();
    host = await openHost();
    expect(audioOf(host).outputDevice).toEqual({ deviceId: 'abc123', label: 'Headphones' });
    const bad = await host.dispatch('setOutputDevice', { deviceId: 5 });
    expect(bad.ok).toBe(false);
  });
});
