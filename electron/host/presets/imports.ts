/**
 * Importing a preset from another clinic: the file (text, bytes from the browser, or a path —
 * only a preset or a bundle, anything else refused by its name unopened) is inspected by
 * services/sharing (size caps, strict schema, signature, zip-slip and zip-bomb guards), every
 * track resolved against the library and the app's own audio, and the result kept pending in
 * memory until the therapist fixes tracks by hand and completes it (or walks away: abandoned
 * bundles are cleaned up). Nothing is saved before "complete", and then atomically.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { applyManualFix, buildMatchIndex, type MatchableTrack, resolvePreset } from '../../core/matching';
import { PresetError } from '../../core/preset';
import { writeFileAtomic } from '../../services/library/atomic';
import type { PresetCatalog } from '../../services/presets';
import { importBundle } from '../../services/sharing/bundle';
import { keepBundle } from '../../services/sharing/bundle-cleanup';
import { ImportError } from '../../services/sharing/errors';
import { type InspectedPreset, inspectPresetFile, inspectPresetText, savePreset } from '../../services/sharing/import';
import type { TrustedKeys } from '../../services/sharing/keys';
import type { ArgsOut } from '../command';
import { Refusal } from '../refusal';
import type { ImportView, presetsCommands } from './contract';
import { refusalFrom } from './errors';
import { importView, type PendingImport } from './import-view';
import type { LibraryAccess } from './library-access';
import { distinctName } from './naming';
import { ownAudioIndex, restoreOwnAssets, withOwnAudio } from './own-audio';

const MAX_PENDING_IMPORTS = 8;

type Args<K extends keyof typeof presetsCommands> = ArgsOut<(typeof presetsCommands)[K]>;

export interface ImportsOptions {
  dataDir: string;
  appRoot: string;
  /** `<data>/presets`, where a completed import is saved. */
  userDir: string;
  trusted: TrustedKeys;
  library: LibraryAccess;
  catalog: () => PresetCatalog;
  /** Ids already used (the catalog and the presets folder). */
  takenIds: () => Set<string>;
  log: (line: string) => void;
}

export class Imports {
  private readonly pending = new Map<string, PendingImport>();

  constructor(private readonly opts: ImportsOptions) {}

  async inspect(a: Args<'inspectImport'>): Promise<ImportView> {
    const { opts } = this;
    const source = basename(a.name);
    let inspected: InspectedPreset;
    let kind: 'json' | 'bundle' = 'json';
    let text: string | null = null;
    let bundleFolder: string | null = null;
    let preResolved: ReadonlyMap<string, MatchableTrack> = new Map();
    const lead = `${source} was not imported`;
    try {
      if (a.text !== undefined) {
        text = a.text;
        inspected = inspectPresetText(text, source, opts.trusted);
      } else if (a.base64 !== undefined) {
        const bytes = Buffer.from(a.base64, 'base64');
        if (bytes.subarray(0, 2).toString('latin1') === 'PK') {
          kind = 'bundle';
          const b = await this.importBundleBytes(bytes, source);
          inspected = b;
          bundleFolder = b.folder;
          preResolved = b.preResolved;
        } else {
          text = bytes.toString('utf8');
          inspected = inspectPresetText(text, source, opts.trusted);
        }
      } else {
        const path = resolve(a.path ?? '');
        // Only what the therapist would choose to import: a preset or a bundle. Any other file on
        // this machine is refused by its name alone — never opened, never quoted back.
        if (!/\.(json|zip)$/i.test(path)) {
          throw new Refusal(`${lead}: choose a Stillroom preset (.stillroom.json) or bundle (.stillroom.zip).`);
        }
        if (/\.zip$/i.test(path)) {
          kind = 'bundle';
          const b = await importBundle(path, { importsDir: join(opts.dataDir, 'bundles'), trusted: opts.trusted });
          inspected = b;
          bundleFolder = b.folder;
          preResolved = b.preResolved;
        } else {
          inspected = await inspectPresetFile(path, opts.trusted);
          text = readFileSync(path, 'utf8');
        }
      }
    } catch (err) {
      if (err instanceof ImportError && err.kind === 'tampered') {
        const why = err.problems.map((p) => p.replace(/^signature: /, '')).join('; ');
        throw new Refusal(`${lead}: it was altered after signing. ${why.charAt(0).toUpperCase()}${why.slice(1)}`);
      }
      if (err instanceof ImportError && err.kind === 'version') throw new Refusal(`${lead}: ${err.problems.join('; ')}`);
      throw refusalFrom(err, lead);
    }
    await opts.library.idle();
    const index = opts.library.music()?.matchIndex() ?? buildMatchIndex([]);
    const own = ownAudioIndex(opts.catalog().presets, opts.appRoot);
    const report = withOwnAudio(resolvePreset(inspected.preset, index, await opts.library.manualFixes(), preResolved), own);
    const id = randomBytes(8).toString('hex');
    const pending: PendingImport = { id, kind, source, inspected, text, bundleFolder, preResolved, report };
    this.pending.set(id, pending);
    while (this.pending.size > MAX_PENDING_IMPORTS) {
      const oldest = this.pending.values().next().value;
      if (!oldest) break;
      await this.drop(oldest);
    }
    return this.view(pending);
  }

