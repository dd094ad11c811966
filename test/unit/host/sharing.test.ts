/**
 * The presets host module as a therapist uses it: duplicate and edit, save (validated), delete,
 * export (plain, signed, bundle), import on another machine with a resolution report and hand
 * fixes, trusted keys, the clinic folder — and hostile files refused with a reason.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMatchIndex } from '../../../electron/core/matching';
import type { Preset } from '../../../electron/core/preset';
import { runHandler } from '../../../electron/host/command';
import { validateCommand } from '../../../electron/host/contract';
import { HostSharing } from '../../../electron/host/presets';
import type { presetsCommands } from '../../../electron/host/presets/contract';
import { Refusal } from '../../../electron/host/refusal';

type SharingCommand = keyof typeof presetsCommands;

import type { LibraryTrack } from '../../../electron/services/library/index-file';
import { manualWatch } from '../../../electron/services/library/watch';
import type { PresetCatalog } from '../../../electron/services/presets';
import { confSettings } from '../../../electron/services/settings';
import { Vault } from '../../../electron/services/vault';
import { samplePreset, tempDir } from '../sharing/helpers';

function libTrack(id: string, path: string, title: string, artist: string, durationS: number, isrc: string | null = null): LibraryTrack {
  return {
    id,
    path,
    size: 1000,
    mtimeMs: 1,
    title,
    titleFromFileName: false,
    artist,
    album: '',
    durationS,
    isrc,
    musicbrainzId: null,
    replayGainDb: null,
    container: 'FLAC',
    problem: null,
    missing: false,
  };
}

function fakeLibrary(tracks: LibraryTrack[]) {
  return {
    music: () => ({ matchIndex: () => buildMatchIndex(tracks), get: (id: string) => tracks.find((t) => t.id === id) }),
    whenIdle: async () => undefined,
  };
}

const opened: HostSharing[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

interface Machine {
  sharing: HostSharing;
  dataDir: string;
  catalog: () => PresetCatalog;
  run: <K extends SharingCommand>(
    name: K,
    args: unknown,
  ) => Promise<{ data?: unknown; file?: { path: string; data: string; name: string } }>;
  changes: () => number;
}

async function machine(
  opts: {
    tracks?: LibraryTrack[];
    dataDir?: string;
    vault?: Vault | null;
    watch?: ReturnType<typeof manualWatch>;
    addMusicFolder?: (path: string) => Promise<unknown>;
    sessionRunning?: () => boolean;
    /** Files of the app's own audio (under `assets/`) to create. */
    assets?: string[];
  } = {},
): Promise<Machine> {
  const appRoot = tempDir('app');
  mkdirSync(join(appRoot, 'playlists'), { recursive: true });
  for (const rel of opts.assets ?? []) {
    mkdirSync(join(appRoot, 'assets', rel, '..'), { recursive: true });
    writeFileSync(join(appRoot, 'assets', rel), 'OggS');
  }
  writeFileSync(
    join(appRoot, 'playlists', 'bundled.stillroom.json'),
    JSON.stringify(samplePreset({ id: 'bundled-one', name: 'Bundled one' })),
  );
  const dataDir = opts.dataDir ?? tempDir('data');
  let catalog: PresetCatalog = { presets: [], problems: [] };
  let changes = 0;
  const holder: { s: HostSharing | null } = { s: null };
  const sharing = new HostSharing({
    dataDir,
    appRoot,
    settings: confSettings(dataDir),
    vault: opts.vault === undefined ? Vault.ephemeral() : opts.vault,
    library: { ...fakeLibrary(opts.tracks ?? []), ...(opts.addMusicFolder ? { addMusicFolder: opts.addMusicFolder } : {}) },
    presets: () => catalog,
    clock: Date.now,
    log: () => undefined,
    onChange: () => {
      changes++;
    },
    reloadPresets: () => {
      if (holder.s) catalog = holder.s.loadCatalog();
    },
    ...(opts.watch ? { watchFactory: opts.watch.factory, clinicDebounceMs: 5 } : {}),
    ...(opts.sessionRunning ? { sessionRunning: opts.sessionRunning } : {}),
  });
  holder.s = sharing;
  opened.push(sharing);
  catalog = sharing.loadCatalog();
  await sharing.whenReady();
  const run = async <K extends SharingCommand>(name: K, args: unknown) => {
    const v = validateCommand(name, args);
    if (!v.ok) throw new Error(v.error);
    return ((await runHandler(sharing.commands, name, v.args as never)) ?? {}) as Awaited<ReturnType<Machine['run']>>;
  };
  return { sharing, dataDir, catalog: () => catalog, run, changes: () => changes };
}

