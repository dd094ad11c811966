/**
 * The host's side of presets as files people share: editing a preset's phases and playlists,
 * export (`.stillroom.json` or a bundle), import with validation and a resolution report
 * (with manual fixes), Ed25519 signing and trusted keys, and the clinic's shared folder.
 *
 * Everything that arrives from another clinic goes through services/sharing (size caps, strict
 * schema, signature over the content as written, zip-slip and zip-bomb guards) before it is
 * shown; nothing is saved until the therapist says so, and then atomically.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import {
  applyManualFix,
  buildMatchIndex,
  type MatchableTrack,
  type MatchIndex,
  type ResolutionReport,
  resolvePreset,
  resolveRef,
} from '../../core/matching';
import { type Preset, PresetError, PresetSchema, type TrackRef } from '../../core/preset';
import { presetProblems, problemsText } from '../../core/preset-rules';
import { slug } from '../../core/slug';
import { writeFileAtomic } from '../../services/library/atomic';
import { loadManualFixes, saveManualFixes } from '../../services/library/fixes';
import type { LibraryTrack } from '../../services/library/index-file';
import { trackRefFromLibrary } from '../../services/library/playlist-import';
import { chokidarWatchFactory, type WatchFactory } from '../../services/library/watch';
import { type LoadedPreset, loadPresets, type PresetCatalog } from '../../services/presets';
import type { Settings } from '../../services/settings';
import { type BundleAudioChoice, exportBundle, importBundle } from '../../services/sharing/bundle';
import { cleanAbandonedImports, keepBundle } from '../../services/sharing/bundle-cleanup';
import { ClinicFolder } from '../../services/sharing/clinic-folder';
import { ImportError } from '../../services/sharing/errors';
import { presetFileText } from '../../services/sharing/export';
import { type InspectedPreset, inspectPresetFile, inspectPresetText, savePreset } from '../../services/sharing/import';
import {
  type ClinicKey,
  fingerprint,
  generateClinicKey,
  loadClinicKeySealed,
  parsePublicKeyFile,
  publicKeyFileText,
  saveClinicKeySealed,
  TrustedKeys,
} from '../../services/sharing/keys';
import type { Provenance } from '../../services/sharing/sign';
import type { Vault } from '../../services/vault';
import type { ArgsOut, HandlerReply, Handlers, ReplyOf, SavedFile } from '../command';
import { Refusal } from '../refusal';
import type { ImportView, ProvenanceView, presetsCommands, ResolutionRow, SharingSnapshot } from './contract';
import { distinctName, exportStem } from './naming';
import { assetOf, ownAudioIndex, restoreOwnAssets, withOwnAudio } from './own-audio';

/** What this module needs of the music library (electron/host/library `HostLibrary`). */
export interface SharingLibrary {
  /** The scanned library: match tables for resolving, tracks by id. */
  music?(): { matchIndex(): MatchIndex; get(id: string): LibraryTrack | undefined } | null;
  /** Resolves once a running scan has finished (so a resolution report sees every file). */
  whenIdle?(): Promise<unknown>;
  /** The hand fixes in force (reference key → track id), shared with session start. */
  manualFixes?(): ReadonlyMap<string, string>;
  /** Remembers a hand fix (`<data>/track-fixes.json`) where session start will see it too. */
  setManualFix?(ref: TrackRef, trackId: string | null): Promise<void>;
  /** Adds a music folder (an imported bundle's audio folder, so sessions find it). */
  addMusicFolder?(path: string): Promise<unknown>;
}

export interface HostSharingOptions {
  dataDir: string;
  appRoot: string;
  settings: Settings;
  /** Seals this machine's clinic signing key at rest; null only in tests. */
  vault: Vault | null;
  library: SharingLibrary;
  /** The presets loaded now (bundled, the user's, the clinic folder's). */
  presets: () => PresetCatalog;
  clock: () => number;
  log: (line: string) => void;
  onChange: () => void;
  /** Presets changed on disk: reload the catalog. */
  reloadPresets: () => void;
  /** How the clinic folder is followed (chokidar by default; tests pass a manual one). */
  watchFactory?: WatchFactory;
  /** Gathers change bursts in the clinic folder (default 500 ms). */
  clinicDebounceMs?: number;
  /** A session is running: listening to tracks (auditions) is refused then. */
  sessionRunning?: () => boolean;
}

