/**
 * The clinic's shared folder (a network drive or a synced folder): which folder it is
 * (`<data>/sharing.json`), following it for changes, listing its presets for the catalog and
 * publishing into it (atomically). An offline or unreadable folder is a problem shown, never
 * a failure of the rest.
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../services/library/atomic';
import { chokidarWatchFactory, type WatchFactory } from '../../services/library/watch';
import type { LoadedPreset } from '../../services/presets';
import { ClinicFolder } from '../../services/sharing/clinic-folder';
import type { ClinicKey, TrustedKeys } from '../../services/sharing/keys';
import { Refusal } from '../refusal';
import type { SharingSnapshot } from './contract';
import { refusalFrom } from './errors';

const SHARING_FILE = 'sharing.json';

export interface ClinicLinkOptions {
  dataDir: string;
  trusted: TrustedKeys;
  log: (line: string) => void;
  /** The folder's presets changed on disk. */
  onChange: () => void;
  /** How the folder is followed (chokidar by default; tests pass a manual one). */
  watchFactory?: WatchFactory;
  /** Gathers change bursts (default 500 ms). */
  debounceMs?: number;
}

export class ClinicLink {
  private path: string | null;
  private folder: ClinicFolder | null = null;
  private problem: string | null = null;
  private closed = false;

  constructor(private readonly opts: ClinicLinkOptions) {
    this.path = this.readSetting();
  }

  private readSetting(): string | null {
    try {
      const raw: unknown = JSON.parse(readFileSync(join(this.opts.dataDir, SHARING_FILE), 'utf8'));
      const folder = (raw as { clinicFolder?: unknown } | null)?.clinicFolder;
      return typeof folder === 'string' && folder.length > 0 && folder.length <= 4096 ? folder : null;
    } catch {
      return null;
    }
  }

  /** Follows the chosen folder again (at start, and when trust changed: its signed presets are judged anew). */
  async reopen(): Promise<void> {
    if (this.path) await this.open(this.path);
  }

  private async open(path: string): Promise<void> {
    await this.folder?.close();
    this.folder = null;
    this.problem = null;
    try {
      const folder = await ClinicFolder.open(path, {
        trusted: this.opts.trusted,
        watchFactory: this.opts.watchFactory ?? chokidarWatchFactory,
        debounceMs: this.opts.debounceMs ?? 500,
        onChange: () => {
          if (this.closed || this.folder !== folder) return;
          this.opts.onChange();
        },
      });
      if (this.closed) {
        await folder.close();
        return;
      }
      this.folder = folder;
    } catch (err) {
      this.problem = `The clinic folder cannot be followed: ${(err as Error).message}`;
      this.opts.log(this.problem);
    }
  }

  /** Chooses the folder (null: none), remembers the choice and follows it. */
  async set(path: string | null): Promise<void> {
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
    this.path = path;
    if (path) await this.open(path);
    else {
      await this.folder?.close();
      this.folder = null;
      this.problem = null;
    }
  }

  /** The folder's presets for the catalog, and the files that could not be read. */
  catalogPart(): { presets: LoadedPreset[]; problems: Array<{ source: string; message: string }> } {
    const part: ReturnType<ClinicLink['catalogPart']> = { presets: [], problems: [] };
    for (const e of this.folder?.list() ?? []) {
      if (e.preset) part.presets.push({ preset: e.preset.preset, origin: 'clinic', file: e.file, provenance: e.preset.provenance });
      else if (e.problem) part.problems.push({ source: e.file, message: e.problem });
    }
    return part;
  }

  /** Writes `loaded` into the clinic folder (signed with `key` when given); returns its path. */
  async publish(loaded: LoadedPreset, key: ClinicKey | undefined): Promise<string> {
    if (!this.folder) throw new Refusal('Choose the clinic folder first.');
    if (loaded.origin === 'clinic') throw new Refusal(`“${loaded.preset.name}” is already in the clinic folder.`);
    try {
      return await this.folder.publish(loaded.preset, key ? { signWith: key } : {});
    } catch (err) {
      throw refusalFrom(err, `“${loaded.preset.name}” was not published to ${this.folder.folder}`);
    }
  }

  snapshot(): Pick<SharingSnapshot, 'clinicFolder' | 'clinicFolderProblem'> {
    return {
      clinicFolder: this.path,
      // The folder's last complaint counts while nothing can be listed (an offline drive), not after it recovered.
      clinicFolderProblem: this.problem ?? (this.folder && this.folder.list().length === 0 ? (this.folder.problems.at(-1) ?? null) : null),
    };
  }

  close(): void {
    this.closed = true;
    void this.folder?.close();
    this.folder = null;
  }
}
