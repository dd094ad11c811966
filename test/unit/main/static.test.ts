/**
 * The one static-file and Range resolver both shells use: what a seeking <audio> element, a
 * page load and a hostile path get back.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIO_EXTENSIONS } from '../../../electron/services/library/tags';
import { CONTENT_TYPES, contentType, fileInside, parseRange, planStatic } from '../../../electron/services/static';

const dir = mkdtempSync(join(tmpdir(), 'stillroom-static-'));
const track = join(dir, 'song.mp4');
writeFileSync(track, Buffer.alloc(1000, 7));
writeFileSync(join(dir, 'empty.ogg'), '');
mkdirSync(join(dir, 'folder.mp3'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('content types', () => {
  it('names every audio format the library accepts, and .mp4 music as audio/mp4', () => {
    for (const ext of AUDIO_EXTENSIONS) expect(CONTENT_TYPES[ext], ext).toMatch(/^audio\//);
    expect(contentType('/music/Track.MP4')).toBe('audio/mp4');
    expect(contentType('a.flac')).toBe('audio/flac');
    expect(contentType('index.html')).toBe('text/html; charset=utf-8');
    expect(contentType('x.unknown')).toBe('application/octet-stream');
  });
});

describe('ranges', () => {
  it('reads the single ranges a media element sends, and ignores what it does not understand', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ kind: 'partial', start: 500, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=5-2', 1000)).toEqual({ kind: 'unsatisfiable' });
    for (const h of [null, undefined, '', 'bytes=-', 'bytes=0-1,5-6', 'items=0-1']) expect(parseRange(h, 1000)).toEqual({ kind: 'full' });
  });
});

describe('planStatic', () => {
  it('answers 200 with the whole file and its length', () => {
    const p = planStatic(track, null, 'no-store');
    expect(p).toMatchObject({ status: 200, start: 0, end: 999 });
    expect(p.headers).toMatchObject({
      'content-type': 'audio/mp4',
      'content-length': '1000',
      'accept-ranges': 'bytes',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  });

  it('answers a seek with 206 and the bytes asked for', () => {
    const p = planStatic(track, 'bytes=100-199');
    expect(p).toMatchObject({ status: 206, start: 100, end: 199 });
    expect(p.headers).toMatchObject({ 'content-length': '100', 'content-range': 'bytes 100-199/1000' });
  });

  it('answers a range past the end with 416 and the real size', () => {
    expect(planStatic(track, 'bytes=2000-')).toEqual({ status: 416, headers: { 'content-range': 'bytes */1000' }, body: '' });
  });

  it('answers 404 for a missing file or a folder, and 200 with nothing for an empty file', () => {
    expect(planStatic(join(dir, 'gone.mp3'), null).status).toBe(404);
    expect(planStatic(join(dir, 'folder.mp3'), null).status).toBe(404);
    expect(planStatic(join(dir, 'empty.ogg'), null)).toMatchObject({ status: 200, start: 0, end: -1 });
    expect(planStatic(join(dir, 'empty.ogg'), 'bytes=0-').status).toBe(416);
  });
});

describe('fileInside (the path-traversal guard)', () => {
  it('keeps paths inside the root and names index.html for the root itself', () => {
    expect(fileInside(dir, '/assets/app.js')).toBe(join(dir, 'assets', 'app.js'));
    expect(fileInside(dir, '/')).toBe(join(dir, 'index.html'));
    expect(fileInside(dir, '')).toBe(join(dir, 'index.html'));
    expect(fileInside(dir, '/a/../b.css')).toBe(join(dir, 'b.css'));
  });

  it('stops a URL path’s .. at the root, as a browser does', () => {
    expect(fileInside(dir, '/../secret')).toBe(join(dir, 'secret'));
    expect(fileInside(dir, '/a/../../../etc/passwd')).toBe(join(dir, 'etc', 'passwd'));
    expect(fileInside(dir, '/..')).toBe(join(dir, 'index.html'));
  });

  it('refuses every way out of the root', () => {
    for (const p of ['../secret', '..', 'a/../../x', `..${sep}x`, '/assets/\0.js', 'C:/Windows/x']) {
      if (p.startsWith('C:') && sep === '/') continue; // a drive letter is only a way out on Windows
      expect(fileInside(dir, p), p).toBeNull();
    }
    // A sibling folder whose name starts like the root is not inside it.
    expect(fileInside(dir, `../${dir.split(sep).pop()}-other/x`)).toBeNull();
  });
});