const SHARING_FILE = 'sharing.json';
const MAX_PENDING_IMPORTS = 8;
/** How long an import or export waits for a library scan to finish before answering with what is known. */
const IDLE_WAIT_MS = 4000;
/** Exports larger than this are written to disk but not sent back for a browser download. */
const MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024;

interface PendingImport {
  id: string;
  kind: 'json' | 'bundle';
  source: string;
  inspected: InspectedPreset;
  /** The file's text as received (kept so a signed import stays signed on disk). */
  text: string | null;
  bundleFolder: string | null;
  preResolved: ReadonlyMap<string, MatchableTrack>;
  report: ResolutionReport;
}

function refusalFrom(err: unknown, lead: string): Refusal {
  if (err instanceof Refusal) return err;
  if (err instanceof PresetError) return new Refusal(`${lead}: ${err.problems.join('; ')}`);
  return new Refusal(`${lead}: ${(err as Error)?.message ?? String(err)}`);
}

function provenanceView(p: Provenance | undefined): ProvenanceView | null {
  if (!p) return null;
  if (p.status === 'trusted') return { status: p.status, message: p.message, clinic: p.clinic, fingerprint: p.fingerprint };
  if (p.status === 'unknown-key') return { status: p.status, message: p.message, clinic: p.claimedClinic, fingerprint: p.fingerprint };
  return { status: 'unsigned', message: p.message, clinic: null, fingerprint: null };
}

function savedFile(path: string, name: string, mediaType: string, bytes: Buffer, text: boolean): SavedFile {
  if (text) return { name, path, mediaType, encoding: 'utf8', data: bytes.toString('utf8') };
  // Too large to send back whole: the file is on disk, the download link is left out.
  return { name, path, mediaType, encoding: 'base64', data: bytes.length <= MAX_DOWNLOAD_BYTES ? bytes.toString('base64') : '' };
}

export class HostSharing {
  private trusted: TrustedKeys;
  private identity: ClinicKey | null = null;
  private identityProblem: string | null = null;
  private clinicPath: string | null = null;
  private clinic: ClinicFolder | null = null;
  private clinicProblem: string | null = null;
  private readonly pending = new Map<string, PendingImport>();
  private fixes: Map<string, string> | null = null;
  private readonly ready: Promise<void>;
  private closed = false;
  /** The one track being listened to now: its media id and file. */
  private audition: { mediaId: string; file: string } | null = null;

  constructor(private readonly opts: HostSharingOptions) {
    try {
      this.trusted = TrustedKeys.loadSync(opts.dataDir);
    } catch (err) {
      // A damaged trust list: trust nothing (signed presets show as unknown keys) and say so.
      opts.log(`trusted keys unreadable: ${(err as Error).message}`);
      this.trusted = TrustedKeys.inMemory();
    }
    this.clinicPath = this.readSharingFile();
    const abandoned = cleanAbandonedImports(opts.dataDir);
    if (abandoned.length > 0) opts.log(`removed ${abandoned.length} bundle import(s) left unfinished`);
    this.ready = this.init();
  }

  private get userDir(): string {
    return join(this.opts.dataDir, 'presets');
  }

  private get exportsDir(): string {
    return join(this.opts.dataDir, 'exports');
  }

  private readSharingFile(): string | null {
    try {
      const raw: unknown = JSON.parse(readFileSync(join(this.opts.dataDir, SHARING_FILE), 'utf8'));
      const folder = (raw as { clinicFolder?: unknown } | null)?.clinicFolder;
      return typeof folder === 'string' && folder.length > 0 && folder.length <= 4096 ? folder : null;
    } catch {
      return null;
    }
  }

