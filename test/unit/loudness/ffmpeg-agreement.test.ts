/**
 * The loudness service against the reference: ffmpeg's `ebur128` filter (integrated loudness,
 * loudness range, true peak) and `silencedetect` (cue-in/out), on signals generated with sox
 * and encoded with ffmpeg. The contract is agreement within 0.5 LU; the table printed at the
 * end shows how close it really is (ffmpeg prints one decimal).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseFile } from '../../../electron/services/loudness/analyse';
import type { LoudnessResult } from '../../../electron/services/loudness/types';
import { ffmpegLoudness, ffmpegSilences, hasTool, run } from '../../fixtures/audio-gen';

const missing = (['ffmpeg', 'sox'] as const).filter((t) => !hasTool(t));
const reason = missing.length ? ` — SKIPPED: ${missing.join(' and ')} not installed` : '';

/** name → how to make it (sox for PCM sources, ffmpeg to encode). */
const SOURCES: Array<[string, string[]]> = [
  ['tone-20.wav', ['-n', '-r', '44100', '-c', '2', '-b', '16', '{out}', 'synth', '10', 'sine', '1000', 'gain', '-n', '-20']],
  ['tone-35-mono-48k.wav', ['-n', '-r', '48000', '-c', '1', '-b', '16', '{out}', 'synth', '10', 'sine', '440', 'gain', '-n', '-35']],
  ['pink.wav', ['-n', '-r', '44100', '-c', '2', '-b', '16', '{out}', 'synth', '10', 'pinknoise', 'gain', '-n', '-12']],
  ['hot-96k.wav', ['-n', '-r', '96000', '-c', '2', '-b', '24', '{out}', 'synth', '6', 'sine', '5000', 'gain', '-n', '-0.5']],
];

/** The files compared with ffmpeg's ebur128 (PCM, then compressed). */
const MEASURED = [
  'tone-20.wav',
  'tone-35-mono-48k.wav',
  'pink.wav',
  'hot-96k.wav',
  'gates.wav',
  'steps.wav',
  'stereo-different.wav',
  'tone-20.flac',
  'pink.ogg',
  'gates.mp3',
  'dual-mono.mp3',
  'late-stereo.mp3',
  'steps.opus',
  'stereo-different.m4a',
];

interface Row {
  file: string;
  ours: LoudnessResult;
  ff: ReturnType<typeof ffmpegLoudness>;
}

