import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { artistParts, normaliseText, normaliseTitle, refKey, sameArtist } from '../../../electron/core/match-text';
import {
  applyManualFix,
  buildMatchIndex,
  clearManualFix,
  type MatchableTrack,
  resolveMusic,
  resolvePreset,
} from '../../../electron/core/matching';
import { resolvePlaylistEntry, titleFromLocation } from '../../../electron/core/playlist-match';
import type { PlaylistEntry } from '../../../electron/core/playlists';
import type { Preset, TrackRef } from '../../../electron/core/preset';

function track(id: string, over: Partial<MatchableTrack> = {}): MatchableTrack {
  return { id, path: `/music/${id}.flac`, title: id, artist: '', album: '', durationS: 200, isrc: null, musicbrainzId: null, ...over };
}

function presetWith(playlist: TrackRef[]): Pick<Preset, 'phases'> {
  return {
    phases: [
      {
        kind: 'peak',
        name: 'Peak',
        plannedMin: 40,
        untilDose: false,
        crossfadeS: 8,
        volume: 0.8,
        runOut: 'repeat',
        playlist,
        light: { level: 10, kelvin: 2200, transitionS: 60 },
      },
    ],
  };
}

function entry(over: Partial<PlaylistEntry>): PlaylistEntry {
  return { location: null, title: null, artist: null, album: null, durationS: null, isrc: null, musicbrainzId: null, line: 1, ...over };
}

describe('normalisation', () => {
  it('folds case, diacritics, punctuation, ligatures and "&"', () => {
    expect(normaliseText('Beyoncé — Halo!')).toBe('beyonce halo');
    expect(normaliseText('Sigur Rós: Ágætis byrjun')).toBe('sigur ros agaetis byrjun');
    expect(normaliseText("Don't Stop")).toBe('dont stop');
    expect(normaliseText('Simon & Garfunkel')).toBe(normaliseText('Simon and Garfunkel'));
    expect(normaliseText('Straße')).toBe('strasse');
    expect(normaliseText('ＦＵＬＬ ｗｉｄｔｈ')).toBe('full width');
    expect(normaliseText('   ')).toBe('');
  });

  it('drops release-variant notes but keeps what makes a different recording', () => {
    expect(normaliseTitle('Here Comes the Sun (Remastered 2011)')).toBe('here comes the sun');
    expect(normaliseTitle('Here Comes the Sun - Remastered 2009')).toBe('here comes the sun');
    expect(normaliseTitle('Here Comes the Sun - 2019 Mix')).toBe('here comes the sun 2019 mix');
    expect(normaliseTitle('Weightless (feat. Lyz Cooper)')).toBe('weightless');
    expect(normaliseTitle('Weightless [ft. Lyz Cooper]')).toBe('weightless');
    expect(normaliseTitle('Weightless feat. Lyz Cooper')).toBe('weightless');
    expect(normaliseTitle('Song (Radio Edit)')).toBe('song');
    expect(normaliseTitle('Song (Live)')).toBe('song live');
    expect(normaliseTitle('Song (Remix)')).toBe('song remix');
    expect(normaliseTitle('(Remastered)')).toBe('remastered');
  });

  it('splits artists on common separators, without guests or a leading "the"', () => {
    expect(artistParts('Simon & Garfunkel')).toEqual(['simon', 'garfunkel']);
    expect(artistParts('The Beatles feat. Billy Preston')).toEqual(['beatles']);
    expect(artistParts('A; B, C / D')).toEqual(['a', 'b', 'c', 'd']);
    expect(sameArtist('The Beatles', 'Beatles')).toBe(true);
    expect(sameArtist('Nils Frahm, Ólafur Arnalds', 'Olafur Arnalds')).toBe(true);
    expect(sameArtist('Nils Frahm', 'Erik Satie')).toBe(false);
  });

  it('takes a title from a file location as a last resort', () => {
    expect(titleFromLocation('C:\\Music\\03 - Gymnopédie No. 1.flac')).toBe('Gymnopédie No. 1');
    expect(titleFromLocation('/m/Eden%20Song.opus')).toBe('Eden Song');
    expect(titleFromLocation(null)).toBeNull();
  });
});