  private async init(): Promise<void> {
    try {
      this.identity = await loadClinicKeySealed(this.opts.dataDir, this.opts.vault);
    } catch (err) {
      this.identityProblem = `This machine's signing key cannot be read: ${(err as Error).message}`;
      this.opts.log(this.identityProblem);
    }
    if (this.clinicPath) await this.openClinicFolder(this.clinicPath);
    if (this.closed) return;
    this.opts.reloadPresets();
    this.opts.onChange();
  }

  /** Resolves once the signing key and the clinic folder are loaded. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** The whole catalog: bundled, the user's (signed files checked), the clinic folder's. */
  loadCatalog(): PresetCatalog {
    const clinic: { presets: LoadedPreset[]; problems: Array<{ source: string; message: string }> } = { presets: [], problems: [] };
    for (const e of this.clinic?.list() ?? []) {
      if (e.preset) clinic.presets.push({ preset: e.preset.preset, origin: 'clinic', file: e.file, provenance: e.preset.provenance });
      else if (e.problem) clinic.problems.push({ source: e.file, message: e.problem });
    }
    return loadPresets(join(this.opts.appRoot, 'playlists'), this.userDir, { trusted: this.trusted, clinic });
  }

  /** The presets' and sharing's command handlers (see `presets/contract.ts`); each waits until the signing key and clinic folder are loaded. */
  readonly commands: Handlers<typeof presetsCommands> = {
    getPreset: async (a) => {
      await this.ready;
      const p = this.find(a.presetId);
      return {
        data: { preset: p.preset, origin: p.origin, editable: p.origin === 'user', provenance: provenanceView(p.provenance) },
      };
    },
    duplicatePreset: async (a) => {
      await this.ready;
      return { data: await this.duplicate(a.presetId) };
    },
    savePreset: async (a) => {
      await this.ready;
      return { data: await this.save(a.preset) };
    },
    deletePreset: async (a) => {
      await this.ready;
      await this.remove(a.presetId);
      return undefined;
    },
    libraryRefs: async (a) => {
      await this.ready;
      const music = this.music();
      const refs = a.trackIds.map((id) => {
        const t = music?.get(id);
        return t && !t.missing && t.problem === null ? trackRefFromLibrary(t) : null;
      });
      return { data: { refs } };
    },
    auditionTrack: async (a) => {
      await this.ready;
      return { data: await this.auditionTrack(a.ref) };
    },
    exportPreset: async (a) => {
      await this.ready;
      return this.exportPreset(a);
    },
    publishPreset: async (a) => {
      await this.ready;
      const loaded = this.find(a.presetId);
      const key = this.signingKey(a.sign);
      if (!this.clinic) throw new Refusal('Choose the clinic folder first.');
      if (loaded.origin === 'clinic') throw new Refusal(`“${loaded.preset.name}” is already in the clinic folder.`);
      let path: string;
      try {
        path = await this.clinic.publish(loaded.preset, key ? { signWith: key } : {});
      } catch (err) {
        throw refusalFrom(err, `“${loaded.preset.name}” was not published to ${this.clinic.folder}`);
      }
      this.changed();
      return { data: { path, signed: Boolean(key) } };
    },
    createClinicIdentity: async (a) => {
      await this.ready;
      return { data: await this.createIdentity(a.clinic) };
    },
    exportPublicKey: async () => {
      await this.ready;
      return { file: await this.exportPublicKey() };
    },
    trustKey: async (a) => {
      await this.ready;
      let parsed: { clinic: string; publicKey: string };
      try {
        parsed = parsePublicKeyFile(a.text, 'The key file');
      } catch (err) {
        throw new Refusal(`Not trusted: ${(err as Error).message}`);
      }
      if (this.identity && parsed.publicKey === this.identity.publicKey) throw new Refusal('That is this machine’s own key.');
      const entry = await this.trusted.trust(parsed.publicKey, a.clinic || parsed.clinic);
      await this.trustChanged();
      return { data: { clinic: entry.clinic, fingerprint: entry.fingerprint } };
    },
    untrustKey: async (a) => {
      await this.ready;
      const had = await this.trusted.revoke(a.publicKey);
      if (!had) throw new Refusal('That key is not in the trusted list.');
      await this.trustChanged();
      return undefined;
    },
    setClinicFolder: async (a) => {
      await this.ready;
      await this.setClinicFolder(a.path);
      return undefined;
    },
    inspectImport: async (a) => {
      await this.ready;
      return { data: await this.inspect(a) };
    },
    fixImportTrack: async (a) => {
      await this.ready;
      return { data: await this.fixTrack(a) };
    },
    completeImport: async (a) => {
      await this.ready;
      return { data: await this.complete(a) };
    },
    cancelImport: async (a) => {
      await this.ready;
      const p = this.pending.get(a.importId);
      if (p) await this.dropPending(p);
      return undefined;
    },
  };

