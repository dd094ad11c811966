/**
 * Search over the library as the therapist types: every word of the query must begin a word
 * of the track's title, artist or album ("gymn sati" finds "Gymnopédie No. 1 — Erik Satie").
 * Words are normalised like matching does (case, diacritics, punctuation).
 *
 * Built for 20,000 tracks answering within a keystroke: a sorted array of distinct words, each
 * with a posting list of tracks and the fields it occurs in; a query word is a binary-searched
 * prefix range; hits are scored while the postings are walked, with generation stamps so
 * nothing is cleared or allocated per track; the best are picked with one numeric sort.
 */
import { tokens } from '../../core/match-text';

export interface SearchableTrack {
  id: string;
  title: string;
  artist: string;
  album: string;
  missing?: boolean;
}

export interface SearchHit<T extends SearchableTrack> {
  track: T;
  score: number;
}

export interface SearchResult<T extends SearchableTrack> {
  /** How many tracks matched in all (hits may be fewer: see `limit`). */
  total: number;
  hits: SearchHit<T>[];
}

const TITLE = 1;
const ARTIST = 2;
const ALBUM = 4;
/** Best field weight for a field mask: title 4, artist 2, album 1. */
const WEIGHT = [0, 4, 2, 4, 1, 4, 2, 4];
const MISSING_PENALTY = 100;
const SCORE_OFFSET = 128;
const RANK_SPACE = 2 ** 26;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class SearchIndex<T extends SearchableTrack> {
  private readonly docs: T[];
  private readonly terms: string[];
  private readonly postings: Uint32Array[];
  private readonly masks: Uint8Array[];
  /** Position of each track in (title, id) order: the tie-break, as a number. */
  private readonly titleRank: Uint32Array;
  private readonly docByRank: Uint32Array;
  private readonly seen: Uint32Array;
  private readonly wordBest: Uint8Array;
  private readonly score: Int16Array;
  private stamp = 0;

  constructor(tracks: readonly T[]) {
    if (tracks.length >= RANK_SPACE) throw new RangeError('too many tracks for one search index');
    this.docs = [...tracks];
    const n = this.docs.length;
    const lists = new Map<string, { docs: number[]; masks: number[] }>();
    const add = (word: string, doc: number, field: number) => {
      let list = lists.get(word);
      if (!list) {
        list = { docs: [], masks: [] };
        lists.set(word, list);
      }
      const last = list.docs.length - 1;
      if (last >= 0 && list.docs[last] === doc) list.masks[last] = (list.masks[last] as number) | field;
      else {
        list.docs.push(doc);
        list.masks.push(field);
      }
    };
    this.docs.forEach((doc, i) => {
      for (const w of tokens(doc.title)) add(w, i, TITLE);
      for (const w of tokens(doc.artist)) add(w, i, ARTIST);
      for (const w of tokens(doc.album)) add(w, i, ALBUM);
    });
    this.terms = [...lists.keys()].sort();
    this.postings = this.terms.map((t) => Uint32Array.from(lists.get(t)?.docs ?? []));
    this.masks = this.terms.map((t) => Uint8Array.from(lists.get(t)?.masks ?? []));
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => cmp((this.docs[a] as T).title, (this.docs[b] as T).title) || cmp((this.docs[a] as T).id, (this.docs[b] as T).id),
    );
    this.docByRank = Uint32Array.from(order);
    this.titleRank = new Uint32Array(n);
    order.forEach((doc, rank) => {
      this.titleRank[doc] = rank;
    });
    this.seen = new Uint32Array(n);
    this.wordBest = new Uint8Array(n);
    this.score = new Int16Array(n);
  }

  get size(): number {
    return this.docs.length;
  }

  private lowerBound(prefix: string): number {
    let lo = 0;
    let hi = this.terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.terms[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Tracks whose words begin with every query word, best first: a word found in the title
   * beats the artist beats the album, a whole word beats a prefix, missing files come last,
   * then alphabetical by title. An empty query finds nothing.
   */
  search(query: string, limit = 50): SearchResult<T> {
    const words = [...new Set(tokens(query))].slice(0, 12);
    if (words.length === 0 || this.docs.length === 0) return { total: 0, hits: [] };
    // Most selective word first keeps the candidate set small.
    const ranges = words
      .map((w) => {
        const start = this.lowerBound(w);
        let end = start;
        let cost = 0;
        while (end < this.terms.length && (this.terms[end] as string).startsWith(w)) {
          cost += (this.postings[end] as Uint32Array).length;
          end++;
        }
        return { word: w, start, end, cost };
      })
      .sort((a, b) => a.cost - b.cost);
    if ((ranges[0]?.cost ?? 0) === 0) return { total: 0, hits: [] };

    // Generation stamps: `seen[doc] === base + k` means the doc matched query words 0..k.
    if (this.stamp > 0xffffffff - 64) {
      this.seen.fill(0);
      this.stamp = 0;
    }
    const base = this.stamp + 1;
    this.stamp += ranges.length;
    let candidates: number[] = [];
    for (let k = 0; k < ranges.length; k++) {
      const r = ranges[k] as (typeof ranges)[number];
      const need = base + k - 1;
      const mark = base + k;
      const touched: number[] = [];
      for (let t = r.start; t < r.end; t++) {
        const exact = (this.terms[t] as string).length === r.word.length ? 2 : 1;
        const list = this.postings[t] as Uint32Array;
        const masks = this.masks[t] as Uint8Array;
        for (let j = 0; j < list.length; j++) {
          const doc = list[j] as number;
          const s = this.seen[doc] as number;
          if (s === mark) {
            const w = (WEIGHT[masks[j] as number] as number) * exact;
            if (w > (this.wordBest[doc] as number)) this.wordBest[doc] = w;
          } else if (k === 0 || s === need) {
            this.seen[doc] = mark;
            this.wordBest[doc] = (WEIGHT[masks[j] as number] as number) * exact;
            touched.push(doc);
          }
        }
      }
      for (const doc of touched) this.score[doc] = (k === 0 ? 0 : (this.score[doc] as number)) + (this.wordBest[doc] as number);
      candidates = touched;
    }

    // One numeric key per hit (score, then title order), sorted descending.
    const keys = new Float64Array(candidates.length);
    for (let i = 0; i < candidates.length; i++) {
      const doc = candidates[i] as number;
      const score = (this.score[doc] as number) - ((this.docs[doc] as T).missing ? MISSING_PENALTY : 0) + SCORE_OFFSET;
      keys[i] = score * RANK_SPACE + (RANK_SPACE - 1 - (this.titleRank[doc] as number));
    }
    keys.sort();
    const hits: SearchHit<T>[] = [];
    for (let i = keys.length - 1; i >= 0 && hits.length < limit; i--) {
      const key = keys[i] as number;
      const score = Math.floor(key / RANK_SPACE);
      const rank = RANK_SPACE - 1 - (key - score * RANK_SPACE);
      hits.push({ track: this.docs[this.docByRank[rank] as number] as T, score: score - SCORE_OFFSET });
    }
    return { total: candidates.length, hits };
  }
}
