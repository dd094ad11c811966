import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkReplayGain,
  DEFAULT_GAIN_POLICY,
  DEFAULT_TARGET_LUFS,
  DUAL_MONO_OFFSET_DB,
  dbToLinear,
  linearToDb,
  MAX_BOOST_DB,
  TRUE_PEAK_CEILING_DBTP,
  trackGain,
  unmeasuredGainDb,
} from '../../../electron/core/gain';

describe('dB ↔ linear', () => {
  it('converts the landmarks', () => {
    expect(dbToLinear(0)).toBe(1);
    expect(dbToLinear(-20)).toBeCloseTo(0.1, 12);
    expect(dbToLinear(6.0206)).toBeCloseTo(2, 4);
    expect(linearToDb(1)).toBe(0);
    expect(linearToDb(0.5)).toBeCloseTo(-6.0206, 4);
    expect(linearToDb(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(linearToDb(-1)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('round-trips', () => {
    fc.assert(fc.property(fc.double({ min: -120, max: 40, noNaN: true }), (db) => Math.abs(linearToDb(dbToLinear(db)) - db) < 1e-9));
  });
});

describe('trackGain from a measurement', () => {
  it('turns a loud track down to the target', () => {
    const g = trackGain({ measured: { integratedLufs: -9, truePeakDbtp: 0.5 } });
    expect(g.gainDb).toBeCloseTo(DEFAULT_TARGET_LUFS + 9, 10);
    expect(g.basis).toBe('measured');
    expect(g.limitedBy).toBe('target');
    expect(g.linear).toBeCloseTo(dbToLinear(g.gainDb), 12);
  });

  it('raises a quiet track only as far as its true peak allows', () => {
    // -35 LUFS wants +12 dB, but a peak at -4 dBTP leaves only 3 dB below the -1 dBTP ceiling.
    const g = trackGain({ measured: { integratedLufs: -35, truePeakDbtp: -4 } });
    expect(g.gainDb).toBeCloseTo(3, 10);
    expect(g.limitedBy).toBe('true-peak');
  });

  it('turns down a quiet track whose peak is already above the ceiling', () => {
    const g = trackGain({ measured: { integratedLufs: -24, truePeakDbtp: 0.5 } });
    expect(g.gainDb).toBeCloseTo(-1.5, 10);
    expect(g.limitedBy).toBe('true-peak');
  });

  it('never raises more than the maximum boost', () => {
    const g = trackGain({ measured: { integratedLufs: -60, truePeakDbtp: -40 } });
    expect(g.gainDb).toBe(MAX_BOOST_DB);
    expect(g.limitedBy).toBe('max-boost');
  });

  it('hears a mono file as dual mono (3 dB louder than BS.1770 measures it)', () => {
    const stereo = trackGain({ measured: { integratedLufs: -20, truePeakDbtp: -10, channels: 2 } });
    const mono = trackGain({ measured: { integratedLufs: -20, truePeakDbtp: -10, channels: 1 } });
    expect(stereo.gainDb - mono.gainDb).toBeCloseTo(DUAL_MONO_OFFSET_DB, 10);
  });

  it('follows a different target', () => {
    const g = trackGain({ measured: { integratedLufs: -16, truePeakDbtp: -3 } }, { ...DEFAULT_GAIN_POLICY, targetLufs: -20 });
    expect(g.gainDb).toBeCloseTo(-4, 10);
  });

  it('prefers the measurement to a tag', () => {
    const g = trackGain({ measured: { integratedLufs: -20, truePeakDbtp: -6 }, replayGain: { trackGainDb: 10, trackPeak: 0.1 } });
    expect(g.basis).toBe('measured');
    expect(g.gainDb).toBeCloseTo(-3, 10);
  });

  it('ignores a measurement that is not a number', () => {
    expect(trackGain({ measured: { integratedLufs: Number.NaN, truePeakDbtp: -1 } }).basis).toBe('unmeasured');
    expect(trackGain({ measured: { integratedLufs: -20, truePeakDbtp: Number.NaN } }).basis).toBe('unmeasured');
  });
});

describe('trackGain from ReplayGain and for unmeasured tracks', () => {
  it('uses a sane tag relative to the −18 LUFS reference', () => {
    // Tag -2.4 dB: the track is at -15.6 LUFS; target -23 → -7.4 dB.
    const g = trackGain({ replayGain: { trackGainDb: -2.4, trackPeak: 0.9 } });
    expect(g.basis).toBe('replaygain');
    expect(g.gainDb).toBeCloseTo(-7.4, 10);
  });

  it('never raises on a tag without a peak (the headroom is unknown)', () => {
    const g = trackGain({ replayGain: { trackGainDb: 12, trackPeak: null } });
    expect(g.gainDb).toBe(0);
    expect(g.limitedBy).toBe('unverified-peak');
  });

  it('raises on a tag with a peak, keeping a margin for inter-sample peaks', () => {
    // -30 LUFS (tag +12), sample peak 0.1 (-20 dBFS) → assumed -19 dBTP → at most +18; wants +7.
    expect(trackGain({ replayGain: { trackGainDb: 12, trackPeak: 0.1 } }).gainDb).toBeCloseTo(7, 10);
    // Sample peak 0.5 (-6 dBFS) → assumed -5 dBTP → at most +4.
    const g = trackGain({ replayGain: { trackGainDb: 12, trackPeak: 0.5 } });
    expect(g.gainDb).toBeCloseTo(-1 - (linearToDb(0.5) + 1), 10);
    expect(g.limitedBy).toBe('true-peak');
  });

  it('plays an unknown track at a conservative gain that keeps even a loud master from jumping out', () => {
    const g = trackGain({});
    expect(g.basis).toBe('unmeasured');
    expect(g.gainDb).toBe(unmeasuredGainDb());
    expect(g.gainDb).toBeLessThanOrEqual(-6);
    // A -10 LUFS master at this gain lands at the target or below.
    expect(-10 + g.gainDb).toBeLessThanOrEqual(DEFAULT_TARGET_LUFS);
  });
});

describe('checkReplayGain', () => {
  it('says nothing when there is no tag', () => {
    expect(checkReplayGain({})).toBeNull();
  });

  it('accepts plausible values', () => {
    expect(checkReplayGain({ trackGainDb: -2.4, trackPeak: 0.98 })).toEqual({ ok: true, tag: { trackGainDb: -2.4, trackPeak: 0.98 } });
    expect(checkReplayGain({ trackGainDb: 8 })).toEqual({ ok: true, tag: { trackGainDb: 8, trackPeak: null } });
  });

  it.each([
    [{ trackGainDb: 60 }, /\+60 dB is outside/],
    [{ trackGainDb: -60 }, /-60 dB is outside/],
    [{ trackGainDb: Number.NaN }, /not a number/],
    [{ trackGainDb: null }, /not a number/],
    [{ trackGainDb: Number.POSITIVE_INFINITY }, /not a number/],
  ])('ignores absurd %o with a reason', (raw, reason) => {
    const c = checkReplayGain(raw);
    expect(c?.ok).toBe(false);
    if (c && !c.ok) expect(c.reason).toMatch(reason);
  });

  it('keeps the gain but drops an impossible peak', () => {
    expect(checkReplayGain({ trackGainDb: -3, trackPeak: -1 })).toEqual({ ok: true, tag: { trackGainDb: -3, trackPeak: null } });
    expect(checkReplayGain({ trackGainDb: -3, trackPeak: Number.NaN })).toEqual({ ok: true, tag: { trackGainDb: -3, trackPeak: null } });
  });
});

describe('gain properties', () => {
  const lufs = fc.double({ min: -70, max: 0, noNaN: true });
  const peak = fc.double({ min: -60, max: 6, noNaN: true });
  const target = fc.double({ min: -30, max: -10, noNaN: true });

  it('never pushes the true peak above −1 dBTP (unless the track is only turned down)', () => {
    fc.assert(
      fc.property(lufs, peak, target, (i, tp, t) => {
        const g = trackGain({ measured: { integratedLufs: i, truePeakDbtp: tp } }, { ...DEFAULT_GAIN_POLICY, targetLufs: t });
        return tp + g.gainDb <= TRUE_PEAK_CEILING_DBTP + 1e-9;
      }),
    );
  });

  it('raises a quieter-than-target track only within the caps, and never past the target', () => {
    fc.assert(
      fc.property(lufs, peak, target, fc.integer({ min: 1, max: 2 }), (i, tp, t, channels) => {
        const heard = i + (channels === 1 ? DUAL_MONO_OFFSET_DB : 0);
        fc.pre(heard < t);
        const g = trackGain({ measured: { integratedLufs: i, truePeakDbtp: tp, channels } }, { ...DEFAULT_GAIN_POLICY, targetLufs: t });
        const within = g.gainDb <= MAX_BOOST_DB + 1e-9 && g.gainDb <= TRUE_PEAK_CEILING_DBTP - tp + 1e-9;
        const notPast = heard + g.gainDb <= t + 1e-9;
        const exactUnlessCapped = g.limitedBy !== 'target' || Math.abs(heard + g.gainDb - t) < 1e-9;
        return within && notPast && exactUnlessCapped;
      }),
    );
  });

  it('never makes a louder-than-target track louder', () => {
    fc.assert(
      fc.property(lufs, peak, (i, tp) => {
        fc.pre(i > DEFAULT_TARGET_LUFS);
        return trackGain({ measured: { integratedLufs: i, truePeakDbtp: tp } }).gainDb < 0;
      }),
    );
  });

  it('tag-based gains respect the ceiling too, assuming the margin over the sample peak', () => {
    fc.assert(
      fc.property(fc.double({ min: -24, max: 24, noNaN: true }), fc.double({ min: 0.001, max: 1.5, noNaN: true }), (rg, p) => {
        const g = trackGain({ replayGain: { trackGainDb: rg, trackPeak: p } });
        return linearToDb(p) + 1 + g.gainDb <= TRUE_PEAK_CEILING_DBTP + 1e-9;
      }),
    );
  });
});
