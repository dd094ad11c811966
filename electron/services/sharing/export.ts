/**
 * Exporting a preset to share with another clinic as a single `.stillroom.json`: tracks
 * described by metadata only (no local paths, no bundled-asset references), optionally signed.
 */
import type { Preset } from '../../core/preset';
import type { Attachment } from '../../core/signing';
import { writeFileAtomic } from '../library/atomic';
import type { ClinicKey } from './keys';
import { signPreset } from './sign';

/**
 * The preset as it may leave this machine: a deep copy without `asset` paths (they point into
 * this installation), so tracks travel as title/artist/album/duration/ISRC/MusicBrainz id.
 */
export function presetForSharing(preset: Preset): Preset {
  const copy = structuredClone(preset);
  for (const phase of copy.phases) {
    phase.playlist = phase.playlist.map(({ asset: _asset, ...ref }) => ref);
  }
  return copy;
}

/** How many track references carried an `asset` path (removed by `presetForSharing`). */
export function countAssetRefs(preset: Preset): number {
  return preset.phases.reduce((n, ph) => n + ph.playlist.filter((r) => r.asset !== undefined).length, 0);
}

/** The text of a shareable preset file: plain, or signed when a clinic key is given. */
export function presetFileText(preset: Preset, signWith?: ClinicKey, attachments?: readonly Attachment[], now?: Date): string {
  const shared = presetForSharing(preset);
  const doc = signWith ? signPreset(shared, signWith, attachments, now) : shared;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Writes a shareable preset file atomically (a reader never sees half of it). */
export async function exportPresetFile(
  preset: Preset,
  dest: string,
  opts: { signWith?: ClinicKey } = {},
): Promise<{ file: string; signed: boolean }> {
  await writeFileAtomic(dest, presetFileText(preset, opts.signWith));
  return { file: dest, signed: Boolean(opts.signWith) };
}
