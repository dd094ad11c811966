/**
 * The session report, assembled as plain data (sections of facts, tables, lists and the
 * timeline chart) so Markdown, PDF and the panel's preview all say the same thing. Two
 * audiences: the therapist's full record, and the client's integration copy — tracks, phase
 * times, light, intention and the notes the therapist chose. Private notes never reach the
 * client's version, whatever is chosen. Pure: no I/O, time zone passed in.
 */
import { type ChartModel, chartModel } from './chart';
import { liveNotes, noteTimeLabel, tagLabel } from './notes';
import { currentDischarge, monitoredMs } from './record';
import { reminderItems } from './reminders';
import { type PhaseSpan, phaseSpans, type SessionState } from './session';
import { buildTimeline, type Timeline } from './timeline';
import { DEFAULT_VITALS_RANGES, scaleById, type VitalsRanges, vitalsFlags, vitalsSummary } from './vitals';

export { type ChartMarker, type ChartModel, type ChartOptions, chartModel } from './chart';

export type Audience = 'therapist' | 'client';

/** What the therapist can choose to put in (the client's version); the therapist's has everything. */
export interface ReportInclude {
  intention: boolean;
  phases: boolean;
  tracks: boolean;
  light: boolean;
  notes: boolean;
  chart: boolean;
}

export const FULL_INCLUDE: ReportInclude = { intention: true, phases: true, tracks: true, light: true, notes: true, chart: true };

export interface ReportOptions {
  audience: Audience;
  include?: Partial<ReportInclude>;
  /** Notes chosen for the client's version (private ones are left out regardless); null = every shareable note. */
  noteIds?: readonly string[] | null;
  now: number;
  timeZone?: string;
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
  /** File name without extension, e.g. `2026-11-22-0900-J-therapist`. */
  fileStem: string;
}

// ---------------------------------------------------------------- formatting

function clock(ms: number, tz?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: tz }).format(ms);
}

function day(ms: number, tz?: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: tz }).format(ms);
}

/** "1 h 05 min", "12 min", "40 s". */
export function spanText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

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

const safeFilePart = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24);

// ---------------------------------------------------------------- assembly

interface PlayedTrack {
  at: number;
  playedMs: number;
  title: string;
  artist: string;
  phase: string;
  skipped: boolean;
  failed: boolean;
}

/** Tracks that really sounded (at least 5 s) up to `cut`, in order. */
export function tracksPlayed(state: SessionState, tl: Timeline, cut: number): PlayedTrack[] {
  const out: PlayedTrack[] = [];
  for (const seg of tl.segments) {
    if (seg.start >= cut) continue;
    const playedMs = Math.min(seg.end, cut) - seg.start;
    if (playedMs < 5000) continue;
    const t = state.plan.tracks[seg.trackId];
    const failed = state.failures.some((f) => f.trackId === seg.trackId && f.at >= seg.start && f.at <= seg.end);
    const skipped = state.skips.some((k) => k >= seg.start && k < seg.fadeOutStart + 1 && k <= seg.end);
    out.push({
      at: seg.start,
      playedMs,
      title: t?.title ?? seg.trackId,
      artist: t?.artist ?? '',
      phase: state.plan.preset.phases[seg.phaseIndex]?.name ?? '',
      skipped,
      failed,
    });
  }
  return out;
}

function phasesTable(state: SessionState, spans: PhaseSpan[], cut: number, tz: string | undefined, full: boolean): ReportBlock {
  const done = spans.filter((s) => !s.expected && s.start <= cut);
  const rows = done.map((s) => {
    const end = Math.min(s.end ?? cut, cut);
    const planned = state.phases[s.index]?.plannedMs ?? 0;
    const row = [s.name, clock(s.start, tz), s.end === null || s.end > cut ? 'now' : clock(end, tz), spanText(end - s.start)];
    if (full) row.push(spanText(planned));
    return row;
  });
  return full
    ? { kind: 'table', columns: ['Phase', 'From', 'To', 'Length', 'Planned'], widths: [3, 1, 1, 1.3, 1.3], rows }
    : { kind: 'table', columns: ['Phase', 'From', 'To', 'Length'], widths: [3, 1, 1, 1.3], rows };
}

