/**
 * The host's library module: folders added and removed, scanning in the background with
 * progress published, search with durations/loudness/missing, lookups for presets, playlist
 * import, and the clear refusals a person reads when a path or a file is wrong.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runHandler } from '../../../electron/host/command';
import type { HostSnapshot } from '../../../electron/host/contract';
import { StillroomHost } from '../../../electron/host/host';
import { HostLibrary, type HostLibraryOptions } from '../../../electron/host/library';
import type { LibrarySnapshot } from '../../../electron/host/library/contract';
import { readTrackTags } from '../../../electron/services/library/tags';
import { LoudnessCache } from '../../../electron/services/loudness';
import { confSettings } from '../../../electron/services/settings';
import { toneWav } from '../../fixtures/audio';
import { id3v2Tag, wavWithId3 } from '../../fixtures/library-gen';

interface Song {
  rel: string;
  title: string;
  artist: string;
  album?: string;
  isrc?: string;
  seconds: number;
}

const SONGS: Song[] = [
  { rel: 'Satie/01 Gymnopedie.wav', title: 'Gymnopédie No. 1', artist: 'Erik Satie', album: 'Piano', isrc: 'FRZ039800212', seconds: 3 },
  { rel: 'Satie/02 Gnossienne.wav', title: 'Gnossienne No. 1', artist: 'Erik Satie', album: 'Piano', seconds: 4 },
  { rel: 'Eno/Airports.wav', title: '1/1', artist: 'Brian Eno', album: 'Ambient 1', seconds: 5 },
  { rel: 'Rani/Eden.wav', title: 'Eden', artist: 'Hania Rani', album: 'Esja', seconds: 2 },
];

function writeSong(root: string, s: Song): string {
  const path = join(root, s.rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, wavWithId3(toneWav(s.seconds, 440, 0.1, 8000), id3v2Tag(s)));
  return path;
}

let root: string;
let music: string;
let dataDir: string;
let published: LibrarySnapshot[];
const open: HostLibrary[] = [];

async function openLibrary(extra: Partial<HostLibraryOptions> = {}): Promise<HostLibrary> {
  let lib: HostLibrary | null = null;
  lib = await HostLibrary.open({
    dataDir,
    appRoot: root,
    settings: confSettings(dataDir),
    clock: Date.now,
    log: () => undefined,
    onChange: () => {
      if (lib) published.push(lib.snapshot());
    },
    reloadPresets: () => undefined,
    watchFactory: null,
    ...extra,
  });
  open.push(lib);
  return lib;
}

async function expectRefusal(p: Promise<unknown>, text: RegExp): Promise<void> {
  await expect(p).rejects.toThrow(text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'stillroom-hostlib-'));
  music = join(root, 'Music');
  dataDir = join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  for (const s of SONGS) writeSong(music, s);
  published = [];
});

afterEach(async () => {
  for (const l of open.splice(0)) {
    l.close();
    await l.whenIdle();
  }
  rmSync(root, { recursive: true, force: true });
});

describe('folders and scanning', () => {
  it('answers at once, scans in the background with progress published, and persists the index', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const lib = await openLibrary({
      publishMs: 0,
      readTags: async (p) => {
        await gate;
        return readTrackTags(p);
      },
    });
    await runHandler(lib.commands, 'addLibraryFolder', { path: `${music}/` });
    // The command answered while every file is still waiting to be read.
    expect(lib.snapshot().folders).toEqual([music]);
    expect(lib.snapshot().trackCount).toBe(0);
    release();
    await lib.whenIdle();
    const snap = lib.snapshot();
    expect(snap.trackCount).toBe(SONGS.length);
    expect(snap.scanning).toBeNull();
    expect(snap.lastScan).toBe('Scan finished: 4 tracks added.');
    const progress = published.map((s) => s.scanning).filter((s) => s !== null);
    expect(progress.some((s) => s?.stage === 'reading' && s.total === SONGS.length && s.done > 0)).toBe(true);
    expect(published[published.length - 1]?.scanning).toBeNull();

    // Reopened: the folder and the tracks are remembered.
    lib.close();
    await lib.whenIdle();
    const again = await openLibrary();
    expect(again.snapshot().folders).toEqual([music]);
    expect(again.snapshot().trackCount).toBe(SONGS.length);
    await again.whenIdle();
  });

  it('publishes scan progress at most about four times a second', async () => {
    const many = join(root, 'Many');
    for (let i = 0; i < 64; i++) writeSong(many, { rel: `t${i}.wav`, title: `Tone ${i}`, artist: 'Gen', seconds: 1 });
    const progress: Array<{ at: number; done: number }> = [];
    let lib: HostLibrary | null = null;
    lib = await openLibrary({
      onChange: () => {
        const s = lib?.snapshot().scanning;
        // (The publication when the scan's result lands is a change, not progress: left out.)
        if (s?.stage === 'reading' && s.done < s.total) progress.push({ at: performance.now(), done: s.done });
      },
      // 64 files, 8 at a time, 60 ms each: about half a second of reading. Real time is the
      // subject here: the host throttles publication by the clock (performance.now), not by a timer it is given.
      readTags: async (p) => {
        await new Promise((r) => setTimeout(r, 60));
        return readTrackTags(p);
      },
    });
    await runHandler(lib.commands, 'addLibraryFolder', { path: many });
    await lib.whenIdle();
    expect(lib.snapshot().trackCount).toBe(64);
    // Progress was shown while reading, and counts went up…
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    // …but never faster than every 250 ms (a little slack for timers).
    const gaps = progress.slice(1).map((p, i) => p.at - (progress[i] as { at: number }).at);
    expect(Math.min(...gaps)).toBeGreaterThan(230);
  });

  it('removes a folder and forgets its tracks (the files stay)', async () => {
    const other = join(root, 'Other');
    writeSong(other, { rel: 'x.wav', title: 'Elsewhere', artist: 'Someone', seconds: 2 });
    const lib = await openLibrary();
    await runHandler(lib.commands, 'addLibraryFolder', { path: music });
    await runHandler(lib.commands, 'addLibraryFolder', { path: other });
    await lib.whenIdle();
    expect(lib.snapshot().trackCount).toBe(5);
    await runHandler(lib.commands, 'removeLibraryFolder', { path: music });
    expect(lib.snapshot().folders).toEqual([other]);
    await lib.whenIdle();
    expect(lib.snapshot().trackCount).toBe(1);
    expect(lib.snapshot().lastScan).toBe(`Removed ${music} from the library; the files themselves are untouched.`);
    expect((await lib.search('satie')).total).toBe(0);
    await expectRefusal(runHandler(lib.commands, 'removeLibraryFolder', { path: music }), /is not one of the library's folders/);
  });

  it('removing a folder during a scan does not wait for the scan, and the rest is still scanned', async () => {
    const other = join(root, 'Other');
    for (let i = 0; i < 3; i++) writeSong(other, { rel: `o${i}.wav`, title: `Other ${i}`, artist: 'Someone', seconds: 2 });
    // Reading tags waits at a gate the test opens: the scan is surely still running while the folder is removed.
    let open = (): void => undefined;
    const gate = new Promise<void>((done) => {
      open = done;
    });
    let reading = (): void => undefined;
    const scanning = new Promise<void>((done) => {
      reading = done;
    });
    const lib = await openLibrary({
      readTags: async (p) => {
        reading();
        await gate;
        return readTrackTags(p);
      },
    });
    await runHandler(lib.commands, 'addLibraryFolder', { path: music });
    await runHandler(lib.commands, 'addLibraryFolder', { path: other });
    await scanning;
    // Answered while the scan still waits at the gate: removing never waits for a scan.
    await runHandler(lib.commands, 'removeLibraryFolder', { path: music });
    expect(lib.snapshot().folders).toEqual([other]);
    expect(lib.snapshot().scanning).not.toBeNull();
    open();
    await lib.whenIdle();
    expect(lib.snapshot().folders).toEqual([other]);
    expect(lib.snapshot().trackCount).toBe(3);
    expect((await lib.search('other')).total).toBe(3);
    expect(lib.snapshot().scanning).toBeNull();
  });

  it('adding a folder that holds library folders takes them in, keeping their tracks', async () => {
    const lib = await openLibrary();
    await runHandler(lib.commands, 'addLibraryFolder', { path: join(music, 'Satie') });
    await runHandler(lib.commands, 'addLibraryFolder', { path: join(music, 'Eno') });
    await lib.whenIdle();
    expect(lib.snapshot().trackCount).toBe(3);
    await runHandler(lib.commands, 'addLibraryFolder', { path: music });
    expect(lib.snapshot().folders).toEqual([music]);
    await lib.whenIdle();
    expect(lib.snapshot().folders).toEqual([music]);
    expect(lib.snapshot().trackCount).toBe(SONGS.length);
    expect(lib.snapshot().missingCount).toBe(0);
  });

  it('marks a deleted file missing after a rescan instead of dropping it', async () => {
    const lib = await openLibrary();
    await runHandler(lib.commands, 'addLibraryFolder', { path: music });
    await lib.whenIdle();
    unlinkSync(join(music, SONGS[3]?.rel ?? ''));
    await runHandler(lib.commands, 'rescanLibrary', {});
    await lib.whenIdle();
    expect(lib.snapshot().missingCount).toBe(1);
    expect(lib.snapshot().lastScan).toMatch(/1 now missing/);
    const hit = (await lib.search('eden')).tracks[0];
    expect(hit?.missing).toBe(true);
    expect(lib.lookup({ title: 'Eden', artist: 'Hania Rani', durationS: 2 })).toBeNull();
  });

  it('says clearly when a folder does not exist, is a file, is already there, or went offline', async () => {
    const lib = await openLibrary();
    await expectRefusal(runHandler(lib.commands, 'addLibraryFolder', { path: join(root, 'nope') }), /There is no folder at .*nope/);
    await expectRefusal(
      runHandler(lib.commands, 'addLibraryFolder', { path: join(music, SONGS[0]?.rel ?? '') }),
      /is a file, not a folder/,
    );
    await runHandler(lib.commands, 'addLibraryFolder', { path: music });
    await expectRefusal(runHandler(lib.commands, 'addLibraryFolder', { path: music }), /already in the library/);
    await expectRefusal(
      runHandler(lib.commands, 'addLibraryFolder', { path: join(music, 'Satie') }),
      /already part of the library, inside/,
    );
    await lib.whenIdle();
    rmSync(music, { recursive: true, force: true });
    await runHandler(lib.commands, 'rescanLibrary', {});
    await lib.whenIdle();
    expect(lib.snapshot().problem).toMatch(/could not be read .*tracks are marked missing/);
    expect(lib.snapshot().missingCount).toBe(SONGS.length);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it may not read', async () => {
    const locked = join(root, 'Locked');
    mkdirSync(locked);
    chmodSync(locked, 0o000);
    const lib = await openLibrary();
    await expectRefusal(runHandler(lib.commands, 'addLibraryFolder', { path: locked }), /could not be read: permission denied/);
    chmodSync(locked, 0o700);
  });

  it('refuses a rescan with no folders, in words', async () => {
    const lib = await openLibrary();
    await expectRefusal(runHandler(lib.commands, 'rescanLibrary', {}), /no folders to scan yet/);
  });
});

describe('adding what was picked or dropped', () => {
  it('adds folders and single music files together, skips the rest with reasons, and removes a single file', async () => {
    const lib = await openLibrary({ publishMs: 0 });
    const loose = join(root, 'Loose');
    const single = writeSong(loose, { rel: 'Drone.wav', title: 'Drone', artist: 'Anon', seconds: 2 });
    writeFileSync(join(loose, 'list.m3u8'), '#EXTM3U\n');
    writeFileSync(join(loose, 'notes.txt'), 'not music');
    const r = await runHandler(lib.commands, 'addToLibrary', {
      paths: [
        join(music, 'Satie'),
        single,
        join(loose, 'list.m3u8'),
        join(loose, 'notes.txt'),
        join(root, 'nowhere'),
        join(music, 'Satie'),
      ],
    });
    const data = r?.data as { folders: string[]; files: string[]; skipped: Array<{ path: string; reason: string }> };
    expect(data.folders).toEqual([join(music, 'Satie')]);
    expect(data.files).toEqual([single]);
    expect(data.skipped.map((s) => [s.path, s.reason])).toEqual([
      [join(loose, 'list.m3u8'), expect.stringMatching(/playlist: import it in Presets/)],
      [join(loose, 'notes.txt'), expect.stringMatching(/not a music file/)],
      [join(root, 'nowhere'), expect.stringMatching(/not found/)],
    ]);
    await lib.whenIdle();
    let snap = lib.snapshot();
    expect(snap.folders).toEqual([join(music, 'Satie')]);
    expect(snap.files).toEqual([single]);
    expect(snap.trackCount).toBe(3);
    // The folder's scan and the file's read ran together: told as one.
    expect(snap.lastScan).toBe('Scan finished: 3 tracks added.');
    const found = await lib.search('Drone');
    expect(found.tracks.map((t) => t.title)).toEqual(['Drone']);

    // A file inside a library folder, or added twice, is already there.
    await expectRefusal(
      runHandler(lib.commands, 'addToLibrary', { paths: [join(music, 'Satie', '01 Gymnopedie.wav'), single] }),
      /Nothing was added\. 01 Gymnopedie\.wav: already in the library, inside .*Satie; Drone\.wav: already in the library\./,
    );

    await runHandler(lib.commands, 'removeLibraryFile', { path: single });
    await lib.whenIdle();
    snap = lib.snapshot();
    expect(snap.files).toEqual([]);
    expect(snap.trackCount).toBe(2);
    expect(snap.lastScan).toMatch(/Removed Drone\.wav from the library; the file itself is untouched/);
    await expectRefusal(runHandler(lib.commands, 'removeLibraryFile', { path: single }), /is not one of the files added on their own/);
  });

  it('a folder dropped with a folder inside it is added once', async () => {
    const lib = await openLibrary({ publishMs: 0 });
    const r = await runHandler(lib.commands, 'addToLibrary', { paths: [music, join(music, 'Eno')] });
    expect((r?.data as { folders: string[] } | undefined)?.folders).toEqual([music]);
    await lib.whenIdle();
    expect(lib.snapshot().folders).toEqual([music]);
    expect(lib.snapshot().trackCount).toBe(SONGS.length);
  });
});

describe('search', () => {
  it('finds by artist with durations, loudness when known, and lists everything for an empty query', async () => {
    const lib = await openLibrary();
    await runHandler(lib.commands, 'addLibraryFolder', { path: music });
    await lib.whenIdle();
    const satie = await lib.search('satie', 10);
    expect(satie.total).toBe(2);
    expect(satie.tracks.map((t) => t.title).sort()).toEqual(['Gnossienne No. 1', 'Gymnopédie No. 1']);
    const gym = satie.tracks.find((t) => t.title.startsWith('Gym'));
    expect(gym?.durationSec).toBeCloseTo(3, 1);
    expect(gym?.loudnessLufs).toBeNull();
    expect(gym?.path).toBe(join(music, SONGS[0]?.rel ?? ''));

    // The audio module measured one file: its loudness shows.
    const { cache } = await LoudnessCache.open(dataDir);
    const track = lib.music().byPath(gym?.path ?? '');
    if (!track) throw new Error('track not in library');
    cache.store(
      {
        file: track.path,
        ok: true,
        result: {
          file: track.path,
          integratedLufs: -23.4,
          loudnessRangeLu: 2,
          truePeakDbtp: -10,
          cueInS: 0,
          cueOutS: 3,
          durationS: 3,
          sampleRate: 8000,
          channels: 1,
          replayGain: null,
          decodeWarnings: 0,
        },
      },
      { size: track.size, mtimeMs: track.mtimeMs },
    );
    await cache.save();
    const again = await openLibrary();
    await again.whenIdle();
    const measured = (await again.search('gymnopedie')).tracks[0];
    expect(measured?.loudnessLufs).toBe(-23.4);
    expect(measured?.loudnessFrom).toBe('measured');

    const all = await lib.search('', 3);
    expect(all.total).toBe(SONGS.length);
    expect(all.tracks).toHaveLength(3);
    expect(all.tracks[0]?.title).toBe('1/1');
  });
});

describe('lookup for presets', () => {
  it('finds by ISRC, then title + artist within ±3 s, and honours a hand fix', async () => {
    const lib = await openLibrary();
    await runHandler(lib.commands, 'addLibraryFolder', { path: music });
    await lib.whenIdle();
    const gym = join(music, SONGS[0]?.rel ?? '');
    const gno = join(music, SONGS[1]?.rel ?? '');
    // ISRC wins over a different title.
    expect(lib.lookup({ title: 'Something else', artist: 'Nobody', durationS: 100, isrc: 'FRZ039800212' })).toBe(gym);
    // Tags, with accents and case normalised, duration 2.9 s off: still the file.
    expect(lib.lookup({ title: 'gnossienne no 1', artist: 'ERIK SATIE', durationS: 6.9 })).toBe(gno);
    // 3.5 s off: not the same recording.
    expect(lib.lookup({ title: 'Gnossienne No. 1', artist: 'Erik Satie', durationS: 7.5 })).toBeNull();
    const ref = { title: 'Gnossienne (live)', artist: 'Erik Satie', durationS: 200 };
    expect(lib.resolveRefs([ref])[0]).toEqual({ file: null, how: 'none', trackId: null });
    const id = lib.music().byPath(gno)?.id ?? '';
    await lib.setManualFix(ref, id);
    expect(lib.resolveRefs([ref])[0]).toEqual({ file: gno, how: 'manual', trackId: id });
    expect(lib.resolveRefs([{ title: 'x', artist: '', durationS: 1, isrc: 'FRZ039800212' }])[0]?.how).toBe('isrc');
    expect(lib.resolveRefs([{ title: 'Eden', artist: 'Hania Rani', durationS: 2 }])[0]?.how).toBe('tags');
    await expectRefusal(lib.setManualFix(ref, 'no-such-id'), /no longer in the library/);

    // The fix is remembered on this machine.
    lib.close();
    await lib.whenIdle();
    const again = await openLibrary();
    expect(again.lookup(ref)).toBe(gno);
    await again.setManualFix(ref, null);
    expect(again.lookup(ref)).toBeNull();
  });
});

describe('playlist import', () => {
  it('resolves relative paths, file URLs, absolute paths and tags; reports what it could not find', async () => {
    const lib = await openLibrary();
    await runHandler(lib.commands, 'addLibraryFolder', { path: music });
    await lib.whenIdle();
    const lists = join(music, 'Playlists');
    mkdirSync(lists);
    const file = join(lists, 'Evening.m3u8');
    writeFileSync(
      file,
      [
        '#EXTM3U',
        '#EXTINF:3,Erik Satie - Gymnopédie No. 1',
        '../Satie/01 Gymnopedie.wav',
        '#EXTINF:5,Brian Eno - 1/1',
        pathToFileURL(join(music, 'Eno/Airports.wav')).href,
        join(music, 'Rani/Eden.wav'),
        '#EXTINF:4,Erik Satie - Gnossienne No. 1',
        '/old/disk/elsewhere/not-here.mp3',
        '#EXTINF:300,Unknown Artist - Not In The Library',
        '/old/disk/nothing.mp3',
      ].join('\n'),
    );
    const data = await lib.importPlaylist(file);
    expect(data.name).toBe('Evening');
    expect(data.entries.map((e) => e.how)).toEqual(['path', 'path', 'path', 'tags', 'none']);
    expect(data.entries[0]?.line).toBe('../Satie/01 Gymnopedie.wav');
    expect(data.entries[0]?.ref).toMatchObject({ title: 'Gymnopédie No. 1', artist: 'Erik Satie', isrc: 'FRZ039800212' });
    expect(data.entries[3]?.trackId).toBe(lib.music().byPath(join(music, 'Satie/02 Gnossienne.wav'))?.id);
    const none = data.entries[4];
    expect(none?.trackId).toBeNull();
    expect(none?.problem).toMatch(/not in the library/);
    // The playlist's own tags travel as a reference, so a preset can still name the track.
    expect(none?.ref).toMatchObject({ title: 'Not In The Library', artist: 'Unknown Artist', durationS: 300 });
  });

  it('refuses garbage, a missing file and a folder with a sentence naming the file', async () => {
    const lib = await openLibrary();
    const junk = join(root, 'notes.txt');
    writeFileSync(junk, 'shopping: milk, bread\n');
    await expectRefusal(lib.importPlaylist(junk), /notes\.txt could not be imported: not a playlist Stillroom reads/);
    await expectRefusal(lib.importPlaylist(join(root, 'gone.m3u')), /gone\.m3u could not be imported: could not be read \(ENOENT\)/);
    await expectRefusal(lib.importPlaylist(music), /could not be imported: not a file/);
    const xml = join(root, 'broken.xspf');
    writeFileSync(xml, '<playlist><trackList><track><location>');
    const broken = await lib.importPlaylist(xml).then(
      (d) => `ok ${d.entries.length}`,
      (e: Error) => e.message,
    );
    expect(broken).toMatch(/^ok 0$|broken\.xspf could not be imported/);
  });
});

describe('through the host', () => {
  it('validates paths before anything is read, and answers searches with data', async () => {
    const appRoot = join(root, 'app');
    mkdirSync(join(appRoot, 'playlists'), { recursive: true });
    const host = await StillroomHost.open({ dataDir, appRoot, settings: confSettings(dataDir), log: () => undefined, tickMs: 60_000 });
    try {
      const rel = await host.dispatch('addLibraryFolder', { path: 'Music' });
      expect(rel).toMatchObject({ ok: false });
      expect(!rel.ok && rel.error).toMatch(/give the full path/);
      const long = await host.dispatch('addLibraryFolder', { path: `/${'a'.repeat(5000)}` });
      expect(!long.ok && long.error).toMatch(/longer than 4096 characters/);
      const extra = await host.dispatch('importPlaylistFile', { path: '/x.m3u', follow: true });
      expect(extra.ok).toBe(false);
      const gone = await host.dispatch('importPlaylistFile', { path: join(root, 'gone.m3u8') });
      expect(!gone.ok && gone.error).toMatch(/gone\.m3u8 could not be imported: could not be read/);
      const added = await host.dispatch('addLibraryFolder', { path: music });
      expect(added).toEqual({ ok: true });
      await vi.waitFor(() => expect(host.snapshot().library?.trackCount).toBe(SONGS.length), { timeout: 5000, interval: 50 });
      const snap: HostSnapshot = host.snapshot();
      expect(snap.library?.folders).toEqual([music]);
      expect(snap.library?.trackCount).toBe(SONGS.length);
      const found = await host.dispatch('searchLibrary', { query: 'hania' });
      expect(found.ok && found.data).toMatchObject({ total: 1, tracks: [{ title: 'Eden', artist: 'Hania Rani', missing: false }] });
    } finally {
      host.close();
    }
  });

  it('plays library files for a preset that names its tracks by metadata only', async () => {
    const appRoot = join(root, 'app');
    mkdirSync(join(appRoot, 'playlists'), { recursive: true });
    writeFileSync(
      join(appRoot, 'playlists', 'by-tags.stillroom.json'),
      JSON.stringify({
        format: 'stillroom.preset/1',
        id: 'by-tags',
        name: 'By tags',
        route: 'demo',
        phases: [
          {
            kind: 'onset',
            name: 'Settling',
            plannedMin: 1,
            playlist: [
              { title: 'EDEN', artist: 'hania rani', durationS: 4.5 },
              { title: 'Anything', artist: 'Anyone', durationS: 100, isrc: 'FRZ039800212' },
              { title: 'Not here', artist: 'Nobody', durationS: 60 },
            ],
            light: { level: 20, kelvin: 2400, transitionS: 30 },
          },
        ],
        reminders: [],
      }),
    );
    const settings = confSettings(dataDir);
    const first = await StillroomHost.open({ dataDir, appRoot, settings, log: () => undefined, tickMs: 60_000 });
    try {
      expect(await first.dispatch('addLibraryFolder', { path: music })).toEqual({ ok: true });
      await vi.waitFor(() => expect(first.snapshot().library?.trackCount).toBe(SONGS.length), { timeout: 5000, interval: 50 });
      const started = await first.dispatch('startSession', { presetId: 'by-tags', clientAlias: 'A', intention: '' });
      expect(started).toEqual({ ok: true });
      const plan = first.snapshot().session?.plan;
      const files = Object.values(plan?.tracks ?? {}).map((t) => [t.title, t.file, t.problem]);
      expect(files).toEqual([
        ['EDEN', join(music, 'Rani/Eden.wav'), null],
        ['Anything', join(music, 'Satie/01 Gymnopedie.wav'), null],
        ['Not here', null, 'not found in the music library'],
      ]);
    } finally {
      first.close();
    }
  });
});
