import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaylistError } from '../../../electron/core/playlists';
import { PresetSchema } from '../../../electron/core/preset';
import { MusicLibrary } from '../../../electron/services/library/library';
import { decodePlaylistBytes, importPlaylistFile } from '../../../electron/services/library/playlist-import';
import { generateLibrary, hasFfmpeg, SAMPLE_TRACKS } from '../../fixtures/library-gen';

const FFMPEG = hasFfmpeg();
let root = '';
let music = '';
let lib: MusicLibrary;
const rel = (i: number) => (SAMPLE_TRACKS[i] as { rel: string }).rel;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stillroom-plimport-'));
  music = join(root, 'Music');
  if (!FFMPEG) return;
  await generateLibrary(music, SAMPLE_TRACKS);
  lib = await MusicLibrary.open({ dataDir: join(root, 'data') });
  await lib.addFolders([music]);
}, 60_000);

afterAll(async () => {
  await lib?.close();
  rmSync(root, { recursive: true, force: true });
});

function playlist(name: string, text: string | Buffer): string {
  const dir = join(root, 'Playlists');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe.skipIf(!FFMPEG)(`playlist import against a real library${FFMPEG ? '' : ' — skipped: ffmpeg not found on PATH'}`, () => {
  it('M3U8: relative, absolute and file:// entries resolve by path; the refs carry metadata only', async () => {
    const file = playlist(
      'peak.m3u8',
      [
        '#EXTM3U',
        '#EXTINF:1,Erik Satie - Gymnopédie No. 1',
        `../Music/${rel(0)}`,
        join(music, rel(3)),
        pathToFileURL(join(music, rel(4))).href,
      ].join('\n'),
    );
    const r = await importPlaylistFile(file, lib);
    expect(r.format).toBe('m3u');
    expect(r.title).toBe('peak');
    expect(r.entries.map((e) => (e.resolution.status === 'matched' ? e.resolution.how : e.resolution.status))).toEqual([
      'path',
      'path',
      'path',
    ]);
    expect(r.trackRefs.map((t) => t.title)).toEqual(['Gymnopédie No. 1', 'Eden', 'saman']);
    expect(r.trackRefs[0]).toMatchObject({ artist: 'Erik Satie', album: 'Gymnopédies', isrc: 'FRZ039800212' });
    expect(JSON.stringify(r.trackRefs)).not.toContain(root);
    // The refs drop straight into a preset phase.
    for (const ref of r.trackRefs) expect(() => PresetSchema.shape.phases.element.shape.playlist.element.parse(ref)).not.toThrow();
  });

  it('a playlist from another computer resolves by path tail, identifiers and tags', async () => {
    const xspf = playlist(
      'from-windows.xspf',
      `<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList>
        <track><location>file:///C:/Users/Ana/Music/Nils%20Frahm/Says.wav</location></track>
        <track><location>http://radio.example/eden</location><identifier>isrc:DEA621900123</identifier></track>
        <track><title>Weightless</title><creator>Marconi Union</creator><duration>2400</duration></track>
        <track><title>Not In This Library</title><creator>Nobody</creator></track>
      </trackList></playlist>`,
    );
    const r = await importPlaylistFile(xspf, lib);
    const how = r.entries.map((e) => (e.resolution.status === 'matched' ? e.resolution.how : e.resolution.status));
    expect(how).toEqual(['path-tail', 'isrc', 'tags', 'missing']);
    expect([r.matched, r.missing]).toEqual([3, 1]);
    const miss = r.entries[3]?.resolution;
    expect(miss?.status === 'missing' && miss.reason).toMatch(/no file titled “Not In This Library” by Nobody/);
  });

  it('PLS with titles and lengths, and an old Latin-1 M3U', async () => {
    const pls = playlist(
      'return.pls',
      `[playlist]\nFile1=D:\\Elsewhere\\svefn.flac\nTitle1=Sigur Rós - Svefn-g-englar\nLength1=1\nNumberOfEntries=1\n`,
    );
    const r = await importPlaylistFile(pls, lib);
    expect(r.entries[0]?.resolution).toMatchObject({ status: 'matched', how: 'tags', track: { title: 'Svefn-g-englar' } });
    const latin1 = playlist('old.m3u', Buffer.from(`#EXTM3U\n#EXTINF:1,Erik Satie - Gymnopédie No. 1\nX:\\gone.mp3\n`, 'latin1'));
    const l = await importPlaylistFile(latin1, lib);
    expect(l.entries[0]?.entry.title).toBe('Gymnopédie No. 1');
    expect(l.entries[0]?.resolution.status).toBe('matched');
  });

  it('adds files that exist on disk but are not in the library yet', async () => {
    const extra = join(root, 'Elsewhere');
    mkdirSync(extra, { recursive: true });
    copyFileSync(join(music, rel(5)), join(extra, 'says-copy.wav'));
    const file = playlist('extra.m3u', `${join(extra, 'says-copy.wav')}\n`);
    const r = await importPlaylistFile(file, lib);
    expect(r.entries[0]?.resolution).toMatchObject({ status: 'matched', how: 'path' });
    expect(lib.files).toContain(join(extra, 'says-copy.wav'));
    const off = await importPlaylistFile(playlist('extra2.m3u', `${join(extra, 'nope.wav')}\n`), lib, { addFoundFiles: false });
    expect(off.missing).toBe(1);
  });

  it('refuses what is not a playlist, naming the file', async () => {
    await expect(importPlaylistFile(playlist('notes.txt', 'hello'), lib)).rejects.toThrow(PlaylistError);
    await expect(importPlaylistFile(join(root, 'absent.m3u'), lib)).rejects.toThrow(/absent\.m3u: could not be read \(ENOENT\)/);
  });
});

describe('playlist bytes', () => {
  it('decodes UTF-8 when valid and falls back to Latin-1 for old .m3u files', () => {
    expect(decodePlaylistBytes(Buffer.from('Gymnopédie', 'utf8'), 'a.m3u')).toBe('Gymnopédie');
    expect(decodePlaylistBytes(Buffer.from('Gymnopédie', 'latin1'), 'a.m3u')).toBe('Gymnopédie');
    expect(decodePlaylistBytes(Buffer.from('Gymnopédie', 'latin1'), 'a.m3u8')).toContain('\uFFFD');
  });
});
