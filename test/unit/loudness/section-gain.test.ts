/**
 * Levelling by what is heard (electron/core/gain.ts `sectionLufs`/`sectionGain`, and the
 * envelope the meter keeps in the same pass): a phase that fades a track out early is levelled
 * by the part it plays; a track played (nearly) whole is levelled as before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  heardSection,
  type LoudnessEnvelope,
  SECTION_SLACK_S,
  sectionGain,
  sectionLufs,
  sectionPeakDbtp,
  trackGain,
} from '../../../electron/core/gain';
import { LoudnessMeter } from '../../../electron/services/loudness/meter';
import { TruePeakMeter } from '../../../electron/services/loudness/true-peak';
import { concat, silence, sine } from '../../fixtures/audio-gen';

const env = (windowS: number, lufs: number[]): LoudnessEnvelope => ({ windowS, lufs });

describe('loudness of a section, from the envelope', () => {
  it('a steady track is as loud in any section as over the whole', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 170, noNaN: true }), fc.double({ min: 1, max: 30, noNaN: true }), (from, len) => {
        const l = sectionLufs(env(3, Array(60).fill(-20)), from, Math.min(180, from + len));
        return l !== null && Math.abs(l + 20) < 1e-9;
      }),
    );
  });

  it('counts each window by how much of it the section covers', () => {
    // Half a window at −10, a whole one at −20: energy-weighted, not an average of decibels.
    const l = sectionLufs(env(2, [-10, -20]), 1, 4) as number;
    const e = (x: number) => 10 ** (x / 10);
    expect(l).toBeCloseTo(10 * Math.log10((e(-10) * 1 + e(-20) * 2) / 3), 6);
  });

  it('gates like BS.1770: silent windows and windows 10 LU under the section do not pull it down', () => {
    expect(sectionLufs(env(3, [-20, -70, -70, -20]), 0, 12)).toBeCloseTo(-20, 9);
    expect(sectionLufs(env(3, [-20, -45, -20]), 0, 9)).toBeCloseTo(-20, 9);
    expect(sectionLufs(env(3, [-70, -70]), 0, 6)).toBeNull();
    expect(sectionLufs(env(3, [-20]), 10, 20)).toBeNull();
  });

  it('agrees with the meter on the same audio: envelope sections within 0.3 LU of measuring that stretch alone', () => {
    const rate = 22050;
    // 30 s quiet, 30 s loud, 9 s of silence, 21 s mid: a slow build with a pause.
    const audio = concat(sine(30, rate, 300, -34), sine(30, rate, 500, -14), silence(9, rate), sine(21, rate, 700, -24));
    const whole = new LoudnessMeter(rate, 1);
    whole.add([audio]);
    const e = whole.envelope();
    expect(e.windowS).toBe(3);
    expect(e.lufs).toHaveLength(30);
    for (const [from, to] of [
      [0, 30],
      [0, 45],
      [30, 90],
      [12, 75],
    ] as const) {
      const m = new LoudnessMeter(rate, 1);
      m.add([audio.subarray(from * rate, to * rate)]);
      expect(Math.abs((sectionLufs(e, from, to) as number) - m.integratedLufs()), `${from}–${to} s`).toBeLessThan(0.3);
    }
  });
});

describe('the gain for the section a segment plays', () => {
  // A slow build: 90 s at −30 LUFS, then 4½ minutes at −16; the whole track measures about −17.
  const lufs = [...Array(30).fill(-30), ...Array(90).fill(-16)];
  const track = { integratedLufs: -16.4, truePeakDbtp: -9, durationS: 360, envelope: env(3, lufs) };

  it('a phase that fades the track out after 90 s levels it by those 90 s (the room hears −30, not −16)', () => {
    const g = sectionGain(track, { fromS: 0, toS: 90 });
    expect(g.gainDb).toBeCloseTo(-23 + 30, 6);
    expect(g.basis).toBe('measured');
    // Without sections the same stretch would have played 13.6 dB too quiet.
    expect(trackGain({ measured: track }).gainDb).toBeCloseTo(-23 + 16.4, 6);
  });

  it('a track played whole, or within the slack of its end, keeps its whole-track gain', () => {
    const whole = trackGain({ measured: track });
    expect(sectionGain(track, { fromS: 0, toS: 360 })).toEqual(whole);
    expect(sectionGain(track, { fromS: 1.2, toS: 360 - SECTION_SLACK_S + 1 })).toEqual(whole);
  });

  it('no envelope (measured before envelopes existed), or a silent section: the whole-track gain', () => {
    const whole = trackGain({ measured: track });
    expect(sectionGain({ ...track, envelope: null }, { fromS: 0, toS: 90 })).toEqual(whole);
    expect(sectionGain({ ...track, envelope: env(3, Array(120).fill(-70)) }, { fromS: 0, toS: 90 })).toEqual(whole);
  });

  it('without block peaks, never lets the whole-track true peak pass the ceiling, or boosts past the limit', () => {
    // No peaks for the section (an older cache entry): the whole track's is the safe side.
    const hot = { ...track, truePeakDbtp: -3 };
    expect(sectionGain(hot, { fromS: 0, toS: 90 })).toMatchObject({ gainDb: 2, limitedBy: 'true-peak' });
    const faint = { ...track, truePeakDbtp: -40, envelope: env(3, Array(120).fill(-50)) };
    expect(sectionGain(faint, { fromS: 0, toS: 90 })).toMatchObject({ gainDb: 12, limitedBy: 'max-boost' });
  });
});

describe('the section is capped by its own true peak', () => {
  // A quiet opening (90 s at −30 LUFS, peaks −20 dBTP) before a climax that peaks at −1 dBTP.
  const peaks = { windowS: 1.5, dbtp: [...Array(60).fill(-20), ...Array(180).fill(-1)] };
  const track = {
    integratedLufs: -16.4,
    truePeakDbtp: -1,
    durationS: 360,
    envelope: { ...env(3, [...Array(30).fill(-30), ...Array(90).fill(-16)]), peaks },
  };

  it('a phase that plays only the quiet opening raises it to the target: the climax it never plays does not hold it down', () => {
    const g = sectionGain(track, { fromS: 0, toS: 90 });
    expect(g.gainDb).toBeCloseTo(7, 6);
    expect(g.limitedBy).toBe('target');
    // With only the whole-track peak it would stay at 0 dB: 7 dB under the others.
    expect(sectionGain({ ...track, envelope: env(3, track.envelope.lufs) }, { fromS: 0, toS: 90 }).gainDb).toBe(0);
  });

  it('a section reaching into the climax is capped by the climax (invariant: peak + gain ≤ −1 dBTP)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 5, max: 140, noNaN: true }), (from, len) => {
        const to = Math.min(from + len, 340);
        const g = sectionGain(track, { fromS: from, toS: to });
        const peak = sectionPeakDbtp(peaks, from, to) ?? track.truePeakDbtp;
        return peak + g.gainDb <= -1 + 1e-9;
      }),
    );
  });

  it('block peaks come from the same pass as the whole-track peak, in order', () => {
    const rate = 8000;
    // 4 blocks of 1 s: quiet, loud, quiet, quiet.
    const audio = concat(sine(1, rate, 300, -30), sine(1, rate, 300, -6), sine(2, rate, 300, -30));
    const m = new TruePeakMeter(rate, 1, rate);
    m.add([audio]);
    const e = m.envelope();
    expect(e.windowS).toBe(1);
    expect(e.dbtp).toHaveLength(4);
    expect(e.dbtp[1] as number).toBeGreaterThan(-6.5);
    expect(e.dbtp[3] as number).toBeLessThan(-29);
    expect(m.finish()).toBeCloseTo(Math.max(...e.dbtp), 1);
    expect(sectionPeakDbtp(e, 2.1, 3.9)).toBe(e.dbtp[2]);
  });

  it('the heard section runs from where the segment starts in the file to where its fade-out begins', () => {
    expect(heardSection({ start: 10_000, offsetS: 1.5, fadeOutStart: 100_000 })).toEqual({ fromS: 1.5, toS: 91.5 });
  });
});
