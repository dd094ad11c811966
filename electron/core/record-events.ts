/**
 * The session as a clinician reads it back: every clinical event in time order (start, dose,
 * each phase's start, holds, extensions and shortenings, advances — never as skips — safe
 * state, tracks skipped or failed, vitals with their flags, ratings with their scale, adverse
 * events, reminders done, the end, discharge); each phase with its planned and actual length
 * to the second; and each track played with how it ended. Pure, time zone passed in.
 */
import { formatDurationWordsMs } from './format';
import { currentDischarge, monitoredMs } from './record';
import type { PhaseControl, PhaseSpan, SessionState } from './session';
import type { AudioSegment, Timeline } from './timeline';
import { DEFAULT_VITALS_RANGES, scaleById, type VitalsRanges, vitalsFlags, vitalsSummary } from './vitals';

export interface RecordRow {
  at: number;
  what: string;
  detail: string;
  /** Out of range, adverse, failed: the report marks it. */
  flagged: boolean;
}

const phaseName = (state: SessionState, i: number): string => state.phases[i]?.name ?? `phase ${i + 1}`;

function controlRow(state: SessionState, c: PhaseControl, spans: readonly PhaseSpan[]): RecordRow {
  const name = phaseName(state, c.phaseIndex);
  const span = spans[c.phaseIndex];
  const planned = state.phases[c.phaseIndex]?.plannedMs ?? 0;
  switch (c.kind) {
    case 'held':
      return { at: c.at, what: `${name}: held`, detail: 'the countdown paused', flagged: false };
    case 'resumed':
      return { at: c.at, what: `${name}: resumed`, detail: `held for ${formatDurationWordsMs(c.ms ?? 0)}`, flagged: false };
    case 'extended': {
      const ms = c.ms ?? 0;
      const what = ms >= 0 ? `${name}: extended by ${formatDurationWordsMs(ms)}` : `${name}: shortened by ${formatDurationWordsMs(-ms)}`;
      return { at: c.at, what, detail: '', flagged: false };
    }
    case 'advanced':
    case 'dose-advanced': {
      const lived = span ? formatDurationWordsMs(c.at - span.start) : '';
      const next = phaseName(state, c.phaseIndex + 1);
      const what = c.kind === 'advanced' ? `Advanced from ${name} to ${next}` : `${name} ended with the dose; ${next} begins`;
      return { at: c.at, what, detail: lived ? `after ${lived} of ${formatDurationWordsMs(planned)} planned` : '', flagged: false };
    }
  }
}

function doseDetail(d: SessionState['record']['doses'][number]): string {
  const x = d.details;
  const amount = x.amount !== undefined && x.amount !== null ? `${x.amount}${x.unit ? ` ${x.unit}` : ''}` : '';
  return [x.medicine, amount, x.route, x.lot ? `lot ${x.lot}` : '', d.note].filter(Boolean).join(' · ') || 'no details written down';
}

export interface RecordOptions {
  vitalsRanges?: VitalsRanges;
  /** Formats a time of day (for details that mention another time). */
  clock: (ms: number) => string;
}

