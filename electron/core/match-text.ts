/**
 * How two pieces of text about music are compared: case, diacritics, punctuation and release
 * notes ("Remastered 2011", "feat. X") folded away, artists split into their names. Matching
 * (`matching.ts`), playlist import and library search all compare through these, so "the same
 * title" means one thing everywhere. Pure.
 */
import type { TrackRef } from './preset';

const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ŋ: 'n' };

/**
 * Case, diacritics and punctuation folded away: "Beyoncé — Halo!" → "beyonce halo".
 * `&` and `+` read as "and", apostrophes vanish ("don't" → "dont").
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþıŋ]/g, (c) => FOLD[c] ?? c)
    .replace(/['’`´]/g, '')
    .replace(/\s*[&+]\s*/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Words of a normalised text (for search and overlap checks). */
export function tokens(text: string): string[] {
  const n = normaliseText(text);
  return n ? n.split(' ') : [];
}

/** Words that mark a release variant rather than a different piece of music. */
const VARIANT =
  /\b(re-?master(ed)?|mono|stereo|album version|single version|original version|radio edit|explicit|clean|bonus track|deluxe( edition)?|expanded( edition)?|anniversary( edition)?|feat\.?|ft\.?|featuring)\b/i;
/** In brackets, "(with X)" and "(from the … soundtrack)" are notes too. */
const VARIANT_BRACKETED = /\b(with|from [^)\]]*soundtrack)\b/i;

/**
 * A title reduced to what identifies the piece: "(Remastered 2011)", "- 2009 Remaster",
 * "[feat. X]" and "feat. X" are removed, then the text is normalised.
 * "Live", "Remix" and "Acoustic" are kept: they are different recordings.
 */
export function normaliseTitle(title: string): string {
  let t = title;
  // Bracketed variant notes: (Remastered 2011), [feat. X], (Album Version)
  t = t.replace(/\s*[([{]([^)\]}]*)[)\]}]/g, (whole, inner: string) =>
    VARIANT.test(inner) || VARIANT_BRACKETED.test(inner) ? ' ' : whole,
  );
  // Dash suffix variants: "Title - Remastered 2011", "Title - 2009 Remaster"
  t = t.replace(/\s+[-–—]\s+([^-–—]*)$/u, (whole, tail: string) => (VARIANT.test(tail) ? '' : whole));
  // Bare "feat. X" to the end
  t = t.replace(/\s+(feat\.?|ft\.|featuring)\s+.*$/i, '');
  const n = normaliseText(t);
  return n || normaliseText(title);
}

/** The artists named, normalised, without "feat." guests and without a leading "the". */
export function artistParts(artist: string): string[] {
  const main = artist.replace(/\s*[([]?\s*\b(feat\.?|ft\.|featuring)\s+.*$/i, '');
  const parts = main
    .split(/\s*(?:[,;/&+]|\band\b|\bx\b|\bvs\.?|\bwith\b)\s*/i)
    .map((p) => normaliseText(p).replace(/^the /, ''))
    .filter((p) => p.length > 0);
  return [...new Set(parts)];
}

/** Whether two artist fields name (at least one of) the same artist. */
export function sameArtist(a: string, b: string): boolean {
  const na = normaliseText(a).replace(/^the /, '');
  const nb = normaliseText(b).replace(/^the /, '');
  if (na === nb) return true;
  const pa = artistParts(a);
  const pb = new Set(artistParts(b));
  return pa.some((p) => pb.has(p));
}

/** A stable key for a track reference: how manual fixes are remembered across imports. */
export function refKey(ref: Pick<TrackRef, 'title' | 'artist' | 'durationS' | 'isrc' | 'musicbrainzId'>): string {
  return [
    ref.isrc ?? '',
    ref.musicbrainzId ?? '',
    normaliseTitle(ref.title),
    artistParts(ref.artist ?? '').join(','),
    Math.round(ref.durationS),
  ].join('|');
}
