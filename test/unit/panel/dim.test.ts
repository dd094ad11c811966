import { describe, expect, it } from 'vitest';
import { contrast, dimPalette, GROUND_TOKENS, parseColour, TEXT_CONTRAST, TEXT_TOKENS } from '../../../renderer/src/lib/dim';

// The dark theme's palette as base.css and themes.css write it.
const DARK = {
  '--bg': '#0d0f12',
  '--surface': '#121519',
  '--surface-2': '#171a1f',
  '--hover-bg': '#1b1f25',
  '--fill': '#3a3f47',
  '--line': '#262b32',
  '--text': '#b9c0c8',
  '--text-strong': '#c9cfd6',
  '--muted': '#9aa3ad',
  '--faint': '#848d97',
  '--accent': '#c6a46e',
  '--chart-light-area': 'rgb(198 164 110 / 0.1)',
} as const;

const rgb = (s: string | undefined) => {
  const c = parseColour(s ?? '');
  if (!c) throw new Error(`not a colour: ${s}`);
  return c;
};

describe('the panel brightness as colours', () => {
  it('at full brightness nothing changes', () => {
    const out = dimPalette(DARK, 1);
    expect(rgb(out['--text'])).toEqual(rgb(DARK['--text']));
    expect(rgb(out['--bg'])).toEqual(rgb(DARK['--bg']));
  });

  it('at the lowest brightness the ground dims to 30 % and every text colour still reads at AA on every ground', () => {
    const out = dimPalette(DARK, 0.3);
    expect(rgb(out['--surface']).r).toBe(Math.round(0x12 * 0.3));
    const grounds = GROUND_TOKENS.flatMap((t) => (out[t] ? [rgb(out[t])] : []));
    for (const t of TEXT_TOKENS) {
      if (!out[t]) continue;
      for (const g of grounds) expect(contrast(rgb(out[t]), g), `${t}`).toBeGreaterThanOrEqual(TEXT_CONTRAST);
    }
    // …where the old filter left the body text at about 2:1.
    const filtered = (c: string) => {
      const x = rgb(c);
      return { ...x, r: x.r * 0.3, g: x.g * 0.3, b: x.b * 0.3 };
    };
    expect(contrast(filtered(DARK['--text']), filtered(DARK['--fill']))).toBeLessThan(2.5);
  });

  it('text still gives off less light as the brightness goes down', () => {
    const lum = (b: number) => rgb(dimPalette(DARK, b)['--text']).r;
    expect(lum(0.3)).toBeLessThan(lum(0.6));
    expect(lum(0.6)).toBeLessThanOrEqual(lum(1));
    expect(lum(0.3)).toBeLessThan(rgb(DARK['--text']).r);
  });

  it('keeps a wash’s transparency and leaves what it cannot read alone', () => {
    const out = dimPalette({ ...DARK, '--warn': 'color-mix(in srgb, red, blue)' }, 0.5);
    expect(rgb(out['--chart-light-area']).a).toBeCloseTo(0.1);
    expect(out['--warn']).toBeUndefined();
  });
});
