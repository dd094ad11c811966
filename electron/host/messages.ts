/**
 * The host's state messages and the one place they become the renderer's snapshot. Free of
 * runtime dependencies (types only), so the sandboxed preload and the WebSocket client share it.
 */
import type { HostSnapshot } from './contract';

/**
 * What the host sends: the whole snapshot (on connect, and after a session change), or a patch
 * of the parts one area changed (scan progress, a light's health, the lamp during a fade, the
 * panel's look). A patch keeps every other part — `timeline` stays the same object, so the
 * audio player does not re-plan. Always with the host's `now` for the clock offset.
 */
export type HostPatch = Partial<Omit<HostSnapshot, 'now'>> & { now: number };
export type HostMessage = { kind: 'state'; snapshot: HostSnapshot } | { kind: 'patch'; patch: HostPatch };

/**
 * The one place a host message becomes the renderer's snapshot (preload and WebSocket client
 * both use it). A patch before any snapshot is dropped: the full one follows on connect.
 */
export function applyHostMessage(last: HostSnapshot | null, m: HostMessage): HostSnapshot | null {
  if (m.kind === 'state') return m.snapshot;
  return last ? { ...last, ...m.patch } : null;
}
