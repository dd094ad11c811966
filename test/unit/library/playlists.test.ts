import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  detectPlaylistFormat,
  interpretLocation,
  type PlaylistEntry,
  PlaylistError,
  parseM3U,
  parsePLS,
  parsePlaylist,
  parseXSPF,
  splitArtistTitle,
} from '../../../electron/core/playlists';

describe('M3U / M3U8', () => {
  it('reads extended M3U: duration, "artist - title", album, comments, blank lines, CRLF, BOM', () => {
    const text = [
      '\uFEFF#EXTM3U',
      '#PLAYLIST:Peak phase',
      '#EXTINF:312,Erik Satie - Gymnopédie No. 1',
      '#EXTALB:Gymnopédies',
      'Music/Satie/01 Gymnopédie.flac',
      '',
      '# a comment',
      '#EXTINF:-1,Untimed Title',
      '/abs/path/song.mp3',
      'plain-entry.ogg',
      '#EXTINF:245 tvg-name="x, y",Brian Eno - 1/1 - Remastered',
      'file:///home/me/Music/eno.flac',
    ].join('\r\n');
    const p = parseM3U(text);
    expect(p.title).toBe('Peak phase');
    expect(p.entries).toHaveLength(4);
    expect(p.entries[0]).toMatchObject({
      location: 'Music/Satie/01 Gymnopédie.flac',
      artist: 'Erik Satie',
      title: 'Gymnopédie No. 1',
      album: 'Gymnopédies',
      durationS: 312,
      line: 3,
    });
    expect(p.entries[1]).toMatchObject({ location: '/abs/path/song.mp3', artist: null, title: 'Untimed Title', durationS: null });
    expect(p.entries[2]).toMatchObject({ location: 'plain-entry.ogg', title: null, line: 10 });
    expect(p.entries[3]).toMatchObject({ artist: 'Brian Eno', title: '1/1 - Remastered', durationS: 245 });
    expect(p.problems).toEqual([]);
  });

  it('skips over-long lines and says which', () => {
    const p = parseM3U(`#EXTM3U\n${'x'.repeat(9000)}\nok.mp3\n`);
    expect(p.entries.map((e) => e.location)).toEqual(['ok.mp3']);
    expect(p.problems[0]).toMatch(/^line 2: longer than/);
  });
});

describe('PLS', () => {
  it('reads numbered File/Title/Length keys in number order, case-insensitively', () => {
    const text = `[playlist]\nNumberOfEntries=3\nfile2=b.mp3\nTitle2=Artist B - Song B\nLength2=200\nFile1=a.flac\nTITLE1=Song A\nLength1=-1\nFile10=c.ogg\nVersion=2\n`;
    const p = parsePLS(text);
    expect(p.entries.map((e) => e.location)).toEqual(['a.flac', 'b.mp3', 'c.ogg']);
    expect(p.entries[0]).toMatchObject({ title: 'Song A', artist: null, durationS: null });
    expect(p.entries[1]).toMatchObject({ title: 'Song B', artist: 'Artist B', durationS: 200 });
    expect(p.problems).toEqual([]);
  });

  it('does not allocate for huge entry numbers and reports entries without a file', () => {
    const p = parsePLS('[playlist]\nFile999999999=x.mp3\nTitle5=lonely\n');
    expect(p.entries.map((e) => e.location)).toEqual(['x.mp3']);
    expect(p.problems).toEqual(['entry 5: has no File5= line, skipped']);
  });
});

