/**
 * The session report, assembled as plain data (sections of facts, tables, lists and the
 * timeline chart) so Markdown, PDF and the panel's preview all say the same thing. Two
 * audiences: the therapist's full, signable record, and the client's integration copy, which
 * by default shares only the intention, the phase times and the music played — every note is
 * off until the therapist ticks it, private notes never go, light, safe state and vitals stay
 * out unless chosen. Pure: no I/O, time zone passed in.
 */
import { type ChartModel, chartModel } from './chart';
import { liveNotes, noteTimeLabel, tagLabel } from './notes';
import { currentDischarge, monitoredMs } from './record';
import { lengthText, phaseRows, recordRows, TRACK_ENDING_WORDS, trackEndings } from './record-events';
import { reminderItems } from './reminders';
import type { Note, SessionState } from './session';
import { slug } from './slug';
import { buildTimeline, type Timeline } from './timeline';
import { DEFAULT_VITALS_RANGES, scaleById, type VitalsRanges, vitalsFlags, vitalsSummary } from './vitals';

export { type ChartMarker, type ChartModel, type ChartOptions, chartModel } from './chart';
export { lengthText, trackEndings as tracksPlayed } from './record-events';
export { toMarkdown } from './report-markdown';

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
  /** File name without extension: date, time, a short session id and the audience — never the alias. */
  fileStem: string;
}

// ---------------------------------------------------------------- formatting

export function clock(ms: number, tz?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: tz }).format(ms);
}

export function day(ms: number, tz?: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: tz }).format(ms);
}

/** "1 h 05 min", "12 min", "40 s": rounded, for lengths where seconds do not matter. */
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

/** A short, stable id for a session in file names: the random tail of its id (never the client's alias). */
export function shortSessionId(sessionId: string): string {
  const tail = /-([0-9a-f]{6,})$/i.exec(sessionId)?.[1];
  return (tail?.toLowerCase() ?? slug(sessionId, { separator: '', max: Number.POSITIVE_INFINITY }).slice(-8)) || 'session';
}

/** A note's text with the tags it does not already say, e.g. "Tearful" (tag tearful) stays "Tearful". */
export function noteWithTags(n: Note): string {
  const extra = (n.tags ?? []).map(tagLabel).filter((label) => !n.text.toLowerCase().includes(label.toLowerCase()));
  return extra.length ? `${n.text} [${extra.join(', ')}]` : n.text;
}

// ---------------------------------------------------------------- assembly