  private async importBundleBytes(bytes: Buffer, source: string) {
    const uploads = join(this.opts.dataDir, 'imports');
    await mkdir(uploads, { recursive: true });
    const temp = join(uploads, `.upload-${randomBytes(6).toString('hex')}.zip`);
    await writeFile(temp, bytes, { flag: 'wx', mode: 0o600 });
    try {
      const b = await importBundle(temp, { importsDir: join(this.opts.dataDir, 'bundles'), trusted: this.opts.trusted });
      return { ...b, source };
    } catch (err) {
      if (err instanceof PresetError) throw new ImportError(source, err.problems, err instanceof ImportError ? err.kind : 'invalid');
      throw err;
    } finally {
      await rm(temp, { force: true });
    }
  }

  private pendingOf(importId: string): PendingImport {
    const p = this.pending.get(importId);
    if (!p) throw new Refusal('That import is no longer open; choose the file again.');
    return p;
  }

  private view(p: PendingImport): ImportView {
    return importView(p, this.opts.takenIds().has(p.inspected.preset.id));
  }

  async fixTrack(a: Args<'fixImportTrack'>): Promise<ImportView> {
    const { library } = this.opts;
    const p = this.pendingOf(a.importId);
    const track = library.music()?.get(a.trackId);
    if (!track || track.missing || track.problem !== null) throw new Refusal('That library file is missing or unreadable; choose another.');
    let next: ReturnType<typeof applyManualFix>;
    try {
      next = applyManualFix(p.report, await library.manualFixes(), { phaseIndex: a.phaseIndex, trackIndex: a.trackIndex }, track);
    } catch (err) {
      throw refusalFrom(err, 'Not fixed');
    }
    p.report = next.report;
    try {
      const row = p.report.tracks.find((t) => t.phaseIndex === a.phaseIndex && t.trackIndex === a.trackIndex);
      await library.rememberFix(row?.ref, track.id, next.fixes);
    } catch (err) {
      this.opts.log(`manual fixes not saved: ${(err as Error).message}`);
      throw refusalFrom(err, 'The fix applies to this import but could not be remembered');
    }
    return this.view(p);
  }

  /** Saves the import as the therapist's own preset; the bundle's audio joins the library. */
  async complete(a: Args<'completeImport'>): Promise<{ id: string; name: string; renamedFrom: string | null }> {
    const { opts } = this;
    const p = this.pendingOf(a.importId);
    const received = p.inspected.preset;
    const other = opts.catalog().presets.find((q) => q.preset.id === received.id);
    if (other && other.origin !== 'user' && a.onConflict === 'replace') {
      throw new Refusal(
        `“${other.preset.name}” (${other.origin === 'bundled' ? 'built in' : 'the clinic’s'}) has this id; choose Keep both.`,
      );
    }
    // Kept beside another: a name of its own. Replacing: the name it came with.
    const replacing = a.onConflict === 'replace' && other !== undefined;
    const names = opts
      .catalog()
      .presets.filter((q) => !(replacing && q.preset.id === received.id))
      .map((q) => q.preset.name);
    const name = replacing ? received.name : distinctName(received.name, names);
    // Tracks found among Stillroom's own audio get their `asset` reference back.
    const preset = { ...restoreOwnAssets(received, p.report), name };
    const changed = name !== received.name || JSON.stringify(preset) !== JSON.stringify({ ...received, name });
    let saved: Awaited<ReturnType<typeof savePreset>>;
    try {
      saved = await savePreset(preset, {
        presetsDir: opts.userDir,
        existingIds: opts.catalog().presets.map((q) => q.preset.id),
        onConflict: a.onConflict,
      });
    } catch (err) {
      throw refusalFrom(err, `${p.source} was not saved`);
    }
    // A signed file kept as signed shows its provenance in the catalog; a renamed or completed one cannot stay signed.
    if (p.kind === 'json' && p.text !== null && p.inspected.provenance.status !== 'unsigned' && saved.renamedFrom === null && !changed) {
      await writeFileAtomic(saved.file, p.text.endsWith('\n') ? p.text : `${p.text}\n`);
    }
    this.pending.delete(p.id);
    if (p.kind === 'bundle' && p.bundleFolder) {
      keepBundle(p.bundleFolder);
      // The bundle's audio becomes part of the library (scanned in the background), so a
      // session finds each track by its tags like any other file.
      try {
        await opts.library.addMusicFolder(join(p.bundleFolder, 'audio'));
      } catch (err) {
        opts.log(`bundle audio not added to the library: ${(err as Error).message}`);
      }
    }
    return { id: saved.id, name, renamedFrom: saved.renamedFrom };
  }

  async cancel(importId: string): Promise<void> {
    const p = this.pending.get(importId);
    if (p) await this.drop(p);
  }

  private async drop(p: PendingImport): Promise<void> {
    this.pending.delete(p.id);
    if (p.bundleFolder) {
      const root = resolve(join(this.opts.dataDir, 'bundles'));
      if (resolve(p.bundleFolder).startsWith(root + sep)) await rm(p.bundleFolder, { recursive: true, force: true });
    }
  }

  /** Trust changed: each pending import's signature is judged again (its content cannot have changed). */
  rejudge(): void {
    for (const p of this.pending.values()) {
      try {
        if (p.text !== null) p.inspected = { ...inspectPresetText(p.text, p.source, this.opts.trusted), preset: p.inspected.preset };
      } catch {
        // unchanged content cannot start failing; keep the earlier judgement
      }
    }
  }

  /** Forgets every pending import (the host closes; their folders are cleaned up by the caller). */
  clear(): void {
    this.pending.clear();
  }
}