/** The sample preset's music as one clinic's files… */
const CLINIC_A = [
  libTrack('a1', '/music/a/Satie/Gymnopedies/01.flac', 'Gymnopédie No. 1', 'Erik Satie', 1.2, 'FRZ039800212'),
  libTrack('a2', '/music/a/Rani/eden.flac', 'Eden', 'Hania Rani', 1.8),
  libTrack('a3', '/music/a/Frahm/says.flac', 'Says', 'Nils Frahm', 2.2),
];
/** …and the same music organised differently on another machine (other paths and ids, same tags). */
const CLINIC_B = [
  libTrack('b1', '/srv/other/satie-gymnopedie-1.mp3', 'Gymnopédie No. 1', 'Erik Satie', 1.3, 'FRZ039800212'),
  libTrack('b2', '/srv/other/Hania Rani - Eden.ogg', 'Eden', 'Hania Rani', 2.1),
  libTrack('b3', '/srv/other/x/says (live).mp3', 'Says', 'Nils Frahm', 2.5),
];

/** The user's own copy of the bundled preset (other machines have the bundled one too). */
async function own(m: Machine): Promise<string> {
  return ((await m.run('duplicatePreset', { presetId: 'bundled-one' })).data as { id: string }).id;
}

describe('editing presets', () => {
  it('duplicates a bundled preset into an editable user preset, saves edits and refuses invalid ones, naming phase and field', async () => {
    const m = await machine();
    expect(m.catalog().presets.map((p) => [p.preset.id, p.origin])).toEqual([['bundled-one', 'bundled']]);
    const dup = (await m.run('duplicatePreset', { presetId: 'bundled-one' })).data as { id: string };
    expect(dup.id).toBe('bundled-one-copy');
    const loaded = (await m.run('getPreset', { presetId: dup.id })).data as { preset: Preset; editable: boolean; origin: string };
    expect(loaded).toMatchObject({ editable: true, origin: 'user' });
    expect(loaded.preset.name).toBe('Bundled one (copy)');

    const edited = structuredClone(loaded.preset);
    const [first, second] = edited.phases;
    if (!first || !second) throw new Error('the sample has two phases');
    edited.name = 'Our sublingual';
    first.crossfadeS = 12;
    first.playlist.reverse();
    // The sample counts its vitals from the dose but no phase waits for the dose: refused, explained.
    await expect(m.run('savePreset', { preset: edited })).rejects.toThrow(
      /^The preset was not saved \(nothing changed\): Reminder 1 “Vitals” counts from the dose, but no phase waits for the dose/,
    );
    first.untilDose = true;
    await m.run('savePreset', { preset: edited });
    const onDisk = JSON.parse(readFileSync(join(m.dataDir, 'presets', `${dup.id}.stillroom.json`), 'utf8')) as Preset;
    expect(onDisk.name).toBe('Our sublingual');
    expect(onDisk.phases[0]?.crossfadeS).toBe(12);
    expect(onDisk.phases[0]?.playlist[0]?.title).toBe('Eden');
    expect(m.catalog().presets.find((p) => p.preset.id === dup.id)?.preset.name).toBe('Our sublingual');

    const bad = structuredClone(edited);
    bad.phases = bad.phases.map((ph, i) => (i === 1 ? { ...ph, crossfadeS: 45 } : ph));
    await expect(m.run('savePreset', { preset: bad })).rejects.toThrow(
      'The preset was not saved (nothing changed): Phase 2 “Peak”: the crossfade is 0 to 20 seconds (it is 45).',
    );
    // The bad save changed nothing on disk.
    expect(JSON.parse(readFileSync(join(m.dataDir, 'presets', `${dup.id}.stillroom.json`), 'utf8')).phases[1].crossfadeS).toBe(8);
  });

  it('keeps bundled presets read-only and deletes user presets only with the deliberate confirm', async () => {
    const m = await machine();
    const bundled = (await m.run('getPreset', { presetId: 'bundled-one' })).data as { preset: Preset; editable: boolean };
    expect(bundled.editable).toBe(false);
    await expect(m.run('savePreset', { preset: { ...bundled.preset, name: 'Changed' } })).rejects.toThrow(/built in: duplicate it to edit/);
    await expect(m.run('deletePreset', { presetId: 'bundled-one', confirm: true })).rejects.toThrow(/only your own can be deleted/);
    const { id } = (await m.run('duplicatePreset', { presetId: 'bundled-one' })).data as { id: string };
    await expect(m.run('deletePreset', { presetId: id })).rejects.toThrow(/confirm/);
    expect(m.catalog().presets.some((p) => p.preset.id === id)).toBe(true);
    await m.run('deletePreset', { presetId: id, confirm: true });
    expect(m.catalog().presets.some((p) => p.preset.id === id)).toBe(false);
    expect(existsSync(join(m.dataDir, 'presets', `${id}.stillroom.json`))).toBe(false);
  });

  it('turns library tracks into references that carry metadata, never paths', async () => {
    const m = await machine({ tracks: CLINIC_A });
    const { refs } = (await m.run('libraryRefs', { trackIds: ['a1', 'nope'] })).data as { refs: unknown[] };
    expect(refs[0]).toEqual({ title: 'Gymnopédie No. 1', artist: 'Erik Satie', durationS: 1.2, isrc: 'FRZ039800212' });
    expect(JSON.stringify(refs)).not.toContain('/music');
    expect(refs[1]).toBeNull();
  });
});

