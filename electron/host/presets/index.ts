/**
 * The host's side of presets as files people share: editing a preset's phases and playlists
 * (`editing.ts`), export as `.stillroom.json` or a bundle (`exporting.ts`), import with
 * validation and a resolution report with hand fixes (`imports.ts`, `import-view.ts`),
 * Ed25519 signing and trusted keys (`signing.ts`), the clinic's shared folder
 * (`clinic-link.ts`), listening to a track (`audition.ts`). This file wires them into the
 * handler map and the `sharing` part of the snapshot.
 *
 * Everything that arrives from another clinic goes through services/sharing (size caps, strict
 * schema, signature over the content as written, zip-slip and zip-bomb guards) before it is
 * shown; nothing is saved until the therapist says so, and then atomically.
 */
import { join } from 'node:path';
import { trackRefFromLibrary } from '../../services/library/playlist-import';
import type { WatchFactory } from '../../services/library/watch';
import { loadPresets, type PresetCatalog } from '../../services/presets';
import type { Settings } from '../../services/settings';
import { cleanAbandonedImports } from '../../services/sharing/bundle-cleanup';
import type { Vault } from '../../services/vault';
import type { Handlers } from '../command';
import { Audition } from './audition';
import { ClinicLink } from './clinic-link';
import type { presetsCommands, SharingSnapshot } from './contract';
import { PresetFiles } from './editing';
import { exportPreset } from './exporting';
import { provenanceView } from './import-view';
import { Imports } from './imports';
import { LibraryAccess, type SharingLibrary } from './library-access';
import { ClinicIdentity } from './signing';

export type { SharingLibrary } from './library-access';

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

export class HostSharing {
  private readonly files: PresetFiles;
  private readonly identity: ClinicIdentity;
  private readonly clinic: ClinicLink;
  private readonly imports: Imports;
  private readonly library: LibraryAccess;
  private readonly audition: Audition;
  private readonly ready: Promise<void>;
  private closed = false;

  constructor(private readonly opts: HostSharingOptions) {
    this.files = new PresetFiles(join(opts.dataDir, 'presets'), opts.presets);
    this.identity = new ClinicIdentity(opts.dataDir, opts.vault, opts.log);
    this.library = new LibraryAccess(opts.library, opts.dataDir);
    this.clinic = new ClinicLink({
      dataDir: opts.dataDir,
      trusted: this.identity.trusted,
      log: opts.log,
      onChange: () => this.changed(),
      watchFactory: opts.watchFactory,
      debounceMs: opts.clinicDebounceMs,
    });
    this.imports = new Imports({
      dataDir: opts.dataDir,
      appRoot: opts.appRoot,
      userDir: this.files.userDir,
      trusted: this.identity.trusted,
      library: this.library,
      catalog: opts.presets,
      takenIds: () => this.files.takenIds(),
      log: opts.log,
    });
    this.audition = new Audition(opts.appRoot, this.library, () => opts.sessionRunning?.() ?? false);
    const abandoned = cleanAbandonedImports(opts.dataDir);
    if (abandoned.length > 0) opts.log(`removed ${abandoned.length} bundle import(s) left unfinished`);
    this.ready = this.init();
  }

  private get exportsDir(): string {
    return join(this.opts.dataDir, 'exports');
  }

  private async init(): Promise<void> {
    await this.identity.load();
    await this.clinic.reopen();
    if (this.closed) return;
    this.changed();
  }

  /** Resolves once the signing key and the clinic folder are loaded. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** The whole catalog: bundled, the user's (signed files checked), the clinic folder's. */
  loadCatalog(): PresetCatalog {
    return loadPresets(join(this.opts.appRoot, 'playlists'), this.files.userDir, {
      trusted: this.identity.trusted,
      clinic: this.clinic.catalogPart(),
    });
  }