/** Every clinical event up to `cut`, oldest first. */
export function recordRows(state: SessionState, tl: Timeline, cut: number, opts: RecordOptions): RecordRow[] {
  const rows: RecordRow[] = [];
  const spans = tl.phases;
  const ranges = opts.vitalsRanges ?? DEFAULT_VITALS_RANGES;
  rows.push({
    at: state.startedAt,
    what: 'Session started',
    detail: `${state.plan.preset.name} (${state.plan.preset.route})`,
    flagged: false,
  });
  state.record.doses.forEach((d, i) => {
    rows.push({ at: d.givenAt, what: i === 0 ? 'Dose given' : 'Further dose given', detail: doseDetail(d), flagged: false });
    for (const h of d.history)
      rows.push({ at: h.at, what: 'Dose details corrected', detail: `was: ${doseDetail({ ...d, ...h })}`, flagged: false });
  });
  for (const s of spans) {
    if (s.expected || s.start > cut || s.index === 0) continue;
    if (s.end !== null && s.end <= s.start) continue;
    const planned = state.phases[s.index]?.plannedMs ?? 0;
    rows.push({ at: s.start, what: `Phase: ${s.name}`, detail: `planned ${formatDurationWordsMs(planned)}`, flagged: false });
  }
  for (const c of state.controls) rows.push(controlRow(state, c, spans));
  for (const iv of state.safe.intervals) {
    rows.push({ at: iv.from, what: 'Safe state on', detail: 'music down, lights to working level', flagged: false });
    if (iv.to !== null)
      rows.push({ at: iv.to, what: 'Safe state off', detail: `after ${formatDurationWordsMs(iv.to - iv.from)}`, flagged: false });
  }
  for (const t of trackEndings(state, tl, cut)) {
    if (t.ending === 'skipped') rows.push({ at: t.endedAt, what: 'Track skipped by the therapist', detail: t.label, flagged: false });
    if (t.ending === 'failed') rows.push({ at: t.endedAt, what: 'Track could not play', detail: `${t.label}: ${t.reason}`, flagged: true });
  }
  for (const v of state.record.vitals) {
    const flags = vitalsFlags(v.values, ranges).map((f) => f.text);
    if (v.confirmedImplausible.length) flags.push(`confirmed as entered: ${v.confirmedImplausible.join('; ')}`);
    const detail = [vitalsSummary(v.values), flags.length ? flags.join('; ') : 'within range', v.note].filter(Boolean).join(' · ');
    rows.push({ at: v.takenAt, what: 'Vitals', detail, flagged: flags.length > 0 });
  }
  for (const r of state.record.ratings) {
    const scale = scaleById(r.scale);
    const name = scale ? `${scale.name} (${scale.kind}, ${scale.min} to ${scale.max})` : r.scale;
    rows.push({ at: r.takenAt, what: 'Rating', detail: [`${name}: ${r.value}`, r.note].filter(Boolean).join(' · '), flagged: false });
  }
  for (const a of state.record.adverseEvents) {
    const detail = [a.description, a.action ? `action: ${a.action}` : ''].filter(Boolean).join(' · ');
    rows.push({ at: a.takenAt, what: `Adverse event (${a.severity})`, detail, flagged: true });
  }
  if (state.status === 'ended' && state.endedAt !== null) {
    rows.push({
      at: state.endedAt,
      what: 'Session ended',
      detail: `after ${formatDurationWordsMs(state.endedAt - state.startedAt)}`,
      flagged: false,
    });
  }
  const d = currentDischarge(state.record);
  if (d) {
    const detail = [
      d.ready ? 'ready to leave' : 'not yet ready',
      d.accompaniedBy ? `accompanied by ${d.accompaniedBy}` : '',
      `monitored ${formatDurationWordsMs(monitoredMs(state, d.dischargedAt))}`,
    ]
      .filter(Boolean)
      .join(' · ');
    rows.push({ at: d.dischargedAt, what: 'Discharge', detail, flagged: false });
  }
  return rows.filter((r) => r.at <= Math.max(cut, d?.dischargedAt ?? cut)).sort((a, b) => a.at - b.at);
}

export interface PhaseRow {
  index: number;
  name: string;
  start: number;
  /** Null while it is still going. */
  end: number | null;
  actualMs: number;
  plannedMs: number;
  /** "as planned", "advanced by the therapist", "with the dose", "at the end of the session", "still going". */
  ending: string;
  /** Holds and extensions, e.g. "held 2 min 10 s; extended by 5 min". */
  changes: string;
}