describe('resolving track references', () => {
  const lib = [
    track('satie', { title: 'Gymnopédie No. 1', artist: 'Erik Satie', durationS: 190, isrc: 'FRZ039800212' }),
    track('satie-copy', { title: 'Gymnopedie No 1', artist: 'Erik Satie', durationS: 300 }),
    track('eno', {
      title: '1/1 (2004 Digital Remaster)',
      artist: 'Brian Eno',
      durationS: 1041,
      musicbrainzId: '3f6c1e2a-5b7d-4c8e-9a0b-1c2d3e4f5a6b',
    }),
    track('mu', { title: 'Weightless', artist: 'Marconi Union', durationS: 480 }),
    track('mu-live', { title: 'Weightless', artist: 'Marconi Union', album: 'Live', durationS: 482 }),
    track('gone', { title: 'Gone', artist: 'X', missing: true }),
  ];
  const index = buildMatchIndex(lib);

  it('matches by ISRC first, even with other metadata different', () => {
    const r = resolveMusic({ title: 'Something else', artist: 'Nobody', durationS: 190, isrc: 'FRZ039800212', musicbrainzId: null }, index);
    expect(r).toMatchObject({ status: 'matched', how: 'isrc', track: { id: 'satie' }, note: null });
  });

  it('matches by MusicBrainz id, and notes a large duration gap', () => {
    const r = resolveMusic(
      { title: 'x', artist: null, durationS: 900, isrc: null, musicbrainzId: '3F6C1E2A-5B7D-4C8E-9A0B-1C2D3E4F5A6B' },
      index,
    );
    expect(r).toMatchObject({ status: 'matched', how: 'musicbrainz', track: { id: 'eno' } });
    expect(r.status === 'matched' && r.note).toMatch(/141\.0 s off/);
  });

  it('matches by normalised title + artist within ±3 s, picking the copy whose duration fits', () => {
    const r = resolveMusic(
      { title: 'GYMNOPÉDIE no. 1 (Remastered 2011)', artist: 'erik satie', durationS: 192.9, isrc: null, musicbrainzId: null },
      index,
    );
    expect(r).toMatchObject({ status: 'matched', how: 'tags', track: { id: 'satie' } });
    const eno = resolveMusic({ title: '1/1', artist: 'Brian Eno feat. Nobody', durationS: 1040, isrc: null, musicbrainzId: null }, index);
    expect(eno).toMatchObject({ status: 'matched', track: { id: 'eno' } });
  });

  it('is missing beyond ±3 s, offering the near misses for a hand fix', () => {
    const r = resolveMusic({ title: 'Gymnopédie No. 1', artist: 'Erik Satie', durationS: 250, isrc: null, musicbrainzId: null }, index);
    expect(r.status).toBe('missing');
    if (r.status !== 'missing') return;
    expect(r.reason).toMatch(/±3 s/);
    expect(r.near.map((c) => c.track.id).sort()).toEqual(['satie', 'satie-copy']);
    expect(r.near.find((c) => c.track.id === 'satie')?.why).toMatch(/60\.0 s shorter/);
  });

  it('is ambiguous when two different recordings fit, listing both', () => {
    const r = resolveMusic({ title: 'Weightless', artist: 'Marconi Union', durationS: 481, isrc: null, musicbrainzId: null }, index);
    expect(r.status).toBe('ambiguous');
    if (r.status === 'ambiguous') expect(r.candidates.map((c) => c.track.id).sort()).toEqual(['mu', 'mu-live']);
  });

  it('treats identical copies (same title, artist, album, duration) as one, preferring lossless', () => {
    const copies = buildMatchIndex([
      track('a', { path: '/m/a.mp3', title: 'T', artist: 'A', album: 'X', durationS: 100 }),
      track('b', { path: '/m/b.flac', title: 'T', artist: 'A', album: 'X', durationS: 100.4 }),
    ]);
    expect(resolveMusic({ title: 'T', artist: 'A', durationS: 100, isrc: null, musicbrainzId: null }, copies)).toMatchObject({
      status: 'matched',
      track: { id: 'b' },
    });
  });

  it('never matches files marked missing, and survives titles like "constructor" and "__proto__"', () => {
    expect(resolveMusic({ title: 'Gone', artist: 'X', durationS: 200, isrc: null, musicbrainzId: null }, index).status).toBe('missing');
    const weird = buildMatchIndex([track('c', { title: 'constructor', artist: '__proto__' })]);
    expect(resolveMusic({ title: 'constructor', artist: '__proto__', durationS: 200, isrc: null, musicbrainzId: null }, weird).status).toBe(
      'matched',
    );
    expect(
      resolveMusic({ title: 'toString', artist: 'hasOwnProperty', durationS: 200, isrc: null, musicbrainzId: null }, weird).status,
    ).toBe('missing');
  });

  it('reports a whole preset, then applies and clears a hand fix by reference key', () => {
    const refs: TrackRef[] = [
      { title: 'Gymnopédie No. 1', artist: 'Erik Satie', durationS: 190 },
      { title: 'Unknown Piece', artist: 'Nobody', durationS: 100 },
      { title: 'Unknown Piece', artist: 'Nobody', durationS: 100 },
    ];
    const report = resolvePreset(presetWith(refs), index);
    expect([report.matched, report.ambiguous, report.missing]).toEqual([1, 0, 2]);
    const fixed = applyManualFix(report, new Map(), { phaseIndex: 0, trackIndex: 1 }, lib[3] as MatchableTrack);
    expect([fixed.report.matched, fixed.report.missing]).toEqual([3, 0]); // same key: both fixed
    expect(fixed.fixes.get(refKey(refs[1] as TrackRef))).toBe('mu');
    const again = resolvePreset(presetWith(refs), index, fixed.fixes);
    expect(again.tracks[2]?.resolution).toMatchObject({ status: 'matched', how: 'manual', track: { id: 'mu' } });
    const cleared = clearManualFix(fixed.fixes, refs[1] as TrackRef);
    expect(resolvePreset(presetWith(refs), index, cleared).missing).toBe(2);
    expect(() => applyManualFix(report, new Map(), { phaseIndex: 3, trackIndex: 0 }, lib[0] as MatchableTrack)).toThrow(RangeError);
  });

  it('prefers audio that came in a bundle over the library', () => {
    const bundled = track('bundled', { path: '/data/bundles/x/audio/001.flac' });
    const report = resolvePreset(
      presetWith([{ title: 'Gymnopédie No. 1', artist: 'Erik Satie', durationS: 190 }]),
      index,
      new Map(),
      new Map([['0:0', bundled]]),
    );
    expect(report.tracks[0]?.resolution).toMatchObject({ status: 'matched', how: 'bundle', track: { id: 'bundled' } });
  });
});