describe(`agreement with ffmpeg${reason}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'stillroom-loudness-ff-'));
  const f = (name: string) => join(dir, name);
  const rows: Row[] = [];

  beforeAll(() => {
    if (missing.length) return;
    for (const [name, args] of SOURCES)
      run(
        'sox',
        args.map((a) => (a === '{out}' ? f(name) : a)),
      );
    // Gates: a tone, silence (absolute gate), then quiet pink noise 27 dB down (relative gate).
    run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', f('g1.wav'), 'synth', '4', 'sine', '1000', 'gain', '-n', '-18']);
    run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', f('g2.wav'), 'trim', '0', '3']);
    run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', f('g3.wav'), 'synth', '4', 'pinknoise', 'gain', '-n', '-45']);
    run('sox', [f('g1.wav'), f('g2.wav'), f('g3.wav'), f('gates.wav')]);
    // Loudness steps for the loudness range: pink noise at three levels, 6 s each.
    for (const [i, level] of [-20, -30, -24].entries()) {
      run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', f(`s${i}.wav`), 'synth', '6', 'pinknoise', 'gain', '-n', String(level)]);
    }
    run('sox', [f('s0.wav'), f('s1.wav'), f('s2.wav'), f('steps.wav')]);
    // Stereo with different channels: a tone on the left, pink noise on the right.
    run('sox', ['-n', '-r', '44100', '-c', '1', '-b', '16', f('l.wav'), 'synth', '10', 'sine', '440', 'gain', '-n', '-20']);
    run('sox', ['-n', '-r', '44100', '-c', '1', '-b', '16', f('r.wav'), 'synth', '10', 'pinknoise', 'gain', '-n', '-30']);
    run('sox', ['-M', f('l.wav'), f('r.wav'), f('stereo-different.wav')]);
    // Padding for cue-in/out: 1.5 s silence, 4 s tone, 2 s silence.
    run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', f('p1.wav'), 'trim', '0', '1.5']);
    run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', f('p3.wav'), 'trim', '0', '2']);
    run('sox', [f('p1.wav'), f('g1.wav'), f('p3.wav'), f('padded.wav')]);
    // Compressed formats, encoded by ffmpeg.
    run('ffmpeg', ['-i', f('pink.wav'), '-c:a', 'libvorbis', '-q:a', '5', f('pink.ogg')]);
    run('ffmpeg', ['-i', f('gates.wav'), '-c:a', 'libmp3lame', '-b:a', '192k', f('gates.mp3')]);
    run('ffmpeg', ['-i', f('steps.wav'), '-c:a', 'libopus', '-b:a', '128k', f('steps.opus')]);
    run('ffmpeg', ['-i', f('stereo-different.wav'), '-c:a', 'aac', '-b:a', '192k', f('stereo-different.m4a')]);
    run('ffmpeg', ['-i', f('tone-20.wav'), '-c:a', 'flac', f('tone-20.flac')]);
    run('ffmpeg', ['-i', f('padded.wav'), '-c:a', 'libmp3lame', '-b:a', '192k', f('padded.mp3')]);
    // mp3 decoders hand identical channels over as mono: a dual-mono file, and a stereo file
    // whose first 1.5 s are silent (identical), must still be measured as stereo.
    run('ffmpeg', ['-i', f('tone-20.wav'), '-c:a', 'libmp3lame', '-b:a', '192k', f('dual-mono.mp3')]);
    run('sox', [f('p1.wav'), f('stereo-different.wav'), f('late-stereo.wav')]);
    run('ffmpeg', ['-i', f('late-stereo.wav'), '-c:a', 'libmp3lame', '-b:a', '192k', f('late-stereo.mp3')]);
  }, 60_000);

  afterAll(() => {
    if (rows.length) {
      const r2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : String(x));
      const lines = rows.map(
        ({ file, ours, ff }) =>
          `| ${file} | ${r2(ours.integratedLufs)} | ${ff.integratedLufs.toFixed(1)} | ${r2(ours.integratedLufs - ff.integratedLufs)} | ` +
          `${r2(ours.loudnessRangeLu)} | ${ff.loudnessRangeLu.toFixed(1)} | ${r2(ours.truePeakDbtp)} | ${ff.truePeakDbtp.toFixed(1)} | ${r2(ours.truePeakDbtp - ff.truePeakDbtp)} |`,
      );
      console.log(
        [
          '| file | I (LUFS) | ffmpeg I | ΔI | LRA (LU) | ffmpeg LRA | TP (dBTP) | ffmpeg TP | ΔTP |',
          '|---|---|---|---|---|---|---|---|---|',
          ...lines,
        ].join('\n'),
      );
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(missing.length > 0).each(MEASURED)('%s: integrated, range and true peak within 0.5 of ffmpeg', async (name) => {
    const ours = await analyseFile(f(name));
    const ff = ffmpegLoudness(f(name));
    rows.push({ file: name, ours, ff });
    expect(Math.abs(ours.integratedLufs - ff.integratedLufs)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(ours.loudnessRangeLu - ff.loudnessRangeLu)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(ours.truePeakDbtp - ff.truePeakDbtp)).toBeLessThanOrEqual(0.5);
    // ffmpeg prints one decimal: on PCM the figures should round to the same tenth.
    if (name.endsWith('.wav') || name.endsWith('.flac')) expect(Math.abs(ours.integratedLufs - ff.integratedLufs)).toBeLessThanOrEqual(0.1);
  });

  it.skipIf(missing.length > 0).each(['padded.wav', 'padded.mp3'])('%s: cue-in/out agree with silencedetect', async (name) => {
    const ours = await analyseFile(f(name));
    const silences = ffmpegSilences(f(name), -60, 0.3);
    const lead = silences.find(([s]) => s < 0.01);
    const trail = silences.find(([, e]) => e === Number.POSITIVE_INFINITY || e >= ours.durationS - 0.05);
    expect(lead).toBeDefined();
    expect(trail).toBeDefined();
    // One 10 ms window of resolution, plus a little for the mp3 decoder.
    const tolerance = name.endsWith('.mp3') ? 0.03 : 0.011;
    expect(Math.abs(ours.cueInS - (lead?.[1] ?? Number.NaN))).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(ours.cueOutS - (trail?.[0] ?? Number.NaN))).toBeLessThanOrEqual(tolerance);
    expect(ours.cueInS).toBeCloseTo(1.5, 1);
    expect(ours.cueOutS).toBeCloseTo(5.5, 1);
  });
});

describe(`ReplayGain tags${reason}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'stillroom-loudness-rg-'));
  const f = (name: string) => join(dir, name);

  beforeAll(() => {
    if (missing.length) return;
    run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', f('src.wav'), 'synth', '3', 'sine', '440', 'gain', '-n', '-10']);
    const tag = (out: string, codec: string, gain: string, peak?: string) =>
      run('ffmpeg', [
        '-i',
        f('src.wav'),
        '-c:a',
        codec,
        '-metadata',
        `REPLAYGAIN_TRACK_GAIN=${gain}`,
        ...(peak ? ['-metadata', `REPLAYGAIN_TRACK_PEAK=${peak}`] : []),
        f(out),
      ]);
    tag('rg.ogg', 'libvorbis', '-2.40 dB', '0.501000');
    tag('rg.mp3', 'libmp3lame', '-2.40 dB');
    tag('rg.flac', 'flac', '+3.10 dB', '0.320000');
    tag('absurd.mp3', 'libmp3lame', '+60 dB');
    tag('absurd-low.ogg', 'libvorbis', '-60.00 dB');
    tag('nan.flac', 'flac', 'NaN dB');
    run('ffmpeg', ['-i', f('src.wav'), '-c:a', 'libvorbis', f('untagged.ogg')]);
  }, 30_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(missing.length > 0)('reads the track gain (and peak) from Vorbis comments and ID3v2', async () => {
    expect((await analyseFile(f('rg.ogg'))).replayGain).toEqual({ trackGainDb: -2.4, trackPeak: 0.501 });
    expect((await analyseFile(f('rg.mp3'))).replayGain).toEqual({ trackGainDb: -2.4, trackPeak: null });
    expect((await analyseFile(f('rg.flac'))).replayGain).toEqual({ trackGainDb: 3.1, trackPeak: 0.32 });
    const none = await analyseFile(f('untagged.ogg'));
    expect(none.replayGain).toBeNull();
    expect(none.replayGainIgnored).toBeUndefined();
  });

  it.skipIf(missing.length > 0)('ignores absurd tags with a reason, and still measures the file', async () => {
    for (const [name, why] of [
      ['absurd.mp3', /\+60 dB is outside the plausible range/],
      ['absurd-low.ogg', /-60 dB is outside the plausible range/],
      ['nan.flac', /not a number/],
    ] as const) {
      const r = await analyseFile(f(name));
      expect(r.replayGain, name).toBeNull();
      expect(r.replayGainIgnored, name).toMatch(why);
      expect(r.integratedLufs, name).toBeGreaterThan(-20);
    }
  });
});
