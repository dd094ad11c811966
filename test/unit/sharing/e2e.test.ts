/**
 * End to end in Node: clinic A imports its playlists, builds a preset, signs and exports it;
 * clinic B — a new data folder, the same music organised differently (other folders, other
 * file names) — imports it and every track resolves; one changed byte is refused.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyManualFix, buildMatchIndex, resolvePreset } from '../../../electron/core/matching';
import { type Preset, PresetSchema } from '../../../electron/core/preset';
import { loadManualFixes, saveManualFixes } from '../../../electron/services/library/fixes';
import { MusicLibrary } from '../../../electron/services/library/library';
import { importPlaylistFile } from '../../../electron/services/library/playlist-import';
import { exportBundle, importBundle } from '../../../electron/services/sharing/bundle';
import { ImportError } from '../../../electron/services/sharing/errors';
import { exportPresetFile } from '../../../electron/services/sharing/export';
import { importPresetFile } from '../../../electron/services/sharing/import';
import {
  generateClinicKey,
  loadClinicKey,
  parsePublicKeyFile,
  publicKeyFileText,
  saveClinicKey,
  TrustedKeys,
} from '../../../electron/services/sharing/keys';
import { generateLibrary, hasFfmpeg, SAMPLE_TRACKS } from '../../fixtures/library-gen';

const FFMPEG = hasFfmpeg();
let root = '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stillroom-e2e-'));
  if (FFMPEG) await generateLibrary(join(root, 'clinic-a', 'Music'), SAMPLE_TRACKS);
}, 60_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!FFMPEG)(`sharing between two clinics${FFMPEG ? '' : ' — skipped: ffmpeg not found on PATH'}`, () => {
  let exported = '';
  let preset: Preset;
  const aMusic = () => join(root, 'clinic-a', 'Music');

  it('clinic A: playlists in, preset built, signed export out (no local paths)', async () => {
    const dataA = join(root, 'clinic-a', 'data');
    const libA = await MusicLibrary.open({ dataDir: dataA });
    await libA.addFolders([aMusic()]);
    const plDir = join(root, 'clinic-a', 'Playlists');
    mkdirSync(plDir, { recursive: true });
    const rels = SAMPLE_TRACKS.map((t) => t.rel);
    writeFileSync(
      join(plDir, 'onset.m3u8'),
      `#EXTM3U\n${rels
        .slice(0, 5)
        .map((r) => `../Music/${r}`)
        .join('\n')}\n`,
    );
    writeFileSync(
      join(plDir, 'peak.pls'),
      `[playlist]\n${rels
        .slice(5)
        .map((r, i) => `File${i + 1}=${join(aMusic(), r)}`)
        .join('\n')}\n`,
    );
    const onset = await importPlaylistFile(join(plDir, 'onset.m3u8'), libA);
    const peak = await importPlaylistFile(join(plDir, 'peak.pls'), libA);
    expect(onset.matched + peak.matched).toBe(SAMPLE_TRACKS.length);

    preset = PresetSchema.parse({
      format: 'stillroom.preset/1',
      id: 'clinic-a-sublingual',
      name: 'Clinic A — sublingual',
      author: 'Clinic A',
      route: 'sublingual',
      phases: [
        { kind: 'onset', name: 'Onset', plannedMin: 15, light: { level: 30, kelvin: 2400, transitionS: 300 }, playlist: onset.trackRefs },
        { kind: 'peak', name: 'Peak', plannedMin: 45, light: { level: 5, kelvin: 2000, transitionS: 600 }, playlist: peak.trackRefs },
      ],
    });
    const key = generateClinicKey('Clinic A');
    await saveClinicKey(dataA, key);
    writeFileSync(join(root, 'clinic-a.stillroom-key.json'), publicKeyFileText(key));
    exported = join(root, 'outbox', 'clinic-a-sublingual.stillroom.json');
    mkdirSync(join(root, 'outbox'), { recursive: true });
    await exportPresetFile(preset, exported, { signWith: (await loadClinicKey(dataA)) ?? key });
    const text = readFileSync(exported, 'utf8');
    expect(text).not.toContain(root);
    expect(text).not.toContain('.flac');
    await libA.close();
  });

  it('clinic B: differently organised copy, empty data dir — every track resolves, signed by Clinic A', async () => {
    const bMusic = join(root, 'clinic-b', 'Audio', 'Ambient collection');
    mkdirSync(bMusic, { recursive: true });
    // Same files, new names, one flat folder: paths cannot help, tags and identifiers must.
    SAMPLE_TRACKS.forEach(({ rel }, i) => {
      copyFileSync(join(aMusic(), rel), join(bMusic, `track-${String(99 - i)}${extname(rel)}`));
    });
    const dataB = join(root, 'clinic-b', 'data');
    const libB = await MusicLibrary.open({ dataDir: dataB });
    await libB.addFolders([bMusic]);
    const trusted = await TrustedKeys.load(dataB);
    const theirKey = parsePublicKeyFile(readFileSync(join(root, 'clinic-a.stillroom-key.json'), 'utf8'), 'clinic-a.stillroom-key.json');
    await trusted.trust(theirKey.publicKey, theirKey.clinic);

    const r = await importPresetFile(exported, { presetsDir: join(dataB, 'presets'), trusted, matchIndex: libB.matchIndex() });
    expect(r.provenance.message).toBe('Signed by Clinic A');
    expect(r.report).toMatchObject({ matched: SAMPLE_TRACKS.length, ambiguous: 0, missing: 0 });
    const hows = new Set(r.report?.tracks.map((t) => (t.resolution.status === 'matched' ? t.resolution.how : 'x')));
    expect([...hows].sort()).toEqual(['isrc', 'musicbrainz', 'tags']);
    // Each resolved file really is the same recording (same bytes as clinic A's original).
    for (const t of r.report?.tracks ?? []) {
      if (t.resolution.status !== 'matched') continue;
      const original = SAMPLE_TRACKS.find((s) => s.track.title === t.ref.title)?.rel as string;
      expect(readFileSync(t.resolution.track.path).equals(readFileSync(join(aMusic(), original))), basename(t.resolution.track.path)).toBe(
        true,
      );
    }
    await libB.close();
  });

  it('clinic B: the same file with one byte changed is refused and nothing is saved', async () => {
    const text = readFileSync(exported, 'utf8');
    const at = text.indexOf('"plannedMin": 45') + '"plannedMin": '.length;
    const tampered = join(root, 'outbox', 'tampered.stillroom.json');
    writeFileSync(tampered, `${text.slice(0, at)}5${text.slice(at + 1)}`);
    const dataB2 = join(root, 'clinic-b2', 'data');
    const trusted = TrustedKeys.inMemory([parsePublicKeyFile(readFileSync(join(root, 'clinic-a.stillroom-key.json'), 'utf8'), 'k')]);
    const err = await importPresetFile(tampered, { presetsDir: join(dataB2, 'presets'), trusted }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).kind).toBe('tampered');
    expect(() => readFileSync(join(dataB2, 'presets', 'clinic-a-sublingual.stillroom.json'))).toThrow();
  });

  it('a bundle carries the music to a clinic without it; hand fixes persist for the rest', async () => {
    const libA = await MusicLibrary.open({ dataDir: join(root, 'clinic-a', 'data') });
    const index = libA.matchIndex();
    const report = resolvePreset(preset, index);
    // The clinic may share only the first phase's music.
    const audio = report.tracks
      .filter((t) => t.phaseIndex === 0 && t.resolution.status === 'matched')
      .map((t) => ({
        phaseIndex: t.phaseIndex,
        trackIndex: t.trackIndex,
        file: t.resolution.status === 'matched' ? t.resolution.track.path : '',
      }));
    const zip = join(root, 'outbox', 'bundle.zip');
    await exportBundle(preset, zip, { audio, signWith: generateClinicKey('Clinic A') });
    await libA.close();

    const dataC = join(root, 'clinic-c', 'data');
    const bundle = await importBundle(zip, { importsDir: join(dataC, 'bundles'), trusted: TrustedKeys.inMemory() });
    expect(bundle.provenance.status).toBe('unknown-key');
    const c = resolvePreset(bundle.preset, buildMatchIndex([]), new Map(), bundle.preResolved);
    expect(c.matched).toBe(5);
    expect(c.missing).toBe(SAMPLE_TRACKS.length - 5);

    // A hand fix for one missing track, remembered in clinic C's data folder.
    const stand = {
      id: 'stand-in',
      path: join(bundle.folder, 'audio', 'x.wav'),
      title: 'Stand-in',
      artist: '',
      album: '',
      durationS: 2,
      isrc: null,
      musicbrainzId: null,
    };
    const missing = c.tracks.find((t) => t.resolution.status === 'missing');
    if (!missing) throw new Error('expected a missing track');
    const fixed = applyManualFix(c, new Map(), missing, stand);
    await saveManualFixes(dataC, fixed.fixes);
    const again = resolvePreset(bundle.preset, buildMatchIndex([stand]), await loadManualFixes(dataC), bundle.preResolved);
    expect(again.matched).toBe(6);
  });
});
