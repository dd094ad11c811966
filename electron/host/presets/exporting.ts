/**
 * Export of a preset for another clinic: `.stillroom.json` (metadata only, never paths) or a
 * zip bundle with the audio that can travel (library matches and the app's own demo tracks),
 * optionally signed, named after the preset's current name, written atomically into
 * `<data>/exports/` and handed back for a browser download when small enough.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { buildMatchIndex, resolveRef } from '../../core/matching';
import type { Preset } from '../../core/preset';
import { writeFileAtomic } from '../../services/library/atomic';
import type { LoadedPreset } from '../../services/presets';
import { type BundleAudioChoice, exportBundle } from '../../services/sharing/bundle';
import { presetFileText } from '../../services/sharing/export';
import type { ClinicKey } from '../../services/sharing/keys';
import type { ArgsOut, HandlerReply, ReplyOf, SavedFile } from '../command';
import type { presetsCommands } from './contract';
import { refusalFrom } from './errors';
import type { LibraryAccess } from './library-access';
import { exportStem } from './naming';

/** Exports larger than this are written to disk but not sent back for a browser download. */
const MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024;

type ExportCommand = (typeof presetsCommands)['exportPreset'];

/** A file written for the therapist, as the reply carries it (a large binary one without its bytes). */
export function savedFile(path: string, name: string, mediaType: string, bytes: Buffer, text: boolean): SavedFile {
  if (text) return { name, path, mediaType, encoding: 'utf8', data: bytes.toString('utf8') };
  // Too large to send back whole: the file is on disk, the download link is left out.
  return { name, path, mediaType, encoding: 'base64', data: bytes.length <= MAX_DOWNLOAD_BYTES ? bytes.toString('base64') : '' };
}

export interface ExportPlace {
  exportsDir: string;
  appRoot: string;
  library: LibraryAccess;
}

export async function exportPreset(
  place: ExportPlace,
  loaded: LoadedPreset,
  format: ArgsOut<ExportCommand>['format'],
  key: ClinicKey | undefined,
): Promise<HandlerReply<ReplyOf<ExportCommand>>> {
  const { exportsDir } = place;
  const stem = exportStem(loaded.preset, Boolean(key));
  await mkdir(exportsDir, { recursive: true });
  if (format === 'json') {
    const name = `${stem}.stillroom.json`;
    const path = join(exportsDir, name);
    const text = presetFileText(loaded.preset, key);
    try {
      await writeFileAtomic(path, text);
    } catch (err) {
      throw refusalFrom(err, `The preset was not exported to ${exportsDir}`);
    }
    return {
      file: savedFile(path, name, 'application/json', Buffer.from(text, 'utf8'), true),
      data: { path, signed: Boolean(key), audioFiles: 0, missingAudio: 0 },
    };
  }
  const { audio, missing } = await bundleAudio(place, loaded.preset);
  const name = `${stem}.stillroom.zip`;
  const path = join(exportsDir, name);
  try {
    await rm(path, { force: true });
    const out = await exportBundle(loaded.preset, path, { audio, ...(key ? { signWith: key } : {}) });
    const bytes = (await stat(path)).size <= MAX_DOWNLOAD_BYTES ? readFileSync(path) : Buffer.alloc(MAX_DOWNLOAD_BYTES + 1);
    return {
      file: savedFile(path, name, 'application/zip', bytes, false),
      data: { path, signed: out.signed, audioFiles: out.audioFiles, missingAudio: missing },
    };
  } catch (err) {
    throw refusalFrom(err, 'The bundle was not exported');
  }
}

/** The local file behind each track that can travel in a bundle (library matches and the app's own demo audio). */
async function bundleAudio(place: ExportPlace, preset: Preset): Promise<{ audio: BundleAudioChoice[]; missing: number }> {
  await place.library.idle();
  const index = place.library.music()?.matchIndex() ?? buildMatchIndex([]);
  const fixes = await place.library.manualFixes();
  const assets = resolve(join(place.appRoot, 'assets'));
  const audio: BundleAudioChoice[] = [];
  let missing = 0;
  preset.phases.forEach((phase, phaseIndex) => {
    phase.playlist.forEach((ref, trackIndex) => {
      let file: string | null = null;
      if (ref.asset) {
        const f = resolve(join(assets, ref.asset));
        if (f.startsWith(assets + sep) && existsSync(f) && statSync(f).isFile()) file = f;
      }
      if (!file) {
        const r = resolveRef(ref, index, fixes);
        if (r.status === 'matched') file = r.track.path;
      }
      if (file) audio.push({ phaseIndex, trackIndex, file });
      else missing++;
    });
  });
  return { audio, missing };
}
