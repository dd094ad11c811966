/**
 * Applies the panel's look from the host's per-machine preferences: the theme (dark, or the
 * red/amber night theme), the compact layout, and the brightness that dims the whole panel.
 * The last look is also kept in localStorage only so the very first frame after a reload is
 * already right (no bright or wrong-coloured flash); the host's setting is the truth.
 */
import { type ReactNode, useEffect } from 'react';
import { DEFAULT_PANEL_PREFS, type PanelPrefs } from '../../../electron/host/contract';
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

/** The brightness filter, also for overlays that sit outside the shell. */
export function useDimStyle(): { filter: string } | undefined {
  const b = useStore((s) => s.snapshot?.prefs.brightness ?? first.brightness);
  return b < 0.999 ? { filter: `brightness(${b})` } : undefined;
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