  /**
   * The file behind an audition's media id, for the media route; null for anything else and
   * whenever a session runs (the room's music is never interrupted by a preview).
   */
  auditionFile(mediaId: string): string | null {
    if (!this.audition || this.audition.mediaId !== mediaId || this.opts.sessionRunning?.()) return null;
    return this.audition.file;
  }

  private async auditionTrack(ref: TrackRef | null): Promise<{ mediaId: string; fileName: string } | undefined> {
    if (ref === null) {
      this.audition = null;
      return undefined;
    }
    if (this.opts.sessionRunning?.()) throw new Refusal('Listening to tracks is off while a session runs: the room’s music comes first.');
    let file: string | null = null;
    if (ref.asset) {
      const assets = resolve(join(this.opts.appRoot, 'assets'));
      const f = resolve(join(assets, ref.asset));
      if (f.startsWith(assets + sep) && existsSync(f)) file = f;
    }
    if (!file) {
      const r = resolveRef(ref, this.music()?.matchIndex() ?? buildMatchIndex([]), await this.manualFixes());
      if (r.status === 'matched') file = r.track.path;
    }
    if (!file) throw new Refusal(`“${ref.title}” is not in your library, so it cannot be played here.`);
    this.audition = { mediaId: `audition-${randomBytes(8).toString('hex')}`, file };
    return { mediaId: this.audition.mediaId, fileName: basename(file) };
  }

  snapshot(): SharingSnapshot {
    return {
      clinicFolder: this.clinicPath,
      // The folder's last complaint counts while nothing can be listed (an offline drive), not after it recovered.
      clinicFolderProblem:
        this.clinicProblem ?? (this.clinic && this.clinic.list().length === 0 ? (this.clinic.problems.at(-1) ?? null) : null),
      identityProblem: this.identityProblem,
      identity: this.identity ? { clinic: this.identity.clinic, fingerprint: fingerprint(this.identity.publicKey) } : null,
      trusted: this.trusted
        .list()
        .map((k) => ({ clinic: k.clinic, publicKey: k.publicKey, fingerprint: k.fingerprint, addedAt: k.addedAt })),
    };
  }

  close(): void {
    this.closed = true;
    void this.clinic?.close();
    this.clinic = null;
    // Every pending import is abandoned now; removed before close() returns (the shells exit next).
    this.pending.clear();
    cleanAbandonedImports(this.opts.dataDir);
  }

  // -------------------------------------------------------------------------------------------
  // Editing
  // -------------------------------------------------------------------------------------------

  private find(id: string): LoadedPreset {
    const p = this.opts.presets().presets.find((q) => q.preset.id === id);
    if (!p) throw new Refusal(`There is no preset with id “${id}”.`);
    return p;
  }

  private takenIds(): Set<string> {
    const ids = new Set(this.opts.presets().presets.map((p) => p.preset.id));
    try {
      for (const name of existsSync(this.userDir) ? readdirSync(this.userDir) : []) {
        if (String(name).endsWith('.stillroom.json')) ids.add(String(name).slice(0, -'.stillroom.json'.length));
      }
    } catch {
      // the folder listing is a courtesy; the catalog ids are what matter
    }
    return ids;
  }

