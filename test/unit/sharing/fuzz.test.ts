/**
 * Fuzzing the importer: thousands of mutated presets, playlists and bundles. For each one the
 * importer must either accept it completely or refuse it with every problem explained
 * ("<where>: <what>") — never crash, never leave half an import behind.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMatchIndex, resolvePreset } from '../../../electron/core/matching';
import { RAW_WORDING } from '../../../electron/core/plain-errors';
import { resolvePlaylistEntry } from '../../../electron/core/playlist-match';
import { PlaylistError, parsePlaylist } from '../../../electron/core/playlists';
import { PresetError, parsePreset } from '../../../electron/core/preset';
import { importBundle } from '../../../electron/services/sharing/bundle';
import { presetFileText } from '../../../electron/services/sharing/export';
import { importPresetFile, inspectPresetText } from '../../../electron/services/sharing/import';
import { generateClinicKey, TrustedKeys } from '../../../electron/services/sharing/keys';
import { toneWav } from '../../fixtures/audio';
import { craftZip, listTree, samplePreset, tempDir } from './helpers';

const clinic = generateClinicKey('Clinic A');
const trusted = TrustedKeys.inMemory([{ clinic: 'Clinic A', publicKey: clinic.publicKey }]);
const plainText = presetFileText(samplePreset());
const signedText = presetFileText(samplePreset(), clinic);
const index = buildMatchIndex([
  {
    id: 'g',
    path: '/m/Satie/g.flac',
    title: 'Gymnopédie No. 1',
    artist: 'Erik Satie',
    album: '',
    durationS: 1.2,
    isrc: 'FRZ039800212',
    musicbrainzId: null,
  },
  { id: 's', path: '/m/Frahm/says.flac', title: 'Says', artist: 'Nils Frahm', album: '', durationS: 2.2, isrc: null, musicbrainzId: null },
]);

/** Refusals seen, and those that leaked a library's wording (must stay empty). */
const wording = { refusals: 0, raw: [] as string[] };

/**
 * Every refusal names where and what ("phases[0].name: …", "(file): …", "audio/x.mp3: …") in a
 * person's words — never zod's, yauzl's or V8's ("Invalid input: expected string, received
 * undefined", "size mismatch … 42 != 42", "Unexpected token … in JSON at position 7").
 */
function expectExplained(err: unknown): void {
  if (!(err instanceof PresetError)) throw new Error(`crashed with ${String((err as Error)?.stack ?? err)}`);
  expect(err.problems.length).toBeGreaterThan(0);
  wording.refusals++;
  for (const p of err.problems) {
    expect(p).toMatch(/^[^\n]*\S: \S/s);
    if (RAW_WORDING.test(p)) wording.raw.push(p);
  }
  expect(wording.raw).toEqual([]);
}

afterAll(() => {
  console.info(`fuzz wording: ${wording.refusals} refusals checked, ${wording.raw.length} in a library's words`);
});

// ---------------------------------------------------------------------------------------------
// JSON-level mutations of a valid preset
// ---------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const nastyKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'asset',
  'file',
  'path',
  'format',
  'id',
  '',
  '\u0000',
);
const nastyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    '../../etc/passwd',
    '/etc/passwd',
    'C:\\Windows',
    'file:///etc/passwd',
    'https://evil.example/x',
    'stillroom.preset/2',
    'stillroom.preset/0',
    -1,
    0,
    1e308,
    'x'.repeat(300),
  ),
  fc.string({ maxLength: 3000 }),
);

