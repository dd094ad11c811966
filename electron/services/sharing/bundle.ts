/**
 * Bundles: a preset plus the audio the clinic may share, as one zip. The layout is fixed —
 * `bundle.json` (manifest: each audio file's hash, size and which tracks use it),
 * `preset.stillroom.json` (plain or signed; a signed one also covers the audio hashes) and
 * `audio/NNN-name.ext`. Import checks everything, extracts into a hidden temp folder inside
 * the imports folder, verifies every hash, and only then renames the folder into place — a
 * failed import leaves nothing behind, a successful one is complete. The folder arrives marked
 * as pending (bundle-cleanup.ts) until the import is completed, so an abandoned one is removed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { z } from 'zod';
import { type MatchableTrack, trackFromRef } from '../../core/matching';
import { jsonProblem, plainErrorMap, plainIssues } from '../../core/plain-errors';
import type { Preset } from '../../core/preset';
import { type Attachment, canonicalJson } from '../../core/signing';
import { slug } from '../../core/slug';
import { commitRename, fsyncFile, tempNameFor } from '../library/atomic';
import { markPending } from './bundle-cleanup';
import { AUDIO_DIR, AUDIO_ENTRY_RE, type BundleLimits, BundleZip, DEFAULT_BUNDLE_LIMITS, MANIFEST_ENTRY, PRESET_ENTRY } from './bundle-zip';
import { explain, ImportError } from './errors';
import { presetFileText, presetForSharing } from './export';
import { type InspectedPreset, inspectPresetText } from './import';
import type { ClinicKey, TrustedKeys } from './keys';

export const BUNDLE_FORMAT = 'stillroom.bundle/1';
const BUNDLE_FORMAT_RE = /^stillroom\.bundle\/(\d+)$/;

const ManifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    audio: z
      .array(
        z
          .object({
            file: z.string().regex(AUDIO_ENTRY_RE, 'audio names look like audio/001-name.flac'),
            sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash is 64 digits and letters a–f'),
            bytes: z.number().int().nonnegative(),
            /** [phase index, track index] pairs that play this file. */
            tracks: z
              .array(z.tuple([z.number().int().min(0).max(11), z.number().int().min(0).max(499)]))
              .min(1)
              .max(6000),
          })
          .strict(),
      )
      .max(2000),
  })
  .strict();
export type BundleManifest = z.infer<typeof ManifestSchema>;

/** Which local file to ship for a track of the preset (only content the clinic may share). */
export interface BundleAudioChoice {
  phaseIndex: number;
  trackIndex: number;
  file: string;
}

const EXPORT_EXTENSIONS = new Set(['.mp3', '.flac', '.m4a', '.aac', '.mp4', '.ogg', '.oga', '.opus', '.wav']);

async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Writes a bundle zip atomically: the preset (stripped of local paths, signed if a key is
 * given — the signature then also covers every audio file's hash) and the chosen audio files.
 */
export async function exportBundle(
  preset: Preset,
  dest: string,
  opts: { audio: readonly BundleAudioChoice[]; signWith?: ClinicKey; now?: Date },
): Promise<{ file: string; audioFiles: number; signed: boolean }> {
  const shared = presetForSharing(preset);
  const byFile = new Map<string, { file: string; name: string; tracks: Array<[number, number]> }>();
  for (const choice of opts.audio) {
    const ref = shared.phases[choice.phaseIndex]?.playlist[choice.trackIndex];
    if (!ref) throw new RangeError(`no track ${choice.trackIndex + 1} in phase ${choice.phaseIndex + 1}`);
    const ext = extname(choice.file).toLowerCase();
    if (!EXPORT_EXTENSIONS.has(ext)) throw new Error(`${choice.file}: not an audio file a bundle can carry (${ext || 'no extension'})`);
    const existing = byFile.get(choice.file);
    if (existing) existing.tracks.push([choice.phaseIndex, choice.trackIndex]);
    else {
      const name = `${AUDIO_DIR}${String(byFile.size + 1).padStart(3, '0')}-${slug(ref.title, { max: 60, fallback: 'track' })}${ext}`;
      byFile.set(choice.file, { file: choice.file, name, tracks: [[choice.phaseIndex, choice.trackIndex]] });
    }
  }
  const audio: BundleManifest['audio'] = [];
  for (const item of byFile.values()) {
    const st = await stat(item.file);
    if (!st.isFile()) throw new Error(`${item.file}: not a file`);
    const { sha256, bytes } = await hashFile(item.file);
    audio.push({ file: item.name, sha256, bytes, tracks: item.tracks });
  }
  const attachments: Attachment[] = audio.map(({ file, sha256, bytes }) => ({ file, sha256, bytes }));
  const manifest: BundleManifest = { format: BUNDLE_FORMAT, audio };

  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), MANIFEST_ENTRY, { mode: 0o100644 });
  zip.addBuffer(Buffer.from(presetFileText(shared, opts.signWith, opts.signWith ? attachments : undefined, opts.now)), PRESET_ENTRY, {
    mode: 0o100644,
  });
  for (const item of byFile.values()) {
    zip.addFile(item.file, item.name, { compress: item.name.endsWith('.wav'), mode: 0o100644 });
  }
  zip.end();
  await mkdir(dirname(dest), { recursive: true });
  const temp = tempNameFor(dest);
  try {
    await pipeline(zip.outputStream, createWriteStream(temp, { flags: 'wx' }));
    await fsyncFile(temp);
    await commitRename(temp, dest);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return { file: dest, audioFiles: audio.length, signed: Boolean(opts.signWith) };
}

