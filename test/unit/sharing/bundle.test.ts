import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMatchIndex, resolvePreset } from '../../../electron/core/matching';
import { PresetError } from '../../../electron/core/preset';
import { exportBundle, importBundle } from '../../../electron/services/sharing/bundle';
import { type BundleLimits, DEFAULT_BUNDLE_LIMITS } from '../../../electron/services/sharing/bundle-zip';
import { ImportError } from '../../../electron/services/sharing/errors';
import { presetFileText } from '../../../electron/services/sharing/export';
import { generateClinicKey, TrustedKeys } from '../../../electron/services/sharing/keys';
import { toneWav } from '../../fixtures/audio';
import { type CraftEntry, craftZip, listTree, samplePreset, tempDir } from './helpers';

const clinic = generateClinicKey('Clinic A');
const trusted = TrustedKeys.inMemory([{ clinic: 'Clinic A', publicKey: clinic.publicKey }]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function audioFiles(dir: string): { a: string; b: string } {
  mkdirSync(dir, { recursive: true });
  const a = join(dir, 'gymnopedie.wav');
  const b = join(dir, 'says.wav');
  writeFileSync(a, toneWav(1.2, 330));
  writeFileSync(b, toneWav(2.2, 466));
  return { a, b };
}

/** Imports and returns the refusal; checks nothing was left in (or outside) the imports folder. */
async function refused(zip: Buffer, limits?: Partial<BundleLimits>, trust = trusted): Promise<ImportError> {
  const sandbox = tempDir('bundle-hostile');
  const zipPath = join(sandbox, 'in.zip');
  writeFileSync(zipPath, zip);
  const importsDir = join(sandbox, 'imports');
  let caught: unknown = null;
  try {
    await importBundle(zipPath, { importsDir, trusted: trust, limits });
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected the bundle to be refused').toBeInstanceOf(ImportError);
  expect(listTree(sandbox).filter((p) => !p.startsWith('imports/') && p !== 'imports/')).toEqual(['in.zip']);
  if (existsSync(importsDir)) expect(listTree(importsDir)).toEqual([]);
  const err = caught as ImportError;
  for (const p of err.problems) expect(p).toMatch(/^\S.*: \S/); // "<where>: <what>"
  return err;
}

/** The parts of a valid unsigned bundle, to assemble (and break) by hand. */
function validParts(): { manifest: Record<string, unknown>; presetText: string; audio: Buffer } {
  const audio = toneWav(0.2);
  const manifest = {
    format: 'stillroom.bundle/1',
    audio: [{ file: 'audio/001-says.wav', sha256: sha(audio), bytes: audio.length, tracks: [[1, 0]] }],
  };
  return { manifest, presetText: presetFileText(samplePreset()), audio };
}

function assemble(parts: ReturnType<typeof validParts>, extra: CraftEntry[] = []): Buffer {
  return craftZip([
    { name: 'bundle.json', data: Buffer.from(JSON.stringify(parts.manifest)), method: 8 },
    { name: 'preset.stillroom.json', data: Buffer.from(parts.presetText), method: 8 },
    { name: 'audio/001-says.wav', data: parts.audio },
    ...extra,
  ]);
}

describe('bundles: export and import', () => {
  it('round-trips a preset with its audio; bundled tracks resolve to the extracted files', async () => {
    const dir = tempDir('bundle-rt');
    const { a, b } = audioFiles(join(dir, 'music'));
    const zipPath = join(dir, 'out', 'session.stillroom.zip');
    const res = await exportBundle(samplePreset(), zipPath, {
      audio: [
        { phaseIndex: 0, trackIndex: 0, file: a },
        { phaseIndex: 1, trackIndex: 0, file: b },
      ],
    });
    expect(res).toEqual({ file: zipPath, audioFiles: 2, signed: false });
    expect(listTree(join(dir, 'out'))).toEqual(['session.stillroom.zip']);

    const importsDir = join(dir, 'data', 'bundles');
    const imported = await importBundle(zipPath, { importsDir, trusted });
    expect(imported.folder).toBe(join(importsDir, 'test-sublingual'));
    expect(listTree(imported.folder)).toEqual([
      '.import-pending',
      'audio/',
      'audio/001-gymnopedie-no-1.wav',
      'audio/002-says.wav',
      'bundle.json',
      'preset.stillroom.json',
    ]);
    expect(readFileSync(join(imported.folder, 'audio/002-says.wav')).equals(readFileSync(b))).toBe(true);
    expect(imported.provenance.status).toBe('unsigned');
    expect(JSON.stringify(imported.preset)).not.toContain('asset');

    const report = resolvePreset(imported.preset, buildMatchIndex([]), new Map(), imported.preResolved);
    expect(report.tracks.map((t) => (t.resolution.status === 'matched' ? t.resolution.how : t.resolution.status))).toEqual([
      'bundle',
      'missing',
      'bundle',
    ]);

    const second = await importBundle(zipPath, { importsDir, trusted });
    expect(second.folder).toBe(join(importsDir, 'test-sublingual-2'));
  });

  it('a signed bundle is "Signed by" its clinic and its signature covers the audio', async () => {
    const dir = tempDir('bundle-signed');
    const { b } = audioFiles(join(dir, 'music'));
    const zipPath = join(dir, 'signed.zip');
    await exportBundle(samplePreset(), zipPath, { audio: [{ phaseIndex: 1, trackIndex: 0, file: b }], signWith: clinic });
    const ok = await importBundle(zipPath, { importsDir: join(dir, 'imports'), trusted });
    expect(ok.provenance.message).toBe('Signed by Clinic A');

    // Swap the audio for other music and fix up the manifest: the signed hash list no longer agrees.
    const other = toneWav(2.2, 500);
    const presetText = readFileSync(join(ok.folder, 'preset.stillroom.json'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(ok.folder, 'bundle.json'), 'utf8'));
    manifest.audio[0].sha256 = sha(other);
    manifest.audio[0].bytes = other.length;
    const swapped = craftZip([
      { name: 'bundle.json', data: Buffer.from(JSON.stringify(manifest)) },
      { name: 'preset.stillroom.json', data: Buffer.from(presetText) },
      { name: manifest.audio[0].file, data: other },
    ]);
    const err = await refused(swapped);
    expect(err.kind).toBe('tampered');
    expect(err.problems[0]).toMatch(/attachments: the signed list of audio files does not match bundle\.json/);

    // Same audio name and manifest, different bytes: caught by the hash check after extraction.
    const original = JSON.parse(readFileSync(join(ok.folder, 'bundle.json'), 'utf8'));
    const flipped = Buffer.from(readFileSync(b));
    flipped[100] = (flipped[100] as number) ^ 1;
    const err2 = await refused(
      craftZip([
        { name: 'bundle.json', data: Buffer.from(JSON.stringify(original)) },
        { name: 'preset.stillroom.json', data: Buffer.from(presetText) },
        { name: original.audio[0].file, data: flipped },
      ]),
    );
    expect(err2.kind).toBe('tampered');
    expect(err2.problems[0]).toMatch(/^audio\/001-says\.wav: its content does not match the hash .* after signing/);
  });

  it('accepts the hand-assembled valid bundle used by the hostile cases below', async () => {
    const sandbox = tempDir('bundle-valid');
    writeFileSync(join(sandbox, 'ok.zip'), assemble(validParts()));
    const r = await importBundle(join(sandbox, 'ok.zip'), { importsDir: join(sandbox, 'imports'), trusted });
    expect(r.audio).toHaveLength(1);
  });
});

describe('bundles: hostile zips are refused, explained, and leave nothing behind', () => {
  const parts = validParts();

  it.each([
    ['../evil.txt', /climbs out of the bundle folder/],
    ['audio/../../evil.mp3', /climbs out/],
    ['/etc/cron.d/evil', /absolute path/],
    ['C:/Windows/evil.dll', /absolute path/],
    ['audio\\..\\..\\evil.mp3', /backslashes/],
    ['audio//x.mp3', /empty or "\." segments/],
    ['audio/evil.exe', /audio extension/],
    ['readme.txt', /not part of a Stillroom bundle/],
    ['audio/a\u0000.mp3', /NUL/],
  ])('zip-slip / unexpected name %j', async (name, why) => {
    const err = await refused(assemble(parts, [{ name, data: Buffer.from('x') }]));
    expect(err.problems.join('\n')).toMatch(why);
  });

  it('refuses symbolic links and special files', async () => {
    const err = await refused(assemble(parts, [{ name: 'audio/link.mp3', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]));
    expect(err.kind).toBe('unsafe');
    expect(err.problems[0]).toBe('audio/link.mp3: a symbolic link; bundles contain only regular files');
    const fifo = await refused(assemble(parts, [{ name: 'audio/fifo.mp3', mode: 0o010644 }]));
    expect(fifo.problems[0]).toMatch(/not a regular file/);
  });

  it('refuses duplicate names, including ones differing only in case', async () => {
    const dup = await refused(assemble(parts, [{ name: 'audio/001-says.wav', data: Buffer.from('other') }]));
    expect(dup.problems[0]).toMatch(/^audio\/001-says\.wav: appears twice/);
    const caseDup = await refused(assemble(parts, [{ name: 'audio/001-SAYS.wav', data: Buffer.from('other') }]));
    expect(caseDup.problems[0]).toMatch(/differs only in letter case/);
  });

  it('zip bomb: refuses a high compression ratio without inflating it', async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const err = await refused(assemble(parts, [{ name: 'audio/bomb.wav', data: zeros, method: 8 }]));
    expect(err.kind).toBe('too-large');
    expect(err.problems[0]).toMatch(/^audio\/bomb\.wav: compressed \d+:1, over the 100:1 limit/);
  });

  it('caps entry count, per-file size and total size', async () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ name: `audio/x${i}.mp3`, data: Buffer.from('x') }));
    expect((await refused(assemble(parts, many), { maxEntries: 5 })).problems[0]).toMatch(/^\(zip\): 11 entries, over the limit of 5/);
    expect((await refused(assemble(parts), { maxEntryBytes: 1000 })).problems.join(' ')).toMatch(
      /bytes uncompressed, over the 1000 byte limit per file/,
    );
    expect((await refused(assemble(parts), { maxTotalBytes: 4000 })).problems.join(' ')).toMatch(
      /more than 4000 bytes uncompressed in all/,
    );
    expect((await refused(assemble(parts), { maxZipBytes: 100 })).problems[0]).toMatch(/over the 100 byte limit for a bundle/);
    expect(DEFAULT_BUNDLE_LIMITS.maxRatio).toBe(100);
  });

  it('refuses entries that lie about their size', async () => {
    const liar = validParts();
    const err = await refused(
      craftZip([
        { name: 'bundle.json', data: Buffer.from(JSON.stringify(liar.manifest)) },
        { name: 'preset.stillroom.json', data: Buffer.from(liar.presetText) },
        { name: 'audio/001-says.wav', data: liar.audio, method: 8, declaredSize: 100 },
      ]),
    );
    expect(err.problems.join(' ')).toMatch(/audio\/001-says\.wav: /);
  });

  it('refuses encryption and unsupported compression', async () => {
    expect(
      (await refused(assemble(parts, [{ name: 'audio/e.mp3', data: Buffer.alloc(13), declaredSize: 1, flags: 1 }]))).problems[0],
    ).toMatch(/encrypted entries are not accepted/);
    expect((await refused(assemble(parts, [{ name: 'audio/b.mp3', data: Buffer.from('x'), method: 12 }]))).problems[0]).toMatch(
      /compression method 12 is not supported/,
    );
  });

  it('refuses what is not a bundle: not a zip, truncated, no manifest, newer manifest', async () => {
    expect((await refused(Buffer.from('PK not really'))).problems[0]).toMatch(/^\(file\): not a zip file, or a damaged one/);
    const whole = assemble(parts);
    expect((await refused(whole.subarray(0, whole.length - 30))).problems.length).toBeGreaterThan(0);
    const noManifest = craftZip([{ name: 'preset.stillroom.json', data: Buffer.from(parts.presetText) }]);
    expect((await refused(noManifest)).problems[0]).toBe('bundle.json: missing — this is not a Stillroom bundle');
    const newer = await refused(assemble({ ...parts, manifest: { ...parts.manifest, format: 'stillroom.bundle/3' } }));
    expect(newer.kind).toBe('version');
    expect(newer.problems[0]).toMatch(/please update Stillroom/);
  });

  it('refuses a manifest that disagrees with the zip or the preset', async () => {
    const extra = await refused(assemble(parts, [{ name: 'audio/002-extra.mp3', data: Buffer.from('x') }]));
    expect(extra.problems[0]).toBe('audio/002-extra.mp3: in the zip but not listed in bundle.json');
    const wrongTrack = validParts();
    (wrongTrack.manifest.audio as Array<{ tracks: number[][] }>)[0] = {
      ...(wrongTrack.manifest.audio as object[])[0],
      tracks: [[5, 0]],
    } as never;
    expect((await refused(assemble(wrongTrack))).problems[0]).toMatch(/names track 1 of phase 6, which the preset does not have/);
    const wrongHash = validParts();
    (wrongHash.manifest.audio as Array<{ sha256: string }>)[0] = {
      ...(wrongHash.manifest.audio as object[])[0],
      sha256: '0'.repeat(64),
    } as never;
    expect((await refused(assemble(wrongHash))).problems[0]).toMatch(/does not match the hash in bundle\.json \(damaged or replaced\)/);
    const badPreset = await refused(assemble({ ...parts, presetText: '{"format":"stillroom.preset/1"}' }));
    expect(badPreset.source).toMatch(/preset\.stillroom\.json$/);
    expect(badPreset).toBeInstanceOf(PresetError);
  });

  it('refuses a manifest trying prototype pollution', async () => {
    const m = `{"__proto__":{"polluted":1},${JSON.stringify(parts.manifest).slice(1)}`;
    const err = await refused(assemble({ ...parts, manifest: JSON.parse(m) }));
    expect(err.problems[0]).toMatch(/bundle\.json › \(top level\): unknown field "__proto__" — remove it or check the spelling/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
