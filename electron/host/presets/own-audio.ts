/**
 * Stillroom's own audio (the demo tracks under `assets/`) as something an import can match.
 *
 * Why this exists: a shared preset never carries paths — export drops every `asset` reference
 * (they point into this installation) — so a preset built from the demo tracks came back from
 * its own export with every one of them "Missing": the import looked only in the therapist's
 * library, and the app's own audio is not in it. Here the bundled presets' asset references
 * (title, artist, album, length, file) become match candidates; a track matched to one gets its
 * `asset` reference back when the import is saved, so a session plays it from `assets/` as the
 * original did. The paths come from this installation's own presets, never from the file.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import {
  buildMatchIndex,
  type MatchableTrack,
  type MatchIndex,
  type ResolutionReport,
  resolveRef,
  tally,
  trackFromRef,
} from '../../core/matching';
import type { Preset } from '../../core/preset';
import type { LoadedPreset } from '../../services/presets';

/** The app's own audio as match candidates (`id` = `app:<asset path>`), from the bundled presets. */
export function ownAudioIndex(presets: readonly LoadedPreset[], appRoot: string): MatchIndex {
  const assets = resolve(join(appRoot, 'assets'));
  const byAsset = new Map<string, MatchableTrack>();
  for (const p of presets) {
    if (p.origin !== 'bundled') continue;
    for (const ref of p.preset.phases.flatMap((ph) => [...ph.playlist, ...(ph.fallback ?? [])])) {
      if (!ref.asset || byAsset.has(ref.asset)) continue;
      const file = resolve(join(assets, ref.asset));
      if (!file.startsWith(assets + sep) || !isFile(file)) continue;
      byAsset.set(ref.asset, trackFromRef(`app:${ref.asset}`, file, ref));
    }
  }
  return buildMatchIndex(byAsset.values());
}

function isFile(file: string): boolean {
  try {
    return existsSync(file) && statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The `asset` path behind an own-audio match id, or null for a library track. */
export function assetOf(trackId: string): string | null {
  return trackId.startsWith('app:') ? trackId.slice(4) : null;
}

/**
 * Tracks the library did not find, looked for again among the app's own audio (identifiers,
 * then title + artist within ±3 s, as in the library). A match's track id starts with `app:`.
 */
export function withOwnAudio(report: ResolutionReport, own: MatchIndex): ResolutionReport {
  if (own.byId.size === 0) return report;
  const tracks = report.tracks.map((t) => {
    if (t.resolution.status === 'matched') return t;
    const r = resolveRef(t.ref, own);
    return r.status === 'matched' ? { ...t, resolution: { ...r, note: null } } : t;
  });
  return tally(tracks);
}

/** The preset to save: each track matched to the app's own audio gets its `asset` reference back. */
export function restoreOwnAssets(preset: Preset, report: ResolutionReport): Preset {
  const out = structuredClone(preset);
  for (const t of report.tracks) {
    if (t.resolution.status !== 'matched') continue;
    const asset = assetOf(t.resolution.track.id);
    const ref = out.phases[t.phaseIndex]?.playlist[t.trackIndex];
    if (asset && ref) ref.asset = asset;
  }
  return out;
}
