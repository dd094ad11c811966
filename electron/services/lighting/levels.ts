/**
 * Perceptual level (CIE L*, 0–100) ↔ the units each protocol speaks, and kelvin ↔ mired with
 * per-device clamping. Pure. A level above 0 never becomes "off": the low end holds at the
 * device's smallest step, so a long dim never ends in a visible jump to dark.
 *
 * How a device's units map to light output is not documented by any of the protocols. The
 * default assumption is linear (output ∝ units, `gamma` 1); `gamma` lets a clinic calibrate a
 * bulb whose curve differs (output ∝ (units/max)^gamma).
 */
import { kelvinToMired, levelToLuminance, luminanceToLevel, miredToKelvin } from '../../core/curves';

export interface LevelScale {
  /** Lowest value that still means "on". */
  min: number;
  /** Full brightness. */
  max: number;
  /** Smallest increment the protocol carries (1 for integers, 0.01 for Hue v2's percentage). */
  resolution: number;
  /** Light output ∝ (units/max)^gamma. */
  gamma: number;
}

/** Units per protocol, as their documents give them. */
export const SCALES = {
  /** Hue API v1 `bri` 1–254. */
  hueV1: { min: 1, max: 254, resolution: 1, gamma: 1 },
  /** Hue API v2 `dimming.brightness` percentage; the lowest step mirrors v1's bri 1. */
  hueV2: { min: 0.4, max: 100, resolution: 0.01, gamma: 1 },
  /** LIFX HSBK brightness 0–65535 (0 is dark while powered, so "on" starts at 1). */
  lifx: { min: 1, max: 65535, resolution: 1, gamma: 1 },
  /** WiZ `dimming` percentage; pywizlight's minimum is 1. */
  wiz: { min: 1, max: 100, resolution: 1, gamma: 1 },
  /** Zigbee2MQTT `brightness` 0–254 (the device's `exposes` may narrow it). */
  z2m: { min: 1, max: 254, resolution: 1, gamma: 1 },
  /** Home Assistant `brightness` 0–255. */
  homeassistant: { min: 1, max: 255, resolution: 1, gamma: 1 },
} satisfies Record<string, LevelScale>;

export interface DeviceLevel {
  on: boolean;
  /** Device units (the scale's `min` when off, so a later "on" never starts from nothing). */
  value: number;
}

const roundTo = (v: number, step: number): number => Math.round(v / step) * step;

/** Rounds to the scale's resolution and trims float noise (0.1 + 0.2 stays 0.3). */
function quantize(v: number, scale: LevelScale): number {
  const q = roundTo(v, scale.resolution);
  const decimals = Math.max(0, Math.ceil(-Math.log10(scale.resolution)));
  return Number(q.toFixed(decimals));
}

/** Perceptual level → device units. Level ≤ 0 is off; any level above 0 is on, at least `min`. */
export function levelToUnits(level: number, scale: LevelScale): DeviceLevel {
  if (!(level > 0)) return { on: false, value: scale.min };
  const y = levelToLuminance(Math.min(100, level));
  const raw = scale.max * y ** (1 / scale.gamma);
  const value = Math.min(scale.max, Math.max(scale.min, quantize(raw, scale)));
  return { on: true, value };
}

/** Device units → perceptual level (for read-back). */
export function unitsToLevel(value: number, scale: LevelScale, on = true): number {
  if (!on || !(value > 0)) return 0;
  const u = Math.min(1, value / scale.max);
  return luminanceToLevel(u ** scale.gamma);
}

/** The level the device actually shows for a requested level (after rounding to its units). */
export function shownLevel(level: number, scale: LevelScale): number {
  const d = levelToUnits(level, scale);
  return unitsToLevel(d.value, scale, d.on);
}

/** Perceptual level of the device's smallest "on" step. */
export function minLevelOf(scale: LevelScale): number {
  return unitsToLevel(scale.min, scale);
}

/** Kelvin clamped into a device's range. */
export function clampKelvin(kelvin: number, range: readonly [number, number]): number {
  const [lo, hi] = range[0] <= range[1] ? range : [range[1], range[0]];
  return Math.round(Math.min(hi, Math.max(lo, kelvin)));
}

