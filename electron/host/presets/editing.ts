/**
 * The therapist's own presets as files in `<data>/presets/`: finding one in the catalog,
 * duplicating (a free id and "(copy)"), saving (the preset rules first: refused in plain words,
 * nothing changed) and deleting (only one's own, only inside that folder). Writes are atomic.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { type Preset, PresetSchema } from '../../core/preset';
import { presetProblems, problemsText } from '../../core/preset-rules';
import { slug } from '../../core/slug';
import { writeFileAtomic } from '../../services/library/atomic';
import type { LoadedPreset, PresetCatalog } from '../../services/presets';
import { Refusal } from '../refusal';
import { refusalFrom } from './errors';

export class PresetFiles {
  constructor(
    /** `<data>/presets`: the therapist's own presets. */
    readonly userDir: string,
    private readonly catalog: () => PresetCatalog,
  ) {}

  find(id: string): LoadedPreset {
    const p = this.catalog().presets.find((q) => q.preset.id === id);
    if (!p) throw new Refusal(`There is no preset with id “${id}”.`);
    return p;
  }

  /** Ids in the catalog and files in the presets folder (one that failed to load still holds its id). */
  takenIds(): Set<string> {
    const ids = new Set(this.catalog().presets.map((p) => p.preset.id));
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

  private async write(preset: Preset, file?: string): Promise<void> {
    const target = file ?? join(this.userDir, `${preset.id}.stillroom.json`);
    try {
      await mkdir(this.userDir, { recursive: true });
      await writeFileAtomic(target, `${JSON.stringify(preset, null, 2)}\n`);
    } catch (err) {
      throw refusalFrom(err, 'The preset was not saved (nothing else changed)');
    }
  }

  async duplicate(presetId: string): Promise<{ id: string }> {
    const source = this.find(presetId);
    const name = `${source.preset.name} (copy)`.slice(0, 200);
    const id = this.freeId(`${source.preset.id}-copy`);
    const copy: Preset = { ...structuredClone(source.preset), id, name };
    await this.write(copy);
    return { id };
  }

  async save(raw: unknown): Promise<{ id: string }> {
    const rawId = raw !== null && typeof raw === 'object' && 'id' in raw ? (raw as { id: unknown }).id : undefined;
    const existing = this.catalog().presets.find((p) => p.preset.id === rawId);
    if (existing && existing.origin !== 'user') {
      throw new Refusal(
        `“${existing.preset.name}” is ${existing.origin === 'bundled' ? 'built in' : 'the clinic’s'}: duplicate it to edit.`,
      );
    }
    // The editor checks the same rules first; this is the word of the host, for any caller.
    const problems = presetProblems(raw);
    if (problems.length) throw new Refusal(`The preset was not saved (nothing changed): ${problemsText(problems)}`);
    const preset = PresetSchema.parse(raw);
    await this.write(preset, existing?.file);
    return { id: preset.id };
  }

  async remove(presetId: string): Promise<void> {
    const p = this.find(presetId);
    if (p.origin !== 'user') throw new Refusal(`“${p.preset.name}” is not one of your presets; only your own can be deleted.`);
    const root = resolve(this.userDir);
    if (!resolve(p.file).startsWith(root + sep)) throw new Refusal('That preset file is outside your presets folder.');
    await rm(p.file, { force: true });
  }
}
