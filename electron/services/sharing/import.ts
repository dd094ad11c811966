/**
 * Importing a preset another clinic shared. Everything in the file is hostile until proven
 * otherwise: size-capped, parsed with JSON.parse (which cannot touch prototypes), checked
 * against the strict schema, signature checked over the content as written, `asset` paths
 * removed. Nothing is written until all of that passed, and then atomically.
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ManualFixes, type MatchIndex, type ResolutionReport, resolvePreset } from '../../core/matching';
import { jsonProblem, plainErrorMap, plainIssues } from '../../core/plain-errors';
import { type Preset, PresetError, parsePreset } from '../../core/preset';
import { type Attachment, looksSigned, SignedPresetSchema, signedVersionProblem } from '../../core/signing';
import { writeFileAtomic } from '../library/atomic';
import { explain, ImportError } from './errors';
import { countAssetRefs, presetForSharing } from './export';
import type { TrustedKeys } from './keys';
import { type Provenance, UNSIGNED, verifySigned } from './sign';

/** A shared preset file is never larger than this (the preset itself is capped at 2 MiB). */
export const MAX_SHARED_FILE_BYTES = 3 * 1024 * 1024;

/** A preset read from a shared file, checked, not yet saved. */
export interface InspectedPreset {
  source: string;
  /** Validated and stripped of `asset` paths. */
  preset: Preset;
  provenance: Provenance;
  /** Bundles only: the audio hashes the signature covers (null when unsigned). */
  attachments: Attachment[] | null;
  /** How many `asset` references were removed (they only make sense in bundled presets). */
  strippedAssets: number;
}

function fromPresetError(err: PresetError, source: string, prefix = ''): ImportError {
  const problems = err.problems.map((p) => {
    if (!prefix) return p;
    // Inside a signed file the preset sits under "preset": name paths from the file's top.
    return p.startsWith('(top level)') ? `${prefix.slice(0, -1)}${p.slice('(top level)'.length)}` : `${prefix}${p}`;
  });
  const kind = problems.some((p) => /understands/.test(p))
    ? 'version'
    : problems.some((p) => /larger than/.test(p))
      ? 'too-large'
      : 'invalid';
  return new ImportError(source, problems, kind);
}

/** Checks shared preset text (plain or signed); throws `ImportError` naming every problem. */
export function inspectPresetText(text: string, source: string, trusted: TrustedKeys): InspectedPreset {
  if (text.length > MAX_SHARED_FILE_BYTES) {
    throw new ImportError(
      source,
      [`(file): larger than ${MAX_SHARED_FILE_BYTES / 1024 / 1024} MiB; a preset is never that big`],
      'too-large',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ImportError(source, [`(file): ${jsonProblem(err, text)}`], 'invalid');
  }
  try {
    if (!looksSigned(raw)) {
      const preset = parsePreset(text, source);
      return { source, preset: presetForSharing(preset), provenance: UNSIGNED, attachments: null, strippedAssets: countAssetRefs(preset) };
    }
    const versionProblem = signedVersionProblem(raw.format);
    if (versionProblem) throw new ImportError(source, [versionProblem], 'version');
    const env = SignedPresetSchema.safeParse(raw, { error: plainErrorMap });
    if (!env.success) throw new ImportError(source, plainIssues(env.error.issues), 'invalid');
    const provenance = verifySigned(env.data, trusted, source);
    let preset: Preset;
    try {
      preset = parsePreset(JSON.stringify(env.data.preset), source);
    } catch (err) {
      if (err instanceof PresetError) throw fromPresetError(err, source, 'preset.');
      throw err;
    }
    return {
      source,
      preset: presetForSharing(preset),
      provenance,
      attachments: env.data.attachments ?? [],
      strippedAssets: countAssetRefs(preset),
    };
  } catch (err) {
    if (err instanceof ImportError) throw err;
    if (err instanceof PresetError) throw fromPresetError(err, source);
    throw explain(err, source);
  }
}

/** Reads and checks a shared preset file, without saving anything. */
export async function inspectPresetFile(path: string, trusted: TrustedKeys): Promise<InspectedPreset> {
  let text: string;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new ImportError(path, ['(file): not a file'], 'invalid');
    if (st.size > MAX_SHARED_FILE_BYTES) {
      throw new ImportError(path, [`(file): ${st.size} bytes, larger than ${MAX_SHARED_FILE_BYTES / 1024 / 1024} MiB`], 'too-large');
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw explain(err, path);
  }
  return inspectPresetText(text, path, trusted);
}

export type ConflictPolicy = 'refuse' | 'replace' | 'keep-both';

export interface SaveOptions {
  /** The user's presets folder (`<data>/presets`). */
  presetsDir: string;
  /** Ids already taken elsewhere (bundled presets). */
  existingIds?: Iterable<string>;
  /** What to do when the id is taken (default: refuse and say so). */
  onConflict?: ConflictPolicy;
}

export interface SavedPreset {
  id: string;
  file: string;
  /** Set when `keep-both` gave the preset a new id. */
  renamedFrom: string | null;
}

/** Saves a checked preset as `<presetsDir>/<id>.stillroom.json`, atomically. */
export async function savePreset(preset: Preset, opts: SaveOptions): Promise<SavedPreset> {
  await mkdir(opts.presetsDir, { recursive: true });
  const taken = new Set(opts.existingIds ?? []);
  for (const name of await readdir(opts.presetsDir)) {
    if (name.endsWith('.stillroom.json')) taken.add(name.slice(0, -'.stillroom.json'.length));
  }
  let id = preset.id;
  let renamedFrom: string | null = null;
  if (taken.has(id)) {
    const policy = opts.onConflict ?? 'refuse';
    if (policy === 'refuse') {
      throw new ImportError(
        preset.id,
        [`id: a preset with id "${id}" already exists; import again choosing "replace" or "keep both"`],
        'conflict',
      );
    }
    if (policy === 'keep-both') {
      renamedFrom = id;
      const base = id.slice(0, 56);
      let n = 2;
      while (taken.has(`${base}-${n}`)) n++;
      id = `${base}-${n}`;
    }
  }
  const file = join(opts.presetsDir, `${id}.stillroom.json`);
  await writeFileAtomic(file, `${JSON.stringify({ ...preset, id }, null, 2)}\n`);
  return { id, file, renamedFrom };
}

export interface ImportPresetOptions extends SaveOptions {
  trusted: TrustedKeys;
  /** The library to resolve tracks against (a MatchIndex or plain tracks); omitted: no report. */
  matchIndex?: MatchIndex;
  fixes?: ManualFixes;
}

export interface ImportedPreset extends InspectedPreset {
  saved: SavedPreset;
  report: ResolutionReport | null;
}

/** Inspect + save + resolve: the whole import of a single `.stillroom.json`. */
export async function importPresetFile(path: string, opts: ImportPresetOptions): Promise<ImportedPreset> {
  const inspected = await inspectPresetFile(path, opts.trusted);
  let saved: SavedPreset;
  try {
    saved = await savePreset(inspected.preset, opts);
  } catch (err) {
    throw explain(err, path);
  }
  const preset = { ...inspected.preset, id: saved.id };
  const report = opts.matchIndex ? resolvePreset(preset, opts.matchIndex, opts.fixes) : null;
  return { ...inspected, preset, saved, report };
}
