/**
 * The session drawn as data — phases, music segments, the light curve (the plan ahead marked as
 * such), safe state and markers for notes, the dose, vitals, ratings and adverse events — so the
 * panel's SVG chart and the PDF report draw exactly the same picture. Pure.
 */
import type { ClockFormat } from './format';
import { liveNotes, noteTimeLabel } from './notes';
import type { SessionState } from './session';
import { type LightKeyframe, lightAt, type Timeline } from './timeline';
import { DEFAULT_VITALS_RANGES, scaleById, type VitalsRanges, vitalsFlags, vitalsSummary } from './vitals';

export interface ChartMarker {
  t: number;
  kind: 'note' | 'vitals' | 'dose' | 'rating' | 'adverse';
  label: string;
  flagged: boolean;
  id: string;
}

/** The session drawn as data: the panel draws it in SVG, the PDF with lines and rectangles. */
export interface ChartModel {
  from: number;
  to: number;
  /** The present moment while the session runs (later parts are the plan); null once ended. */
  now: number | null;
  phases: Array<{ index: number; from: number; to: number; name: string; expected: boolean }>;
  /** Music segments; `lane` alternates so a crossfade shows as an overlap. */
  segments: Array<{ from: number; to: number; label: string; lane: 0 | 1; planned: boolean }>;
  /** Light level 0–100 sampled over the span; `planned` once past `now`. */
  light: Array<{ t: number; level: number; planned: boolean }>;
  safe: Array<{ from: number; to: number }>;
  markers: ChartMarker[];
}

export interface ChartOptions {
  /** Which notes appear as markers: all live notes, or only these ids. */
  noteIds?: ReadonlySet<string> | null;
  /** Doses, vitals, ratings and adverse events (the therapist's view). */
  clinical: boolean;
  vitalsRanges?: VitalsRanges;
  timeZone?: string;
  /** How the markers' clock times read; 24-hour when absent. */
  clockFormat?: ClockFormat;
  /** Draw the light curve and safe state (a client's copy leaves them out unless chosen). Default true. */
  light?: boolean;
}

const LIGHT_SAMPLES = 160;

/** Light keyframes plus the planned scenes of phases still to come, so the curve shows the plan ahead. */
function plannedFrames(state: SessionState, tl: Timeline): LightKeyframe[] {
  const extra: LightKeyframe[] = [];
  for (const s of tl.phases) {
    if (!s.expected) continue;
    const sc = state.plan.preset.phases[s.index]?.light;
    if (sc) extra.push({ at: s.start, level: sc.level, kelvin: sc.kelvin, durationMs: sc.transitionS * 1000, cause: 'phase' });
  }
  return [...tl.light, ...extra].sort((a, b) => a.at - b.at);
}

/** The chart of a session as of `now` (the whole session once it has ended). */
export function chartModel(state: SessionState, tl: Timeline, now: number, opts: ChartOptions): ChartModel {
  const ended = state.status === 'ended' && state.endedAt !== null;
  const lastSpan = tl.phases.at(-1);
  const planEnd = lastSpan ? (lastSpan.end ?? Math.max(lastSpan.plannedEnd, now)) : now;
  const from = state.startedAt;
  const to = ended ? Math.max(from + 1000, state.endedAt as number) : Math.max(from + 60_000, now, planEnd);
  const cut = ended ? (state.endedAt as number) : now;

  const phases = tl.phases
    .map((s) => ({
      index: s.index,
      from: s.start,
      to: Math.min(to, s.end ?? Math.max(s.plannedEnd, now)),
      name: s.name,
      expected: s.expected,
    }))
    .filter((p) => p.to > p.from);

  const segments: ChartModel['segments'] = [];
  tl.segments.forEach((seg, i) => {
    if (seg.start >= to) return;
    const t = state.plan.tracks[seg.trackId];
    segments.push({
      from: seg.start,
      to: Math.min(seg.end, to),
      label: t ? `${t.title}${t.artist ? ` — ${t.artist}` : ''}` : seg.trackId,
      lane: (i % 2) as 0 | 1,
      planned: seg.start > cut,
    });
  });

  const frames = ended ? tl.light : plannedFrames(state, tl);
  const light: ChartModel['light'] = [];
  const showLight = opts.light !== false;
  for (let i = 0; showLight && i <= LIGHT_SAMPLES; i++) {
    const t = from + ((to - from) * i) / LIGHT_SAMPLES;
    light.push({ t, level: lightAt(frames, t, state.plan.safeScene).level, planned: t > cut });
  }

  const safe = showLight ? state.safe.intervals.map((iv) => ({ from: iv.from, to: iv.to ?? cut })) : [];
  const markers: ChartMarker[] = [];
  const tz = opts.timeZone;
  for (const n of liveNotes(state.notes)) {
    if (opts.noteIds && !opts.noteIds.has(n.id)) continue;
    markers.push({
      t: n.at,
      kind: 'note',
      label: `Note ${noteTimeLabel(n.at, state.doseAt, tz, opts.clockFormat)}`,
      flagged: false,
      id: n.id,
    });
  }
  if (opts.clinical) {
    for (const d of state.record.doses) markers.push({ t: d.givenAt, kind: 'dose', label: 'Dose', flagged: false, id: d.id });
    for (const v of state.record.vitals) {
      const flags = vitalsFlags(v.values, opts.vitalsRanges ?? DEFAULT_VITALS_RANGES);
      const text = `Vitals ${vitalsSummary(v.values)}${flags.length ? ` (${flags.map((f) => f.text).join(', ')})` : ''}`;
      markers.push({ t: v.takenAt, kind: 'vitals', label: text, flagged: flags.length > 0, id: v.id });
    }
    for (const r of state.record.ratings) {
      markers.push({ t: r.takenAt, kind: 'rating', label: `${scaleById(r.scale)?.name ?? r.scale} ${r.value}`, flagged: false, id: r.id });
    }
    for (const a of state.record.adverseEvents) {
      markers.push({ t: a.takenAt, kind: 'adverse', label: `Adverse event: ${a.description}`, flagged: true, id: a.id });
    }
  }
  markers.sort((a, b) => a.t - b.t);
  return { from, to, now: ended ? null : now, phases, segments, light, safe, markers };
}