describe('XSPF (saxes: no entities expanded, nothing fetched)', () => {
  const xspf = `<?xml version="1.0" encoding="UTF-8"?>
<!-- exported -->
<playlist version="1" xmlns="http://xspf.org/ns/0/">
  <title>Return &amp; rest</title>
  <trackList>
    <track>
      <location>file:///music/Hania%20Rani/Eden.opus</location>
      <title>Eden</title><creator>Hania Rani</creator><album>Esja</album>
      <duration>245000</duration>
      <identifier>isrc:DEA621900123</identifier>
    </track>
    <track>
      <title><![CDATA[Svefn-g-englar & <more>]]></title>
      <creator>Sigur R&#243;s</creator>
      <identifier>https://musicbrainz.org/recording/3f6c1e2a-5b7d-4c8e-9a0b-1c2d3e4f5a6b</identifier>
      <image>http://example.com/never-fetched.jpg</image>
    </track>
    <track><annotation>nothing useful</annotation></track>
  </trackList>
</playlist>`;

  it('reads location, title, creator, album, duration (ms) and identifiers', () => {
    const p = parseXSPF(xspf);
    expect(p.title).toBe('Return & rest');
    expect(p.entries).toHaveLength(2);
    expect(p.entries[0]).toMatchObject({
      location: 'file:///music/Hania%20Rani/Eden.opus',
      title: 'Eden',
      artist: 'Hania Rani',
      album: 'Esja',
      durationS: 245,
      isrc: 'DEA621900123',
    });
    expect(p.entries[1]).toMatchObject({
      title: 'Svefn-g-englar & <more>',
      artist: 'Sigur Rós',
      musicbrainzId: '3f6c1e2a-5b7d-4c8e-9a0b-1c2d3e4f5a6b',
    });
    expect(p.problems).toEqual(['track 3: has neither a location nor a title, skipped']);
  });

  it('never expands entities: billion laughs and external entities stay inert text', () => {
    const evil = `<?xml version="1.0"?>
<!DOCTYPE playlist [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY net SYSTEM "http://example.com/evil.dtd">
]>
<playlist><trackList><track><title>&lol2;&xxe;&net;</title><location>/x.mp3</location></track></trackList></playlist>`;
    const p = parseXSPF(evil);
    expect(p.entries[0]?.title).toBe('&lol2;&xxe;&net;');
    expect(p.problems.join(' ')).toMatch(/DOCTYPE declaration was ignored/);
    expect(p.problems.join(' ')).toMatch(/entity references left as written.*lol2/);
  });

  it('survives deep nesting and unterminated markup', () => {
    const deep = `<playlist>${'<a>'.repeat(200)}`;
    expect(parseXSPF(deep).problems.join(' ')).toMatch(/nested deeper/);
    expect(parseXSPF('<playlist><trackList><track><title>x').entries).toEqual([]);
    expect(parseXSPF('<playlist><tra').problems).toContain('the file ends inside a tag');
    // Tracks read before a fault are kept, and the fault is named.
    const cut = parseXSPF('<playlist><trackList><track><title>A</title></track><track><title>B</titel></track></trackList></playlist>');
    expect(cut.entries.map((e) => e.title)).toEqual(['A']);
    expect(cut.problems.join(' ')).toMatch(/not well-formed XML \(line 1: unexpected close tag\)/);
  });
});