describe('export, signing and import on another machine', () => {
  it('exports by metadata, re-imports on an empty data folder with other files and resolves every track', async () => {
    const a = await machine({ tracks: CLINIC_A });
    const out = await a.run('exportPreset', { presetId: await own(a), format: 'json' });
    expect(out.file?.path).toBe(join(a.dataDir, 'exports', 'bundled-one-copy.stillroom.json'));
    const text = out.file?.data ?? '';
    expect(text).not.toContain('asset');
    expect(text).not.toContain('/music/');
    expect(readFileSync(out.file?.path ?? '', 'utf8')).toBe(text);

    const b = await machine({ tracks: CLINIC_B });
    const view = (await b.run('inspectImport', { name: 'bundled-one.stillroom.json', text }))
      .data as import('../../../electron/host/presets/contract').ImportView;
    expect(view.provenance.status).toBe('unsigned');
    expect(view.report).toMatchObject({ matched: 3, missing: 0, ambiguous: 0 });
    // The sample counts its vitals from the dose, but no phase waits for the dose: said before saving.
    expect(view.planProblems).toEqual([
      expect.stringMatching(/^Reminder 1 “Vitals” counts from the dose, but no phase waits for the dose/),
    ]);
    expect(view.report.rows.map((r) => [r.title, r.how, r.matched?.fileName])).toEqual([
      ['Gymnopédie No. 1', 'isrc', 'satie-gymnopedie-1.mp3'],
      ['Eden', 'tags', 'Hania Rani - Eden.ogg'],
      ['Says', 'tags', 'says (live).mp3'],
    ]);
    const done = (await b.run('completeImport', { importId: view.importId })).data as { id: string };
    expect(b.catalog().presets.find((p) => p.preset.id === done.id)?.origin).toBe('user');
  });

  it('signs with a sealed clinic key; shows an unknown key as a warning, a trusted one as "Signed by", and refuses one changed byte', async () => {
    const vault = Vault.ephemeral();
    const a = await machine({ tracks: CLINIC_A, vault });
    const id = await own(a);
    await expect(a.run('exportPreset', { presetId: id, sign: true })).rejects.toThrow(/Name your clinic first/);
    const who = (await a.run('createClinicIdentity', { clinic: 'Harbour Clinic' })).data as { fingerprint: string };
    const keyFile = readFileSync(join(a.dataDir, 'clinic-key.json'), 'utf8');
    expect(keyFile).toContain('privateKeySealed');
    expect(keyFile).not.toContain('privateKeyPkcs8');
    // The same data folder and vault reopen with the same identity.
    const again = await machine({ dataDir: a.dataDir, vault, tracks: CLINIC_A });
    expect(again.sharing.snapshot().identity).toEqual({ clinic: 'Harbour Clinic', fingerprint: who.fingerprint });
    again.sharing.close();

    const signed = (await a.run('exportPreset', { presetId: id, sign: true })).file?.data ?? '';
    const pub = (await a.run('exportPublicKey', {})).file?.data ?? '';

    const b = await machine({ tracks: CLINIC_B });
    const unknown = (await b.run('inspectImport', { name: 'x.stillroom.json', text: signed })).data as {
      provenance: { status: string; message: string };
    };
    expect(unknown.provenance.status).toBe('unknown-key');
    expect(unknown.provenance.message).toMatch(/not trusted.*Harbour Clinic.*fingerprint/);

    await b.run('trustKey', { text: pub });
    expect(b.sharing.snapshot().trusted.map((k) => k.clinic)).toEqual(['Harbour Clinic']);
    const trusted = (await b.run('inspectImport', { name: 'x.stillroom.json', text: signed })).data as {
      importId: string;
      provenance: { message: string };
    };
    expect(trusted.provenance.message).toBe('Signed by Harbour Clinic');
    const saved = (await b.run('completeImport', { importId: trusted.importId })).data as { id: string };
    // Kept signed on disk: the catalog shows where it came from.
    expect(b.catalog().presets.find((p) => p.preset.id === saved.id)?.provenance?.status).toBe('trusted');

    const i = signed.indexOf('Gymnop');
    const altered = `${signed.slice(0, i)}X${signed.slice(i + 1)}`;
    await expect(b.run('inspectImport', { name: 'x.stillroom.json', text: altered })).rejects.toThrow(
      /altered after signing.*Harbour Clinic/,
    );

    // An altered signed file dropped into the user's folder is refused in the catalog, with the reason.
    writeFileSync(join(b.dataDir, 'presets', 'tampered.stillroom.json'), altered.replace('"bundled-one-copy"', '"tampered-one"'));
    b.sharing.close();
    const b2 = await machine({ dataDir: b.dataDir, tracks: CLINIC_B });
    expect(b2.catalog().problems.some((p) => p.source.endsWith('tampered.stillroom.json') && /changed after/.test(p.message))).toBe(true);

    await b2.run('untrustKey', { publicKey: b2.sharing.snapshot().trusted[0]?.publicKey });
    expect(b2.catalog().presets.find((p) => p.preset.id === saved.id)?.provenance?.status).toBe('unknown-key');
  });

  it('bundles the audio it finds and imports the bundle complete', async () => {
    const dir = tempDir('audio');
    const files = CLINIC_A.map((t, i) => {
      const path = join(dir, `t${i}.flac`);
      writeFileSync(path, Buffer.from(`fake audio ${i}`));
      return { ...t, path };
    });
    const a = await machine({ tracks: files });
    const out = await a.run('exportPreset', { presetId: await own(a), format: 'bundle' });
    expect(out.data).toMatchObject({ audioFiles: 3, missingAudio: 0, signed: false });
    expect(out.file?.name).toBe('bundled-one-copy.stillroom.zip');
    const added: string[] = [];
    const b = await machine({
      addMusicFolder: async (path) => {
        added.push(path);
      },
    });
    const view = (await b.run('inspectImport', { name: 'bundled-one-copy.stillroom.zip', base64: out.file?.data })).data as {
      importId: string;
      kind: string;
      report: { matched: number; rows: Array<{ how: string }> };
    };
    expect(view.kind).toBe('bundle');
    expect(view.report.matched).toBe(3);
    expect(view.report.rows.every((r) => r.how === 'bundle')).toBe(true);
    expect(added).toEqual([]);
    await b.run('completeImport', { importId: view.importId });
    // The bundle's audio joins the library, so a session finds it.
    const audioDir = join(b.dataDir, 'bundles', 'bundled-one-copy', 'audio');
    expect(added).toEqual([audioDir]);
    expect(readdirSync(audioDir)).toHaveLength(3);
  });

  it('fixes a missing track by hand and remembers the fix for the next import', async () => {
    const tracks = [
      ...CLINIC_B.slice(0, 2),
      libTrack('b9', '/srv/other/frahm-says-remaster.flac', 'Says (2019 remaster)', 'N. Frahm', 260),
    ];
    const a = await machine({ tracks: CLINIC_A });
    const text = (await a.run('exportPreset', { presetId: await own(a) })).file?.data ?? '';
    const b = await machine({ tracks });
    const first = (await b.run('inspectImport', { name: 'p.stillroom.json', text }))
      .data as import('../../../electron/host/presets/contract').ImportView;
    expect(first.report.missing).toBe(1);
    const row = first.report.rows.find((r) => r.status === 'missing');
    expect(row?.note).toMatch(/no file with this title, artist and a duration within ±3 s/);
    expect(row?.candidates.map((c) => c.trackId)).toEqual(['b9']);
    const fixed = (
      await b.run('fixImportTrack', { importId: first.importId, phaseIndex: row?.phaseIndex, trackIndex: row?.trackIndex, trackId: 'b9' })
    ).data as import('../../../electron/host/presets/contract').ImportView;
    expect(fixed.report).toMatchObject({ matched: 3, missing: 0 });
    expect(fixed.report.rows.find((r) => r.title === 'Says')).toMatchObject({
      how: 'manual',
      matched: { fileName: 'frahm-says-remaster.flac' },
    });
    await expect(b.run('fixImportTrack', { importId: first.importId, phaseIndex: 0, trackIndex: 0, trackId: 'gone' })).rejects.toThrow(
      /missing or unreadable/,
    );

    const b2 = await machine({ tracks, dataDir: b.dataDir });
    b.sharing.close();
    const second = (await b2.run('inspectImport', { name: 'p.stillroom.json', text }))
      .data as import('../../../electron/host/presets/contract').ImportView;
    expect(second.report.rows.find((r) => r.title === 'Says')?.how).toBe('manual');
  });
});