  /** The presets' and sharing's command handlers (see `presets/contract.ts`); each waits until the signing key and clinic folder are loaded. */
  readonly commands: Handlers<typeof presetsCommands> = {
    getPreset: async (a) => {
      await this.ready;
      const p = this.files.find(a.presetId);
      return {
        data: { preset: p.preset, origin: p.origin, editable: p.origin === 'user', provenance: provenanceView(p.provenance) },
      };
    },
    duplicatePreset: async (a) => {
      await this.ready;
      const made = await this.files.duplicate(a.presetId);
      this.changed();
      return { data: made };
    },
    savePreset: async (a) => {
      await this.ready;
      const saved = await this.files.save(a.preset);
      this.changed();
      return { data: saved };
    },
    deletePreset: async (a) => {
      await this.ready;
      await this.files.remove(a.presetId);
      this.changed();
      return undefined;
    },
    libraryRefs: async (a) => {
      await this.ready;
      const music = this.library.music();
      const refs = a.trackIds.map((id) => {
        const t = music?.get(id);
        return t && !t.missing && t.problem === null ? trackRefFromLibrary(t) : null;
      });
      return { data: { refs } };
    },
    auditionTrack: async (a) => {
      await this.ready;
      return { data: await this.audition.start(a.ref) };
    },
    exportPreset: async (a) => {
      await this.ready;
      const loaded = this.files.find(a.presetId);
      const key = this.identity.signingKey(a.sign);
      return exportPreset({ exportsDir: this.exportsDir, appRoot: this.opts.appRoot, library: this.library }, loaded, a.format, key);
    },
    publishPreset: async (a) => {
      await this.ready;
      const loaded = this.files.find(a.presetId);
      const key = this.identity.signingKey(a.sign);
      const path = await this.clinic.publish(loaded, key);
      this.changed();
      return { data: { path, signed: Boolean(key) } };
    },
    createClinicIdentity: async (a) => {
      await this.ready;
      const made = await this.identity.create(a.clinic);
      this.opts.onChange();
      return { data: made };
    },
    exportPublicKey: async () => {
      await this.ready;
      return { file: await this.identity.exportPublicKey(this.exportsDir) };
    },
    trustKey: async (a) => {
      await this.ready;
      const entry = await this.identity.trust(a.text, a.clinic);
      await this.trustChanged();
      return { data: entry };
    },
    untrustKey: async (a) => {
      await this.ready;
      await this.identity.untrust(a.publicKey);
      await this.trustChanged();
      return undefined;
    },
    setClinicFolder: async (a) => {
      await this.ready;
      await this.clinic.set(a.path);
      this.changed();
      return undefined;
    },
    inspectImport: async (a) => {
      await this.ready;
      return { data: await this.imports.inspect(a) };
    },
    fixImportTrack: async (a) => {
      await this.ready;
      return { data: await this.imports.fixTrack(a) };
    },
    completeImport: async (a) => {
      await this.ready;
      const done = await this.imports.complete(a);
      this.changed();
      return { data: done };
    },
    cancelImport: async (a) => {
      await this.ready;
      await this.imports.cancel(a.importId);
      return undefined;
    },
  };

  /**
   * The file behind an audition's media id, for the media route; null for anything else and
   * whenever a session runs (the room's music is never interrupted by a preview).
   */
  auditionFile(mediaId: string): string | null {
    return this.audition.file(mediaId);
  }

  snapshot(): SharingSnapshot {
    return { ...this.clinic.snapshot(), ...this.identity.snapshot() };
  }

  close(): void {
    this.closed = true;
    this.clinic.close();
    // Every pending import is abandoned now; removed before close() returns (the shells exit next).
    this.imports.clear();
    cleanAbandonedImports(this.opts.dataDir);
  }

  /** Presets changed on disk: the catalog is reloaded and the change published. */
  private changed(): void {
    this.opts.reloadPresets();
    this.opts.onChange();
  }

  /** Trust changed: signed presets (user files, clinic folder, pending imports) are judged again. */
  private async trustChanged(): Promise<void> {
    await this.clinic.reopen();
    this.imports.rejudge();
    this.changed();
  }
}
