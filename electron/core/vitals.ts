/**
 * Vital signs and ratings: the ranges the clinic wants flagged (configurable per machine), the
 * much wider ranges outside which a value is almost certainly a typing slip (BP 900/5), and the
 * sedation/dissociation scales with their names and bounds. Pure, shared by host and panel.
 */
import { z } from 'zod';
import type { VitalsValues } from './session';

/** Out-of-range thresholds a clinic sets; a value outside is flagged, not refused. */
export const VitalsRangesSchema = z
  .object({
    systolic: z.object({ low: z.number().min(40).max(200), high: z.number().min(80).max(300) }).strict(),
    diastolic: z.object({ low: z.number().min(20).max(150), high: z.number().min(40).max(200) }).strict(),
    heartRate: z.object({ low: z.number().min(20).max(150), high: z.number().min(40).max(250) }).strict(),
    spo2: z.object({ low: z.number().min(50).max(100) }).strict(),
  })
  .strict()
  .refine((r) => r.systolic.low < r.systolic.high && r.diastolic.low < r.diastolic.high && r.heartRate.low < r.heartRate.high, {
    message: 'each low limit must be below its high limit',
  });
export type VitalsRanges = z.infer<typeof VitalsRangesSchema>;

/** Common monitoring thresholds for ketamine sessions; clinics change them in Settings. */
export const DEFAULT_VITALS_RANGES: VitalsRanges = {
  systolic: { low: 90, high: 160 },
  diastolic: { low: 50, high: 100 },
  heartRate: { low: 50, high: 110 },
  spo2: { low: 92 },
};

/** Beyond these a number is taken for a slip of the keyboard and must be confirmed as entered. */
export const PLAUSIBLE = {
  systolic: { min: 50, max: 280 },
  diastolic: { min: 20, max: 180 },
  heartRate: { min: 20, max: 250 },
  spo2: { min: 50, max: 100 },
} as const;

const NAMES = { systolic: 'systolic', diastolic: 'diastolic', heartRate: 'heart rate', spo2: 'SpO₂' } as const;
const UNITS = { systolic: 'mmHg', diastolic: 'mmHg', heartRate: '/min', spo2: '%' } as const;
type Field = keyof typeof PLAUSIBLE;
const FIELDS: Field[] = ['systolic', 'diastolic', 'heartRate', 'spo2'];

/** True when at least one value was entered. */
export function hasAnyValue(v: VitalsValues): boolean {
  return FIELDS.some((f) => v[f] !== null) || v.custom.length > 0;
}

/**
 * Problems that make a reading implausible (each a sentence naming the value and the range),
 * empty when it looks like a real measurement. Implausible readings are stored only when the
 * therapist confirms them.
 */
export function implausibleProblems(v: VitalsValues): string[] {
  const out: string[] = [];
  for (const f of FIELDS) {
    const x = v[f];
    if (x === null) continue;
    const { min, max } = PLAUSIBLE[f];
    if (!Number.isFinite(x) || x < min || x > max) out.push(`${NAMES[f]} ${x} ${UNITS[f]} is outside ${min}–${max}`);
  }
  if (v.systolic !== null && v.diastolic !== null && v.systolic <= v.diastolic) {
    out.push(`systolic ${v.systolic} is not above diastolic ${v.diastolic}`);
  }
  if ((v.systolic === null) !== (v.diastolic === null)) out.push('blood pressure needs both systolic and diastolic');
  return out;
}

export interface VitalsFlag {
  field: Field;
  direction: 'low' | 'high';
  /** e.g. "HR 124 high (over 110)". */
  text: string;
}

const SHORT = { systolic: 'systolic', diastolic: 'diastolic', heartRate: 'HR', spo2: 'SpO₂' } as const;

/** Values outside the clinic's ranges, each with a short text for the panel and the report. */
export function vitalsFlags(v: VitalsValues, ranges: VitalsRanges = DEFAULT_VITALS_RANGES): VitalsFlag[] {
  const flags: VitalsFlag[] = [];
  const check = (field: Field, low: number | null, high: number | null): void => {
    const x = v[field];
    if (x === null) return;
    if (low !== null && x < low) flags.push({ field, direction: 'low', text: `${SHORT[field]} ${x} low (under ${low})` });
    else if (high !== null && x > high) flags.push({ field, direction: 'high', text: `${SHORT[field]} ${x} high (over ${high})` });
  };
  check('systolic', ranges.systolic.low, ranges.systolic.high);
  check('diastolic', ranges.diastolic.low, ranges.diastolic.high);
  check('heartRate', ranges.heartRate.low, ranges.heartRate.high);
  check('spo2', ranges.spo2.low, null);
  return flags;
}

/** One line for a reading: "BP 128/82 · HR 76 · SpO₂ 98 % · Temp 36.8 °C". */
export function vitalsSummary(v: VitalsValues): string {
  const parts: string[] = [];
  if (v.systolic !== null || v.diastolic !== null) parts.push(`BP ${v.systolic ?? '–'}/${v.diastolic ?? '–'}`);
  if (v.heartRate !== null) parts.push(`HR ${v.heartRate}`);
  if (v.spo2 !== null) parts.push(`SpO₂ ${v.spo2} %`);
  for (const c of v.custom) parts.push(`${c.label} ${c.value}${c.unit ? ` ${c.unit}` : ''}`);
  return parts.join(' · ') || 'no values';
}

/** A rating scale, named as clinicians know it, with its bounds and which way is "more". */
export interface RatingScale {
  id: string;
  name: string;
  kind: 'sedation' | 'dissociation';
  min: number;
  max: number;
  /** What the ends mean, for the form's hint. */
  hint: string;
}

export const RATING_SCALES: readonly RatingScale[] = [
  { id: 'moaas', name: 'MOAA/S', kind: 'sedation', min: 0, max: 5, hint: '5 responds readily to name · 0 no response to pain' },
  { id: 'rass', name: 'RASS', kind: 'sedation', min: -5, max: 4, hint: '+4 combative · 0 alert and calm · −5 unrousable' },
  { id: 'ramsay', name: 'Ramsay', kind: 'sedation', min: 1, max: 6, hint: '1 anxious, agitated · 6 no response' },
  { id: 'cadss', name: 'CADSS (total)', kind: 'dissociation', min: 0, max: 92, hint: '23 items, each 0–4' },
  { id: 'dissociation-nrs', name: 'Dissociation 0–10 (NRS)', kind: 'dissociation', min: 0, max: 10, hint: '0 none · 10 extreme' },
];

export function scaleById(id: string): RatingScale | undefined {
  return RATING_SCALES.find((s) => s.id === id);
}

/** Why a rating cannot be stored, or null. */
export function ratingProblem(scaleId: string, value: number): string | null {
  const scale = scaleById(scaleId);
  if (!scale) return `unknown scale "${scaleId}"`;
  if (!Number.isInteger(value) || value < scale.min || value > scale.max) {
    return `${scale.name} ratings are whole numbers from ${scale.min} to ${scale.max}`;
  }
  return null;
}
