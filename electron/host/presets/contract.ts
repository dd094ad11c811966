/**
 * The presets and sharing part of the host contract: command schemas, what each command
 * answers, and the `sharing` part of the snapshot. Spread into contract.ts.
 */
import { z } from 'zod';
import { type Preset, type TrackRef, TrackRefSchema } from '../../core/preset';
import { command } from '../command';

const presetId = z.string().min(1).max(64);
const importId = z.string().regex(/^[a-z0-9]{8,32}$/, 'an import id from inspectImport');
/** A shared preset file is at most 3 MiB (base64 adds a third). */
export const MAX_IMPORT_TEXT_CHARS = 3 * 1024 * 1024;
export const MAX_IMPORT_BASE64_CHARS = 4 * 1024 * 1024 + 16;

export const presetsCommands = {
  /** One preset in full, for the editor (the snapshot carries summaries only). */
  getPreset: command(z.object({ presetId }).strict()).answers<LoadedPresetView>(),
  /** Copies any preset into the user's folder as a new, editable preset. */
  duplicatePreset: command(z.object({ presetId }).strict()).answers<{ id: string }>(),
  /** Saves an edited user preset (validated with the preset schema; written atomically). */
  savePreset: command(z.object({ preset: z.unknown() }).strict()).answers<{ id: string }>(),
  /** Deletes a user preset; `confirm` is the second, deliberate press. */
  deletePreset: command(z.object({ presetId, confirm: z.literal(true) }).strict()),
  /** Library tracks as preset references (metadata that travels, never paths). */
  libraryRefs: command(z.object({ trackIds: z.array(z.string().min(1).max(64)).min(1).max(500) }).strict()).answers<{
    refs: Array<TrackRef | null>;
  }>(),
  /**
   * Lets the therapist listen to a track of a playlist on their own output, before a session
   * (refused while one runs): the reply names a media id the player fetches. `null` stops.
   */
  auditionTrack: command(z.object({ ref: TrackRefSchema.nullable() }).strict()).answers<
    { mediaId: string; fileName: string } | undefined
  >(),
  /**
   * Writes a preset to share: `json` (tracks by metadata) or `bundle` (a zip with the audio
   * found in the library, for music the clinic may share); signed with this clinic's key if asked.
   */
  exportPreset: command(
    z.object({ presetId, format: z.enum(['json', 'bundle']).default('json'), sign: z.boolean().default(false) }).strict(),
    { slow: true },
  ).answers<{ path: string; signed: boolean; audioFiles: number; missingAudio: number }>(),
  /** Publishes a preset into the clinic folder (atomically: colleagues never read half a file), signed if asked. */
  publishPreset: command(z.object({ presetId, sign: z.boolean().default(false) }).strict(), { slow: true }).answers<{
    path: string;
    signed: boolean;
  }>(),
  /** Names this clinic and makes its signing key (the private half sealed at rest). */
  createClinicIdentity: command(z.object({ clinic: z.string().trim().min(1, 'name the clinic').max(200) }).strict()).answers<{
    clinic: string;
    fingerprint: string;
  }>(),
  /** This clinic's public-key file, to hand to clinics that will trust its presets. */
  exportPublicKey: command(z.object({}).strict()),
  /** Trusts another clinic's key (the text of its `.stillroom-key.json`), optionally under a name of one's own. */
  trustKey: command(
    z
      .object({
        text: z
          .string()
          .min(1)
          .max(64 * 1024),
        clinic: z.string().trim().max(200).default(''),
      })
      .strict(),
  ).answers<{ clinic: string; fingerprint: string }>(),
  untrustKey: command(z.object({ publicKey: z.string().min(1).max(64) }).strict()),
  /** The clinic's shared folder (null: none). */
  setClinicFolder: command(z.object({ path: z.string().trim().min(1).max(4096).nullable() }).strict()),
  /**
   * Checks a preset someone shared and resolves its tracks against the library, without
   * saving: the file's text (or base64 bytes), or a path on this machine (`.stillroom.json`
   * or a bundle `.zip`).
   */
  inspectImport: command(
    z
      .object({
        name: z.string().trim().min(1).max(300),
        text: z.string().max(MAX_IMPORT_TEXT_CHARS).optional(),
        base64: z.string().max(MAX_IMPORT_BASE64_CHARS).optional(),
        path: z.string().trim().min(1).max(4096).optional(),
      })
      .strict()
      .refine((a) => [a.text, a.base64, a.path].filter((v) => v !== undefined).length === 1, 'give exactly one of text, base64 or path'),
    { slow: true },
  ).answers<ImportView>(),
  /** "This reference is that library file": remembered on this machine. */
  fixImportTrack: command(
    z
      .object({
        importId,
        phaseIndex: z.number().int().min(0).max(11),
        trackIndex: z.number().int().min(0).max(499),
        trackId: z.string().min(1).max(64),
      })
      .strict(),
  ).answers<ImportView>(),
  /**
   * Saves the checked preset as a user preset. "Keep both" gives the new one its own id and, when
   * the name is taken, its own name ("Evening (2)"), so the two can be told apart in every list.
   */
  completeImport: command(z.object({ importId, onConflict: z.enum(['refuse', 'replace', 'keep-both']).default('refuse') }).strict(), {
    slow: true,
  }).answers<{ id: string; name: string; renamedFrom: string | null }>(),
  cancelImport: command(z.object({ importId }).strict()),
};

