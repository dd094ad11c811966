/** Vitals flags (configurable ranges), implausible values that need confirmation, and rating scales. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VITALS_RANGES,
  implausibleProblems,
  ratingProblem,
  VitalsRangesSchema,
  vitalsFlags,
  vitalsSummary,
} from '../../../electron/core/vitals';

const v = (o: Partial<{ systolic: number; diastolic: number; heartRate: number; spo2: number }>) => ({
  systolic: o.systolic ?? null,
  diastolic: o.diastolic ?? null,
  heartRate: o.heartRate ?? null,
  spo2: o.spo2 ?? null,
  custom: [],
});

describe('vitals flags', () => {
  it('flags values outside the default ranges, and nothing inside', () => {
    expect(vitalsFlags(v({ systolic: 128, diastolic: 82, heartRate: 76, spo2: 98 }))).toEqual([]);
    const flags = vitalsFlags(v({ systolic: 172, diastolic: 45, heartRate: 124, spo2: 89 }));
    expect(flags.map((f) => [f.field, f.direction])).toEqual([
      ['systolic', 'high'],
      ['diastolic', 'low'],
      ['heartRate', 'high'],
      ['spo2', 'low'],
    ]);
    expect(flags[2]?.text).toBe('HR 124 high (over 110)');
  });

  it('follows the clinic’s own ranges', () => {
    const ranges = { ...DEFAULT_VITALS_RANGES, systolic: { low: 100, high: 140 } };
    expect(vitalsFlags(v({ systolic: 150 }), ranges)[0]?.text).toBe('systolic 150 high (over 140)');
    expect(vitalsFlags(v({ systolic: 150 }))).toEqual([]);
  });

  it('refuses ranges whose low limit is not below the high one', () => {
    expect(VitalsRangesSchema.safeParse({ ...DEFAULT_VITALS_RANGES, heartRate: { low: 120, high: 100 } }).success).toBe(false);
    expect(VitalsRangesSchema.safeParse(DEFAULT_VITALS_RANGES).success).toBe(true);
  });
});

describe('implausible values', () => {
  it('BP 900/5 is named, with the plausible range', () => {
    const p = implausibleProblems(v({ systolic: 900, diastolic: 5 }));
    expect(p).toEqual(['systolic 900 mmHg is outside 50–280', 'diastolic 5 mmHg is outside 20–180']);
  });

  it('systolic not above diastolic, half a blood pressure, heart rate and SpO₂ out of bounds', () => {
    expect(implausibleProblems(v({ systolic: 80, diastolic: 90 }))).toEqual(['systolic 80 is not above diastolic 90']);
    expect(implausibleProblems(v({ systolic: 120 }))).toEqual(['blood pressure needs both systolic and diastolic']);
    expect(implausibleProblems(v({ heartRate: 400, spo2: 101 }))).toHaveLength(2);
    expect(implausibleProblems(v({ systolic: 118, diastolic: 76, heartRate: 64, spo2: 97 }))).toEqual([]);
  });

  it('summarises a reading in one line', () => {
    expect(
      vitalsSummary({ ...v({ systolic: 128, diastolic: 82, heartRate: 76 }), custom: [{ label: 'Temp', value: 36.8, unit: '°C' }] }),
    ).toBe('BP 128/82 · HR 76 · Temp 36.8 °C');
  });
});

describe('rating scales', () => {
  it('accept whole numbers within the named scale and say what is allowed otherwise', () => {
    expect(ratingProblem('moaas', 4)).toBeNull();
    expect(ratingProblem('rass', -5)).toBeNull();
    expect(ratingProblem('moaas', 6)).toBe('MOAA/S ratings are whole numbers from 0 to 5');
    expect(ratingProblem('cadss', 2.5)).toMatch(/CADSS/);
    expect(ratingProblem('nope', 1)).toBe('unknown scale "nope"');
  });
});
