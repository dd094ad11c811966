/**
 * The session report, assembled as plain data (sections of facts, tables, lists and the
 * timeline chart) so Markdown, PDF and the panel's preview all say the same thing. Two
 * audiences: the therapist's full, signable record, and the client's integration copy, which
 * by default shares only the intention, the phase times and the music played — every note is
 * off until the therapist ticks it, private notes never go, light, safe state and vitals stay
 * out unless chosen. Pure: no I/O, time zone passed in.
 */
import { type ChartModel, chartModel } from './chart';
import { type ClockFormat, type ClockOptions, formatClock, formatDay, formatDurationWordsMs } from './format';
import { liveNotes, noteTimeLabel } from './notes';
import { phaseRows, recordRows, TRACK_ENDING_WORDS, trackEndings } from './record-events';
import {
  dischargeSection,
  lightRows,
  notesSection,
  remindersSection,
  signatureSection,
  therapistHead,
  vitalsSection,
} from './report-sections';
import type { SessionState } from './session';
import { slug } from './slug';
import { buildTimeline, type Timeline } from './timeline';
import { DEFAULT_VITALS_RANGES, type VitalsRanges } from './vitals';

export { type ChartMarker, type ChartModel, type ChartOptions, chartModel } from './chart';
export { trackEndings as tracksPlayed } from './record-events';
export { toMarkdown } from './report-markdown';
export { noteWithTags } from './report-sections';

export type Audience = 'therapist' | 'client';

/** What the therapist can choose to put in the client's version; the therapist's has everything. */
export interface ReportInclude {
  intention: boolean;
  phases: boolean;
  tracks: boolean;
  light: boolean;
  notes: boolean;
  chart: boolean;
  vitals: boolean;
}

export const FULL_INCLUDE: ReportInclude = {
  intention: true,
  phases: true,
  tracks: true,
  light: true,
  notes: true,
  chart: true,
  vitals: true,
};
/** The client's copy by default: the intention, the phase times and the music played; nothing else until chosen. */
export const CLIENT_DEFAULT_INCLUDE: ReportInclude = {
  intention: true,
  phases: true,
  tracks: true,
  light: false,
  notes: true,
  chart: false,
  vitals: false,
};

export interface ReportOptions {
  audience: Audience;
  include?: Partial<ReportInclude>;
  /** Notes ticked for the client's version (private ones are left out regardless); null or absent = none. */
  noteIds?: readonly string[] | null;
  now: number;
  timeZone?: string;
  /** How clock times read (the therapist's setting, resolved); 24-hour when absent. */
  clockFormat?: ClockFormat;
  vitalsRanges?: VitalsRanges;
}

export type ReportBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'facts'; items: Array<[string, string]> }
  | { kind: 'table'; columns: string[] /** Relative column widths. */; widths: number[]; rows: string[][] }
  | { kind: 'list'; items: string[] }
  | { kind: 'chart' };

export interface ReportSection {
  title: string;
  blocks: ReportBlock[];
}

export interface Report {
  audience: Audience;
  title: string;
  subtitle: string;
  /** True while the session is still running: the report is a draft. */
  draft: boolean;
  generatedAt: number;
  sections: ReportSection[];
  chart: ChartModel | null;
  /** Time zone the times are written in (the machine's when absent). */
  timeZone?: string;
  /** How clock times read in every rendering (Markdown, PDF); 24-hour when absent. */
  clockFormat?: ClockFormat;
  /** File name without extension: date, time, a short session id and the audience — never the alias. */
  fileStem: string;
}

// ---------------------------------------------------------------- file names