/** Who made a shared preset, as far as this machine can tell. */
export interface ProvenanceView {
  status: 'unsigned' | 'trusted' | 'unknown-key';
  message: string;
  clinic: string | null;
  fingerprint: string | null;
}

export interface ResolutionRow {
  phaseIndex: number;
  trackIndex: number;
  title: string;
  artist: string;
  durationS: number;
  status: 'matched' | 'ambiguous' | 'missing';
  /** How it matched: ISRC, MusicBrainz id, title + artist, by hand, from the bundle, Stillroom's own audio. */
  how: 'isrc' | 'musicbrainz' | 'tags' | 'manual' | 'bundle' | 'path' | 'path-tail' | 'app' | null;
  /** The library file it matched (its name only) and any note. */
  matched: { trackId: string; title: string; artist: string; fileName: string } | null;
  note: string | null;
  /** Files that might be it (ambiguous, or near misses). */
  candidates: Array<{ trackId: string; title: string; artist: string; why: string }>;
}

export interface ResolutionView {
  rows: ResolutionRow[];
  matched: number;
  ambiguous: number;
  missing: number;
}

export interface ImportView {
  importId: string;
  source: string;
  kind: 'json' | 'bundle';
  preset: { id: string; name: string; description: string; route: string; phases: Array<{ name: string; plannedMin: number }> };
  provenance: ProvenanceView;
  /** A preset with this id exists already (choose replace or keep both). */
  idTaken: boolean;
  strippedAssets: number;
  report: ResolutionView;
  /**
   * What will need fixing in the editor before the plan can work here (core/preset-rules.ts:
   * a dose reminder where no phase waits for the dose…), in plain words; empty when none.
   */
  planProblems: string[];
}

export interface LoadedPresetView {
  preset: Preset;
  origin: 'bundled' | 'user' | 'clinic';
  /** Only the user's own presets are edited in place; others are duplicated first. */
  editable: boolean;
  provenance: ProvenanceView | null;
}

export interface SharingSnapshot {
  clinicFolder: string | null;
  /** The folder cannot be read just now (offline drive…), or its watcher failed. */
  clinicFolderProblem: string | null;
  /** This machine's signing key exists but cannot be read (a damaged file, a vault that will not open). */
  identityProblem: string | null;
  /** This machine's signing identity, if made. */
  identity: { clinic: string; fingerprint: string } | null;
  trusted: Array<{ clinic: string; publicKey: string; fingerprint: string; addedAt: string }>;
}
