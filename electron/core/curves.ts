/**
 * Curves shared by the audio and lighting players: equal-power fades for music and the
 * CIE L* lightness scale for light, so a 20-minute dim looks even to the eye.
 */

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Equal-power fade-in gain at progress x (0…1): sin(x·π/2). Paired with `fadeOutGain`, g1²+g2² = 1. */
export function fadeInGain(x: number): number {
  return Math.sin((clamp01(x) * Math.PI) / 2);
}

/** Equal-power fade-out gain at progress x (0…1): cos(x·π/2). */
export function fadeOutGain(x: number): number {
  return Math.cos((clamp01(x) * Math.PI) / 2);
}

/**
 * Perceptual level (CIE L*, 0–100) to relative luminance (0–1). Stillroom stores and
 * interpolates light levels as L*, so equal steps of level look like equal steps of light.
 */
export function levelToLuminance(level: number): number {
  const l = Math.max(0, Math.min(100, level));
  const fy = (l + 16) / 116;
  return l > 8 ? fy ** 3 : l / 903.3;
}

/** Relative luminance (0–1) to perceptual level (CIE L*, 0–100). */
export function luminanceToLevel(y: number): number {
  const v = Math.max(0, Math.min(1, y));
  return v > 216 / 24389 ? 116 * Math.cbrt(v) - 16 : v * 903.3;
}

/** Kelvin ↔ mired; colour temperature is interpolated in mireds, which is closer to even to the eye. */
export const kelvinToMired = (k: number): number => 1e6 / k;
export const miredToKelvin = (m: number): number => 1e6 / m;

/** Linear interpolation. */
export const lerp = (a: number, b: number, x: number): number => a + (b - a) * clamp01(x);

export { clamp01 };