describe('names people see: keep both, export file names, one’s own preset imported again', () => {
  type View = import('../../../electron/host/presets/contract').ImportView;

  it('keeps both with a name of its own (“… (2)”, then “… (3)”) and an id of its own', async () => {
    const m = await machine({ tracks: CLINIC_A });
    const id = await own(m);
    const text = (await m.run('exportPreset', { presetId: id, format: 'json' })).file?.data ?? '';
    const saved: Array<{ id: string; name: string; renamedFrom: string | null }> = [];
    for (let i = 0; i < 2; i++) {
      const view = (await m.run('inspectImport', { name: 'x.stillroom.json', text })).data as View;
      expect(view.idTaken).toBe(true);
      saved.push((await m.run('completeImport', { importId: view.importId, onConflict: 'keep-both' })).data as (typeof saved)[number]);
    }
    expect(saved).toEqual([
      { id: 'bundled-one-copy-2', name: 'Bundled one (copy) (2)', renamedFrom: 'bundled-one-copy' },
      { id: 'bundled-one-copy-3', name: 'Bundled one (copy) (3)', renamedFrom: 'bundled-one-copy' },
    ]);
    const names = m.catalog().presets.map((p) => p.preset.name);
    expect(new Set(names).size).toBe(names.length);
    // Replacing keeps the name it came with, and makes no second preset.
    const view = (await m.run('inspectImport', { name: 'x.stillroom.json', text })).data as View;
    expect((await m.run('completeImport', { importId: view.importId, onConflict: 'replace' })).data).toEqual({
      id: 'bundled-one-copy',
      name: 'Bundled one (copy)',
      renamedFrom: null,
    });
    expect(m.catalog().presets).toHaveLength(4);
  });

  it('names an exported file after the preset’s current name, not the id it was made with', async () => {
    const m = await machine();
    const id = await own(m);
    const preset = ((await m.run('getPreset', { presetId: id })).data as { preset: Preset }).preset;
    (preset.phases[0] as Preset['phases'][number]).untilDose = true;
    await m.run('savePreset', { preset: { ...preset, name: 'Évening — IM, 2 h' } });
    const plain = await m.run('exportPreset', { presetId: id, format: 'json' });
    expect(plain.file?.name).toBe('evening-im-2-h.stillroom.json');
    expect(plain.file?.path).toBe(join(m.dataDir, 'exports', 'evening-im-2-h.stillroom.json'));
    await m.run('createClinicIdentity', { clinic: 'Harbour' });
    const signed = await m.run('exportPreset', { presetId: id, format: 'json', sign: true });
    expect(signed.file?.name).toBe('evening-im-2-h-signed.stillroom.json');
    // A name with nothing to spell a file with falls back to the id.
    await m.run('savePreset', { preset: { ...preset, name: 'Ψυχή' } });
    expect((await m.run('exportPreset', { presetId: id, format: 'json' })).file?.name).toBe(`${id}.stillroom.json`);
  });

  it('finds a re-imported preset’s tracks on this machine, the app’s own audio included, and plays them from there again', async () => {
    // The sample's "Eden" is the app's own demo file; the other two are in the library.
    const m = await machine({ tracks: [CLINIC_A[0], CLINIC_A[2]] as LibraryTrack[], assets: ['demo-audio/01-morning-field.ogg'] });
    const id = await own(m);
    const text = (await m.run('exportPreset', { presetId: id, format: 'json' })).file?.data ?? '';
    expect(text).not.toContain('asset');
    const view = (await m.run('inspectImport', { name: 'mine.stillroom.json', text })).data as View;
    expect(view.report).toMatchObject({ matched: 3, missing: 0, ambiguous: 0 });
    expect(view.report.rows.map((r) => [r.title, r.status, r.how, r.matched?.fileName])).toEqual([
      ['Gymnopédie No. 1', 'matched', 'isrc', '01.flac'],
      ['Eden', 'matched', 'app', '01-morning-field.ogg'],
      ['Says', 'matched', 'tags', 'says.flac'],
    ]);
    expect(view.strippedAssets).toBe(0);
    const done = (await m.run('completeImport', { importId: view.importId, onConflict: 'keep-both' })).data as { id: string };
    const saved = m.catalog().presets.find((p) => p.preset.id === done.id)?.preset;
    expect(saved?.phases[0]?.playlist[1]).toMatchObject({ title: 'Eden', asset: 'demo-audio/01-morning-field.ogg' });
    expect(saved?.phases[0]?.playlist[0]?.asset).toBeUndefined();

    // Without the file in this installation, it is missing as before (never a path from the file).
    const other = await machine({ tracks: [CLINIC_A[0], CLINIC_A[2]] as LibraryTrack[] });
    const v2 = (await other.run('inspectImport', { name: 'mine.stillroom.json', text })).data as View;
    expect(v2.report.rows.map((r) => r.status)).toEqual(['matched', 'missing', 'matched']);
  });
});