function lightRows(tl: Timeline, cut: number, tz?: string): string[][] {
  const why = { phase: 'phase scene', 'safe-on': 'safe state on', 'safe-off': 'back from safe state', end: 'session end' } as const;
  return tl.light
    .filter((f) => f.at <= cut)
    .map((f) => {
      const span = tl.phases.find((s) => !s.expected && s.start <= f.at && (s.end === null || s.end > f.at));
      const phase = f.cause === 'phase' && span ? ` (${span.name})` : '';
      return [
        clock(f.at, tz),
        `${Math.round(f.level)} %`,
        `${Math.round(f.kelvin / 10) * 10} K`,
        spanText(f.durationMs),
        `${why[f.cause]}${phase}`,
      ];
    })
    .filter((_, i, all) => i === 0 || all[i]?.join() !== all[i - 1]?.join());
}

function doseText(d: SessionState['record']['doses'][number]): string {
  const x = d.details;
  const amount = x.amount !== undefined && x.amount !== null ? `${x.amount}${x.unit ? ` ${x.unit}` : ''}` : '';
  return amount;
}

/**
 * Builds the report for `state` as of `opts.now`. A session with nothing but its start gives
 * a short, valid report; empty sections say so rather than vanish.
 */
export function assembleReport(state: SessionState, timeline: Timeline | null, opts: ReportOptions): Report {
  const tz = opts.timeZone;
  const now = opts.now;
  const ended = state.status === 'ended' && state.endedAt !== null;
  const cut = ended ? (state.endedAt as number) : now;
  const tl = timeline ?? buildTimeline(state, now);
  const spans = phaseSpans(state, cut);
  const therapist = opts.audience === 'therapist';
  const inc: ReportInclude = therapist ? FULL_INCLUDE : { ...FULL_INCLUDE, ...opts.include };
  const ranges = opts.vitalsRanges ?? DEFAULT_VITALS_RANGES;
  const alias = state.plan.clientAlias.trim();
  const intention = state.plan.intention.trim();
  const sections: ReportSection[] = [];

  const chosen = opts.noteIds ? new Set(opts.noteIds) : null;
  const notes = liveNotes(state.notes).filter((n) => therapist || (n.private !== true && (!chosen || chosen.has(n.id))));

  if (therapist) {
    const facts: Array<[string, string]> = [
      ['Client', alias || '(no alias given)'],
      ['Preset', `${state.plan.preset.name} (${state.plan.preset.route})`],
      ['Date', day(state.startedAt, tz)],
      ['Started', clock(state.startedAt, tz)],
      ['Ended', ended ? clock(cut, tz) : 'still running (draft)'],
      ['Length', spanText(cut - state.startedAt)],
      ['Dose (anchor)', state.doseAt === null ? 'not recorded' : clock(state.doseAt, tz)],
    ];
    sections.push({ title: 'Session', blocks: [{ kind: 'facts', items: facts }] });
    if (intention) sections.push({ title: 'Intention', blocks: [{ kind: 'paragraph', text: intention }] });

    const doses = state.record.doses.map((d, i) => [
      clock(d.givenAt, tz),
      i === 0 ? 'first' : 'repeat',
      d.details.medicine || '—',
      doseText(d) || '—',
      d.details.route || '—',
      d.details.lot || '—',
      [d.note, d.history.length ? `corrected ${d.history.length}×` : ''].filter(Boolean).join('; '),
    ]);
    sections.push({
      title: 'Dose',
      blocks: doses.length
        ? [
            {
              kind: 'table',
              columns: ['Given', 'Kind', 'Medicine', 'Dose', 'Route', 'Lot', 'Note'],
              widths: [1, 1, 2, 1.3, 1.5, 1.3, 2],
              rows: doses,
            },
          ]
        : [{ kind: 'paragraph', text: 'No dose recorded.' }],
    });
  } else {
    if (inc.intention && intention) sections.push({ title: 'Your intention', blocks: [{ kind: 'paragraph', text: intention }] });
  }

  if (inc.chart) sections.push({ title: 'Timeline', blocks: [{ kind: 'chart' }] });
  if (inc.phases) sections.push({ title: 'Phases', blocks: [phasesTable(state, spans, cut, tz, therapist)] });

  if (therapist) {
    const vitals = state.record.vitals.map((v) => {
      const flags = vitalsFlags(v.values, ranges).map((f) => f.text);
      if (v.confirmedImplausible.length) flags.push(`confirmed as entered: ${v.confirmedImplausible.join('; ')}`);
      return [clock(v.takenAt, tz), vitalsSummary(v.values), flags.join('; ') || 'within range', v.note];
    });
    const ratings = state.record.ratings.map((r) => {
      const scale = scaleById(r.scale);
      return [clock(r.takenAt, tz), scale ? `${scale.name} (${scale.kind}, ${scale.min}…${scale.max})` : r.scale, String(r.value), r.note];
    });
    const blocks: ReportBlock[] = [];
    blocks.push(
      vitals.length
        ? { kind: 'table', columns: ['Time', 'Reading', 'Flags', 'Note'], widths: [1, 3.2, 3, 2], rows: vitals }
        : { kind: 'paragraph', text: 'No vitals recorded.' },
    );
    if (ratings.length) blocks.push({ kind: 'table', columns: ['Time', 'Scale', 'Rating', 'Note'], widths: [1, 3.2, 1, 3], rows: ratings });
    else blocks.push({ kind: 'paragraph', text: 'No sedation or dissociation ratings recorded.' });
    sections.push({ title: 'Vitals and ratings', blocks });

    const adverse = state.record.adverseEvents.map((a) => [clock(a.takenAt, tz), a.severity, a.description, a.action]);
    sections.push({
      title: 'Adverse events',
      blocks: adverse.length
        ? [{ kind: 'table', columns: ['Time', 'Severity', 'What happened', 'Action taken'], widths: [1, 1.3, 4, 3], rows: adverse }]
        : [{ kind: 'paragraph', text: 'None recorded.' }],
    });

    const reminders = reminderItems(state, cut).filter((r) => r.status !== 'upcoming' && r.status !== 'waiting');
    const rWord = (r: (typeof reminders)[number]): string => {
      if (r.status === 'done' && r.doneAt !== null) return `done ${clock(r.doneAt, tz)}`;
      if (r.status === 'missed') return 'missed';
      if (r.status === 'overdue' || r.status === 'due') return 'not done';
      return r.status;
    };
    sections.push({
      title: 'Reminders',
      blocks: reminders.length
        ? [
            {
              kind: 'table',
              columns: ['Due', 'Reminder', 'Outcome'],
              widths: [1, 5, 2],
              rows: reminders.map((r) => [r.dueAt === null ? '—' : clock(r.dueAt, tz), r.label, rWord(r)]),
            },
          ]
        : [{ kind: 'paragraph', text: 'No reminders fell due.' }],
    });
  }

  if (inc.notes) {
    const rows = notes.map((n) => {
      const marks = [
        n.tags?.length ? `[${n.tags.map(tagLabel).join(', ')}]` : '',
        therapist && n.private ? '(private)' : '',
        therapist && n.editedAt !== undefined ? `(edited ${clock(n.editedAt, tz)})` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return [noteTimeLabel(n.at, state.doseAt, tz), therapist && marks ? `${n.text} ${marks}` : n.text];
    });
    const blocks: ReportBlock[] = rows.length
      ? [{ kind: 'table', columns: ['Time', 'Note'], widths: [1.6, 6], rows }]
      : [{ kind: 'paragraph', text: therapist ? 'No notes.' : 'No notes were chosen for this copy.' }];
    if (therapist) {
      const withHistory = state.notes.filter((n) => n.deletedAt !== undefined || (n.history?.length ?? 0) > 0);
      if (withHistory.length) {
        const items: string[] = [];
        for (const n of withHistory) {
          for (const h of n.history ?? []) items.push(`${clock(n.at, tz)} note, wording before ${clock(h.at, tz)}: “${h.text}”`);
          if (n.deletedAt !== undefined) items.push(`${clock(n.at, tz)} note deleted at ${clock(n.deletedAt, tz)}: “${n.text}”`);
        }
        blocks.push({ kind: 'paragraph', text: 'Edits and deletions (kept for the record):' }, { kind: 'list', items });
      }
    }
    sections.push({ title: therapist ? 'Notes' : 'Notes from your session', blocks });
  }

  if (inc.tracks) {
    const played = tracksPlayed(state, tl, cut);
    const rows = played.map((p) => {
      const row = [clock(p.at, tz), p.title, p.artist || '—'];
      if (therapist) row.push(p.failed ? 'could not play' : p.skipped ? `skipped after ${spanText(p.playedMs)}` : p.phase);
      return row;
    });
    sections.push({
      title: therapist ? 'Music played' : 'Music you heard',
      blocks: rows.length
        ? [
            therapist
              ? { kind: 'table', columns: ['Time', 'Title', 'Artist', 'Phase / note'], widths: [1, 3, 2.4, 2.4], rows }
              : { kind: 'table', columns: ['Time', 'Title', 'Artist'], widths: [1, 3.5, 3], rows },
          ]
        : [{ kind: 'paragraph', text: 'No music played.' }],
    });
  }

  if (inc.light) {
    const rows = lightRows(tl, cut, tz);
    sections.push({
      title: 'Light',
      blocks: rows.length
        ? [{ kind: 'table', columns: ['Time', 'Level', 'Colour', 'Over', 'Why'], widths: [1, 1, 1.1, 1.1, 3.5], rows }]
        : [{ kind: 'paragraph', text: 'No light changes.' }],
    });
  }

  if (therapist) {
    const safe = state.safe.intervals.map((iv) => `${clock(iv.from, tz)}–${iv.to === null ? 'still on' : clock(iv.to, tz)}`);
    if (safe.length) sections.push({ title: 'Safe state', blocks: [{ kind: 'list', items: safe }] });
    const d = currentDischarge(state.record);
    const facts: Array<[string, string]> = d
      ? [
          ['Ready to leave', d.ready ? 'yes' : 'not yet'],
          ['Discharged at', clock(d.dischargedAt, tz)],
          ['Accompanied by', d.accompaniedBy || '—'],
          ['Total monitored', spanText(monitoredMs(state, now))],
        ]
      : [
          ['Discharge', 'not recorded'],
          ['Monitored so far', spanText(monitoredMs(state, cut))],
        ];
    const blocks: ReportBlock[] = [{ kind: 'facts', items: facts }];
    if (d?.note) blocks.push({ kind: 'paragraph', text: d.note });
    sections.push({ title: 'Discharge', blocks });
  }

  const chart = inc.chart
    ? chartModel(state, tl, cut, {
        clinical: therapist,
        noteIds: therapist ? null : inc.notes ? new Set(notes.map((n) => n.id)) : new Set<string>(),
        vitalsRanges: ranges,
        timeZone: tz,
      })
    : null;
  const who = alias ? ` · ${alias}` : '';
  return {
    audience: opts.audience,
    title: therapist ? `Session record${who}` : 'Your session',
    subtitle: `${day(state.startedAt, tz)} · ${clock(state.startedAt, tz)}–${ended ? clock(cut, tz) : 'now'}${therapist ? ` · ${state.plan.preset.name}` : ''}`,
    draft: !ended,
    generatedAt: now,
    sections,
    chart,
    fileStem: [fileStamp(state.startedAt, tz), safeFilePart(alias), opts.audience].filter(Boolean).join('-'),
  };
}

// ---------------------------------------------------------------- Markdown

const mdCell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const mdText = (s: string): string => s.replace(/^([#>\-+*]|\d+\.)\s/gm, '\\$1 ');

/** The report as Markdown (the chart is in the PDF; Markdown says so). */
export function toMarkdown(r: Report, tz?: string): string {
  const out: string[] = [`# ${r.title}`, '', `_${r.subtitle}_`, ''];
  if (r.draft) out.push('**Draft:** the session was still running when this was made.', '');
  for (const s of r.sections) {
    out.push(`## ${s.title}`, '');
    for (const b of s.blocks) {
      switch (b.kind) {
        case 'paragraph':
          out.push(mdText(b.text), '');
          break;
        case 'facts':
          for (const [k, v] of b.items) out.push(`- **${k}:** ${mdCell(v)}`);
          out.push('');
          break;
        case 'list':
          for (const i of b.items) out.push(`- ${mdCell(i)}`);
          out.push('');
          break;
        case 'table':
          out.push(`| ${b.columns.map(mdCell).join(' | ')} |`, `|${b.columns.map(() => ' --- ').join('|')}|`);
          for (const row of b.rows) out.push(`| ${row.map(mdCell).join(' | ')} |`);
          out.push('');
          break;
        case 'chart':
          out.push('_The timeline chart is in the PDF version._', '');
          break;
      }
    }
  }
  out.push(`_Made by Stillroom on ${day(r.generatedAt, tz)} at ${clock(r.generatedAt, tz)}._`, '');
  return out.join('\n');
}
