/**
 * Library search for the Library view and the preset editor: title/artist/album, or the whole
 * library by title, each hit with its loudness — measured (the loudness cache the playback module
 * writes, re-read when it changed, at most once a second) or estimated from a ReplayGain tag.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type LibraryTrack, loudnessLufs, type MusicLibrary } from '../../services/library/library';
import { LOUDNESS_CACHE_FILE, LoudnessCache } from '../../services/loudness';
import type { LibraryTrackSummary } from './contract';

const TITLE_ORDER = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

export class SearchView {
  private byTitle: LibraryTrack[] | null = null;
  private loudness: { cache: LoudnessCache; mtimeMs: number } | null = null;
  private loudnessChecked = 0;

  constructor(
    private readonly lib: MusicLibrary,
    private readonly dataDir: string,
  ) {}

  /** The library changed: the listing by title is made again at the next search. */
  invalidate(): void {
    this.byTitle = null;
  }

  /** Title/artist/album search; an empty query lists the whole library by title (first `limit`). */
  async search(query: string, limit = 50): Promise<{ tracks: LibraryTrackSummary[]; total: number }> {
    await this.refreshLoudness();
    if (query.trim() === '') {
      if (!this.byTitle) {
        this.byTitle = this.lib
          .tracks()
          .sort((a, b) => Number(a.missing) - Number(b.missing) || TITLE_ORDER.compare(a.title, b.title) || (a.path < b.path ? -1 : 1));
      }
      return { tracks: this.byTitle.slice(0, limit).map((t) => this.summary(t)), total: this.byTitle.length };
    }
    const r = this.lib.search(query, limit);
    return { tracks: r.hits.map((h) => this.summary(h.track)), total: r.total };
  }

  /** Re-reads the loudness cache when the audio module wrote a newer one (checked at most once a second). */
  private async refreshLoudness(): Promise<void> {
    const now = performance.now();
    if (now - this.loudnessChecked < 1000) return;
    this.loudnessChecked = now;
    const file = join(this.dataDir, LOUDNESS_CACHE_FILE);
    const mtimeMs = await stat(file).then(
      (s) => s.mtimeMs,
      () => -1,
    );
    if (mtimeMs < 0) {
      this.loudness = null;
      return;
    }
    if (this.loudness?.mtimeMs === mtimeMs) return;
    const { cache } = await LoudnessCache.open(this.dataDir);
    this.loudness = { cache, mtimeMs };
  }

  private summary(t: LibraryTrack): LibraryTrackSummary {
    const measured = this.loudness?.cache.lookup(t.path, { size: t.size, mtimeMs: t.mtimeMs });
    const fromTag = loudnessLufs(t);
    const lufs = measured?.ok ? measured.result.integratedLufs : fromTag;
    return {
      id: t.id,
      title: t.title,
      artist: t.artist,
      album: t.album,
      durationSec: t.durationS,
      loudnessLufs: lufs,
      loudnessFrom: measured?.ok ? 'measured' : fromTag !== null ? 'replaygain' : null,
      missing: t.missing,
      problem: t.missing ? null : t.problem,
      path: t.path,
    };
  }
}
