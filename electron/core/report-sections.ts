/**
 * The report's sections, one builder each (the session's facts and dose, vitals and ratings,
 * reminders, discharge, signature, notes, light changes), for `report.ts` to put together.
 * Times are written by `core/format.ts` in the report's clock format and time zone. Pure.
 */
import { type ClockOptions, formatClock, formatDay, formatDurationWordsMs } from './format';
import { noteTimeLabel, tagLabel } from './notes';
import { currentDischarge, monitoredMs } from './record';
import { reminderItems } from './reminders';
import type { ReportBlock, ReportSection } from './report';
import type { Note, SessionState } from './session';
import type { Timeline } from './timeline';
import { scaleById, type VitalsRanges, vitalsFlags, vitalsSummary } from './vitals';

/** A note's text with the tags it does not already say, e.g. "Tearful" (tag tearful) stays "Tearful". */
export function noteWithTags(n: Note): string {
  const extra = (n.tags ?? []).map(tagLabel).filter((label) => !n.text.toLowerCase().includes(label.toLowerCase()));
  return extra.length ? `${n.text} [${extra.join(', ')}]` : n.text;
}

export function therapistHead(state: SessionState, ended: boolean, cut: number, t: ClockOptions): ReportSection[] {
  const alias = state.plan.clientAlias.trim();
  const intention = state.plan.intention.trim();
  const facts: Array<[string, string]> = [
    ['Client', alias || '(no alias given)'],
    ['Preset', `${state.plan.preset.name} (${state.plan.preset.route})`],
    ['Date', formatDay(state.startedAt, t.timeZone)],
    ['Started', formatClock(state.startedAt, t)],
    ['Ended', ended ? formatClock(cut, t) : 'still running (draft)'],
    ['Length', formatDurationWordsMs(cut - state.startedAt)],
    ['Dose (anchor)', state.doseAt === null ? 'not recorded' : formatClock(state.doseAt, t)],
  ];
  const out: ReportSection[] = [{ title: 'Session', blocks: [{ kind: 'facts', items: facts }] }];
  if (intention) out.push({ title: 'Intention', blocks: [{ kind: 'paragraph', text: intention }] });
  const doses = state.record.doses.map((d, i) => {
    const x = d.details;
    const amount = x.amount !== undefined && x.amount !== null ? `${x.amount}${x.unit ? ` ${x.unit}` : ''}` : '';
    return [
      formatClock(d.givenAt, t),
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

export function vitalsSection(state: SessionState, ranges: VitalsRanges, t: ClockOptions, therapist: boolean): ReportSection {
  const vitals = state.record.vitals.map((v) => {
    const flags = vitalsFlags(v.values, ranges).map((f) => f.text);
    if (v.confirmedImplausible.length) flags.push(`confirmed as entered: ${v.confirmedImplausible.join('; ')}`);
    const row = [noteTimeLabel(v.takenAt, state.doseAt, t.timeZone, t.format), vitalsSummary(v.values), flags.join('; ') || 'within range'];
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
        noteTimeLabel(r.takenAt, state.doseAt, t.timeZone, t.format),
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

export function remindersSection(state: SessionState, cut: number, t: ClockOptions): ReportSection {
  const items = reminderItems(state, cut).filter((r) => r.status !== 'upcoming' && r.status !== 'waiting');
  const outcome = (r: (typeof items)[number]): string => {
    if (r.status === 'done' && r.doneAt !== null) {
      return r.answeredBy ? `done ${formatClock(r.doneAt, t)} (${r.answeredBy.kind} recorded)` : `done ${formatClock(r.doneAt, t)}`;
    }
    if (r.status === 'missed') return r.missedBecause === 'dose' ? 'not done before the dose' : 'missed';
    if (r.status === 'snoozed' && r.snoozedUntil !== null) return `snoozed until ${formatClock(r.snoozedUntil, t)}`;
    return 'not done';
  };
  const due = (r: (typeof items)[number]): string => (r.dueAt === null ? '—' : noteTimeLabel(r.dueAt, state.doseAt, t.timeZone, t.format));
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

export function dischargeSection(state: SessionState, ended: boolean, cut: number, t: ClockOptions): ReportSection {
  const d = currentDischarge(state.record);
  const facts: Array<[string, string]> = d
    ? [
        ['Ready to leave', d.ready ? 'yes' : 'not yet'],
        ['Discharged at', formatClock(d.dischargedAt, t)],
        ['Accompanied by', d.accompaniedBy || '—'],
        ['Total monitored', formatDurationWordsMs(monitoredMs(state, d.dischargedAt))],
      ]
    : [
        ['Discharge', 'not recorded'],
        // Words follow the session: still being monitored while it runs, monitored once it has ended.
        [ended ? 'Monitored' : 'Monitored so far', formatDurationWordsMs(monitoredMs(state, cut))],
      ];
  const blocks: ReportBlock[] = [{ kind: 'facts', items: facts }];
  if (d?.note) blocks.push({ kind: 'paragraph', text: d.note });
  return { title: 'Discharge', blocks };
}

export function signatureSection(state: SessionState, t: ClockOptions): ReportSection {
  const sig = state.record.signature;
  const blocks: ReportBlock[] = sig
    ? [
        {
          kind: 'facts',
          items: [
            ['Signed by', [sig.name, sig.credentials].filter(Boolean).join(', ')],
            ['Signed at', `${formatClock(sig.at, t)} on ${formatDay(sig.at, t.timeZone)}`],
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
          `${formatClock(a.at, t)}, ${formatDay(a.at, t.timeZone)}`,
          [a.name, a.credentials].filter(Boolean).join(', '),
          a.text,
        ]),
      },
    );
  }
  return { title: 'Signature', blocks };
}

export function notesSection(state: SessionState, notes: Note[], therapist: boolean, t: ClockOptions): ReportSection {
  const rows = notes.map((n) => {
    const marks = therapist
      ? [n.private ? '(private)' : '', n.editedAt !== undefined ? `(edited ${formatClock(n.editedAt, t)})` : ''].filter(Boolean).join(' ')
      : '';
    const text = therapist ? noteWithTags(n) : n.text;
    return [noteTimeLabel(n.at, state.doseAt, t.timeZone, t.format), marks ? `${text} ${marks}` : text];
  });
  const blocks: ReportBlock[] = rows.length
    ? [{ kind: 'table', columns: ['Time', 'Note'], widths: [1.6, 6], rows }]
    : [{ kind: 'paragraph', text: therapist ? 'No notes.' : 'No notes were chosen for this copy.' }];
  if (therapist) {
    const items: string[] = [];
    for (const n of state.notes) {
      for (const h of n.history ?? []) items.push(`${formatClock(n.at, t)} note, wording before ${formatClock(h.at, t)}: “${h.text}”`);
      if (n.deletedAt !== undefined) items.push(`${formatClock(n.at, t)} note deleted at ${formatClock(n.deletedAt, t)}: “${n.text}”`);
    }
    if (items.length) blocks.push({ kind: 'paragraph', text: 'Edits and deletions (kept for the record):' }, { kind: 'list', items });
  }
  return { title: therapist ? 'Notes' : 'Notes from your session', blocks };
}

export function lightRows(tl: Timeline, cut: number, t: ClockOptions): string[][] {
  const why = { phase: 'phase scene', 'safe-on': 'safe state on', 'safe-off': 'back from safe state', end: 'session end' } as const;
  return tl.light
    .filter((f) => f.at <= cut)
    .map((f) => {
      const span = tl.phases.find((s) => !s.expected && s.start <= f.at && (s.end === null || s.end > f.at));
      const phase = f.cause === 'phase' && span ? ` (${span.name})` : '';
      return [
        formatClock(f.at, t),
        `${Math.round(f.level)} %`,
        `${Math.round(f.kelvin / 10) * 10} K`,
        formatDurationWordsMs(f.durationMs, 'minute'),
        `${why[f.cause]}${phase}`,
      ];
    })
    .filter((_, i, all) => i === 0 || all[i]?.join() !== all[i - 1]?.join());
}