/** Kelvin → whole mired, clamped into the device's mired range (e.g. Hue 153–500). */
export function kelvinToDeviceMired(kelvin: number, miredRange: readonly [number, number]): number {
  const [lo, hi] = miredRange[0] <= miredRange[1] ? miredRange : [miredRange[1], miredRange[0]];
  return Math.round(Math.min(hi, Math.max(lo, kelvinToMired(Math.max(1, kelvin)))));
}

/** A mired range as the kelvin range it covers ([warmest… coolest] in ascending kelvin). */
export function miredRangeToKelvin(miredRange: readonly [number, number]): [number, number] {
  const a = Math.round(miredToKelvin(Math.max(1, miredRange[0])));
  const b = Math.round(miredToKelvin(Math.max(1, miredRange[1])));
  return a <= b ? [a, b] : [b, a];
}

/** A kelvin range as a mired range, ascending. */
export function kelvinRangeToMired(kelvinRange: readonly [number, number]): [number, number] {
  const a = Math.round(kelvinToMired(Math.max(1, kelvinRange[0])));
  const b = Math.round(kelvinToMired(Math.max(1, kelvinRange[1])));
  return a <= b ? [a, b] : [b, a];
}

/** A scale with a calibrated curve or a narrower device range (Zigbee2MQTT `exposes`). */
export function scaleWith(base: LevelScale, change: Partial<LevelScale>): LevelScale {
  const s = { ...base, ...change };
  if (!(s.max > 0)) s.max = base.max;
  if (!(s.min > 0) || s.min > s.max) s.min = Math.min(base.min, s.max);
  if (!(s.gamma > 0)) s.gamma = 1;
  return s;
}

/**
 * A perceptual level as the light's own app shows it, in % of full (the Hue app's brightness,
 * Zigbee2MQTT's and Home Assistant's brightness share): the device units over their maximum,
 * one decimal. "Level 60" on a Hue v1 bulb is bri 71, which the Hue app calls 28 %.
 */
export function appPercentOf(level: number, scale: LevelScale): number {
  const d = levelToUnits(level, scale);
  if (!d.on) return 0;
  return Math.round((d.value / scale.max) * 1000) / 10;
}

/**
 * A clinic's calibration of one light, in the light's own app %: the lowest setting at which
 * it visibly glows, and the most it should ever give. Stillroom's levels are spread between
 * the two (0 stays off), so a deep-phase level is never invisible and full is never glaring.
 */
export interface Calibration {
  minPercent: number;
  maxPercent: number;
}

/** A calibration that changes nothing. */
export const NO_CALIBRATION: Calibration = { minPercent: 0, maxPercent: 100 };

/** Checks a calibration: both within 0–100 and the minimum below the maximum. */
export function checkCalibration(c: Calibration): { ok: true; value: Calibration } | { ok: false; error: string } {
  const ok = (v: number) => Number.isFinite(v) && v >= 0 && v <= 100;
  if (!ok(c.minPercent) || !ok(c.maxPercent)) return { ok: false, error: 'calibration values are percentages from 0 to 100' };
  if (c.minPercent >= c.maxPercent) return { ok: false, error: 'the lowest visible level must be below the highest wanted level' };
  return { ok: true, value: { minPercent: c.minPercent, maxPercent: c.maxPercent } };
}

/** Stillroom's perceptual level → the perceptual level to send, within the calibrated range. */
export function calibrateLevel(level: number, c: Calibration): number {
  if (!(level > 0)) return 0;
  const y = levelToLuminance(Math.min(100, level));
  const out = (c.minPercent + (c.maxPercent - c.minPercent) * y) / 100;
  return luminanceToLevel(Math.min(1, Math.max(0, out)));
}

/** The inverse, for read-back: a device's perceptual level → Stillroom's level (a light on stays above 0). */
export function uncalibrateLevel(level: number, c: Calibration): number {
  if (!(level > 0)) return 0;
  const out = levelToLuminance(Math.min(100, level)) * 100;
  const y = (out - c.minPercent) / Math.max(1e-9, c.maxPercent - c.minPercent);
  return Math.max(0.01, luminanceToLevel(Math.min(1, Math.max(0, y))));
}