function therapistHead(state: SessionState, ended: boolean, cut: number, tz: string | undefined): ReportSection[] {
  const alias = state.plan.clientAlias.trim();
  const intention = state.plan.intention.trim();
  const facts: Array<[string, string]> = [
    ['Client', alias || '(no alias given)'],
    ['Preset', `${state.plan.preset.name} (${state.plan.preset.route})`],
    ['Date', day(state.startedAt, tz)],
    ['Started', clock(state.startedAt, tz)],
    ['Ended', ended ? clock(cut, tz) : 'still running (draft)'],
    ['Length', lengthText(cut - state.startedAt)],
    ['Dose (anchor)', state.doseAt === null ? 'not recorded' : clock(state.doseAt, tz)],
  ];
  const out: ReportSection[] = [{ title: 'Session', blocks: [{ kind: 'facts', items: facts }] }];
  if (intention) out.push({ title: 'Intention', blocks: [{ kind: 'paragraph', text: intention }] });
  const doses = state.record.doses.map((d, i) => {
    const x = d.details;
    const amount = x.amount !== undefined && x.amount !== null ? `${x.amount}${x.unit ? ` ${x.unit}` : ''}` : '';
    return [
      clock(d.givenAt, tz),
      i === 0 ? 'first' : 'repeat',
      x.medicine || '—',
      amount || '—',
      x.route || '—',
      x.lot || '—',
      [d.note, d.history.length ? `corrected ${d.history.length}×` : ''].filter(Boolean).join('; '),
    ];
  });
  out.push({
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
  return out;
}

function vitalsSection(state: SessionState, ranges: VitalsRanges, tz: string | undefined, therapist: boolean): ReportSection {
  const vitals = state.record.vitals.map((v) => {
    const flags = vitalsFlags(v.values, ranges).map((f) => f.text);
    if (v.confirmedImplausible.length) flags.push(`confirmed as entered: ${v.confirmedImplausible.join('; ')}`);
    const row = [noteTimeLabel(v.takenAt, state.doseAt, tz), vitalsSummary(v.values), flags.join('; ') || 'within range'];
    if (therapist) row.push(v.note);
    return row;
  });
  const blocks: ReportBlock[] = [
    vitals.length
      ? therapist
        ? { kind: 'table', columns: ['Time', 'Reading', 'Flags', 'Note'], widths: [1.6, 3.2, 3, 2], rows: vitals }
        : { kind: 'table', columns: ['Time', 'Reading', 'Flags'], widths: [1.6, 3.2, 3], rows: vitals }
      : { kind: 'paragraph', text: 'No vitals recorded.' },
  ];
  if (therapist) {
    const ratings = state.record.ratings.map((r) => {
      const scale = scaleById(r.scale);
      return [
        noteTimeLabel(r.takenAt, state.doseAt, tz),
        scale ? `${scale.name} (${scale.kind}, ${scale.min} to ${scale.max})` : r.scale,
        String(r.value),
        r.note,
      ];
    });
    blocks.push(
      ratings.length
        ? { kind: 'table', columns: ['Time', 'Scale', 'Rating', 'Note'], widths: [1.6, 3.2, 1, 3], rows: ratings }
        : { kind: 'paragraph', text: 'No sedation or dissociation ratings recorded.' },
    );
  }
  return { title: therapist ? 'Vitals and ratings' : 'Vitals', blocks };
}

function remindersSection(state: SessionState, cut: number, tz: string | undefined): ReportSection {
  const items = reminderItems(state, cut).filter((r) => r.status !== 'upcoming' && r.status !== 'waiting');
  const outcome = (r: (typeof items)[number]): string => {
    if (r.status === 'done' && r.doneAt !== null) {
      return r.answeredBy ? `done ${clock(r.doneAt, tz)} (${r.answeredBy.kind} recorded)` : `done ${clock(r.doneAt, tz)}`;
    }
    if (r.status === 'missed') return r.missedBecause === 'dose' ? 'not done before the dose' : 'missed';
    if (r.status === 'snoozed' && r.snoozedUntil !== null) return `snoozed until ${clock(r.snoozedUntil, tz)}`;
    return 'not done';
  };
  const due = (r: (typeof items)[number]): string => (r.dueAt === null ? '—' : noteTimeLabel(r.dueAt, state.doseAt, tz));
  const sorted = [...items].sort((a, b) => (a.dueAt ?? 0) - (b.dueAt ?? 0));
  return {
    title: 'Reminders',
    blocks: sorted.length
      ? [
          {
            kind: 'table',
            columns: ['Due', 'Reminder', 'Outcome'],
            widths: [1.6, 5, 2.4],
            rows: sorted.map((r) => [due(r), r.label, outcome(r)]),
          },
        ]
      : [{ kind: 'paragraph', text: 'No reminders fell due.' }],
  };
}

function dischargeSection(state: SessionState, ended: boolean, cut: number, tz: string | undefined): ReportSection {
  const d = currentDischarge(state.record);
  const facts: Array<[string, string]> = d
    ? [
        ['Ready to leave', d.ready ? 'yes' : 'not yet'],
        ['Discharged at', clock(d.dischargedAt, tz)],
        ['Accompanied by', d.accompaniedBy || '—'],
        ['Total monitored', lengthText(monitoredMs(state, d.dischargedAt))],
      ]
    : [
        ['Discharge', 'not recorded'],
        // Words follow the session: still being monitored while it runs, monitored once it has ended.
        [ended ? 'Monitored' : 'Monitored so far', lengthText(monitoredMs(state, cut))],
      ];
  const blocks: ReportBlock[] = [{ kind: 'facts', items: facts }];
  if (d?.note) blocks.push({ kind: 'paragraph', text: d.note });
  return { title: 'Discharge', blocks };
}

function signatureSection(state: SessionState, tz: string | undefined): ReportSection {
  const sig = state.record.signature;
  const blocks: ReportBlock[] = sig
    ? [
        {
          kind: 'facts',
          items: [
            ['Signed by', [sig.name, sig.credentials].filter(Boolean).join(', ')],
            ['Signed at', `${clock(sig.at, tz)} on ${day(sig.at, tz)}`],
          ],
        },
      ]
    : [{ kind: 'paragraph', text: 'Not signed yet.' }];
  if (state.record.addenda.length) {
    blocks.push(
      { kind: 'paragraph', text: 'Addenda (added after signing):' },
      {
        kind: 'table',
        columns: ['Added', 'By', 'Addendum'],
        widths: [1.6, 2.4, 5],
        rows: state.record.addenda.map((a) => [
          `${clock(a.at, tz)}, ${day(a.at, tz)}`,
          [a.name, a.credentials].filter(Boolean).join(', '),
          a.text,
        ]),
      },
    );
  }
  return { title: 'Signature', blocks };
}

function notesSection(state: SessionState, notes: Note[], therapist: boolean, tz: string | undefined): ReportSection {
  const rows = notes.map((n) => {
    const marks = therapist
      ? [n.private ? '(private)' : '', n.editedAt !== undefined ? `(edited ${clock(n.editedAt, tz)})` : ''].filter(Boolean).join(' ')
      : '';
    const text = therapist ? noteWithTags(n) : n.text;
    return [noteTimeLabel(n.at, state.doseAt, tz), marks ? `${text} ${marks}` : text];
  });
  const blocks: ReportBlock[] = rows.length
    ? [{ kind: 'table', columns: ['Time', 'Note'], widths: [1.6, 6], rows }]
    : [{ kind: 'paragraph', text: therapist ? 'No notes.' : 'No notes were chosen for this copy.' }];
  if (therapist) {
    const items: string[] = [];
    for (const n of state.notes) {
      for (const h of n.history ?? []) items.push(`${clock(n.at, tz)} note, wording before ${clock(h.at, tz)}: “${h.text}”`);
      if (n.deletedAt !== undefined) items.push(`${clock(n.at, tz)} note deleted at ${clock(n.deletedAt, tz)}: “${n.text}”`);
    }
    if (items.length) blocks.push({ kind: 'paragraph', text: 'Edits and deletions (kept for the record):' }, { kind: 'list', items });
  }
  return { title: therapist ? 'Notes' : 'Notes from your session', blocks };
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
  const therapist = opts.audience === 'therapist';
  const inc: ReportInclude = therapist ? FULL_INCLUDE : { ...CLIENT_DEFAULT_INCLUDE, ...opts.include };
  const ranges = opts.vitalsRanges ?? DEFAULT_VITALS_RANGES;
  const intention = state.plan.intention.trim();
  const sections: ReportSection[] = [];

  const chosen = new Set(opts.noteIds ?? []);
  const notes = liveNotes(state.notes).filter((n) => therapist || (inc.notes && n.private !== true && chosen.has(n.id)));

  if (therapist) sections.push(...therapistHead(state, ended, cut, tz));
  else if (inc.intention && intention) sections.push({ title: 'Your intention', blocks: [{ kind: 'paragraph', text: intention }] });

  if (inc.chart) sections.push({ title: 'Timeline', blocks: [{ kind: 'chart' }] });
  if (inc.phases) {
    const rows = phaseRows(state, tl.phases, cut).map((p) => {
      const to = p.end === null ? 'now' : clock(p.end, tz);
      return therapist
        ? [
            p.name,
            clock(p.start, tz),
            to,
            lengthText(p.actualMs),
            lengthText(p.plannedMs),
            [p.ending, p.changes].filter(Boolean).join('; '),
          ]
        : [p.name, clock(p.start, tz), to, lengthText(p.actualMs)];
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
    const rows = recordRows(state, tl, cut, { vitalsRanges: ranges, clock: (ms) => clock(ms, tz) }).map((r) => [
      noteTimeLabel(r.at, state.doseAt, tz),
      r.flagged ? `${r.what} (!)` : r.what,
      r.detail,
    ]);
    sections.push({ title: 'Events', blocks: [{ kind: 'table', columns: ['Time', 'Event', 'Detail'], widths: [1.6, 3, 4.4], rows }] });
  }
  if (therapist || inc.vitals) sections.push(vitalsSection(state, ranges, tz, therapist));
  if (therapist) {
    const adverse = state.record.adverseEvents.map((a) => [
      noteTimeLabel(a.takenAt, state.doseAt, tz),
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
    sections.push(remindersSection(state, cut, tz));
  }

  if (therapist || notes.length > 0) sections.push(notesSection(state, notes, therapist, tz));

  if (inc.tracks) {
    const rows = trackEndings(state, tl, cut).map((p) => {
      const row = [clock(p.at, tz), p.title, p.artist || '—'];
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
    const rows = lightRows(tl, cut, tz);
    sections.push({
      title: 'Light',
      blocks: rows.length
        ? [{ kind: 'table', columns: ['Time', 'Level', 'Colour', 'Over', 'Why'], widths: [1, 1, 1.1, 1.1, 3.5], rows }]
        : [{ kind: 'paragraph', text: 'No light changes.' }],
    });
    const safe = state.safe.intervals.map((iv) => `${clock(iv.from, tz)}–${iv.to === null ? 'still on' : clock(iv.to, tz)}`);
    if (safe.length) sections.push({ title: 'Safe state', blocks: [{ kind: 'list', items: safe }] });
  }

  if (therapist) sections.push(dischargeSection(state, ended, cut, tz), signatureSection(state, tz));

  const chart = inc.chart
    ? chartModel(state, tl, cut, {
        clinical: therapist,
        noteIds: therapist ? null : new Set(notes.map((n) => n.id)),
        vitalsRanges: ranges,
        timeZone: tz,
        light: therapist || inc.light,
      })
    : null;
  const alias = state.plan.clientAlias.trim();
  const who = therapist && alias ? ` · ${alias}` : '';
  return {
    audience: opts.audience,
    title: therapist ? `Session record${who}` : 'Your session',
    subtitle: `${day(state.startedAt, tz)} · ${clock(state.startedAt, tz)}–${ended ? clock(cut, tz) : 'now'}${therapist ? ` · ${state.plan.preset.name}` : ''}`,
    draft: !ended,
    generatedAt: now,
    sections,
    chart,
    ...(tz ? { timeZone: tz } : {}),
    fileStem: `${fileStamp(state.startedAt, tz)}-${shortSessionId(state.plan.sessionId)}-${opts.audience}`,
  };
}