  private freeId(base: string): string {
    const taken = this.takenIds();
    const stem = slug(base, { max: 54, fallback: 'preset' });
    if (!taken.has(stem)) return stem;
    for (let n = 2; n < 10_000; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
    throw new Refusal('Too many presets with this name.');
  }

  private async writeUserPreset(preset: Preset, file?: string): Promise<void> {
    const target = file ?? join(this.userDir, `${preset.id}.stillroom.json`);
    try {
      await mkdir(this.userDir, { recursive: true });
      await writeFileAtomic(target, `${JSON.stringify(preset, null, 2)}\n`);
    } catch (err) {
      throw refusalFrom(err, 'The preset was not saved (nothing else changed)');
    }
  }

  private async duplicate(presetId: string): Promise<{ id: string }> {
    const source = this.find(presetId);
    const name = `${source.preset.name} (copy)`.slice(0, 200);
    const id = this.freeId(`${source.preset.id}-copy`);
    const copy: Preset = { ...structuredClone(source.preset), id, name };
    await this.writeUserPreset(copy);
    this.changed();
    return { id };
  }

  private async save(raw: unknown): Promise<{ id: string }> {
    const rawId = raw !== null && typeof raw === 'object' && 'id' in raw ? (raw as { id: unknown }).id : undefined;
    const existing = this.opts.presets().presets.find((p) => p.preset.id === rawId);
    if (existing && existing.origin !== 'user') {
      throw new Refusal(
        `“${existing.preset.name}” is ${existing.origin === 'bundled' ? 'built in' : 'the clinic’s'}: duplicate it to edit.`,
      );
    }
    // The editor checks the same rules first; this is the word of the host, for any caller.
    const problems = presetProblems(raw);
    if (problems.length) throw new Refusal(`The preset was not saved (nothing changed): ${problemsText(problems)}`);
    const preset = PresetSchema.parse(raw);
    await this.writeUserPreset(preset, existing?.file);
    this.changed();
    return { id: preset.id };
  }

  private async remove(presetId: string): Promise<void> {
    const p = this.find(presetId);
    if (p.origin !== 'user') throw new Refusal(`“${p.preset.name}” is not one of your presets; only your own can be deleted.`);
    const root = resolve(this.userDir);
    if (!resolve(p.file).startsWith(root + sep)) throw new Refusal('That preset file is outside your presets folder.');
    await rm(p.file, { force: true });
    this.changed();
  }

  private changed(): void {
    this.opts.reloadPresets();
    this.opts.onChange();
  }

  // -------------------------------------------------------------------------------------------
  // Export and identity
  // -------------------------------------------------------------------------------------------

  /**
   * Waits for a running scan to finish, but not for long: a reply must come back well inside
   * the browser bridge's 10 s; a report made mid-scan simply finds fewer files.
   */
  private async libraryIdle(): Promise<void> {
    const idle = this.opts.library.whenIdle?.();
    if (!idle) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([idle.catch(() => undefined), new Promise((ok) => (timer = setTimeout(ok, IDLE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private music(): { matchIndex(): MatchIndex; get(id: string): LibraryTrack | undefined } | null {
    return this.opts.library.music?.() ?? null;
  }

  private signingKey(sign: boolean): ClinicKey | undefined {
    if (!sign) return undefined;
    if (!this.identity) throw new Refusal('Name your clinic first: signing needs this machine’s clinic key.');
    return this.identity;
  }

  private async exportPreset(
    a: ArgsOut<(typeof presetsCommands)['exportPreset']>,
  ): Promise<HandlerReply<ReplyOf<(typeof presetsCommands)['exportPreset']>>> {
    const loaded = this.find(a.presetId);
    const key = this.signingKey(a.sign);
    const stem = exportStem(loaded.preset, Boolean(key));
    await mkdir(this.exportsDir, { recursive: true });
    if (a.format === 'json') {
      const name = `${stem}.stillroom.json`;
      const path = join(this.exportsDir, name);
      const text = presetFileText(loaded.preset, key);
      try {
        await writeFileAtomic(path, text);
      } catch (err) {
        throw refusalFrom(err, `The preset was not exported to ${this.exportsDir}`);
      }
      return {
        file: savedFile(path, name, 'application/json', Buffer.from(text, 'utf8'), true),
        data: { path, signed: Boolean(key), audioFiles: 0, missingAudio: 0 },
      };
    }
    const { audio, missing } = await this.bundleAudio(loaded.preset);
    const name = `${stem}.stillroom.zip`;
    const path = join(this.exportsDir, name);
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
  private async bundleAudio(preset: Preset): Promise<{ audio: BundleAudioChoice[]; missing: number }> {
    await this.libraryIdle();
    const index = this.music()?.matchIndex() ?? buildMatchIndex([]);
    const fixes = await this.manualFixes();
    const assets = resolve(join(this.opts.appRoot, 'assets'));
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

  private async createIdentity(clinic: string): Promise<{ clinic: string; fingerprint: string }> {
    if (this.identity) {
      throw new Refusal(
        `This machine already signs as “${this.identity.clinic}”. A new key would make clinics that trust it distrust your presets.`,
      );
    }
    if (this.identityProblem) {
      // Never overwrite a key that exists but cannot be opened just now: clinics may trust it.
      throw new Refusal(`${this.identityProblem}. To make a new key anyway, move clinic-key.json out of the data folder first.`);
    }
    const key = generateClinicKey(clinic);
    try {
      await saveClinicKeySealed(this.opts.dataDir, key, this.opts.vault);
    } catch (err) {
      throw refusalFrom(err, 'The clinic key was not saved');
    }
    this.identity = key;
    this.identityProblem = null;
    this.opts.onChange();
    return { clinic: key.clinic, fingerprint: fingerprint(key.publicKey) };
  }

  private async exportPublicKey(): Promise<SavedFile> {
    if (!this.identity) throw new Refusal('Name your clinic first: there is no key to share yet.');
    const name = `${slug(this.identity.clinic, { fallback: 'clinic' })}.stillroom-key.json`;
    const path = join(this.exportsDir, name);
    const text = publicKeyFileText(this.identity);
    await mkdir(this.exportsDir, { recursive: true });
    await writeFileAtomic(path, text);
    return savedFile(path, name, 'application/json', Buffer.from(text, 'utf8'), true);
  }

  /** Trust changed: signed presets (user files, clinic folder, pending imports) are judged again. */
  private async trustChanged(): Promise<void> {
    if (this.clinicPath) await this.openClinicFolder(this.clinicPath);
    for (const p of this.pending.values()) {
      try {
        if (p.text !== null) p.inspected = { ...inspectPresetText(p.text, p.source, this.trusted), preset: p.inspected.preset };
      } catch {
        // unchanged content cannot start failing; keep the earlier judgement
      }
    }
    this.changed();
  }

  // -------------------------------------------------------------------------------------------
  // Clinic folder
  // -------------------------------------------------------------------------------------------

  private async setClinicFolder(path: string | null): Promise<void> {
    if (path !== null) {
      const full = resolve(path);
      let ok = false;
      try {
        ok = (await stat(full)).isDirectory();
      } catch {
        ok = false;
      }
      if (!ok) throw new Refusal(`${full} is not a folder Stillroom can read.`);
      path = full;
    }
    await writeFileAtomic(
      join(this.opts.dataDir, SHARING_FILE),
      `${JSON.stringify({ format: 'stillroom.sharing/1', clinicFolder: path })}\n`,
    );
    this.clinicPath = path;
    if (path) await this.openClinicFolder(path);
    else {
      await this.clinic?.close();
      this.clinic = null;
      this.clinicProblem = null;
    }
    this.changed();
  }

  private async openClinicFolder(path: string): Promise<void> {
    await this.clinic?.close();
    this.clinic = null;
    this.clinicProblem = null;
    try {
      const folder = await ClinicFolder.open(path, {
        trusted: this.trusted,
        watchFactory: this.opts.watchFactory ?? chokidarWatchFactory,
        debounceMs: this.opts.clinicDebounceMs ?? 500,
        onChange: () => {
          if (this.closed || this.clinic !== folder) return;
          this.changed();
        },
      });
      if (this.closed) {
        await folder.close();
        return;
      }
      this.clinic = folder;
    } catch (err) {
      this.clinicProblem = `The clinic folder cannot be followed: ${(err as Error).message}`;
      this.opts.log(this.clinicProblem);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Import
  // -------------------------------------------------------------------------------------------

  private async manualFixes(): Promise<ReadonlyMap<string, string>> {
    const shared = this.opts.library.manualFixes?.();
    if (shared) return shared;
    this.fixes ??= await loadManualFixes(this.opts.dataDir);
    return this.fixes;
  }

  private async inspect(a: ArgsOut<(typeof presetsCommands)['inspectImport']>): Promise<ImportView> {
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
        inspected = inspectPresetText(text, source, this.trusted);
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
          inspected = inspectPresetText(text, source, this.trusted);
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
          const b = await importBundle(path, { importsDir: join(this.opts.dataDir, 'bundles'), trusted: this.trusted });
          inspected = b;
          bundleFolder = b.folder;
          preResolved = b.preResolved;
        } else {
          inspected = await inspectPresetFile(path, this.trusted);
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
    await this.libraryIdle();
    const index = this.music()?.matchIndex() ?? buildMatchIndex([]);
    const own = ownAudioIndex(this.opts.presets().presets, this.opts.appRoot);
    const report = withOwnAudio(resolvePreset(inspected.preset, index, await this.manualFixes(), preResolved), own);
    const id = randomBytes(8).toString('hex');
    const pending: PendingImport = { id, kind, source, inspected, text, bundleFolder, preResolved, report };
    this.pending.set(id, pending);
    while (this.pending.size > MAX_PENDING_IMPORTS) {
      const oldest = this.pending.values().next().value;
      if (!oldest) break;
      await this.dropPending(oldest);
    }
    return this.view(pending);
  }

  private async importBundleBytes(bytes: Buffer, source: string) {
    const uploads = join(this.opts.dataDir, 'imports');
    await mkdir(uploads, { recursive: true });
    const temp = join(uploads, `.upload-${randomBytes(6).toString('hex')}.zip`);
    await writeFile(temp, bytes, { flag: 'wx', mode: 0o600 });
    try {
      const b = await importBundle(temp, { importsDir: join(this.opts.dataDir, 'bundles'), trusted: this.trusted });
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

  private async fixTrack(a: ArgsOut<(typeof presetsCommands)['fixImportTrack']>): Promise<ImportView> {
    const p = this.pendingOf(a.importId);
    const track = this.music()?.get(a.trackId);
    if (!track || track.missing || track.problem !== null) throw new Refusal('That library file is missing or unreadable; choose another.');
    let next: ReturnType<typeof applyManualFix>;
    try {
      next = applyManualFix(p.report, await this.manualFixes(), { phaseIndex: a.phaseIndex, trackIndex: a.trackIndex }, track);
    } catch (err) {
      throw refusalFrom(err, 'Not fixed');
    }
    p.report = next.report;
    try {
      const row = p.report.tracks.find((t) => t.phaseIndex === a.phaseIndex && t.trackIndex === a.trackIndex);
      if (this.opts.library.setManualFix && row) await this.opts.library.setManualFix(row.ref, track.id);
      else {
        this.fixes = next.fixes;
        await saveManualFixes(this.opts.dataDir, next.fixes);
      }
    } catch (err) {
      this.opts.log(`manual fixes not saved: ${(err as Error).message}`);
      throw refusalFrom(err, 'The fix applies to this import but could not be remembered');
    }
    return this.view(p);
  }

  private async complete(
    a: ArgsOut<(typeof presetsCommands)['completeImport']>,
  ): Promise<{ id: string; name: string; renamedFrom: string | null }> {
    const p = this.pendingOf(a.importId);
    const received = p.inspected.preset;
    const other = this.opts.presets().presets.find((q) => q.preset.id === received.id);
    if (other && other.origin !== 'user' && a.onConflict === 'replace') {
      throw new Refusal(
        `“${other.preset.name}” (${other.origin === 'bundled' ? 'built in' : 'the clinic’s'}) has this id; choose Keep both.`,
      );
    }
    // Kept beside another: a name of its own. Replacing: the name it came with.
    const replacing = a.onConflict === 'replace' && other !== undefined;
    const names = this.opts
      .presets()
      .presets.filter((q) => !(replacing && q.preset.id === received.id))
      .map((q) => q.preset.name);
    const name = replacing ? received.name : distinctName(received.name, names);
    // Tracks found among Stillroom's own audio get their `asset` reference back.
    const preset = { ...restoreOwnAssets(received, p.report), name };
    const changed = name !== received.name || JSON.stringify(preset) !== JSON.stringify({ ...received, name });
    let saved: Awaited<ReturnType<typeof savePreset>>;
    try {
      saved = await savePreset(preset, {
        presetsDir: this.userDir,
        existingIds: this.opts.presets().presets.map((q) => q.preset.id),
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
        await this.opts.library.addMusicFolder?.(join(p.bundleFolder, 'audio'));
      } catch (err) {
        this.opts.log(`bundle audio not added to the library: ${(err as Error).message}`);
      }
    }
    this.changed();
    return { id: saved.id, name, renamedFrom: saved.renamedFrom };
  }

  private async dropPending(p: PendingImport): Promise<void> {
    this.pending.delete(p.id);
    if (p.bundleFolder) {
      const root = resolve(join(this.opts.dataDir, 'bundles'));
      if (resolve(p.bundleFolder).startsWith(root + sep)) await rm(p.bundleFolder, { recursive: true, force: true });
    }
  }

  private view(p: PendingImport): ImportView {
    const preset = p.inspected.preset;
    const rows: ResolutionRow[] = p.report.tracks.map((t) => {
      const r = t.resolution;
      const base = {
        phaseIndex: t.phaseIndex,
        trackIndex: t.trackIndex,
        title: t.ref.title,
        artist: t.ref.artist,
        durationS: t.ref.durationS,
      };
      const cand = (list: Array<{ track: MatchableTrack; why: string }>) =>
        list.slice(0, 5).map((c) => ({ trackId: c.track.id, title: c.track.title, artist: c.track.artist, why: c.why }));
      if (r.status === 'matched') {
        return {
          ...base,
          status: 'matched',
          how: assetOf(r.track.id) ? 'app' : r.how,
          matched: { trackId: r.track.id, title: r.track.title, artist: r.track.artist, fileName: basename(r.track.path) },
          note: r.note,
          candidates: [],
        };
      }
      if (r.status === 'ambiguous')
        return { ...base, status: 'ambiguous', how: null, matched: null, note: 'several files fit', candidates: cand(r.candidates) };
      return { ...base, status: 'missing', how: null, matched: null, note: r.reason, candidates: cand(r.near) };
    });
    return {
      importId: p.id,
      source: p.source,
      kind: p.kind,
      preset: {
        id: preset.id,
        name: preset.name,
        description: preset.description,
        route: preset.route,
        phases: preset.phases.map((ph) => ({ name: ph.name, plannedMin: ph.plannedMin })),
      },
      provenance: provenanceView(p.inspected.provenance) ?? { status: 'unsigned', message: '', clinic: null, fingerprint: null },
      idTaken: this.takenIds().has(preset.id),
      // References to this installation's audio that were found again are not "removed".
      strippedAssets: Math.max(0, p.inspected.strippedAssets - rows.filter((r) => r.how === 'app').length),
      report: { rows, matched: p.report.matched, ambiguous: p.report.ambiguous, missing: p.report.missing },
      planProblems: presetProblems(preset).map((x) => x.message),
    };
  }
}