export interface BundleImportOptions {
  /** Where imported bundles live (`<data>/bundles`); each becomes one folder inside it. */
  importsDir: string;
  trusted: TrustedKeys;
  limits?: Partial<BundleLimits>;
}

export interface ImportedBundle extends InspectedPreset {
  /** The complete folder holding this bundle's preset and audio. */
  folder: string;
  audio: Array<{ file: string; sha256: string; bytes: number; tracks: Array<[number, number]> }>;
  /** "phase:track" → the bundled file, for `resolvePreset(…, preResolved)`. */
  preResolved: Map<string, MatchableTrack>;
}

function parseManifest(text: string, source: string): BundleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ImportError(source, [`${MANIFEST_ENTRY}: ${jsonProblem(err, text)}`], 'invalid');
  }
  const format = typeof raw === 'object' && raw !== null ? (raw as { format?: unknown }).format : undefined;
  const m = typeof format === 'string' ? BUNDLE_FORMAT_RE.exec(format) : null;
  if (m && format !== BUNDLE_FORMAT) {
    const newer = Number(m[1]) > 1;
    throw new ImportError(
      source,
      [
        newer
          ? `${MANIFEST_ENTRY}: format "${format}" is newer than this version of Stillroom understands (${BUNDLE_FORMAT}); please update Stillroom`
          : `${MANIFEST_ENTRY}: format "${format}" is not a bundle format this version of Stillroom understands`,
      ],
      'version',
    );
  }
  const r = ManifestSchema.safeParse(raw, { error: plainErrorMap });
  if (!r.success) {
    throw new ImportError(
      source,
      plainIssues(r.error.issues).map((line) => `${MANIFEST_ENTRY} › ${line}`),
      'invalid',
    );
  }
  return r.data;
}

/** Checks that manifest, zip entries, preset and signature agree; returns every disagreement. */
function crossCheck(manifest: BundleManifest, zip: BundleZip, inspected: InspectedPreset): string[] {
  const problems: string[] = [];
  const listed = new Set<string>();
  const used = new Set<string>();
  for (const a of manifest.audio) {
    if (listed.has(a.file)) problems.push(`${MANIFEST_ENTRY}: lists ${a.file} twice`);
    listed.add(a.file);
    const entry = zip.entries.get(a.file);
    if (!entry) problems.push(`${a.file}: listed in ${MANIFEST_ENTRY} but not in the zip`);
    else if (entry.size !== a.bytes) problems.push(`${a.file}: ${entry.size} bytes in the zip, ${a.bytes} in ${MANIFEST_ENTRY}`);
    for (const [p, t] of a.tracks) {
      if (!inspected.preset.phases[p]?.playlist[t])
        problems.push(`${a.file}: names track ${t + 1} of phase ${p + 1}, which the preset does not have`);
      const key = `${p}:${t}`;
      if (used.has(key)) problems.push(`${a.file}: track ${t + 1} of phase ${p + 1} is given more than one file`);
      used.add(key);
    }
  }
  for (const name of zip.entries.keys()) {
    if (name.startsWith(AUDIO_DIR) && !listed.has(name)) problems.push(`${name}: in the zip but not listed in ${MANIFEST_ENTRY}`);
  }
  if (inspected.attachments) {
    const signed = canonicalJson([...inspected.attachments].sort((a, b) => (a.file < b.file ? -1 : 1)));
    const actual = canonicalJson(
      manifest.audio.map(({ file, sha256, bytes }) => ({ file, sha256, bytes })).sort((a, b) => (a.file < b.file ? -1 : 1)),
    );
    if (signed !== actual) {
      problems.push(
        `${PRESET_ENTRY} › attachments: the signed list of audio files does not match ${MANIFEST_ENTRY} — audio was added, removed or replaced after signing`,
      );
    }
  }
  return problems;
}

