/**
 * The clinic's shared preset folder (a network drive or a synced folder): Stillroom lists the
 * presets there, checks each one like any import (schema, size, signature), refreshes when
 * files change, and publishes into it atomically so a colleague's machine never reads half a
 * file. Files are re-read only when their size or modification time changed.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Preset } from '../../core/preset';
import { PresetError } from '../../core/preset';
import { isTempName, writeFileAtomic } from '../library/atomic';
import type { FolderWatcher, WatchFactory } from '../library/watch';
import { presetFileText } from './export';
import { type InspectedPreset, inspectPresetFile } from './import';
import type { ClinicKey, TrustedKeys } from './keys';

export const PRESET_SUFFIX = '.stillroom.json';
const MAX_FILES = 2000;

/** One file in the clinic folder: a usable preset, or the reason it is not. */
export interface ClinicPresetEntry {
  file: string;
  name: string;
  size: number;
  mtimeMs: number;
  preset: InspectedPreset | null;
  problem: string | null;
}

export interface ClinicFolderOptions {
  trusted: TrustedKeys;
  watchFactory?: WatchFactory;
  usePolling?: boolean;
  /** Gathers change bursts (a sync client writing many files) into one refresh. Default 500 ms. */
  debounceMs?: number;
  /** Called with the new list after each refresh caused by a change on disk. */
  onChange?: (entries: ClinicPresetEntry[]) => void;
}

export class ClinicFolder {
  private entries = new Map<string, ClinicPresetEntry>();
  private watcher: FolderWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<ClinicPresetEntry[]> | null = null;
  private again = false;
  private closed = false;
  /** Watcher and folder errors, newest last (the folder may be offline: not fatal). */
  readonly problems: string[] = [];

  private constructor(
    readonly folder: string,
    private readonly opts: ClinicFolderOptions,
  ) {}

  /** Lists the folder once and (with a watch factory) keeps following it. */
  static async open(folder: string, opts: ClinicFolderOptions): Promise<ClinicFolder> {
    const cf = new ClinicFolder(folder, opts);
    await cf.refresh();
    if (opts.watchFactory) {
      cf.watcher = opts.watchFactory(
        [folder],
        (e) => {
          const name = e.path.split(/[\\/]/).pop() ?? '';
          if (e.kind === 'addDir' || e.kind === 'unlinkDir' || name.endsWith(PRESET_SUFFIX)) cf.schedule();
        },
        (err) => cf.note(err.message),
        { usePolling: opts.usePolling, fileFilter: (p) => p.endsWith(PRESET_SUFFIX) },
      );
    }
    return cf;
  }

  /** The presets as last read, sorted by preset name (unreadable files last). */
  list(): ClinicPresetEntry[] {
    return [...this.entries.values()].sort(
      (a, b) =>
        Number(a.preset === null) - Number(b.preset === null) ||
        (a.preset?.preset.name ?? a.name).localeCompare(b.preset?.preset.name ?? b.name),
    );
  }

  /** Reads the folder again (only changed files are parsed). Concurrent calls share one pass. */
  refresh(): Promise<ClinicPresetEntry[]> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.again = false;
          await this.readFolder();
        } while (this.again && !this.closed);
        return this.list();
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Publishes a preset into the folder as `<id>.stillroom.json` (signed when a key is given). */
  async publish(preset: Preset, opts: { signWith?: ClinicKey } = {}): Promise<string> {
    const file = join(this.folder, `${preset.id}${PRESET_SUFFIX}`);
    await writeFileAtomic(file, presetFileText(preset, opts.signWith));
    await this.refresh();
    return file;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.watcher?.close();
    this.watcher = null;
    await this.refreshing?.catch(() => undefined);
  }

  private note(message: string): void {
    this.problems.push(message);
    if (this.problems.length > 20) this.problems.shift();
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh()
        .then((list) => {
          if (!this.closed) this.opts.onChange?.(list);
        })
        .catch((err) => this.note((err as Error).message));
    }, this.opts.debounceMs ?? 500);
  }

  private async readFolder(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.folder)).filter((n) => n.endsWith(PRESET_SUFFIX) && !isTempName(n)).sort();
    } catch (err) {
      this.note(`${this.folder}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      this.entries = new Map();
      return;
    }
    if (names.length > MAX_FILES) {
      this.note(`${this.folder}: ${names.length} preset files; only the first ${MAX_FILES} are listed`);
      names = names.slice(0, MAX_FILES);
    }
    const next = new Map<string, ClinicPresetEntry>();
    for (const name of names) {
      const file = join(this.folder, name);
      let st: { size: number; mtimeMs: number; isFile(): boolean };
      try {
        st = await stat(file);
      } catch {
        continue; // removed while listing
      }
      if (!st.isFile()) continue;
      const old = this.entries.get(file);
      if (old && old.size === st.size && old.mtimeMs === st.mtimeMs) {
        next.set(file, old);
        continue;
      }
      let preset: InspectedPreset | null = null;
      let problem: string | null = null;
      try {
        preset = await inspectPresetFile(file, this.opts.trusted);
      } catch (err) {
        problem = err instanceof PresetError ? err.problems.join('; ') : (err as Error).message;
      }
      next.set(file, { file, name, size: st.size, mtimeMs: st.mtimeMs, preset, problem });
    }
    this.entries = next;
  }
}
