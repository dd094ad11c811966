import { describe, expect, it } from 'vitest';
import { levelToLuminance } from '../../../electron/core/curves';
import {
  clampKelvin,
  kelvinRangeToMired,
  kelvinToDeviceMired,
  levelToUnits,
  minLevelOf,
  miredRangeToKelvin,
  SCALES,
  scaleWith,
  shownLevel,
  unitsToLevel,
} from '../../../electron/services/lighting/levels';

const all = Object.entries(SCALES);

describe('perceptual level → device units', () => {
  it('maps the ends of every protocol: 100 → max, 0 → off', () => {
    for (const [, s] of all) {
      expect(levelToUnits(100, s)).toEqual({ on: true, value: s.max });
      expect(levelToUnits(0, s).on).toBe(false);
      expect(levelToUnits(-3, s).on).toBe(false);
      expect(levelToUnits(Number.NaN, s).on).toBe(false);
    }
  });

  it('never maps a level above 0 to off: the low end holds at the smallest device step', () => {
    for (const [, s] of all) {
      for (const l of [1e-9, 0.001, 0.01, 0.5, 1, 2]) {
        const u = levelToUnits(l, s);
        expect(u.on).toBe(true);
        expect(u.value).toBeGreaterThanOrEqual(s.min);
      }
    }
  });

  it('is monotonic and within each protocol range (Hue v1 1–254, LIFX ≤ 65535, WiZ 1–100, HA ≤ 255)', () => {
    for (const [, s] of all) {
      let prev = 0;
      for (let l = 0.05; l <= 100; l += 0.05) {
        const u = levelToUnits(l, s).value;
        expect(u).toBeGreaterThanOrEqual(prev);
        expect(u).toBeLessThanOrEqual(s.max);
        prev = u;
      }
    }
    expect(levelToUnits(50, SCALES.hueV1).value).toBe(Math.round(254 * levelToLuminance(50)));
    expect(Number.isInteger(levelToUnits(33.3, SCALES.wiz).value)).toBe(true);
    expect(levelToUnits(33.3, SCALES.hueV2).value * 100).toBeCloseTo(Math.round(levelToUnits(33.3, SCALES.hueV2).value * 100), 6);
  });

  it('round-trips through read-back within one device step', () => {
    for (const [, s] of all) {
      for (const l of [5, 20, 50, 80, 100]) {
        const back = unitsToLevel(levelToUnits(l, s).value, s);
        const step = unitsToLevel(levelToUnits(l, s).value + s.resolution, s) - back;
        expect(Math.abs(back - l)).toBeLessThanOrEqual(Math.abs(step) + 1e-9);
      }
    }
    expect(unitsToLevel(200, SCALES.hueV1, false)).toBe(0);
  });

  it('LIFX 16-bit shows even a slow low-end dim in sub-threshold steps; 8-bit Hue does not (reported, not hidden)', () => {
    expect(shownLevel(10, SCALES.lifx)).toBeCloseTo(10, 1);
    expect(minLevelOf(SCALES.lifx)).toBeLessThan(0.02);
    expect(minLevelOf(SCALES.hueV1)).toBeGreaterThan(3); // bri 1 on a linear curve
  });

  it('a calibrated gamma changes the curve but keeps the guarantees', () => {
    const s = scaleWith(SCALES.hueV1, { gamma: 2.2 });
    expect(levelToUnits(50, s).value).toBeGreaterThan(levelToUnits(50, SCALES.hueV1).value);
    expect(levelToUnits(0.001, s)).toEqual({ on: true, value: 1 });
    expect(scaleWith(SCALES.hueV1, { gamma: -1, min: 999 })).toMatchObject({ gamma: 1, min: 1 });
  });
});

describe('kelvin ↔ mired', () => {
  it('clamps to each device range', () => {
    expect(kelvinToDeviceMired(2700, [153, 500])).toBe(370);
    expect(kelvinToDeviceMired(1500, [153, 500])).toBe(500);
    expect(kelvinToDeviceMired(9000, [153, 454])).toBe(153);
    expect(kelvinToDeviceMired(0, [153, 500])).toBe(500);
    expect(clampKelvin(1200, [2500, 9000])).toBe(2500);
    expect(clampKelvin(7000, [6500, 2200])).toBe(6500);
    expect(miredRangeToKelvin([153, 500])).toEqual([2000, 6536]);
    expect(kelvinRangeToMired([2000, 6500])).toEqual([154, 500]);
  });
});