const mutation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.array(fc.nat(), { maxLength: 6 }), value: nastyValue }),
  fc.record({ op: fc.constant('delete' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }) }),
  fc.record({
    op: fc.constant('addKey' as const),
    at: fc.array(fc.nat(), { maxLength: 6 }),
    key: fc.oneof(nastyKey, fc.string({ maxLength: 8 })),
    value: nastyValue,
  }),
  fc.record({ op: fc.constant('dup' as const), at: fc.array(fc.nat(), { maxLength: 4 }), times: fc.integer({ min: 2, max: 600 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** Walks `at` (indices into keys / elements), returning the container and key reached. */
function locate(root: Json, at: readonly number[]): { parent: Json[] | { [k: string]: Json }; key: string | number } | null {
  let node: Json = root;
  let found: { parent: Json[] | { [k: string]: Json }; key: string | number } | null = null;
  for (const step of at) {
    if (Array.isArray(node)) {
      if (node.length === 0) break;
      const k = step % node.length;
      found = { parent: node, key: k };
      node = node[k] as Json;
    } else if (node && typeof node === 'object') {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const k = keys[step % keys.length] as string;
      found = { parent: node, key: k };
      node = node[k] as Json;
    } else break;
  }
  return found;
}

function mutate(doc: Json, m: Mutation): void {
  const spot = locate(doc, m.at);
  if (m.op === 'set') {
    if (spot) (spot.parent as Record<string | number, Json>)[spot.key] = m.value;
  } else if (m.op === 'delete') {
    if (!spot) return;
    if (Array.isArray(spot.parent)) spot.parent.splice(spot.key as number, 1);
    else delete spot.parent[spot.key as string];
  } else if (m.op === 'addKey') {
    const target = spot ? (spot.parent as Record<string | number, Json>)[spot.key] : doc;
    if (target && typeof target === 'object' && !Array.isArray(target))
      Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  } else {
    const target = spot ? (spot.parent as Record<string | number, Json>)[spot.key] : null;
    if (Array.isArray(target) && target.length > 0)
      target.push(...Array.from({ length: m.times }, () => structuredClone(target[0] as Json)));
  }
}

describe('fuzz: mutated presets', () => {
  it('JSON-level mutations (plain and signed): accepted whole or refused with every problem explained', () => {
    const base = JSON.parse(plainText) as Json;
    const signedBase = JSON.parse(signedText) as Json;
    let accepted = 0;
    fc.assert(
      fc.property(fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (signed, ms) => {
        const doc = structuredClone(signed ? signedBase : base);
        for (const m of ms) mutate(doc, m);
        const text = JSON.stringify(doc);
        try {
          const r = inspectPresetText(text, 'fuzz.stillroom.json', trusted);
          accepted++;
          // Whatever is accepted is a valid preset without paths, and resolves without throwing.
          expect(parsePreset(JSON.stringify(r.preset), 'again')).toEqual(r.preset);
          expect(JSON.stringify(r.preset)).not.toMatch(/"asset"/);
          resolvePreset(r.preset, index);
          if (signed) expect(r.provenance.status).toBe('trusted');
        } catch (err) {
          expectExplained(err);
        }
      }),
      { numRuns: 2500 },
    );
    expect(accepted).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('byte-level mutations of the file text: never a crash', () => {
    const bytes = [Buffer.from(plainText), Buffer.from(signedText)];
    fc.assert(
      fc.property(
        fc.nat(1),
        fc.array(
          fc.record({
            pos: fc.nat(),
            byte: fc.integer({ min: 0, max: 255 }),
            kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate'),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (which, edits) => {
          let b = Buffer.from(bytes[which] as Buffer);
          for (const e of edits) {
            const at = e.pos % Math.max(1, b.length);
            if (e.kind === 'flip') b[at] = e.byte;
            else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from([e.byte]), b.subarray(at)]);
            else if (e.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
            else b = b.subarray(0, at);
          }
          try {
            inspectPresetText(b.toString('utf8'), 'fuzz', trusted);
          } catch (err) {
            expectExplained(err);
          }
        },
      ),
      { numRuns: 2500 },
    );
  });

  it('through the file importer: a refused file writes nothing, an accepted one is complete', async () => {
    const dir = tempDir('fuzz-import');
    const presetsDir = join(dir, 'presets');
    const src = join(dir, 'in.stillroom.json');
    const base = JSON.parse(plainText) as Json;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { maxLength: 3 }), async (ms) => {
        const doc = structuredClone(base);
        for (const m of ms) mutate(doc, m);
        writeFileSync(src, JSON.stringify(doc));
        try {
          const r = await importPresetFile(src, { presetsDir, trusted, onConflict: 'replace', matchIndex: index });
          expect(readdirSync(presetsDir)).toEqual([`${r.saved.id}.stillroom.json`]);
          expect(parsePreset(readFileSync(r.saved.file, 'utf8'), 'saved').id).toBe(r.saved.id);
          rmSync(r.saved.file);
        } catch (err) {
          expectExplained(err);
          if (existsSync(presetsDir)) expect(readdirSync(presetsDir)).toEqual([]);
        }
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Playlists
// ---------------------------------------------------------------------------------------------

describe('fuzz: mutated playlists', () => {
  const samples: Array<[string, string]> = [
    [
      'a.m3u8',
      '#EXTM3U\n#EXTINF:190,Erik Satie - Gymnopédie No. 1\n../Satie/g.flac\n#EXTINF:-1,Says\nfile:///m/Frahm/says.flac\nC:\\Music\\x.mp3\n',
    ],
    [
      'a.pls',
      '[playlist]\nFile1=/m/Satie/g.flac\nTitle1=Erik Satie - Gymnopédie No. 1\nLength1=190\nFile2=http://stream.example/x\nNumberOfEntries=2\nVersion=2\n',
    ],
    [
      'a.xspf',
      '<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList><track><location>file:///m/Frahm/says.flac</location><title>Says</title><creator>Nils Frahm</creator><duration>2200</duration></track></trackList></playlist>',
    ],
  ];

  it('mutated M3U/PLS/XSPF never crash parsing or resolution', () => {
    fc.assert(
      fc.property(
        fc.nat(samples.length - 1),
        fc.array(
          fc.record({
            pos: fc.nat(),
            text: fc.oneof(
              fc.string({ maxLength: 30 }),
              fc.constantFrom(
                '<',
                '>',
                '&',
                ']]>',
                '<![CDATA[',
                '\n',
                '#EXTINF:',
                'File9=',
                '../',
                '%zz',
                '\\\\',
                '<!DOCTYPE x [<!ENTITY a "b">]>',
                '&a;',
              ),
            ),
            del: fc.nat(20),
          }),
          { maxLength: 8 },
        ),
        (which, edits) => {
          const [name, original] = samples[which] as [string, string];
          let text = original;
          for (const e of edits) {
            const at = e.pos % (text.length + 1);
            text = text.slice(0, at) + e.text + text.slice(at + e.del);
          }
          try {
            const parsed = parsePlaylist(text, name);
            for (const entry of parsed.entries) resolvePlaylistEntry(entry, '/home/me/Playlists/a.m3u8', index);
          } catch (err) {
            expect(err).toBeInstanceOf(PlaylistError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Bundles
// ---------------------------------------------------------------------------------------------

describe('fuzz: mutated bundles', () => {
  const audio = toneWav(0.05);
  const sha = createHash('sha256').update(audio).digest('hex');
  const manifest = {
    format: 'stillroom.bundle/1',
    audio: [{ file: 'audio/001-says.wav', sha256: sha, bytes: audio.length, tracks: [[1, 0]] }],
  };
  const signedBundlePreset = presetFileText(samplePreset(), clinic, [{ file: 'audio/001-says.wav', sha256: sha, bytes: audio.length }]);
  const entriesFor = (presetText: string) => [
    { name: 'bundle.json', data: Buffer.from(JSON.stringify(manifest)), method: 8 },
    { name: 'preset.stillroom.json', data: Buffer.from(presetText), method: 8 },
    { name: 'audio/001-says.wav', data: audio, method: 8 },
  ];
  const valid = [craftZip(entriesFor(plainText)), craftZip(entriesFor(signedBundlePreset))];

  it('byte flips, truncations and splices: complete import or explained refusal, no leftovers', async () => {
    const dir = tempDir('fuzz-bundle');
    const zipPath = join(dir, 'in.zip');
    const importsDir = join(dir, 'imports');
    mkdirSync(importsDir);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(1),
        fc.array(
          fc.record({
            pos: fc.nat(),
            byte: fc.integer({ min: 0, max: 255 }),
            kind: fc.constantFrom('flip', 'flip', 'flip', 'truncate', 'splice'),
          }),
          { maxLength: 4 },
        ),
        async (which, edits) => {
          let b = Buffer.from(valid[which] as Buffer);
          for (const e of edits) {
            const at = e.pos % b.length;
            if (e.kind === 'flip') b[at] = e.byte;
            else if (e.kind === 'truncate') b = b.subarray(0, at);
            else b = Buffer.concat([b.subarray(0, at), Buffer.alloc(e.byte, e.byte), b.subarray(at)]);
          }
          writeFileSync(zipPath, b);
          try {
            const r = await importBundle(zipPath, { importsDir, trusted });
            accepted++;
            const tree = listTree(r.folder);
            expect(tree).toEqual(['.import-pending', 'audio/', 'audio/001-says.wav', 'bundle.json', 'preset.stillroom.json']);
            expect(readFileSync(join(r.folder, 'audio/001-says.wav')).equals(audio)).toBe(true);
            rmSync(r.folder, { recursive: true });
          } catch (err) {
            expectExplained(err);
          }
          expect(readdirSync(importsDir)).toEqual([]);
          expect(readdirSync(dir).sort()).toEqual(['imports', 'in.zip']);
        },
      ),
      { numRuns: 1200 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('hostile entry names and manifests: never written outside the folder', async () => {
    const dir = tempDir('fuzz-bundle-names');
    const zipPath = join(dir, 'in.zip');
    const importsDir = join(dir, 'imports');
    mkdirSync(importsDir);
    const nameArb = fc.oneof(
      fc.constantFrom(
        '../x.wav',
        '../../x.wav',
        '/tmp/x.wav',
        'audio/../x.wav',
        'audio/./x.wav',
        'audio\\x.wav',
        'C:\\x.wav',
        'audio/x.wav/',
        '..',
        '.',
        'audio/',
        'audio/.hidden.wav',
        'AUDIO/x.wav',
      ),
      fc.string({ maxLength: 30 }).map((s) => `audio/${s}`),
      fc.string({ maxLength: 30 }),
    );
    await fc.assert(
      fc.asyncProperty(nameArb, fc.boolean(), fc.integer({ min: 0, max: 0o177777 }), async (name, listInManifest, mode) => {
        const m = structuredClone(manifest);
        if (listInManifest) (m.audio[0] as { file: string }).file = name;
        writeFileSync(
          zipPath,
          craftZip([
            { name: 'bundle.json', data: Buffer.from(JSON.stringify(m)) },
            { name: 'preset.stillroom.json', data: Buffer.from(plainText) },
            { name, data: audio, mode },
          ]),
        );
        try {
          const r = await importBundle(zipPath, { importsDir, trusted });
          for (const p of listTree(r.folder))
            expect(p).toMatch(/^(audio\/|audio\/[A-Za-z0-9][\w.-]*\.wav|bundle\.json|preset\.stillroom\.json)$/);
          rmSync(r.folder, { recursive: true });
        } catch (err) {
          expectExplained(err);
        }
        expect(readdirSync(importsDir)).toEqual([]);
        expect(readdirSync(dir).sort()).toEqual(['imports', 'in.zip']);
      }),
      { numRuns: 600 },
    );
  });
});
