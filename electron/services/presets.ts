/**
 * Finds presets: the bundled ones in `playlists/` and the user's in `<data>/presets/`.
 * A malformed file is reported by name and field; the others still load.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Preset, PresetError, parsePreset } from '../core/preset';
import type { PresetProblem, PresetSummary } from '../host/contract';

export interface LoadedPreset {
  preset: Preset;
  origin: 'bundled' | 'user';
  file: string;
}

export interface PresetCatalog {
  presets: LoadedPreset[];
  problems: PresetProblem[];
}

const MAX_FILE_BYTES = 2 * 1024 * 1024;

function loadDir(dir: string, origin: LoadedPreset['origin'], out: PresetCatalog): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.stillroom.json')) continue;
    const file = join(dir, name);
    try {
      if (statSync(file).size > MAX_FILE_BYTES) throw new PresetError(file, ['file is larger than 2 MiB']);
      const preset = parsePreset(readFileSync(file, 'utf8'), file);
      if (out.presets.some((p) => p.preset.id === preset.id)) {
        throw new PresetError(file, [`id "${preset.id}" is already used by another preset`]);
      }
      out.presets.push({ preset, origin, file });
    } catch (err) {
      const message = err instanceof PresetError ? err.problems.join('; ') : (err as Error).message;
      out.problems.push({ source: file, message });
    }
  }
}

/** Loads every preset it can; never throws for a bad file. */
export function loadPresets(bundledDir: string, userDir: string): PresetCatalog {
  const out: PresetCatalog = { presets: [], problems: [] };
  loadDir(bundledDir, 'bundled', out);
  loadDir(userDir, 'user', out);
  return out;
}

export function summarise(p: LoadedPreset): PresetSummary {
  return {
    id: p.preset.id,
    name: p.preset.name,
    route: p.preset.route,
    description: p.preset.description,
    totalMin: p.preset.phases.reduce((s, ph) => s + ph.plannedMin, 0),
    phases: p.preset.phases.map((ph) => ({ kind: ph.kind, name: ph.name, plannedMin: ph.plannedMin })),
    origin: p.origin,
  };
}