function fileStamp(ms: number, tz?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: tz,
  }).formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}-${get('hour').replace('24', '00')}${get('minute')}`;
}

/** A short, stable id for a session in file names: the random tail of its id (never the client's alias). */
export function shortSessionId(sessionId: string): string {
  const tail = /-([0-9a-f]{6,})$/i.exec(sessionId)?.[1];
  return (tail?.toLowerCase() ?? slug(sessionId, { separator: '', max: Number.POSITIVE_INFINITY }).slice(-8)) || 'session';
}

// ---------------------------------------------------------------- assembly

/**
 * Builds the report for `state` as of `opts.now`. A session with nothing but its start gives
 * a short, valid report; empty sections say so rather than vanish.
 */
export function assembleReport(state: SessionState, timeline: Timeline | null, opts: ReportOptions): Report {
  const tz = opts.timeZone;
  const t: ClockOptions = { timeZone: tz, format: opts.clockFormat };
  const now = opts.now;
  const ended = state.status === 'ended' && state.endedAt !== null;
  const cut = ended ? (state.endedAt as number) : now;
  const tl = timeline ?? buildTimeline(state, now);
  const therapist = opts.audience === 'therapist';
  const inc: ReportInclude = therapist ? FULL_INCLUDE : { ...CLIENT_DEFAULT_INCLUDE, ...opts.include };
  const ranges = opts.vitalsRanges ?? DEFAULT_VITALS_RANGES;
  const intention = state.plan.intention.trim();
  const sections: ReportSection[] = [];

  const chosen = new Set(opts.noteIds ?? []);
  const notes = liveNotes(state.notes).filter((n) => therapist || (inc.notes && n.private !== true && chosen.has(n.id)));

  if (therapist) sections.push(...therapistHead(state, ended, cut, t));
  else if (inc.intention && intention) sections.push({ title: 'Your intention', blocks: [{ kind: 'paragraph', text: intention }] });

  if (inc.chart) sections.push({ title: 'Timeline', blocks: [{ kind: 'chart' }] });
  if (inc.phases) {
    const rows = phaseRows(state, tl.phases, cut).map((p) => {
      const to = p.end === null ? 'now' : formatClock(p.end, t);
      return therapist
        ? [
            p.name,
            formatClock(p.start, t),
            to,
            formatDurationWordsMs(p.actualMs),
            formatDurationWordsMs(p.plannedMs),
            [p.ending, p.changes].filter(Boolean).join('; '),
          ]
        : [p.name, formatClock(p.start, t), to, formatDurationWordsMs(p.actualMs)];
    });
    sections.push({
      title: 'Phases',
      blocks: [
        therapist
          ? {
              kind: 'table',
              columns: ['Phase', 'From', 'To', 'Lasted', 'Planned', 'How it ended'],
              widths: [2.4, 0.9, 0.9, 1.5, 1.5, 2.8],
              rows,
            }
          : { kind: 'table', columns: ['Phase', 'From', 'To', 'Lasted'], widths: [3, 1, 1, 1.5], rows },
      ],
    });
  }

  if (therapist) {
    const rows = recordRows(state, tl, cut, { vitalsRanges: ranges, clock: (ms) => formatClock(ms, t) }).map((r) => [
      noteTimeLabel(r.at, state.doseAt, t.timeZone, t.format),
      r.flagged ? `${r.what} (!)` : r.what,
      r.detail,
    ]);
    sections.push({ title: 'Events', blocks: [{ kind: 'table', columns: ['Time', 'Event', 'Detail'], widths: [1.6, 3, 4.4], rows }] });
  }
  if (therapist || inc.vitals) sections.push(vitalsSection(state, ranges, t, therapist));
  if (therapist) {
    const adverse = state.record.adverseEvents.map((a) => [
      noteTimeLabel(a.takenAt, state.doseAt, t.timeZone, t.format),
      a.severity,
      a.description,
      a.action,
    ]);
    sections.push({
      title: 'Adverse events',
      blocks: adverse.length
        ? [{ kind: 'table', columns: ['Time', 'Severity', 'What happened', 'Action taken'], widths: [1.6, 1.3, 4, 3], rows: adverse }]
        : [{ kind: 'paragraph', text: 'None recorded.' }],
    });
    sections.push(remindersSection(state, cut, t));
  }

  if (therapist || notes.length > 0) sections.push(notesSection(state, notes, therapist, t));

  if (inc.tracks) {
    const rows = trackEndings(state, tl, cut).map((p) => {
      const row = [formatClock(p.at, t), p.title, p.artist || '—'];
      if (therapist) row.push(p.phase, p.ending === 'failed' ? `failed: ${p.reason}` : TRACK_ENDING_WORDS[p.ending]);
      return row;
    });
    sections.push({
      title: therapist ? 'Music played' : 'Music you heard',
      blocks: rows.length
        ? [
            therapist
              ? { kind: 'table', columns: ['Time', 'Title', 'Artist', 'Phase', 'How it ended'], widths: [0.9, 3, 2.2, 1.8, 2.4], rows }
              : { kind: 'table', columns: ['Time', 'Title', 'Artist'], widths: [1, 3.5, 3], rows },
          ]
        : [{ kind: 'paragraph', text: 'No music played.' }],
    });
  }

  if (inc.light) {
    const rows = lightRows(tl, cut, t);
    sections.push({
      title: 'Light',
      blocks: rows.length
        ? [{ kind: 'table', columns: ['Time', 'Level', 'Colour', 'Over', 'Why'], widths: [1, 1, 1.1, 1.1, 3.5], rows }]
        : [{ kind: 'paragraph', text: 'No light changes.' }],
    });
    const safe = state.safe.intervals.map((iv) => `${formatClock(iv.from, t)}–${iv.to === null ? 'still on' : formatClock(iv.to, t)}`);
    if (safe.length) sections.push({ title: 'Safe state', blocks: [{ kind: 'list', items: safe }] });
  }

  if (therapist) sections.push(dischargeSection(state, ended, cut, t), signatureSection(state, t));

  const chart = inc.chart
    ? chartModel(state, tl, cut, {
        clinical: therapist,
        noteIds: therapist ? null : new Set(notes.map((n) => n.id)),
        vitalsRanges: ranges,
        timeZone: tz,
        clockFormat: opts.clockFormat,
        light: therapist || inc.light,
      })
    : null;
  const alias = state.plan.clientAlias.trim();
  const who = therapist && alias ? ` · ${alias}` : '';
  return {
    audience: opts.audience,
    title: therapist ? `Session record${who}` : 'Your session',
    subtitle: `${formatDay(state.startedAt, t.timeZone)} · ${formatClock(state.startedAt, t)}–${ended ? formatClock(cut, t) : 'now'}${therapist ? ` · ${state.plan.preset.name}` : ''}`,
    draft: !ended,
    generatedAt: now,
    sections,
    chart,
    ...(tz ? { timeZone: tz } : {}),
    ...(opts.clockFormat ? { clockFormat: opts.clockFormat } : {}),
    fileStem: `${fileStamp(state.startedAt, tz)}-${shortSessionId(state.plan.sessionId)}-${opts.audience}`,
  };
}