describe('format detection and location meaning', () => {
  it('detects by extension, then by content, and refuses the rest', () => {
    expect(detectPlaylistFormat('a.M3U8', '')).toBe('m3u');
    expect(detectPlaylistFormat('a.txt', '#EXTM3U\n')).toBe('m3u');
    expect(detectPlaylistFormat('a', '[playlist]\n')).toBe('pls');
    expect(detectPlaylistFormat('a', '<?xml?><playlist version="1">')).toBe('xspf');
    expect(() => parsePlaylist('hello', 'notes.txt')).toThrow(PlaylistError);
    expect(() => parsePlaylist('x'.repeat(6 * 1024 * 1024), 'big.m3u')).toThrow(/larger than/);
  });

  it('resolves absolute, relative, file:// and Windows locations on a POSIX machine', () => {
    const pl = '/home/me/Playlists/peak.m3u8';
    expect(interpretLocation('/music/a.mp3', pl, 'posix')).toEqual({ kind: 'path', path: '/music/a.mp3' });
    expect(interpretLocation('../Music/a b.mp3', pl, 'posix')).toEqual({ kind: 'path', path: '/home/me/Music/a b.mp3' });
    expect(interpretLocation('./x/../y.flac', pl, 'posix')).toEqual({ kind: 'path', path: '/home/me/Playlists/y.flac' });
    expect(interpretLocation('..\\Music\\a.mp3', pl, 'posix')).toEqual({ kind: 'path', path: '/home/me/Music/a.mp3' });
    expect(interpretLocation('file:///home/me/Music/a%20b.mp3', pl, 'posix')).toEqual({ kind: 'path', path: '/home/me/Music/a b.mp3' });
    expect(interpretLocation('file://localhost/m/a.mp3', pl, 'posix')).toEqual({ kind: 'path', path: '/m/a.mp3' });
    expect(interpretLocation('C:\\Users\\Ana\\Music\\Satie\\a.flac', pl, 'posix')).toEqual({
      kind: 'foreign-path',
      path: 'C:\\Users\\Ana\\Music\\Satie\\a.flac',
      segments: ['Users', 'Ana', 'Music', 'Satie', 'a.flac'],
    });
    expect(interpretLocation('file:///C:/Music/a.flac', pl, 'posix').kind).toBe('foreign-path');
    expect(interpretLocation('https://example.com/a.mp3', pl, 'posix')).toMatchObject({ kind: 'url' });
    expect(interpretLocation('file:///bad%zz.mp3', pl, 'posix')).toMatchObject({ kind: 'invalid' });
    expect(interpretLocation('/a\u0000b.mp3', pl, 'posix')).toMatchObject({ kind: 'invalid' });
  });

  it('resolves relative, drive, UNC and file:// locations on a Windows machine', () => {
    const pl = 'C:\\Users\\Ana\\Playlists\\peak.m3u';
    expect(interpretLocation('..\\Music\\a.mp3', pl, 'win32')).toEqual({ kind: 'path', path: 'C:\\Users\\Ana\\Music\\a.mp3' });
    expect(interpretLocation('../Music/a.mp3', pl, 'win32')).toEqual({ kind: 'path', path: 'C:\\Users\\Ana\\Music\\a.mp3' });
    expect(interpretLocation('d:/x/a.mp3', pl, 'win32')).toEqual({ kind: 'path', path: 'D:\\x\\a.mp3' });
    expect(interpretLocation('\\Music\\a.mp3', pl, 'win32')).toEqual({ kind: 'path', path: 'C:\\Music\\a.mp3' });
    expect(interpretLocation('\\\\nas\\share\\a.mp3', pl, 'win32')).toEqual({ kind: 'path', path: '\\\\nas\\share\\a.mp3' });
    expect(interpretLocation('file:///C:/Music/a%20b.mp3', pl, 'win32')).toEqual({ kind: 'path', path: 'C:\\Music\\a b.mp3' });
    expect(interpretLocation('file://nas/share/a.mp3', pl, 'win32')).toEqual({ kind: 'path', path: '\\\\nas\\share\\a.mp3' });
  });

  it('splits "Artist - Title" on the first separator only', () => {
    expect(splitArtistTitle('A - B - C')).toEqual({ artist: 'A', title: 'B - C' });
    expect(splitArtistTitle('No separator')).toEqual({ artist: null, title: 'No separator' });
    expect(splitArtistTitle(' - Leading')).toEqual({ artist: null, title: '- Leading' });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noControlCharactersInRegex: the generator must avoid control characters
const UNSAFE_IN_PLAYLIST_TEXT = /[\s\u0000-\u001f\u007f<>&"',=#\\/[\]-]/g;
const safeText = fc
  .string({ minLength: 1, maxLength: 40, unit: 'grapheme' })
  .map((s) => s.replace(UNSAFE_IN_PLAYLIST_TEXT, 'x').trim())
  .filter((s) => s.length > 0);
const entryArb = fc.record({
  location: fc.array(safeText, { minLength: 1, maxLength: 4 }).map((segs) => `/${segs.join('/')}.mp3`),
  title: safeText,
  artist: safeText,
  durationS: fc.integer({ min: 1, max: 7200 }),
});

function toM3U(entries: Array<{ location: string; title: string; artist: string; durationS: number }>): string {
  return `#EXTM3U\n${entries.map((e) => `#EXTINF:${e.durationS},${e.artist} - ${e.title}\n${e.location}`).join('\n')}\n`;
}
function toPLS(entries: Array<{ location: string; title: string; artist: string; durationS: number }>): string {
  return `[playlist]\n${entries.map((e, i) => `File${i + 1}=${e.location}\nTitle${i + 1}=${e.artist} - ${e.title}\nLength${i + 1}=${e.durationS}`).join('\n')}\nNumberOfEntries=${entries.length}\n`;
}
function toXSPF(entries: Array<{ location: string; title: string; artist: string; durationS: number }>): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList>${entries
    .map(
      (e) =>
        `<track><location>${esc(e.location)}</location><title>${esc(e.title)}</title><creator>${esc(e.artist)}</creator><duration>${e.durationS * 1000}</duration></track>`,
    )
    .join('')}</trackList></playlist>`;
}

describe('playlist properties', () => {
  const pick = (e: PlaylistEntry) => ({ location: e.location, title: e.title, artist: e.artist, durationS: e.durationS });

  it('M3U, PLS and XSPF written from the same entries read back to the same entries', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 20 }), (entries) => {
        const expected = entries.map((e) => ({ ...e }));
        expect(parseM3U(toM3U(entries)).entries.map(pick)).toEqual(expected);
        expect(parsePLS(toPLS(entries)).entries.map(pick)).toEqual(expected);
        expect(parseXSPF(toXSPF(entries)).entries.map(pick)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('any text at all: parsers never throw, and entries stay within caps', () => {
    const anyText = fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.string({ maxLength: 400, unit: 'binary' }),
      fc
        .array(
          fc.constantFrom(
            '#EXTM3U',
            '#EXTINF:',
            '#EXTINF:-5,',
            ',',
            ' - ',
            'File1=',
            'Title1=',
            'Length1=x',
            '[playlist]',
            '<track>',
            '</track>',
            '<location>',
            '<![CDATA[',
            ']]>',
            '<!DOCTYPE [',
            '&amp;',
            '&#x110000;',
            '&#0;',
            '\n',
            '\r',
            '<',
            '>',
            'a.mp3',
          ),
          { maxLength: 200 },
        )
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        for (const parse of [parseM3U, parsePLS, parseXSPF]) {
          const p = parse(text);
          expect(p.entries.length).toBeLessThanOrEqual(10_000);
          for (const e of p.entries) {
            if (e.durationS !== null) expect(e.durationS).toBeGreaterThan(0);
            if (e.title !== null) expect(e.title.length).toBeLessThanOrEqual(500);
          }
          for (const problem of p.problems) expect(problem.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('interpretLocation never throws and never yields a POSIX path with "." or ".." segments', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (loc) => {
        const m = interpretLocation(loc, '/home/me/pl.m3u', 'posix');
        if (m.kind === 'path') {
          expect(m.path.startsWith('/')).toBe(true);
          expect(m.path.split('/').some((s) => s === '..' || s === '.')).toBe(false);
        }
        const w = interpretLocation(loc, 'C:\\pl\\x.m3u', 'win32');
        if (w.kind === 'path') expect(w.path.split('\\').some((s) => s === '..' || s === '.')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
