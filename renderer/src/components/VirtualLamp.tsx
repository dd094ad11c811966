/**
 * The on-screen lamp: mirrors the room's light (the host's `lamp` state). Brightness follows the
 * light's luminance and hue its colour temperature; both glide over ~1 s (CSS transitions on
 * opacity and background colour), so it never jumps. It stays dim: its brightest is well below
 * the panel's text.
 */
import { levelToLuminance } from '@core/curves';
import { useStore } from '../stores';

/** Brightest the glow gets (opacity), so a full-bright room still leaves the panel dim. */
const MAX_OPACITY = 0.6;
const WARM: readonly [number, number, number] = [255, 150, 62]; // ~2200 K, amber
const NEUTRAL: readonly [number, number, number] = [236, 232, 222]; // ~4000 K and above

/** Colour for a colour temperature, interpolated in mireds between warm amber and neutral. */
export function lampColour(kelvin: number): string {
  const m = 1e6 / Math.max(1000, kelvin);
  const x = Math.min(1, Math.max(0, (1e6 / 2200 - m) / (1e6 / 2200 - 1e6 / 4000)));
  const c = WARM.map((w, i) => Math.round(w + ((NEUTRAL[i] ?? w) - w) * x));
  return `rgb(${c.join(' ')})`;
}

/** Opacity that makes the glow's emitted light proportional to the room's luminance (sRGB gamma). */
export function lampOpacity(level: number): number {
  return MAX_OPACITY * levelToLuminance(level) ** (1 / 2.2);
}

export function VirtualLamp() {
  const level = useStore((s) => s.snapshot?.lamp.level ?? null);
  const kelvin = useStore((s) => s.snapshot?.lamp.kelvin ?? 2700);
  const moving = useStore((s) => s.snapshot?.lamp.moving ?? false);
  const shown = level === null ? null : Math.round(Math.min(100, Math.max(0, level)));
  return (
    <div className="lamp">
      <div className="lamp-bulb" aria-hidden="true">
        <div className="lamp-glow" style={{ backgroundColor: lampColour(kelvin), opacity: level === null ? 0 : lampOpacity(level) }} />
      </div>
      <div className="lamp-text">
        <span>
          Lamp <span data-testid="lamp-level">{shown ?? '–'}</span> %
        </span>
        <span className="lamp-kelvin">
          {Math.round(kelvin / 10) * 10} K{moving ? ' · changing' : ''}
        </span>
      </div>
    </div>
  );
}
