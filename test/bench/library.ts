/**
 * Library figures for `npm run bench`:
 * - scan speed over 5,000 generated tagged files (first scan, and the incremental rescan),
 *   plus the longest the event loop was held during the scan;
 * - search latency (p50/p99) on a 20,000-track index;
 * - import + resolve time for a 60-track signed preset against 20,000 tracks;
 * - the host's `lookup` (what a session start calls per track): p50/p99 per reference on a
 *   20,000-track library opened from its index file, and the first call (tables built).
 *
 * What the scan measures, honestly: 5,000 one-second mono MP3s (ffmpeg encodes one stream;
 * each copy gets its own ID3v2.4 tag written in JS) read by music-metadata with durations
 * from the Xing header, from a warm page cache. Real libraries have bigger files and cold
 * disks; tags sit at the front of the file, so the cost per file is similar but I/O is not.
 * Without ffmpeg the files are tiny WAVs with an `id3 ` chunk instead (reported as such).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMatchIndex, type MatchableTrack, resolvePreset } from '../../electron/core/matching';
import { PresetSchema, type TrackRef } from '../../electron/core/preset';
import { HostLibrary } from '../../electron/host/library';
import type { LibraryTrack } from '../../electron/services/library/index-file';
import { LIBRARY_FILE, LIBRARY_FORMAT } from '../../electron/services/library/index-file';
import { MusicLibrary } from '../../electron/services/library/library';
import { SearchIndex } from '../../electron/services/library/search';
import { confSettings } from '../../electron/services/settings';
import { presetFileText } from '../../electron/services/sharing/export';
import { inspectPresetText } from '../../electron/services/sharing/import';
import { generateClinicKey, TrustedKeys } from '../../electron/services/sharing/keys';
import { toneWav } from '../fixtures/audio';
import { hasFfmpeg, id3v2Tag, untaggedMp3, wavWithId3, writeTaggedCopies } from '../fixtures/library-gen';

const SCAN_FILES = 5000;
const LIBRARY_TRACKS = 20_000;

/** A small deterministic PRNG so every run measures the same library. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'la',
  'mor',
  'en',
  'ti',
  'sa',
  'vel',
  'ka',
  'rin',
  'do',
  'ny',
  'ö',
  'sé',
  'li',
  'ra',
  'mu',
  'go',
  'fa',
  'shi',
  'an',
  'qu',
  'ber',
  'tal',
  'is',
  'na',
];

function makeWords(rand: () => number, count: number): string[] {
  const words = new Set<string>();
  while (words.size < count) {
    const n = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    words.add(w[0]?.toUpperCase() + w.slice(1));
  }
  return [...words];
}

/** 20,000 tracks with a realistic spread: ~1,500 artists, ~3,000 albums, 3,000-word vocabulary. */
export function syntheticLibrary(count = LIBRARY_TRACKS, seed = 7): LibraryTrack[] {
  const rand = rng(seed);
  const vocab = makeWords(rand, 3000);
  const pick = () => vocab[Math.floor(rand() * vocab.length)] as string;
  const artists = Array.from({ length: 1500 }, () => `${pick()} ${pick()}`);
  const albums = Array.from({ length: 3000 }, () => `${pick()} ${pick()}${rand() < 0.3 ? ` ${pick()}` : ''}`);
  const tracks: LibraryTrack[] = [];
  for (let i = 0; i < count; i++) {
    const words = 1 + Math.floor(rand() * 4);
    const title = Array.from({ length: words }, pick).join(' ');
    tracks.push({
      id: `t${i}`,
      path: `/music/${i % 1500}/${i}.flac`,
      size: 1,
      mtimeMs: 0,
      title,
      titleFromFileName: false,
      artist: artists[i % artists.length] as string,
      album: albums[Math.floor(rand() * albums.length)] as string,
      durationS: 60 + Math.floor(rand() * 600),
      isrc: rand() < 0.5 ? `GBABC${String(i).padStart(7, '0')}` : null,
      musicbrainzId: null,
      replayGainDb: null,
      container: 'FLAC',
      problem: null,
      missing: false,
    });
  }
  return tracks;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function benchScan(): Promise<Record<string, number>> {
  const root = mkdtempSync(join(tmpdir(), 'stillroom-bench-lib-'));
  try {
    const music = join(root, 'music');
    mkdirSync(music, { recursive: true });
    const tagFor = (i: number) => ({
      title: `Track ${i} Lumen`,
      artist: `Artist ${i % 300}`,
      album: `Album ${i % 500}`,
      isrc: `GBXYZ${String(2_400_000 + i).padStart(7, '0')}`,
    });
    const useMp3 = hasFfmpeg();
    if (useMp3) {
      const audio = await untaggedMp3(root, 1);
      writeTaggedCopies(music, audio, SCAN_FILES, tagFor);
    } else {
      const wav = toneWav(0.5);
      for (let i = 0; i < SCAN_FILES; i++) {
        const dir = join(music, `artist-${i % 100}`);
        if (i < 100) mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${i}.wav`), wavWithId3(wav, id3v2Tag(tagFor(i))));
      }
    }
    const lib = await MusicLibrary.open({ dataDir: join(root, 'data') });
    let last = performance.now();
    let worstGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    const first = await lib.addFolders([music]);
    const scanMs = performance.now() - t0;
    clearInterval(timer);
    const t1 = performance.now();
    const again = await lib.rescan();
    const rescanMs = performance.now() - t1;
    await lib.close();
    if (first.added !== SCAN_FILES || again.unchanged !== SCAN_FILES)
      throw new Error(`scan read ${first.added}, rescan kept ${again.unchanged}`);
    return {
      [`library_scan_${useMp3 ? 'mp3' : 'wav'}_files_per_s`]: SCAN_FILES / (scanMs / 1000),
      library_rescan_unchanged_files_per_s: SCAN_FILES / (rescanMs / 1000),
      library_scan_longest_event_loop_block_ms: worstGap,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function benchSearch(tracks: LibraryTrack[]): Record<string, number> {
  const t0 = performance.now();
  const index = new SearchIndex(tracks);
  const buildMs = performance.now() - t0;
  const rand = rng(99);
  const queries: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = tracks[Math.floor(rand() * tracks.length)] as LibraryTrack;
    const words = `${t.title} ${t.artist}`.split(' ');
    const n = 1 + Math.floor(rand() * 2);
    const q: string[] = [];
    for (let k = 0; k < n; k++) {
      const w = words[Math.floor(rand() * words.length)] as string;
      q.push(w.slice(0, 2 + Math.floor(rand() * Math.max(1, w.length - 1))));
    }
    queries.push(q.join(' '));
  }
  for (const q of queries.slice(0, 200)) index.search(q, 50); // warm up
  const times: number[] = [];
  for (const q of queries) {
    const s = performance.now();
    index.search(q, 50);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const single: number[] = [];
  for (const q of ['a', 'l', 's', 'm', 'k']) {
    const s = performance.now();
    index.search(q, 50);
    single.push(performance.now() - s);
  }
  return {
    search_20k_index_build_ms: buildMs,
    search_20k_p50_ms: percentile(times, 50),
    search_20k_p99_ms: percentile(times, 99),
    search_20k_one_letter_worst_ms: Math.max(...single),
  };
}

function benchImportResolve(tracks: LibraryTrack[]): Record<string, number> {
  const rand = rng(5);
  const refs: TrackRef[] = [];
  for (let i = 0; i < 60; i++) {
    const t = tracks[Math.floor(rand() * tracks.length)] as LibraryTrack;
    // A third by ISRC, the rest by tags written the way another library would write them.
    const ref: TrackRef = {
      title: i % 3 === 0 ? t.title : `${t.title.toUpperCase()} (Remastered 2011)`,
      artist: t.artist.toLowerCase(),
      durationS: (t.durationS ?? 100) + (rand() * 4 - 2),
    };
    if (i % 3 === 0 && t.isrc) ref.isrc = t.isrc;
    refs.push(ref);
  }
  const preset = PresetSchema.parse({
    format: 'stillroom.preset/1',
    id: 'bench-60',
    name: 'Bench, 60 tracks',
    route: 'sublingual',
    phases: [0, 1, 2].map((p) => ({
      kind: (['onset', 'peak', 'return'] as const)[p],
      name: `Phase ${p + 1}`,
      plannedMin: 40,
      light: { level: 20, kelvin: 2400, transitionS: 120 },
      playlist: refs.slice(p * 20, p * 20 + 20),
    })),
  });
  const key = generateClinicKey('Bench clinic');
  const text = presetFileText(preset, key);
  const trusted = TrustedKeys.inMemory([{ clinic: 'Bench clinic', publicKey: key.publicKey }]);

  // Cold: check + verify the file, build the match index over 20,000 tracks, resolve.
  // Warm: the open library already holds its match index (MusicLibrary caches it).
  const runs: Array<{ cold: number; warm: number; matched: number }> = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    const inspected = inspectPresetText(text, 'bench.stillroom.json', trusted);
    const t1 = performance.now();
    const index = buildMatchIndex(tracks as MatchableTrack[]);
    const t2 = performance.now();
    const report = resolvePreset(inspected.preset, index);
    const t3 = performance.now();
    runs.push({ cold: t3 - t0, warm: t1 - t0 + (t3 - t2), matched: report.matched });
  }
  const median = (pick: (r: (typeof runs)[number]) => number) => runs.map(pick).sort((a, b) => a - b)[3] as number;
  return {
    import_resolve_60_vs_20k_cold_ms: median((r) => r.cold),
    import_resolve_60_vs_20k_warm_index_ms: median((r) => r.warm),
    import_resolve_60_vs_20k_matched: median((r) => r.matched),
  };
}

/** References the way another clinic's preset carries them: a third by ISRC, the rest by tags. */
function presetRefs(tracks: LibraryTrack[], count: number, seed: number): TrackRef[] {
  const rand = rng(seed);
  const refs: TrackRef[] = [];
  for (let i = 0; i < count; i++) {
    const t = tracks[Math.floor(rand() * tracks.length)] as LibraryTrack;
    const ref: TrackRef = {
      title: i % 3 === 0 ? t.title : `${t.title.toUpperCase()} (Remastered 2011)`,
      artist: t.artist.toLowerCase(),
      durationS: (t.durationS ?? 100) + (rand() * 4 - 2),
    };
    if (i % 3 === 0 && t.isrc) ref.isrc = t.isrc;
    refs.push(ref);
  }
  return refs;
}

/** The host module's lookup, as a session start uses it, on a 20,000-track library. */
async function benchLookup(tracks: LibraryTrack[]): Promise<Record<string, number>> {
  const root = mkdtempSync(join(tmpdir(), 'stillroom-bench-lookup-'));
  try {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, LIBRARY_FILE), JSON.stringify({ format: LIBRARY_FORMAT, folders: [], files: [], tracks }));
    const host = await HostLibrary.open({
      dataDir,
      appRoot: root,
      settings: confSettings(dataDir),
      clock: Date.now,
      log: () => undefined,
      onChange: () => undefined,
      reloadPresets: () => undefined,
      watchFactory: null,
    });
    const refs = presetRefs(tracks, 2000, 11);
    const t0 = performance.now();
    const first = host.lookup(refs[0] as TrackRef);
    const firstMs = performance.now() - t0;
    const times: number[] = [];
    let found = first ? 1 : 0;
    for (const ref of refs.slice(1)) {
      const s = performance.now();
      if (host.lookup(ref)) found++;
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    host.close();
    await host.whenIdle();
    if (found < refs.length * 0.95) throw new Error(`lookup found only ${found} of ${refs.length}`);
    return {
      lookup_20k_first_call_ms: firstMs,
      lookup_20k_p50_ms: percentile(times, 50),
      lookup_20k_p99_ms: percentile(times, 99),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs the library figures (about 15–30 s, most of it writing and scanning 5,000 files). */
export async function benchLibrary(): Promise<Record<string, number>> {
  const tracks = syntheticLibrary();
  return { ...(await benchScan()), ...benchSearch(tracks), ...benchImportResolve(tracks), ...(await benchLookup(tracks)) };
}
