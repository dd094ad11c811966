/**
 * The presets we ship in `playlists/` must load, point at demo audio that really exists,
 * and plan with the files' real lengths; a broken preset must be refused by name and path.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFile } from 'music-metadata';
import { describe, expect, it } from 'vitest';
import { type Preset, PresetError, parsePreset } from '../../electron/core/preset';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const playlistsDir = join(root, 'playlists');
const assetsDir = join(root, 'assets');

const files = readdirSync(playlistsDir)
  .filter((name) => name.endsWith('.stillroom.json'))
  .sort();

function load(name: string): Preset {
  return parsePreset(readFileSync(join(playlistsDir, name), 'utf8'), name);
}

/** Every distinct asset referenced by the bundled presets, with the durations they claim. */
function assetClaims(): Map<string, Array<{ where: string; durationS: number }>> {
  const claims = new Map<string, Array<{ where: string; durationS: number }>>();
  for (const name of files) {
    load(name).phases.forEach((phase, p) => {
      phase.playlist.forEach((ref, t) => {
        if (!ref.asset) return;
        const list = claims.get(ref.asset) ?? [];
        list.push({ where: `${name} phases[${p}].playlist[${t}]`, durationS: ref.durationS });
        claims.set(ref.asset, list);
      });
    });
  }
  return claims;
}

/** The PresetError thrown for `text` (fails the test when nothing is thrown). */
function refusal(text: string, source: string): PresetError {
  try {
    parsePreset(text, source);
  } catch (err) {
    expect(err).toBeInstanceOf(PresetError);
    return err as PresetError;
  }
  throw new Error('the malformed preset was accepted');
}

describe('bundled presets', () => {
  it('ships the demo presets', () => {
    expect(files).toEqual(expect.arrayContaining(['demo.stillroom.json', 'demo-quick.stillroom.json']));
  });

  it.each(files)('%s parses against the preset schema', (name) => {
    const preset = load(name);
    expect(preset.phases.length).toBeGreaterThan(0);
    for (const phase of preset.phases) expect(phase.playlist.length, `${name} ${phase.name}`).toBeGreaterThan(0);
  });

  it('have unique ids', () => {
    const ids = files.map((name) => load(name).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reference only assets that exist under assets/', () => {
    const claims = assetClaims();
    expect(claims.size).toBeGreaterThan(0);
    const missing = [...claims.keys()].filter((asset) => {
      const file = join(assetsDir, asset);
      return !existsSync(file) || !statSync(file).isFile();
    });
    expect(missing).toEqual([]);
  });

  it("state each asset's real duration to within 0.1 s", async () => {
    const wrong: string[] = [];
    for (const [asset, uses] of assetClaims()) {
      const meta = await parseFile(join(assetsDir, asset), { duration: true });
      const real = meta.format.duration;
      expect(real, asset).toBeGreaterThan(0);
      for (const use of uses) {
        if (Math.abs((real ?? 0) - use.durationS) > 0.1) {
          wrong.push(`${use.where} (${asset}): durationS ${use.durationS}, file is ${real?.toFixed(2)} s`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the demo walks through all five phases, dose-gated preparation first', () => {
    for (const id of ['demo', 'demo-quick']) {
      const preset = load(`${id}.stillroom.json`);
      expect(preset.id).toBe(id);
      expect(preset.phases.map((p) => p.kind)).toEqual(['preparation', 'onset', 'peak', 'return', 'integration']);
      expect(preset.phases[0]?.untilDose).toBe(true);
      expect(preset.phases.slice(1).every((p) => !p.untilDose)).toBe(true);
    }
  });

  it('the quick demo can be watched in under 8 minutes', () => {
    const quick = load('demo-quick.stillroom.json');
    const totalMin = quick.phases.reduce((sum, p) => sum + p.plannedMin, 0);
    expect(totalMin).toBeLessThan(8);
  });
});

describe('a malformed preset', () => {
  const source = 'broken.stillroom.json';
  const demo = (): Record<string, unknown> =>
    JSON.parse(readFileSync(join(playlistsDir, 'demo.stillroom.json'), 'utf8')) as Record<string, unknown>;
  const phase = (raw: Record<string, unknown>, i: number) => (raw.phases as Array<Record<string, unknown>>)[i] as Record<string, unknown>;

  it('is refused when a light level is out of range, naming the source and phases[0].light.level', () => {
    const raw = demo();
    (phase(raw, 0).light as Record<string, unknown>).level = 140;
    const err = refusal(JSON.stringify(raw), source);
    expect(err.source).toBe(source);
    expect(err.message).toContain(source);
    expect(err.message).toContain('phases[0].light.level');
    expect(err.problems).toHaveLength(1);
  });

  it('is refused when a phase has no name, naming phases[2].name', () => {
    const raw = demo();
    delete phase(raw, 2).name;
    const err = refusal(JSON.stringify(raw), source);
    expect(err.message).toContain(source);
    expect(err.message).toContain('phases[2].name');
  });

  it('is refused when it carries an unknown field, naming where it is and what it is', () => {
    const raw = demo();
    const track = (phase(raw, 1).playlist as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    track.loudnessDb = -20;
    const err = refusal(JSON.stringify(raw), source);
    expect(err.message).toContain(source);
    expect(err.problems[0]).toMatch(/^phases\[1\]\.playlist\[0\]/);
    expect(err.problems[0]).toContain('loudnessDb');
  });

  it('is refused when it is a later format, naming the source and the format', () => {
    const raw = demo();
    raw.format = 'stillroom.preset/9';
    const err = refusal(JSON.stringify(raw), source);
    expect(err.source).toBe(source);
    expect(err.message).toContain(source);
    expect(err.message).toContain('stillroom.preset/9');
  });

  it('reports several problems at once, each with its own path', () => {
    const raw = demo();
    (phase(raw, 0).light as Record<string, unknown>).level = 140;
    delete phase(raw, 3).name;
    (raw.reminders as Array<Record<string, unknown>>)[0] = { id: 'Vitals!', label: 'x', anchor: 'dose', offsetMin: 40 };
    const err = refusal(JSON.stringify(raw), source);
    const paths = err.problems.map((p) => p.split(': ')[0]);
    expect(paths).toEqual(expect.arrayContaining(['phases[0].light.level', 'phases[3].name', 'reminders[0].id']));
  });
});
