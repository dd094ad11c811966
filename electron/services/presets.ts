/**
 * Finds presets: the bundled ones in `playlists/`, the user's in `<data>/presets/`, and (given
 * by the sharing module) the clinic folder's. A user file may be a signed envelope (an import
 * kept as the clinic signed it): its signature is checked and its provenance carried along;
 * an altered one is refused with the reason. A malformed file is reported by name and field;
 * the others still load.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Preset, PresetError, parsePreset } from '../core/preset';
import { looksSigned } from '../core/signing';
import type { PresetProblem, PresetSummary } from '../host/contract';
import { presetForSharing } from './sharing/export';
import { inspectPresetText } from './sharing/import';
import { TrustedKeys } from './sharing/keys';
import type { Provenance } from './sharing/sign';

export interface LoadedPreset {
  preset: Preset;
  origin: 'bundled' | 'user' | 'clinic';
  file: string;
  /** Signed files only: who signed it, as far as this machine can tell. */
  provenance?: Provenance;
}

export interface PresetCatalog {
  presets: LoadedPreset[];
  problems: PresetProblem[];
}

const MAX_FILE_BYTES = 2 * 1024 * 1024;

function loadDir(dir: string, origin: LoadedPreset['origin'], out: PresetCatalog, trusted: TrustedKeys): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.stillroom.json')) continue;
    const file = join(dir, name);
    try {
      if (statSync(file).size > MAX_FILE_BYTES) throw new PresetError(file, ['file is larger than 2 MiB']);
      const text = readFileSync(file, 'utf8');
      let preset: Preset;
      let provenance: Provenance | undefined;
      if (origin !== 'bundled' && looksSignedText(text)) {
        const inspected = inspectPresetText(text, file, trusted);
        preset = inspected.preset;
        provenance = inspected.provenance;
      } else {
        preset = parsePreset(text, file);
      }
      add(out, { preset, origin, file, ...(provenance ? { provenance } : {}) });
    } catch (err) {
      const message = err instanceof PresetError ? err.problems.join('; ') : (err as Error).message;
      out.problems.push({ source: file, message });
    }
  }
}

function looksSignedText(text: string): boolean {
  try {
    return looksSigned(JSON.parse(text));
  } catch {
    return false;
  }
}

function add(out: PresetCatalog, p: LoadedPreset): void {
  if (out.presets.some((q) => q.preset.id === p.preset.id)) {
    throw new PresetError(p.file, [`id "${p.preset.id}" is already used by another preset`]);
  }
  out.presets.push(p);
}

export interface CatalogExtras {
  /** Keys this machine trusts (for signed files); none when left out. */
  trusted?: TrustedKeys;
  /** Presets from the clinic folder, already checked, and the files there that were refused. */
  clinic?: { presets: LoadedPreset[]; problems: PresetProblem[] };
}

/** Loads every preset it can; never throws for a bad file. */
export function loadPresets(bundledDir: string, userDir: string, extras: CatalogExtras = {}): PresetCatalog {
  const out: PresetCatalog = { presets: [], problems: [] };
  const trusted = extras.trusted ?? TrustedKeys.inMemory();
  loadDir(bundledDir, 'bundled', out, trusted);
  loadDir(userDir, 'user', out, trusted);
  for (const p of extras.clinic?.presets ?? []) {
    // A preset this machine published is both the user's and the clinic's: list it once.
    const same = out.presets.find((q) => q.preset.id === p.preset.id);
    if (same && JSON.stringify(presetForSharing(same.preset)) === JSON.stringify(p.preset)) continue;
    try {
      add(out, p);
    } catch (err) {
      out.problems.push({ source: p.file, message: err instanceof PresetError ? err.problems.join('; ') : (err as Error).message });
    }
  }
  out.problems.push(...(extras.clinic?.problems ?? []));
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
    provenance: p.provenance ? { status: p.provenance.status, message: p.provenance.message } : null,
  };
}