describe('resolving playlist entries', () => {
  const lib = [
    track('eden', { path: '/home/me/Music/Hania Rani/Eden.opus', title: 'Eden', artist: 'Hania Rani', durationS: 245 }),
    track('says', { path: '/home/me/Music/Nils Frahm/Says.flac', title: 'Says', artist: 'Nils Frahm', durationS: 520 }),
  ];
  const index = buildMatchIndex(lib);
  const pl = '/home/me/Playlists/peak.m3u8';

  it('by path (relative, absolute, file URL), then by path tail, then by tags', () => {
    expect(resolvePlaylistEntry(entry({ location: '../Music/Hania Rani/Eden.opus' }), pl, index)).toMatchObject({
      how: 'path',
      track: { id: 'eden' },
    });
    expect(resolvePlaylistEntry(entry({ location: 'file:///home/me/Music/Nils%20Frahm/Says.flac' }), pl, index)).toMatchObject({
      how: 'path',
      track: { id: 'says' },
    });
    expect(resolvePlaylistEntry(entry({ location: 'D:\\Old\\Music\\Nils Frahm\\Says.flac' }), pl, index)).toMatchObject({
      how: 'path-tail',
      track: { id: 'says' },
    });
    expect(
      resolvePlaylistEntry(entry({ location: '/elsewhere/eden-copy.mp3', title: 'Eden', artist: 'Hania Rani', durationS: 246 }), pl, index),
    ).toMatchObject({
      how: 'tags',
      track: { id: 'eden' },
    });
    expect(
      resolvePlaylistEntry(entry({ location: 'https://stream.example/eden.mp3', title: 'Eden', artist: 'Hania Rani' }), pl, index),
    ).toMatchObject({ how: 'tags' });
    expect(resolvePlaylistEntry(entry({ location: '/elsewhere/02 - Says.mp3' }), pl, index)).toMatchObject({
      how: 'tags',
      track: { id: 'says' },
    });
  });

  it('explains a miss with what the path meant and what the tags found', () => {
    const r = resolvePlaylistEntry(entry({ location: 'https://x.example/a.mp3', title: 'Nothing', artist: 'Nobody' }), pl, index);
    expect(r.status).toBe('missing');
    if (r.status === 'missing') expect(r.reason).toMatch(/never downloads.*no file titled “Nothing” by Nobody/);
  });

  it('compares Windows paths case-insensitively on a Windows machine', () => {
    const win = buildMatchIndex([track('w', { path: 'C:\\Users\\Ana\\Music\\Eden.opus', title: 'Eden' })], 'win32');
    expect(resolvePlaylistEntry(entry({ location: '..\\music\\EDEN.OPUS' }), 'C:\\Users\\Ana\\Playlists\\p.m3u', win)).toMatchObject({
      how: 'path',
      track: { id: 'w' },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const word = fc.stringMatching(/^[A-Za-z]{2,10}$/);
const titleArb = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '));
const ACCENT: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ö', u: 'ü', n: 'ñ', c: 'ç' };

/** The kinds of differences two libraries' tags have for the same recording. */
const messUp = fc.record({
  upper: fc.boolean(),
  accents: fc.boolean(),
  punct: fc.constantFrom('', '!', '?', '.', ' …'),
  suffix: fc.constantFrom('', ' (Remastered 2011)', ' - 2009 Remaster', ' [feat. Someone Else]', ' (Album Version)', ' feat. Guest'),
  delta: fc.double({ min: -2.9, max: 2.9, noNaN: true }),
});

function mess(text: string, m: { upper: boolean; accents: boolean; punct: string }): string {
  let t = m.upper ? text.toUpperCase() : text.toLowerCase();
  if (m.accents) t = t.replace(/[aeioun]/g, (c) => ACCENT[c] ?? c);
  return t + m.punct;
}

describe('matching properties', () => {
  it('normalisation is idempotent and ignores case and accents', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const n = normaliseText(s);
        expect(normaliseText(n)).toBe(n);
        expect(normaliseText(s.toUpperCase())).toBe(normaliseText(s.toLowerCase()));
        expect(normaliseTitle(normaliseTitle(s))).toBe(normaliseTitle(s));
      }),
      { numRuns: 1000 },
    );
  });

  it('a reference written from another library (case, accents, punctuation, remaster/feat notes, ±3 s) finds its track', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(titleArb, { minLength: 1, maxLength: 30, selector: (t) => normaliseText(t) }),
        word,
        fc.nat(),
        messUp,
        (titles, artist, pick, m) => {
          const tracks = titles.map((t, i) => track(`t${i}`, { title: t, artist, durationS: 60 + i * 10 }));
          const index = buildMatchIndex(tracks);
          const target = tracks[pick % tracks.length] as MatchableTrack;
          const ref: TrackRef = {
            title: mess(target.title, m) + m.suffix,
            artist: mess(artist, m),
            durationS: (target.durationS ?? 0) + m.delta,
          };
          const r = resolvePreset(presetWith([ref]), index).tracks[0]?.resolution;
          expect(r).toMatchObject({ status: 'matched', how: 'tags', track: { id: target.id } });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never matches by tags when the duration is off by more than 3 s', () => {
    fc.assert(
      fc.property(titleArb, word, fc.double({ min: 3.01, max: 600, noNaN: true }), fc.boolean(), (title, artist, off, longer) => {
        const index = buildMatchIndex([track('x', { title, artist, durationS: 1000 })]);
        const r = resolveMusic({ title, artist, durationS: 1000 + (longer ? off : -off), isrc: null, musicbrainzId: null }, index);
        expect(r.status).toBe('missing');
      }),
      { numRuns: 300 },
    );
  });

  it('resolution never throws for arbitrary references and libraries', () => {
    const anyTrack = fc.record({
      id: fc.string({ minLength: 1, maxLength: 8 }),
      path: fc.string({ maxLength: 30 }),
      title: fc.string({ maxLength: 30 }),
      artist: fc.string({ maxLength: 30 }),
      album: fc.string({ maxLength: 10 }),
      durationS: fc.option(fc.double({ min: 0, max: 5000, noNaN: true })),
      isrc: fc.option(fc.string({ maxLength: 12 })),
      musicbrainzId: fc.option(fc.string({ maxLength: 36 })),
    });
    fc.assert(
      fc.property(
        fc.array(anyTrack, { maxLength: 20 }),
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 60 }),
        (tracks, title, artist, loc) => {
          const index = buildMatchIndex(tracks);
          resolveMusic({ title, artist, durationS: 100, isrc: title.slice(0, 12), musicbrainzId: artist }, index);
          resolvePlaylistEntry(entry({ location: loc, title, artist }), '/p/x.m3u', index);
        },
      ),
      { numRuns: 500 },
    );
  });
});
