/**
 * Applies the panel's look from the host's per-machine preferences: the theme (dark, or the
 * red/amber night theme), the compact layout, and the brightness that dims the whole panel
 * (as colours that keep text readable, lib/dim.ts).
 * The last look is also kept in localStorage only so the very first frame after a reload is
 * already right (no bright or wrong-coloured flash); the host's setting is the truth.
 */

import { DEFAULT_PANEL_PREFS, type PanelPrefs } from '@host/contract';
import { type CSSProperties, type ReactNode, useEffect, useMemo } from 'react';
import { DIM_TOKENS, type DimToken, dimPalette } from '../lib/dim';
import { isMiniWindow } from '../panel/mini';
import { useStore } from '../stores';

const CACHE_KEY = 'stillroom.look';
type Look = Pick<PanelPrefs, 'theme' | 'brightness' | 'compact'>;

function cachedLook(): Look {
  try {
    const raw = JSON.parse(localStorage.getItem(CACHE_KEY) ?? 'null') as Partial<Look> | null;
    if (raw && (raw.theme === 'dark' || raw.theme === 'night') && typeof raw.brightness === 'number' && typeof raw.compact === 'boolean') {
      return { theme: raw.theme, brightness: Math.min(1, Math.max(0.3, raw.brightness)), compact: raw.compact };
    }
  } catch {
    /* no cache */
  }
  return DEFAULT_PANEL_PREFS;
}

const first = typeof window !== 'undefined' ? cachedLook() : DEFAULT_PANEL_PREFS;
if (typeof document !== 'undefined') {
  document.documentElement.dataset.theme = first.theme;
  document.documentElement.dataset.compact = String(first.compact || isMiniWindow());
}

/** The theme's own colours, as its style sheets give them on the root. */
function themePalette(): Partial<Record<DimToken, string>> {
  const css = getComputedStyle(document.documentElement);
  const out: Partial<Record<DimToken, string>> = {};
  for (const t of DIM_TOKENS) {
    const v = css.getPropertyValue(t).trim();
    if (v) out[t] = v;
  }
  return out;
}

/**
 * The panel's brightness as dimmed colours (lib/dim.ts), for the shell and for overlays that sit
 * outside it; undefined at full brightness.
 */
export function useDimStyle(): CSSProperties | undefined {
  const b = useStore((s) => s.snapshot?.prefs.brightness ?? first.brightness);
  const theme = useStore((s) => s.snapshot?.prefs.theme ?? first.theme);
  return useMemo(() => {
    if (b >= 0.999 || typeof document === 'undefined') return undefined;
    // The theme attribute is set before this runs (module load, then ThemeRoot's effect); read
    // the colours of the theme asked for, not of the one still on the page.
    const root = document.documentElement;
    const shown = root.dataset.theme;
    root.dataset.theme = theme;
    const palette = themePalette();
    if (shown !== undefined) root.dataset.theme = shown;
    return { ...dimPalette(palette, b), '--panel-dim': String(b) } as CSSProperties;
  }, [b, theme]);
}

export function ThemeRoot({ children }: { children: ReactNode }) {
  const theme = useStore((s) => s.snapshot?.prefs.theme ?? first.theme);
  // The mini panel window is always compact, whatever the main window's layout.
  const compact = useStore((s) => s.snapshot?.prefs.compact ?? first.compact) || isMiniWindow();
  const brightness = useStore((s) => s.snapshot?.prefs.brightness ?? first.brightness);
  const dim = useDimStyle();

  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.dataset.compact = String(compact);
    try {
      localStorage.setItem(CACHE_KEY, JSON.stringify({ theme, compact, brightness }));
    } catch {
      /* private mode: fine */
    }
  }, [theme, compact, brightness]);

  return (
    <div className="app-shell" style={dim} data-brightness={brightness.toFixed(2)}>
      {children}
    </div>
  );
}