describe('hostile files', () => {
  it('refuses oversized, unknown-version, polluting and malformed files with a reason, and saves nothing', async () => {
    const m = await machine();
    const valid = JSON.parse(JSON.stringify(samplePreset())) as Record<string, unknown>;
    await expect(m.run('inspectImport', { name: 'big.json', text: ' '.repeat(3 * 1024 * 1024 + 1) })).rejects.toThrow(/text/);
    const big = join(tempDir('big'), 'big.stillroom.json');
    writeFileSync(big, `${JSON.stringify(valid)}${' '.repeat(3 * 1024 * 1024)}`);
    await expect(m.run('inspectImport', { name: 'big.stillroom.json', path: big })).rejects.toThrow(
      /not imported: \(file\): \d+ bytes, larger than 3 MiB/,
    );
    await expect(
      m.run('inspectImport', { name: 'v9.json', text: JSON.stringify({ ...valid, format: 'stillroom.preset/9' }) }),
    ).rejects.toThrow(/newer than this version of Stillroom understands.*please update Stillroom/);
    const polluting = JSON.stringify(valid).replace('{', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},');
    await expect(m.run('inspectImport', { name: 'p.json', text: polluting })).rejects.toThrow(
      /not imported: .*unknown fields "__proto__" or "constructor" — remove them/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expect(m.run('inspectImport', { name: 'bad.json', text: '{"format":"stillroom.preset/1",' })).rejects.toThrow(/not valid JSON/);
    const badPhase = structuredClone(valid) as { phases: Array<Record<string, unknown>> };
    badPhase.phases = badPhase.phases.map((ph, i) => (i === 0 ? { ...ph, plannedMin: -5 } : ph));
    await expect(m.run('inspectImport', { name: 'neg.json', text: JSON.stringify(badPhase) })).rejects.toThrow(/phases\[0\]\.plannedMin/);
    await expect(
      m.run('inspectImport', { name: 'x.zip', base64: Buffer.from('PK\u0003\u0004garbage').toString('base64') }),
    ).rejects.toThrow(/x\.zip was not imported: .*not a zip file, or a damaged one/);
    expect(validateCommand('inspectImport', { name: 'a', text: '{}', path: '/etc/passwd' })).toMatchObject({ ok: false });
    // Any file by path: refused by its name unless it is a preset or bundle, and never quoted back.
    await expect(m.run('inspectImport', { name: 'passwd', path: '/etc/passwd' })).rejects.toThrow(
      /choose a Stillroom preset \(\.stillroom\.json\) or bundle/,
    );
    const secretish = join(m.dataDir, 'notes.json');
    writeFileSync(secretish, 'root:x:0:0:Alex Doe private text');
    const refusal = await m.run('inspectImport', { name: 'notes.json', path: secretish }).catch((e: Error) => e.message);
    expect(String(refusal)).toMatch(/not valid JSON/);
    expect(String(refusal)).not.toMatch(/root|Alex|private/);
    expect(existsSync(join(m.dataDir, 'presets'))).toBe(false);
    expect(m.catalog().presets).toHaveLength(1);
  });
});

describe('the clinic folder', () => {
  it('lists the folder’s presets, follows changes, remembers the folder and refuses what is not a folder', async () => {
    const watch = manualWatch();
    const m = await machine({ watch });
    const folder = tempDir('clinic');
    await expect(m.run('setClinicFolder', { path: join(folder, 'nope') })).rejects.toThrow(/is not a folder Stillroom can read/);
    await m.run('setClinicFolder', { path: folder });
    expect(m.sharing.snapshot().clinicFolder).toBe(folder);
    expect(m.catalog().presets.filter((p) => p.origin === 'clinic')).toHaveLength(0);

    writeFileSync(join(folder, 'shared.stillroom.json'), JSON.stringify(samplePreset({ id: 'shared-one', name: 'Shared one' })));
    const before = m.changes();
    watch.emit({ kind: 'add', path: join(folder, 'shared.stillroom.json') });
    await expect.poll(() => m.catalog().presets.find((p) => p.preset.id === 'shared-one')?.origin, { timeout: 3000 }).toBe('clinic');
    expect(m.changes()).toBeGreaterThan(before);
    // Read-only: edit a copy.
    await expect(m.run('savePreset', { preset: samplePreset({ id: 'shared-one', name: 'x' }) })).rejects.toThrow(/the clinic’s: duplicate/);

    writeFileSync(join(folder, 'broken.stillroom.json'), '{"format":"stillroom.preset/1"');
    watch.emit({ kind: 'add', path: join(folder, 'broken.stillroom.json') });
    await expect.poll(() => m.catalog().problems.some((p) => p.source.endsWith('broken.stillroom.json')), { timeout: 3000 }).toBe(true);

    // Publishing one's own preset: written atomically into the folder, signed, listed once.
    const mine = await own(m);
    await expect(m.run('publishPreset', { presetId: mine, sign: true })).rejects.toThrow(/Name your clinic first/);
    await m.run('createClinicIdentity', { clinic: 'Harbour Clinic' });
    const pub = (await m.run('publishPreset', { presetId: mine, sign: true })).data as { path: string; signed: boolean };
    expect(pub).toEqual({ path: join(folder, `${mine}.stillroom.json`), signed: true });
    expect(JSON.parse(readFileSync(pub.path, 'utf8')).signature.clinic).toBe('Harbour Clinic');
    expect(
      m
        .catalog()
        .presets.filter((p) => p.preset.id === mine)
        .map((p) => p.origin),
    ).toEqual(['user']);
    expect(m.catalog().problems.filter((p) => p.source === pub.path)).toEqual([]);
    await expect(m.run('publishPreset', { presetId: 'shared-one' })).rejects.toThrow(/already in the clinic folder/);

    const reopened = await machine({ dataDir: m.dataDir, watch: manualWatch() });
    m.sharing.close();
    expect(reopened.sharing.snapshot().clinicFolder).toBe(folder);
    expect(reopened.catalog().presets.some((p) => p.preset.id === 'shared-one' && p.origin === 'clinic')).toBe(true);
    await reopened.run('setClinicFolder', { path: null });
    expect(reopened.catalog().presets.some((p) => p.origin === 'clinic')).toBe(false);
  });
});

describe('hand fixes shared with the library', () => {
  it('remembers a fix through the library, so session start resolves the same file', async () => {
    const a = await machine({ tracks: CLINIC_A });
    const text = (await a.run('exportPreset', { presetId: await own(a) })).file?.data ?? '';
    const tracks = [...CLINIC_B.slice(0, 2), libTrack('b9', '/srv/other/frahm.flac', 'Says (2019 remaster)', 'N. Frahm', 260)];
    const fixes = new Map<string, string>();
    const calls: Array<[string, string | null]> = [];
    const library = {
      ...fakeLibrary(tracks),
      manualFixes: () => fixes,
      setManualFix: async (ref: { title: string }, trackId: string | null) => {
        calls.push([ref.title, trackId]);
        if (trackId) fixes.set(`key:${ref.title}`, trackId);
      },
    };
    const dataDir = tempDir('data');
    let catalog: PresetCatalog = { presets: [], problems: [] };
    const holder: { s: HostSharing | null } = { s: null };
    const b = new HostSharing({
      dataDir,
      appRoot: tempDir('app'),
      settings: confSettings(dataDir),
      vault: null,
      library,
      presets: () => catalog,
      clock: Date.now,
      log: () => undefined,
      onChange: () => undefined,
      reloadPresets: () => {
        if (holder.s) catalog = holder.s.loadCatalog();
      },
    });
    holder.s = b;
    opened.push(b);
    await b.whenReady();
    const v = validateCommand('inspectImport', { name: 'p.stillroom.json', text });
    if (!v.ok) throw new Error(v.error);
    const first = (await runHandler(b.commands, 'inspectImport', v.args as never))
      ?.data as import('../../../electron/host/presets/contract').ImportView;
    const row = first.report.rows.find((r) => r.status === 'missing');
    const f = validateCommand('fixImportTrack', {
      importId: first.importId,
      phaseIndex: row?.phaseIndex,
      trackIndex: row?.trackIndex,
      trackId: 'b9',
    });
    if (!f.ok) throw new Error(f.error);
    const fixed = (await runHandler(b.commands, 'fixImportTrack', f.args as never))
      ?.data as import('../../../electron/host/presets/contract').ImportView;
    expect(calls).toEqual([['Says', 'b9']]);
    expect(fixed.report.missing).toBe(0);
    // Nothing written beside the library's own file.
    expect(existsSync(join(dataDir, 'track-fixes.json'))).toBe(false);
  });
});

describe('fuzzing the host module', () => {
  it('answers every mutated shared file with a report or a readable refusal, and saves nothing before “Save”', async () => {
    const a = await machine({ tracks: CLINIC_A });
    const id = await own(a);
    await a.run('createClinicIdentity', { clinic: 'Harbour Clinic' });
    const signed = (await a.run('exportPreset', { presetId: id, sign: true })).file?.data ?? '';
    const b = await machine({ tracks: CLINIC_B });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: signed.length - 1 }), fc.integer({ min: 32, max: 126 }), fc.boolean(), async (at, code, cut) => {
        const text = cut ? signed.slice(0, at) : `${signed.slice(0, at)}${String.fromCharCode(code)}${signed.slice(at + 1)}`;
        try {
          const view = (await b.run('inspectImport', { name: 'f.stillroom.json', text })).data as { report: { rows: unknown[] } };
          expect(view.report.rows.length).toBeGreaterThanOrEqual(0);
        } catch (err) {
          expect(err).toBeInstanceOf(Refusal);
          expect((err as Error).message).toMatch(/^f\.stillroom\.json was not imported: \S/);
        }
      }),
      { numRuns: 1500 },
    );
    expect(existsSync(join(b.dataDir, 'presets'))).toBe(false);
  });

  it('saves an edited preset only when it is valid, and every refusal names the field', async () => {
    const m = await machine();
    const id = await own(m);
    const base = ((await m.run('getPreset', { presetId: id })).data as { preset: Preset }).preset;
    (base.phases[0] as Preset['phases'][number]).untilDose = true; // the sample's dose reminder needs it
    const file = join(m.dataDir, 'presets', `${id}.stillroom.json`);
    const field = fc.constantFrom('name', 'plannedMin', 'crossfadeS', 'volume', 'runOut', 'kind', 'playlist', '__proto__', 'extra');
    const value = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.double(),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.anything(), { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: base.phases.length - 1 }), field, value, async (phase, key, v) => {
        const draft = JSON.parse(JSON.stringify(base)) as { phases: Array<Record<string, unknown>> };
        const target = draft.phases[phase] ?? {};
        Object.defineProperty(target, key, { value: v, enumerable: true, configurable: true, writable: true });
        const before = readFileSync(file, 'utf8');
        try {
          await m.run('savePreset', { preset: draft });
          // Accepted: what is on disk is a valid preset again.
          expect(m.catalog().problems).toEqual([]);
        } catch (err) {
          expect((err as Error).message).toMatch(/^The preset was not saved \(nothing changed\): Phase \d+( “[^”]*”)?(, track \d+)?[:,] /);
          expect((err as Error).message).not.toMatch(/expected|received|invalid_|too_(small|big)/i);
          expect(readFileSync(file, 'utf8')).toBe(before);
        }
      }),
      { numRuns: 400 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('listening to a track before a session', () => {
  it('serves only the chosen library file, under a one-off id, and never while a session runs', async () => {
    let running = false;
    const m = await machine({ tracks: CLINIC_A, sessionRunning: () => running });
    const ref = { title: 'Eden', artist: 'Hania Rani', durationS: 1.8 };
    const r = (await m.run('auditionTrack', { ref })).data as { mediaId: string; fileName: string };
    expect(r.fileName).toBe('eden.flac');
    expect(m.sharing.auditionFile(r.mediaId)).toBe('/music/a/Rani/eden.flac');
    expect(m.sharing.auditionFile('1-eden')).toBeNull();
    // A second track replaces the first: one id at a time.
    const next = (await m.run('auditionTrack', { ref: { title: 'Says', artist: 'Nils Frahm', durationS: 2.2 } })).data as {
      mediaId: string;
    };
    expect(m.sharing.auditionFile(r.mediaId)).toBeNull();
    expect(m.sharing.auditionFile(next.mediaId)).toBe('/music/a/Frahm/says.flac');
    await expect(m.run('auditionTrack', { ref: { title: 'Nowhere', artist: 'Nobody', durationS: 60 } })).rejects.toThrow(
      /“Nowhere” is not in your library/,
    );
    running = true;
    expect(m.sharing.auditionFile(next.mediaId)).toBeNull();
    await expect(m.run('auditionTrack', { ref })).rejects.toThrow(/off while a session runs/);
    running = false;
    await m.run('auditionTrack', { ref: null });
    expect(m.sharing.auditionFile(next.mediaId)).toBeNull();
  });
});

describe('a signing key that cannot be opened', () => {
  it('says so and never replaces it', async () => {
    const a = await machine({ vault: Vault.ephemeral() });
    await a.run('createClinicIdentity', { clinic: 'Harbour Clinic' });
    const before = readFileSync(join(a.dataDir, 'clinic-key.json'), 'utf8');
    a.sharing.close();
    // Another vault (a lost keychain entry): the sealed key cannot be opened.
    const b = await machine({ dataDir: a.dataDir, vault: Vault.ephemeral() });
    expect(b.sharing.snapshot().identity).toBeNull();
    expect(b.sharing.snapshot().identityProblem).toMatch(/signing key cannot be read/);
    await expect(b.run('createClinicIdentity', { clinic: 'Other' })).rejects.toThrow(/move clinic-key\.json out of the data folder first/);
    expect(readFileSync(join(a.dataDir, 'clinic-key.json'), 'utf8')).toBe(before);
  });
});
