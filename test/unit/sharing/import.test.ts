import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMatchIndex } from '../../../electron/core/matching';
import { PresetError, parsePreset } from '../../../electron/core/preset';
import { ImportError } from '../../../electron/services/sharing/errors';
import { exportPresetFile, presetFileText, presetForSharing } from '../../../electron/services/sharing/export';
import { importPresetFile, inspectPresetFile, inspectPresetText, savePreset } from '../../../electron/services/sharing/import';
import { TrustedKeys } from '../../../electron/services/sharing/keys';
import { listTree, samplePreset, tempDir } from './helpers';

const trusted = TrustedKeys.inMemory();

function refusal(text: string): PresetError {
  try {
    inspectPresetText(text, 'shared.stillroom.json', trusted);
  } catch (err) {
    expect(err).toBeInstanceOf(PresetError);
    return err as PresetError;
  }
  throw new Error('expected a refusal');
}

describe('export', () => {
  it('strips asset paths and keeps the metadata that lets another clinic resolve tracks', () => {
    const preset = samplePreset();
    expect(preset.phases[0]?.playlist[1]?.asset).toBeDefined();
    const shared = presetForSharing(preset);
    expect(JSON.stringify(shared)).not.toContain('asset');
    expect(shared.phases[0]?.playlist[0]).toEqual({
      title: 'Gymnopédie No. 1',
      artist: 'Erik Satie',
      album: 'Gymnopédies',
      durationS: 1.2,
      isrc: 'FRZ039800212',
    });
    expect(preset.phases[0]?.playlist[1]?.asset).toBeDefined(); // the original is untouched
    expect(parsePreset(JSON.stringify(shared), 'x')).toEqual(shared);
  });

  it('writes the file atomically and it imports back to the same preset', async () => {
    const dir = tempDir('export');
    const file = join(dir, 'shared.stillroom.json');
    await exportPresetFile(samplePreset(), file);
    expect(listTree(dir)).toEqual(['shared.stillroom.json']);
    const back = await inspectPresetFile(file, trusted);
    expect(back.preset).toEqual(presetForSharing(samplePreset()));
    expect(back.strippedAssets).toBe(0);
  });
});

