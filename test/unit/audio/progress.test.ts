/**
 * Progress of loudness analysis (issue 3): each file counts once and is done whether it measured
 * or failed, so the count always reaches the total; the panel's line reads "Measuring loudness:
 * 12 of 40 tracks" and disappears when done; a burst of results republishes at most about twice
 * a second; and through the real host a 24-file batch ends at 24 of 24 without a publish per file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchProgress, Coalescer, progressLine } from '../../../electron/core/playback';
import { ANALYSIS_PUBLISH_MS, EXTRA_ASSET_DIR_ENV } from '../../../electron/host/audio';
import { applyHostMessage, type HostSnapshot } from '../../../electron/host/contract';
import { StillroomHost } from '../../../electron/host/host';
import { confSettings } from '../../../electron/services/settings';
import { sine, writeWav } from '../../fixtures/audio-gen';

describe('batch progress', () => {
  it('counts each file once and a failed file as done', () => {
    const outcomes = new Map<string, 'ok' | 'failed'>([
      ['a.flac', 'ok'],
      ['b.mp3', 'failed'],
    ]);
    const p = batchProgress(['a.flac', 'b.mp3', 'a.flac', 'c.ogg', 'd.wav'], (f) => outcomes.has(f));
    expect(p).toEqual({ done: 2, total: 4 });
    outcomes.set('c.ogg', 'ok').set('d.wav', 'failed');
    expect(batchProgress(['a.flac', 'b.mp3', 'c.ogg', 'd.wav'], (f) => outcomes.has(f))).toEqual({ done: 4, total: 4 });
  });

  it('says how far it has got, and nothing once done or when there is nothing to measure', () => {
    expect(progressLine({ done: 12, total: 40 })).toBe('Measuring loudness: 12 of 40 tracks');
    expect(progressLine({ done: 0, total: 1 })).toBe('Measuring loudness: 0 of 1 track');
    expect(progressLine({ done: 40, total: 40 })).toBeNull();
    expect(progressLine({ done: 0, total: 0 })).toBeNull();
    expect(progressLine(null)).toBeNull();
  });
});

describe('Coalescer', () => {
  function fake() {
    let t = 0;
    const timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
    return {
      now: () => t,
      schedule: (fn: () => void, ms: number) => {
        const timer = { at: t + ms, fn, live: true };
        timers.push(timer);
        return () => {
          timer.live = false;
        };
      },
      advance(ms: number) {
        const end = t + ms;
        for (;;) {
          const next = timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at)[0];
          if (!next) break;
          t = next.at;
          next.live = false;
          next.fn();
        }
        t = end;
      },
    };
  }

  it('lets the first change through at once and folds a burst into one trailing call per interval', () => {
    const clock = fake();
    const fired: string[][] = [];
    const c = new Coalescer<'state' | 'cues'>(500, (k) => fired.push([...k].sort()), clock.now, clock.schedule);
    c.request('state');
    expect(fired).toEqual([['state']]);
    // 40 results over 2 s (one every 50 ms): about 2 calls a second, never one per result.
    for (let i = 0; i < 40; i++) {
      clock.advance(50);
      c.request(i === 13 ? 'cues' : 'state');
    }
    clock.advance(600);
    expect(fired.length).toBeGreaterThanOrEqual(4);
    expect(fired.length).toBeLessThanOrEqual(6);
    // The cue change was not lost in the fold.
    expect(fired.some((k) => k.includes('cues'))).toBe(true);
    const before = fired.length;
    clock.advance(5000);
    expect(fired.length).toBe(before); // nothing pending, nothing sent
  });

  it('dispose drops what is pending', () => {
    const clock = fake();
    let n = 0;
    const c = new Coalescer<'state'>(500, () => n++, clock.now, clock.schedule);
    c.request('state');
    c.request('state');
    c.dispose();
    clock.advance(1000);
    expect(n).toBe(1);
  });
});

describe('through the host', () => {
  let root = '';
  const hosts: StillroomHost[] = [];
  afterEach(async () => {
    for (const h of hosts.splice(0)) h.close();
    delete process.env[EXTRA_ASSET_DIR_ENV];
    await new Promise((r) => setTimeout(r, 300));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('a 24-track pre-session check counts up to 24 of 24, republishing about twice a second', async () => {
    root = mkdtempSync(join(tmpdir(), 'stillroom-progress-'));
    const appRoot = join(root, 'app');
    const dataDir = join(root, 'data');
    const music = join(root, 'music');
    mkdirSync(join(appRoot, 'playlists'), { recursive: true });
    mkdirSync(join(music, 'm'), { recursive: true });
    mkdirSync(join(dataDir, 'presets'), { recursive: true });
    const playlist = Array.from({ length: 24 }, (_, i) => {
      writeWav(join(music, 'm', `t${i}.wav`), [sine(3, 8000, 200 + i * 20, -20 - (i % 7))], 8000);
      return { title: `T${i}`, artist: 'Test', durationS: 3, asset: `m/t${i}.wav` };
    });
    writeFileSync(
      join(dataDir, 'presets', 'big.stillroom.json'),
      JSON.stringify({
        format: 'stillroom.preset/1',
        id: 'big',
        name: 'Big',
        route: 'demo',
        phases: [{ kind: 'preparation', name: 'All', plannedMin: 10, playlist, light: { level: 50, kelvin: 2700, transitionS: 5 } }],
      }),
    );
    process.env[EXTRA_ASSET_DIR_ENV] = music;
    const host = await StillroomHost.open({ dataDir, appRoot, settings: confSettings(dataDir), log: () => undefined, tickMs: 60_000 });
    hosts.push(host);
    const seen: Array<{ t: number; done: number }> = [];
    let mirror: HostSnapshot | null = host.snapshot();
    host.subscribe((m) => {
      mirror = applyHostMessage(mirror, m);
      // Progress arrives as patches of the `audio` part only.
      if (m.kind === 'patch' && m.patch.audio && mirror?.audio?.check?.presetId === 'big')
        seen.push({ t: performance.now(), done: mirror.audio.check.done });
    });
    const t0 = performance.now();
    expect(await host.dispatch('checkPreset', { presetId: 'big' })).toEqual({ ok: true });
    for (;;) {
      const c = host.snapshot().audio?.check;
      if (c && !c.analysing) break;
      if (performance.now() - t0 > 30_000) throw new Error('the check did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, ANALYSIS_PUBLISH_MS + 100));
    const check = host.snapshot().audio?.check;
    expect(check).toMatchObject({ found: 24, measured: 24, done: 24, analysing: false });
    // Progress only ever goes up, and the last publish says 24.
    const dones = seen.map((s) => s.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(dones.at(-1)).toBe(24);
    // Far fewer publishes than files: about two a second (plus the command's own publish).
    expect(seen.length).toBeLessThan(24);
    const span = (seen.at(-1)?.t ?? 0) - (seen[0]?.t ?? 0);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(span / ANALYSIS_PUBLISH_MS) + 3);
  });
});
