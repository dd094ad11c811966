/**
 * The panel's brightness (Settings, Shift+< >) as colours, not as a filter over the screen.
 *
 * A `brightness()` filter darkens text and ground alike, so at the lowest setting (30 %) the
 * text's contrast falls to about 2:1 — unreadable beside a client in a dark room, and invisible
 * to an accessibility checker, which reads colours, not filters. Here the ground, the surfaces
 * and the lines dim fully, and each text colour dims only as far as it keeps `TEXT_CONTRAST`
 * against the brightest dimmed ground it can sit on; so lowering the brightness lowers the
 * light the screen gives off while every word stays AA-readable (checked by axe at 30 %).
 */

/** Colours text is written in. */
export const TEXT_TOKENS = [
  '--text',
  '--text-strong',
  '--muted',
  '--faint',
  '--accent',
  '--safe',
  '--safe-strong',
  '--error',
  '--warn',
  '--flag',
  '--chart-light',
] as const;

/** Grounds text sits on. */
export const GROUND_TOKENS = [
  '--bg',
  '--surface',
  '--surface-2',
  '--hover-bg',
  '--warn-bg',
  '--safe-bg',
  '--safe-bg-hover',
  '--fill',
  '--accent-dim',
  '--chart-phase',
  '--chart-phase-2',
  '--chart-segment',
] as const;

/** Lines, borders and washes: no text on them; they dim with the ground. */
export const LINE_TOKENS = [
  '--line',
  '--line-strong',
  '--hover-line',
  '--safe-line',
  '--safe-hover-line',
  '--danger-line',
  '--danger-hover-line',
  '--chart-light-area',
  '--chart-safe',
] as const;

export const DIM_TOKENS = [...TEXT_TOKENS, ...GROUND_TOKENS, ...LINE_TOKENS] as const;
export type DimToken = (typeof DIM_TOKENS)[number];

/** WCAG AA for normal text is 4.5:1; a little margin for rounding to whole 8-bit values. */
export const TEXT_CONTRAST = 4.6;
/** The lowest panel brightness the settings allow. */
export const MIN_BRIGHTNESS = 0.3;

interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** `#rgb`, `#rrggbb`, `rgb(r g b)`, `rgb(r g b / a)` or `rgb(r, g, b)`; null for anything else. */
export function parseColour(text: string): Rgba | null {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(s);
  if (hex) {
    const h = hex[1] as string;
    const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
    return { r: parseInt(full.slice(0, 2), 16), g: parseInt(full.slice(2, 4), 16), b: parseInt(full.slice(4, 6), 16), a: 1 };
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[/,]\s*([\d.]+%?))?\s*\)$/.exec(s);
  if (!fn) return null;
  const alpha = fn[4] === undefined ? 1 : fn[4].endsWith('%') ? Number.parseFloat(fn[4]) / 100 : Number(fn[4]);
  return { r: Number(fn[1]), g: Number(fn[2]), b: Number(fn[3]), a: alpha };
}

const channel = (v: number): number => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** WCAG relative luminance of an opaque colour. */
export function luminance(c: Rgba): number {
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

export function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const scale = (c: Rgba, k: number): Rgba => ({
  r: Math.round(c.r * k),
  g: Math.round(c.g * k),
  b: Math.round(c.b * k),
  a: c.a,
});

const toCss = (c: Rgba): string => (c.a >= 1 ? `rgb(${c.r} ${c.g} ${c.b})` : `rgb(${c.r} ${c.g} ${c.b} / ${c.a})`);

/**
 * The palette at brightness `b` (0.3–1): grounds and lines scaled by `b` (as the filter did),
 * each text colour scaled by the least factor ≥ `b` that keeps `TEXT_CONTRAST` on the brightest
 * dimmed ground. Tokens it cannot read are left out (they keep their theme value).
 */
export function dimPalette(palette: Readonly<Partial<Record<DimToken, string>>>, b: number): Partial<Record<DimToken, string>> {
  const k = Math.min(1, Math.max(MIN_BRIGHTNESS, b));
  const out: Partial<Record<DimToken, string>> = {};
  const grounds: Rgba[] = [];
  for (const t of [...GROUND_TOKENS, ...LINE_TOKENS]) {
    const c = parseColour(palette[t] ?? '');
    if (!c) continue;
    const dimmed = scale(c, k);
    out[t] = toCss(dimmed);
    if ((GROUND_TOKENS as readonly string[]).includes(t) && c.a >= 1) grounds.push(dimmed);
  }
  const brightest = grounds.reduce<Rgba | null>((m, g) => (m === null || luminance(g) > luminance(m) ? g : m), null);
  for (const t of TEXT_TOKENS) {
    const c = parseColour(palette[t] ?? '');
    if (!c) continue;
    if (!brightest) {
      out[t] = toCss(c);
      continue;
    }
    // The least factor that still reads: contrast grows with the factor, so halve the interval.
    let lo = k;
    let hi = 1;
    if (contrast(scale(c, lo), brightest) < TEXT_CONTRAST) {
      for (let i = 0; i < 20; i++) {
        const mid = (lo + hi) / 2;
        if (contrast(scale(c, mid), brightest) >= TEXT_CONTRAST) hi = mid;
        else lo = mid;
      }
      lo = hi;
    }
    out[t] = toCss(scale(c, lo));
  }
  return out;
}