/** Each phase that was lived, with its planned and actual length and what ended it. */
export function phaseRows(state: SessionState, spans: readonly PhaseSpan[], cut: number): PhaseRow[] {
  const ended = state.status === 'ended' && state.endedAt !== null;
  return spans
    .filter((s) => !s.expected && s.start <= cut && (s.end === null || s.end > s.start || s.index === 0))
    .map((s) => {
      const running = s.end === null || s.end > cut;
      const end = running ? null : (s.end as number);
      const own = state.controls.filter((c) => c.phaseIndex === s.index);
      let ending = 'as planned';
      if (own.some((c) => c.kind === 'advanced')) ending = 'advanced by the therapist';
      else if (own.some((c) => c.kind === 'dose-advanced')) ending = 'with the dose';
      else if (running) ending = 'still going';
      else if (ended && end === state.endedAt) ending = 'at the end of the session';
      const held = own.filter((c) => c.kind === 'resumed').reduce((a, c) => a + (c.ms ?? 0), 0);
      const ext = own.filter((c) => c.kind === 'extended').reduce((a, c) => a + (c.ms ?? 0), 0);
      const changes = [
        held > 0 ? `held ${formatDurationWordsMs(held)}` : own.some((c) => c.kind === 'held') ? 'held' : '',
        ext > 0 ? `extended by ${formatDurationWordsMs(ext)}` : ext < 0 ? `shortened by ${formatDurationWordsMs(-ext)}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      return {
        index: s.index,
        name: s.name,
        start: s.start,
        end,
        actualMs: (end ?? cut) - s.start,
        plannedMs: state.phases[s.index]?.plannedMs ?? 0,
        ending,
        changes,
      };
    });
}

export type TrackEnding = 'finished' | 'phase-change' | 'skipped' | 'failed' | 'session-end' | 'playing';

export interface TrackRow {
  at: number;
  endedAt: number;
  playedMs: number;
  title: string;
  artist: string;
  label: string;
  phase: string;
  phaseIndex: number;
  ending: TrackEnding;
  /** Why it failed (the player's words). */
  reason: string;
}

export const TRACK_ENDING_WORDS: Record<TrackEnding, string> = {
  finished: 'finished',
  'phase-change': 'crossfaded at a phase change',
  skipped: 'skipped by the therapist',
  failed: 'failed',
  'session-end': 'faded out at the end',
  playing: 'playing',
};

/** Longest a skip's fade can wait for an older fade to finish (the longest crossfade). */
const SKIP_WAIT_MS = 20_000;

/**
 * Which segment each skip press ended: the newest one that had started before the press and
 * began fading at it (or as soon as an older fade had finished), as the timeline applies it.
 * A press that changed nothing (the music had run out) owns no segment.
 */
function skipOwners(segments: readonly AudioSegment[], skips: readonly number[]): Set<AudioSegment> {
  const out = new Set<AudioSegment>();
  for (const k of skips) {
    let owner: AudioSegment | undefined;
    for (const s of segments) {
      if (s.start < k && s.fadeOutStart >= k && s.fadeOutStart - k <= SKIP_WAIT_MS && (!owner || s.start >= owner.start)) owner = s;
    }
    if (owner) out.add(owner);
  }
  return out;
}

/** Tracks that really sounded (at least 5 s) up to `cut`, in order, each with how it ended. */
export function trackEndings(state: SessionState, tl: Timeline, cut: number): TrackRow[] {
  const skipped = skipOwners(tl.segments, state.skips);
  const ended = state.status === 'ended' && state.endedAt !== null;
  const out: TrackRow[] = [];
  tl.segments.forEach((seg, i) => {
    if (seg.start >= cut) return;
    const playedMs = Math.min(seg.end, cut) - seg.start;
    if (playedMs < 5000) return;
    const t = state.plan.tracks[seg.trackId];
    const failure = state.failures.find((f) => f.trackId === seg.trackId && f.at >= seg.start && f.at <= seg.end);
    const next = tl.segments.slice(i + 1).find((s) => s.start >= seg.start);
    let ending: TrackEnding = 'finished';
    if (failure) ending = 'failed';
    else if (skipped.has(seg)) ending = 'skipped';
    else if (ended && seg.fadeOutStart >= (state.endedAt as number)) ending = 'session-end';
    else if (seg.end > cut) ending = 'playing';
    else if (next && next.phaseIndex !== seg.phaseIndex) ending = 'phase-change';
    const title = t?.title ?? seg.trackId;
    const artist = t?.artist ?? '';
    out.push({
      at: seg.start,
      endedAt: failure ? failure.at : Math.min(seg.fadeOutStart, cut),
      playedMs,
      title,
      artist,
      label: artist ? `${title} — ${artist}` : title,
      phase: state.plan.preset.phases[seg.phaseIndex]?.name ?? '',
      phaseIndex: seg.phaseIndex,
      ending,
      reason: failure?.reason ?? '',
    });
  });
  return out;
}
