/**
 * Turns a preset's track references into playable local files for one session, measuring
 * each file's real duration. A track that cannot be found or read is kept in the plan with
 * the reason, left out of the playlist, and reported before the music starts.
 *
 * Where a reference points: `asset` paths resolve inside the app's `assets/` folder, then in
 * any extra asset folders the host was given (see `assetDirs` in host/audio/: the end-to-end
 * tests put generated music there). A reference without an `asset` path is looked up in the
 * therapist's music library (`fromLibrary`: HostLibrary.lookup — ISRC / MusicBrainz id, then
 * title + artist with the duration within ±3 s, honouring hand fixes).
 */
import { constants, statSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { checkReplayGain, type ReplayGainTag } from '../core/gain';
import type { Preset, TrackRef } from '../core/preset';
import type { PlannedTrack } from '../core/session';
import { slug } from '../core/slug';

export interface ResolvedPlaylists {
  tracks: Record<string, PlannedTrack>;
  phaseTracks: string[][];
  /** Each phase's fallback bed (empty where it has none). */
  fallbackTracks: string[][];
  /** ReplayGain tags found while probing, by track id (used until the track is measured). */
  replayGain: Record<string, ReplayGainTag>;
}

interface Probed {
  durationS: number | null;
  problem: string | null;
  replayGain: ReplayGainTag | null;
}

async function probe(file: string): Promise<Probed> {
  const bad = (problem: string): Probed => ({ durationS: null, problem, replayGain: null });
  try {
    await access(file, constants.R_OK);
    const st = await stat(file);
    if (!st.isFile()) return bad('not a file');
    if (st.size === 0) return bad('the file is empty');
  } catch {
    return bad('file not found or not readable');
  }
  try {
    const { parseFile } = await import('music-metadata');
    const meta = await parseFile(file, { duration: true, skipCovers: true });
    const d = meta.format.duration;
    if (!d || !Number.isFinite(d) || d <= 0) return bad('not a playable audio file (no duration)');
    const rg = checkReplayGain({
      trackGainDb: meta.common.replaygain_track_gain?.dB,
      trackPeak: meta.common.replaygain_track_peak?.ratio,
    });
    return { durationS: d, problem: null, replayGain: rg?.ok ? rg.tag : null };
  } catch (err) {
    return bad(`not a readable audio file (${(err as Error).message})`);
  }
}

/** Where a reference points on this machine: the first asset folder holding the file, or null. */
/** Finds a library file for a track reference without an `asset` path (null: not in the library). */
export type LibraryLookup = (ref: TrackRef) => string | null;

function locate(ref: TrackRef, assetDirs: readonly string[], fromLibrary?: LibraryLookup): { file: string | null; tried: boolean } {
  if (!ref.asset) {
    const file = fromLibrary?.(ref) ?? null;
    return { file, tried: file !== null };
  }
  let first: string | null = null;
  for (const dir of assetDirs) {
    const root = resolve(dir);
    const file = resolve(join(root, ref.asset));
    if (!file.startsWith(root + sep)) continue;
    first ??= file;
    if (existsQuick(file)) return { file, tried: true };
  }
  return { file: first, tried: true };
}

/** A cheap existence test that never throws (the real checks happen in `probe`). */
function existsQuick(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/**
 * Resolves every phase's playlist and fallback bed; never throws for a bad track.
 * `assetDirs`: the app's `assets/` folder first, then any extra asset folders.
 */
export async function resolvePlaylists(
  preset: Preset,
  assetDirs: string | readonly string[],
  fromLibrary?: LibraryLookup,
): Promise<ResolvedPlaylists> {
  const dirs = typeof assetDirs === 'string' ? [assetDirs] : assetDirs;
  const tracks: Record<string, PlannedTrack> = {};
  const replayGain: Record<string, ReplayGainTag> = {};
  const byKey = new Map<string, string>();
  const resolveList = async (refs: readonly TrackRef[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const ref of refs) {
      const { file, tried } = locate(ref, dirs, fromLibrary);
      const key = file ?? `${ref.artist}|${ref.title}|${ref.durationS}`;
      let id = byKey.get(key);
      if (!id) {
        id = `${Object.keys(tracks).length + 1}-${slug(ref.title, { fallback: 'track' })}`;
        byKey.set(key, id);
        const found = file ? await probe(file) : { durationS: null, problem: tried ? 'not found' : 'not found in the music library' };
        tracks[id] = {
          id,
          title: ref.title,
          artist: ref.artist,
          durationS: found.durationS ?? ref.durationS,
          file: found.problem ? null : file,
          problem: found.problem,
        };
        if ('replayGain' in found && found.replayGain) replayGain[id] = found.replayGain;
      }
      ids.push(id);
    }
    return ids;
  };
  const phaseTracks: string[][] = [];
  const fallbackTracks: string[][] = [];
  for (const phase of preset.phases) {
    phaseTracks.push(await resolveList(phase.playlist));
    fallbackTracks.push(await resolveList(phase.fallback ?? []));
  }
  return { tracks, phaseTracks, fallbackTracks, replayGain };
}
