/**
 * Crossfade start error as the room hears it, from the recorded output.
 *
 * Every bench track carries a marker: a 10 ms burst at `MARK_HZ`, `MARK_S` seconds into the
 * file. Shortly before each planned start, the page schedules a reference burst at
 * `REF_HZ` on the AudioContext's own clock, at the moment the engine's wall→audio-clock mapping
 * says the marker is due (planned start + marker − the segment's cue-in). The reference is
 * sample-exact (a Web Audio source started at a context time); the marker sounds wherever the
 * element really is. So, in the recording, marker − reference = how far the music is behind
 * (+) or ahead of (−) its planned place on the audio clock: exactly what a listener hears
 * against the other track's fade, with no in-page estimate in between.
 *
 * Only planned starts are timed (a voice known at least a second before its start, not the
 * session's first): joins after a failure or a reload fade in from wherever they are.
 */
import type { Page } from '@playwright/test';
import { burstPeakS, type Pcm } from '../e2e/audio-record';

/** Where the marker sits in every bench track (s into the file) and its frequency. */
export const MARK_S = 1;
export const MARK_HZ = 6000;
/** The reference burst's frequency: far from the marker and from the tones. */
const REF_HZ = 10_000;

/** One reference burst the page scheduled. */
export interface ScheduledRef {
  id: string;
  /** Host time the marker is due (ms). */
  hostAt: number;
  /** The segment's start when the reference was scheduled (a later re-plan invalidates it). */
  start: number;
  format: string;
  /** What the engine measured while aligning this start, then (last) about a second after it sounded (ms). */
  align: number[];
}

/**
 * Installs the page-side scheduler: every 20 ms, for each voice whose planned start is 150–400 ms
 * away, a 10 ms Hann-shaped burst at REF_HZ is scheduled on the AudioContext (howler's global,
 * `window.Howler.ctx`) straight to the destination, so no stage of the master bus shapes it.
 */
export async function installReferenceBursts(page: Page, sessionStart: number): Promise<void> {
  await page.evaluate(
    ({ markS, refHz, t0, len }) => {
      type V = { id: string; trackId: string; start: number; offsetS: number; state: string };
      type D = { voices: V[]; now: number; clockOffsetMs: number | null };
      const w = window as unknown as {
        __stillroomAudio: D;
        Howler?: { ctx?: AudioContext };
        __refs: Array<{ id: string; hostAt: number; start: number; trackId: string }>;
        __starts: Record<string, number>;
        __align: Record<string, number[]>;
      };
      w.__refs = [];
      w.__align = {};
      w.__starts = {};
      const firstSeen: Record<string, number> = {};
      const done = new Set<string>();
      const shape = new Float32Array(64).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 63));
      setInterval(() => {
        const d = w.__stillroomAudio;
        const ctx = w.Howler?.ctx;
        if (!d || !ctx || d.clockOffsetMs === null) return;
        const now = d.now;
        for (const v of d.voices) {
          firstSeen[v.id] ??= now;
          w.__starts[v.id] = v.start;
          const a = v as unknown as { alignMs?: number[]; steadyMs?: number | null };
          if (a.alignMs?.length) w.__align[v.id] = [...a.alignMs, ...(a.steadyMs == null ? [] : [a.steadyMs])];
          if (done.has(v.id) || v.start <= t0 + 1000) continue;
          const ahead = v.start - now;
          if (ahead > 400 || ahead < 150 || (firstSeen[v.id] as number) > v.start - 1000) continue;
          done.add(v.id);
          const hostAt = v.start + (markS - v.offsetS) * 1000;
          const at = (hostAt + d.clockOffsetMs) / 1000 - len / 2;
          const osc = ctx.createOscillator();
          const g = ctx.createGain();
          osc.frequency.value = refHz;
          g.gain.value = 0;
          g.gain.setValueCurveAtTime(
            shape.map((x) => x * 0.1),
            at,
            len,
          );
          osc.connect(g).connect(ctx.destination);
          osc.start(at);
          osc.stop(at + len + 0.01);
          w.__refs.push({ id: v.id, hostAt, start: v.start, trackId: v.trackId });
        }
      }, 20);
    },
    { markS: MARK_S, refHz: REF_HZ, t0: sessionStart, len: 0.01 },
  );
}

/** The references the page scheduled, each with its track's format; those whose start moved later are left out. */
export async function scheduledRefs(page: Page, formatOf: (trackId: string) => string): Promise<ScheduledRef[]> {
  const { refs, starts, align } = await page.evaluate(() => {
    const w = window as unknown as {
      __refs: Array<{ id: string; hostAt: number; start: number; trackId: string }>;
      __starts: Record<string, number>;
      __align: Record<string, number[]>;
    };
    return { refs: w.__refs, starts: w.__starts, align: w.__align };
  });
  return refs
    .filter((r) => starts[r.id] === r.start)
    .map((r) => ({ id: r.id, hostAt: r.hostAt, start: r.start, format: formatOf(r.trackId), align: align[r.id] ?? [] }));
}

/**
 * Marker − reference (ms, + = late) for each scheduled reference found in the recording.
 * `hostToRecS` places host time in the recording roughly (within a second): each reference is
 * searched ±1 s around there, its marker ±250 ms around the reference.
 */
export function startErrorsFromRecording(
  pcm: Pcm,
  refs: ScheduledRef[],
  hostToRecS: (hostMs: number) => number,
): Array<ScheduledRef & { errorMs: number }> {
  const out: Array<ScheduledRef & { errorMs: number }> = [];
  let shift = 0; // learned from the first reference found: where host time really lands in the recording
  for (const r of refs) {
    const guess = hostToRecS(r.hostAt) + shift;
    const ref = burstPeakS(pcm, REF_HZ, guess - 1, guess + 1);
    if (!(ref.db > -45)) continue;
    shift = ref.atS - hostToRecS(r.hostAt);
    const mark = burstPeakS(pcm, MARK_HZ, ref.atS - 0.25, ref.atS + 0.25);
    if (!(mark.db > -60)) continue;
    out.push({ ...r, errorMs: (mark.atS - ref.atS) * 1000 });
  }
  return out;
}
