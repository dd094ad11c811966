import { describe, expect, it } from 'vitest';
import { droppedPaths, pathFromFileUrl } from '../../renderer/src/lib/dropped';

const data = (files: File[], text: Record<string, string>) => ({ files, getData: (t: string) => text[t] ?? '' });

describe('what a drop onto the library means', () => {
  it('turns file:// links into paths, decoding spaces and accents, and Windows drive letters', () => {
    expect(pathFromFileUrl('file:///home/ana/Music/Hildur%20Gu%C3%B0nad%C3%B3ttir')).toBe('/home/ana/Music/Hildur Guðnadóttir');
    expect(pathFromFileUrl('file:///C:/Users/ana/Music')).toBe('C:/Users/ana/Music');
    expect(pathFromFileUrl('file://localhost/srv/music')).toBe('/srv/music');
    expect(pathFromFileUrl('file://server/share/music')).toBeNull();
    expect(pathFromFileUrl('https://example.org/x.mp3')).toBeNull();
    expect(pathFromFileUrl('file:///bad%ZZ')).toBeNull();
  });

  it('reads a uri-list (comments skipped) and plain-text paths, each once', () => {
    const d = data([], {
      'text/uri-list': '# from a file manager\r\nfile:///music/a\r\nfile:///music/b.flac\r\n',
      'text/plain': '/music/a\n"/music/with space"\nnot a path\nhttp://x/y\n',
    });
    expect(droppedPaths(d).paths).toEqual(['/music/a', '/music/b.flac', '/music/with space']);
  });

  it('uses the real paths of dropped files when the shell knows them', () => {
    const f = new File(['x'], 'a.mp3');
    expect(droppedPaths(data([f], {}), () => '/music/a.mp3')).toEqual({ paths: ['/music/a.mp3'], withoutPath: 0 });
  });

  it('counts dropped files whose place on disk is unknown, so the page can say so', () => {
    const f = new File(['x'], 'a.mp3');
    expect(droppedPaths(data([f, f], {}))).toEqual({ paths: [], withoutPath: 2 });
    expect(droppedPaths(data([f], {}), () => '')).toEqual({ paths: [], withoutPath: 1 });
  });
});
