import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokens } from '../../../electron/core/match-text';
import { type SearchableTrack, SearchIndex } from '../../../electron/services/library/search';

const t = (id: string, title: string, artist = '', album = '', missing = false): SearchableTrack => ({ id, title, artist, album, missing });

describe('library search', () => {
  const index = new SearchIndex([
    t('1', 'Gymnopédie No. 1', 'Erik Satie', 'Gymnopédies'),
    t('2', 'Gnossienne No. 1', 'Erik Satie', 'Gymnopédies'),
    t('3', 'Says', 'Nils Frahm', 'Spaces'),
    t('4', 'Saman', 'Ólafur Arnalds', 're:member'),
    t('5', 'Satie Dreams', 'Someone', 'Covers', true),
  ]);

  it('every query word must begin a word of title, artist or album', () => {
    expect(
      index
        .search('sa')
        .hits.map((h) => h.track.id)
        .sort(),
    ).toEqual(['1', '2', '3', '4', '5']);
    expect(index.search('erik gno').hits.map((h) => h.track.id)).toEqual(['2']);
    expect(index.search('frahm spa').hits.map((h) => h.track.id)).toEqual(['3']);
    expect(index.search('ahm').total).toBe(0); // infixes do not match
  });

  it('ranks title over artist over album, whole words over prefixes, missing files last', () => {
    // Equal scores sort by title; the missing file ranks last despite a title match.
    expect(index.search('satie').hits.map((h) => h.track.id)).toEqual(['2', '1', '5']);
    expect(index.search('says').hits[0]?.track.id).toBe('3');
    expect(index.search('gymn').hits.map((h) => h.track.id)).toEqual(['1', '2']);
  });

  it('folds case, accents and punctuation in both query and tracks', () => {
    expect(index.search('OLAFUR').hits.map((h) => h.track.id)).toEqual(['4']);
    expect(index.search('re member').hits.map((h) => h.track.id)).toEqual(['4']);
    expect(index.search('gymnopedie!').hits.map((h) => h.track.id)).toEqual(['1', '2']); // title, then album
  });

  it('limits hits but reports the total', () => {
    const r = index.search('s', 2);
    expect(r.hits).toHaveLength(2);
    expect(r.total).toBe(5);
    expect(index.search('', 10)).toEqual({ total: 0, hits: [] });
    expect(new SearchIndex([]).search('x')).toEqual({ total: 0, hits: [] });
  });

  it('answers quickly on 20,000 tracks (bench has the real figures)', () => {
    const words = [
      'ambient',
      'piano',
      'drone',
      'river',
      'light',
      'slow',
      'deep',
      'breath',
      'ocean',
      'night',
      'morning',
      'forest',
      'space',
      'calm',
    ];
    const tracks: SearchableTrack[] = [];
    for (let i = 0; i < 20_000; i++) {
      tracks.push(t(String(i), `${words[i % 14]} ${words[(i * 7) % 13]} ${i}`, `Artist ${i % 800}`, `Album ${i % 2000}`));
    }
    const big = new SearchIndex(tracks);
    const started = performance.now();
    for (const q of ['a', 'amb pi', 'artist 12', 'ocean night 199', 'zz']) big.search(q, 50);
    expect((performance.now() - started) / 5).toBeLessThan(50);
    const hits = big.search('artist 799', 100).hits.map((h) => h.track.artist);
    expect(hits.filter((a) => a === 'Artist 799')).toHaveLength(25);
  });
});

describe('search properties', () => {
  const field = fc
    .array(fc.constantFrom('río', 'Rio', 'calm', 'calmer', 'deep', 'Sea', 'séance', 'a', 'ab', 'abc', "don't", 'x-ray'), { maxLength: 4 })
    .map((w) => w.join(' '));

  it('finds exactly what a naive scan finds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: field, artist: field, album: field }), { maxLength: 40 }),
        fc.array(fc.constantFrom('r', 'ri', 'rio', 'ca', 'calm', 'se', 'sea', 'a', 'ab', 'dont', 'x', 'ray', 'q'), { maxLength: 3 }),
        (docs, queryWords) => {
          const tracks = docs.map((d, i) => ({ id: String(i), ...d }));
          const index = new SearchIndex(tracks);
          const query = queryWords.join(' ');
          const qWords = tokens(query);
          const naive = tracks
            .filter((d) => {
              const words = [...tokens(d.title), ...tokens(d.artist), ...tokens(d.album)];
              return qWords.length > 0 && qWords.every((q) => words.some((w) => w.startsWith(q)));
            })
            .map((d) => d.id)
            .sort();
          const got = index
            .search(query, 1000)
            .hits.map((h) => h.track.id)
            .sort();
          expect(got).toEqual(naive);
          // A second query on the same index gives the same answer (stamps reset correctly).
          expect(
            index
              .search(query, 1000)
              .hits.map((h) => h.track.id)
              .sort(),
          ).toEqual(naive);
        },
      ),
      { numRuns: 500 },
    );
  });
});