describe('import validation (hostile files)', () => {
  const good = JSON.parse(presetFileText(samplePreset()));

  it('names the JSON path and the problem for schema errors', () => {
    const bad = structuredClone(good);
    bad.phases[1].light.level = 140;
    bad.phases[0].playlist[0].isrc = 'nope';
    const err = refusal(JSON.stringify(bad));
    expect(err.problems).toContain('phases[1].light.level: must be at most 100');
    expect(err.problems.some((p) => p.startsWith('phases[0].playlist[0].isrc: an ISRC looks like'))).toBe(true);
  });

  it('refuses unknown and newer versions with an upgrade message', () => {
    const err = refusal(JSON.stringify({ ...good, format: 'stillroom.preset/7' }));
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).kind).toBe('version');
    expect(err.problems[0]).toMatch(/newer than this version of Stillroom understands.*please update Stillroom/);
  });

  it('refuses oversize files and fields', () => {
    expect(refusal(' '.repeat(3 * 1024 * 1024 + 1)).problems[0]).toMatch(/larger than 3 MiB/);
    const long = structuredClone(good);
    long.description = 'x'.repeat(5000);
    expect(refusal(JSON.stringify(long)).problems[0]).toBe('description: must be at most 2000 characters long');
    const many = structuredClone(good);
    many.phases[0].playlist = Array.from({ length: 501 }, () => good.phases[0].playlist[0]);
    expect(refusal(JSON.stringify(many)).problems[0]).toMatch(/^phases\[0\]\.playlist: may have at most \d+ entries$/);
  });

  it('makes prototype pollution impossible: __proto__ and constructor keys are refused, nothing leaks', () => {
    const attempts = [
      `{"__proto__":{"polluted":"yes"},${JSON.stringify(good).slice(1)}`,
      JSON.stringify(good).replace('"light":{', '"light":{"__proto__":{"polluted":"yes"},'),
      JSON.stringify(good).replace('"title":"Says"', '"title":"Says","constructor":{"prototype":{"polluted":"yes"}}'),
    ];
    for (const text of attempts) {
      const err = refusal(text);
      expect(err.problems.join(' ')).toMatch(/unknown fields? .*"(__proto__|constructor)".* — remove (it|them) or check the spelling/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('explains broken JSON, wrong top-level types and deep nesting without crashing', () => {
    expect(refusal('{"format": "stillroom.preset/1",').problems[0]).toMatch(/^\(file\): not valid JSON/);
    expect(refusal('[]').problems[0]).toMatch(/^\(top level\): /);
    expect(refusal('null').problems[0]).toMatch(/^\(top level\): /);
    expect(refusal(`${'['.repeat(100_000)}${']'.repeat(100_000)}`).problems[0]).toMatch(/^\(top level\): /);
    const deep = `{"format":"stillroom.signed-preset/1","preset":${'['.repeat(5000)}${']'.repeat(5000)},"signature":{}}`;
    expect(refusal(deep).problems.length).toBeGreaterThan(0);
  });

  it('removes asset references from imported presets and says how many', () => {
    const withAsset = JSON.stringify(samplePreset());
    const r = inspectPresetText(withAsset, 'x', trusted);
    expect(r.strippedAssets).toBe(1);
    expect(JSON.stringify(r.preset)).not.toContain('asset');
  });
});

describe('saving an import', () => {
  it('saves atomically, refuses an existing id unless told, and can keep both', async () => {
    const dir = tempDir('save');
    const preset = presetForSharing(samplePreset());
    const first = await savePreset(preset, { presetsDir: dir });
    expect(first).toEqual({ id: 'test-sublingual', file: join(dir, 'test-sublingual.stillroom.json'), renamedFrom: null });
    await expect(savePreset(preset, { presetsDir: dir })).rejects.toThrow(/already exists.*replace.*keep both/);
    await expect(savePreset({ ...preset, id: 'demo' }, { presetsDir: dir, existingIds: ['demo'] })).rejects.toBeInstanceOf(ImportError);
    const both = await savePreset(preset, { presetsDir: dir, onConflict: 'keep-both' });
    expect(both).toMatchObject({ id: 'test-sublingual-2', renamedFrom: 'test-sublingual' });
    await savePreset({ ...preset, name: 'Replaced' }, { presetsDir: dir, onConflict: 'replace' });
    expect(JSON.parse(readFileSync(first.file, 'utf8')).name).toBe('Replaced');
    expect(listTree(dir)).toEqual(['test-sublingual-2.stillroom.json', 'test-sublingual.stillroom.json']);
    // What was saved loads with the ordinary preset parser.
    expect(parsePreset(readFileSync(both.file, 'utf8'), both.file).id).toBe('test-sublingual-2');
  });

  it('imports a file end to end with a resolution report, and a refused file writes nothing', async () => {
    const dir = tempDir('import');
    const src = join(dir, 'in.stillroom.json');
    writeFileSync(src, presetFileText(samplePreset()));
    const index = buildMatchIndex([
      {
        id: 'g',
        path: '/m/g.flac',
        title: 'Gymnopedie No 1',
        artist: 'Erik Satie',
        album: '',
        durationS: 1.25,
        isrc: null,
        musicbrainzId: null,
      },
    ]);
    const presetsDir = join(dir, 'presets');
    const r = await importPresetFile(src, { presetsDir, trusted, matchIndex: index });
    expect(r.report).toMatchObject({ matched: 1, missing: 2 });
    expect(r.report?.tracks[0]?.resolution).toMatchObject({ status: 'matched', how: 'tags' });
    expect(existsSync(r.saved.file)).toBe(true);

    const bad = join(dir, 'bad.stillroom.json');
    writeFileSync(bad, '{"format":"stillroom.preset/1","id":"x"}');
    const emptyDir = join(dir, 'presets-2');
    await expect(importPresetFile(bad, { presetsDir: emptyDir, trusted })).rejects.toThrow(PresetError);
    expect(existsSync(emptyDir)).toBe(false);
    await expect(importPresetFile(join(dir, 'absent.json'), { presetsDir: emptyDir, trusted })).rejects.toThrow(
      /absent\.json: \(file\): it is not there \(moved, renamed or deleted\?\)/,
    );
  });
});
