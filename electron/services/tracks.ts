/**
 * Turns a preset's track references into playable local files for one session, measuring
 * each file's real duration. A track that cannot be found or read is kept in the plan with
 * the reason, left out of the playlist, and reported before the music starts.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { parseFile } from 'music-metadata';
import type { Preset, TrackRef } from '../core/preset';
import type { PlannedTrack } from '../core/session';

export interface ResolvedPlaylists {
  tracks: Record<string, PlannedTrack>;
  phaseTracks: string[][];
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

async function probe(file: string): Promise<{ durationS: number | null; problem: string | null }> {
  try {
    await access(file, constants.R_OK);
    const st = await stat(file);
    if (!st.isFile()) return { durationS: null, problem: 'not a file' };
    if (st.size === 0) return { durationS: null, problem: 'the file is empty' };
  } catch {
    return { durationS: null, problem: 'file not found or not readable' };
  }
  try {
    const meta = await parseFile(file, { duration: true, skipCovers: true });
    const d = meta.format.duration;
    if (!d || !Number.isFinite(d) || d <= 0) return { durationS: null, problem: 'not a playable audio file (no duration)' };
    return { durationS: d, problem: null };
  } catch (err) {
    return { durationS: null, problem: `not a readable audio file (${(err as Error).message})` };
  }
}

/** Where a reference points on this machine, or null (library matching arrives with the library). */
function locate(ref: TrackRef, assetsDir: string): string | null {
  if (!ref.asset) return null;
  const root = resolve(assetsDir);
  const file = resolve(join(root, ref.asset));
  return file.startsWith(root + sep) ? file : null;
}

/** Resolves every phase's playlist; never throws for a bad track. */
export async function resolvePlaylists(preset: Preset, assetsDir: string): Promise<ResolvedPlaylists> {
  const tracks: Record<string, PlannedTrack> = {};
  const byKey = new Map<string, string>();
  const phaseTracks: string[][] = [];
  for (const phase of preset.phases) {
    const ids: string[] = [];
    for (const ref of phase.playlist) {
      const file = locate(ref, assetsDir);
      const key = file ?? `${ref.artist}|${ref.title}|${ref.durationS}`;
      let id = byKey.get(key);
      if (!id) {
        id = `${Object.keys(tracks).length + 1}-${slug(ref.title) || 'track'}`;
        byKey.set(key, id);
        const found = file ? await probe(file) : { durationS: null, problem: 'not found in the music library' };
        tracks[id] = {
          id,
          title: ref.title,
          artist: ref.artist,
          durationS: found.durationS ?? ref.durationS,
          file: found.problem ? null : file,
          problem: found.problem,
        };
      }
      ids.push(id);
    }
    phaseTracks.push(ids);
  }
  return { tracks, phaseTracks };
}