/** Imports a bundle zip completely, or not at all. Throws `ImportError` naming each problem. */
export async function importBundle(zipPath: string, opts: BundleImportOptions): Promise<ImportedBundle> {
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...opts.limits };
  let size: number;
  try {
    const st = await stat(zipPath);
    if (!st.isFile()) throw new ImportError(zipPath, ['(file): not a file'], 'invalid');
    size = st.size;
  } catch (err) {
    throw explain(err, zipPath);
  }
  const zip = await BundleZip.open(zipPath, size, limits);
  let temp: string | null = null;
  try {
    for (const required of [MANIFEST_ENTRY, PRESET_ENTRY]) {
      if (!zip.entries.has(required)) throw new ImportError(zipPath, [`${required}: missing — this is not a Stillroom bundle`], 'invalid');
    }
    const manifestText = await zip.readText(MANIFEST_ENTRY);
    const manifest = parseManifest(manifestText, zipPath);
    const presetText = await zip.readText(PRESET_ENTRY);
    const inspected = inspectPresetText(presetText, `${zipPath} › ${PRESET_ENTRY}`, opts.trusted);
    const problems = crossCheck(manifest, zip, inspected);
    if (problems.length > 0) throw new ImportError(zipPath, problems.slice(0, 20), inspected.attachments ? 'tampered' : 'invalid');

    await mkdir(opts.importsDir, { recursive: true });
    temp = await mkdtemp(join(opts.importsDir, '.incoming-'));
    await mkdir(join(temp, 'audio'));
    for (const a of manifest.audio) {
      const dest = join(temp, 'audio', basename(a.file));
      const got = await zip.extract(a.file, temp, dest);
      if (got.sha256 !== a.sha256 || got.bytes !== a.bytes) {
        throw new ImportError(
          zipPath,
          [
            `${a.file}: its content does not match the hash in ${MANIFEST_ENTRY} (damaged or replaced${inspected.attachments ? ' after signing' : ''})`,
          ],
          inspected.attachments ? 'tampered' : 'invalid',
        );
      }
      await fsyncFile(dest);
    }
    await writeFile(join(temp, PRESET_ENTRY), presetText, { flag: 'wx' });
    await writeFile(join(temp, MANIFEST_ENTRY), manifestText, { flag: 'wx' });
    // Not imported until the therapist completes it (`keepBundle`); abandoned, it is cleaned up.
    markPending(temp);

    const folder = await moveIntoPlace(temp, opts.importsDir, inspected.preset.id);
    temp = null;
    const preResolved = new Map<string, MatchableTrack>();
    for (const a of manifest.audio) {
      for (const [p, t] of a.tracks) {
        const ref = inspected.preset.phases[p]?.playlist[t];
        if (!ref) continue;
        preResolved.set(`${p}:${t}`, trackFromRef(`bundle-${a.sha256.slice(0, 16)}`, join(folder, 'audio', basename(a.file)), ref));
      }
    }
    return { ...inspected, source: zipPath, folder, audio: manifest.audio, preResolved };
  } catch (err) {
    throw explain(err, zipPath);
  } finally {
    zip.close();
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

/** Renames the finished temp folder to `<importsDir>/<id>` (or `<id>-2`, …) atomically. */
async function moveIntoPlace(temp: string, importsDir: string, id: string): Promise<string> {
  for (let n = 1; n < 1000; n++) {
    const folder = join(importsDir, n === 1 ? id : `${id}-${n}`);
    try {
      await stat(folder);
      continue; // taken
    } catch {
      // free
    }
    try {
      await commitRename(temp, folder);
      return folder;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw err;
    }
  }
  throw new ImportError(importsDir, [`(folder): too many imported bundles named "${id}"`], 'conflict');
}
