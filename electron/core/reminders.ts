/**
 * Reminders, scheduled: those of the preset (anchored to the dose, the session start or a
 * phase, once or repeating) and those added live (after the moment they were added or after
 * the dose), with what the therapist did about each (done, snoozed) and what the record shows
 * (a reading recorded in a vitals reminder's window completes it). Pure: the panel shows the
 * result, the report lists it, the timeline takes its "next due" from here — one rule for
 * when a reminder falls due.
 *
 * Promises: a reminder that falls due stays visible until it is done (overdue is a state, not a
 * disappearance); a "before the dose" reminder is due only before the dose and is closed by it;
 * a repeating one that was left undone when the next came due is missed, not asked again.
 */
import type { Reminder, ReminderAnchor, ReminderKind } from './preset';
import type { LiveReminder, SessionRecord } from './record';
import { type PhaseSpan, phaseSpans, type SessionState } from './session';

/** A due reminder counts as overdue after this long. */
export const OVERDUE_AFTER_MS = 5 * 60_000;
/** The snooze the panel offers by default. */
export const DEFAULT_SNOOZE_MIN = 5;
/** A reading taken this long before a reminder falls due still answers it (vitals at dose + 35 for "dose + 40"). */
export const EARLY_ANSWER_MS = 10 * 60_000;
/** Upper bound on occurrences of a repeating reminder, whatever the session length. */
const MAX_OCCURRENCES = 500;

export type ReminderStatus = 'waiting' | 'upcoming' | 'due' | 'overdue' | 'snoozed' | 'done' | 'missed';

/** The entry that answered a reminder (a reading recorded in its window). */
export interface ReminderAnswer {
  kind: 'vitals' | 'rating' | 'dose';
  id: string;
}

export interface ReminderItem {
  /** Stable occurrence key: `preset/<id>`, `preset/<id>#<n>`, `live/<id>` or `live/<id>#<n>` for repeats. */
  key: string;
  label: string;
  origin: 'preset' | 'live';
  kind: ReminderKind;
  /** When it falls due by plan; null while its anchor (the dose, a phase) has not happened. */
  dueAt: number | null;
  /** True when the anchor is a phase that has not started yet (its time can still move). */
  estimated: boolean;
  status: ReminderStatus;
  doneAt: number | null;
  /** Set when a recorded entry (not a press of Done) completed it. */
  answeredBy: ReminderAnswer | null;
  snoozedUntil: number | null;
  /** How long past due (counted from the end of a snooze), 0 unless due or overdue. */
  lateMs: number;
  everyMin: number | null;
  /** Must happen before the dose. */
  beforeDose: boolean;
  /** Why a missed reminder is missed: the dose came first, or the next time came due. */
  missedBecause: 'dose' | 'next' | null;
}

/**
 * When a preset reminder's anchor happens: the dose, the session start, or the start of the
 * first phase of that kind. The one rule shared with the timeline. A phase that has not begun
 * can still be held, extended or advanced, so its time is an estimate until it starts.
 */
export function anchorTime(
  anchor: ReminderAnchor,
  state: SessionState,
  spans: readonly PhaseSpan[],
  now: number,
): { at: number | null; estimated: boolean } {
  if (anchor === 'dose') return { at: state.doseAt, estimated: false };
  if (anchor === 'session') return { at: state.startedAt, estimated: false };
  const span = spans.find((s) => s.kind === anchor);
  if (!span) return { at: null, estimated: false };
  return { at: span.start, estimated: span.expected || span.start > now };
}

interface Occurrence {
  key: string;
  dueAt: number | null;
  estimated: boolean;
  /** Earliest moment an entry answers it; the end of its window (null: open). */
  opensAt: number | null;
  closesAt: number | null;
}

/** The last moment occurrences are made for: the session's end once it has ended. */
function horizonOf(state: SessionState, now: number): number {
  return state.status === 'ended' && state.endedAt !== null ? Math.min(now, state.endedAt) : now;
}

/** A preset reminder's occurrences as of `now`: all that have come due, plus the next one. */
function presetOccurrences(r: Reminder, state: SessionState, spans: readonly PhaseSpan[], now: number): Occurrence[] {
  const anchor = anchorTime(r.anchor, state, spans, now);
  const first = anchor.at === null ? null : anchor.at + r.offsetMin * 60_000;
  const opensFrom = r.beforeDose ? state.startedAt : r.anchor === 'dose' ? anchor.at : null;
  const opens = (due: number): number => (opensFrom === null ? due - EARLY_ANSWER_MS : Math.max(opensFrom, due - EARLY_ANSWER_MS));
  const beforeDoseClose = r.beforeDose ? state.doseAt : null;
  if (r.everyMin === undefined || first === null) {
    return [
      {
        key: `preset/${r.id}`,
        dueAt: first,
        estimated: anchor.estimated,
        opensAt: first === null ? null : r.beforeDose ? state.startedAt : opens(first),
        closesAt: beforeDoseClose,
      },
    ];
  }
  const every = r.everyMin * 60_000;
  const limit = horizonOf(state, now);
  const count = Math.min(r.times ?? MAX_OCCURRENCES, MAX_OCCURRENCES);
  const out: Occurrence[] = [];
  for (let n = 0; n < count; n++) {
    const dueAt = first + n * every;
    // Once the session has ended, nothing falls due after it.
    if (n > 0 && state.status === 'ended' && state.endedAt !== null && dueAt > state.endedAt) break;
    const nextDue = n + 1 < count ? dueAt + every : null;
    const close = [beforeDoseClose, nextDue].filter((x): x is number => x !== null);
    out.push({
      key: `preset/${r.id}#${n}`,
      dueAt,
      estimated: anchor.estimated,
      opensAt: n === 0 ? opens(dueAt) : Math.max(dueAt - every, opens(dueAt)),
      closesAt: close.length ? Math.min(...close) : null,
    });
    if (dueAt > limit) break; // one upcoming occurrence is enough
  }
  return out;
}

/**
 * The next time a preset reminder falls due, for the timeline's "next" line: the first
 * occurrence still ahead (or the last one), null when it has nothing more to ask — a
 * "before the dose" reminder once the dose came before it.
 */
export function nextDue(
  r: Reminder,
  state: SessionState,
  spans: readonly PhaseSpan[],
  now: number,
): { dueAt: number | null; estimated: boolean } | null {
  const occ = presetOccurrences(r, state, spans, now);
  const next = occ.find((o) => o.dueAt === null || o.dueAt > now) ?? occ.at(-1);
  if (!next) return null;
  if (r.beforeDose && state.doseAt !== null && next.dueAt !== null && next.dueAt > state.doseAt) return null;
  return { dueAt: next.dueAt, estimated: next.estimated };
}

/** Entries that can answer a reminder of each kind, oldest first: readings, ratings, further doses. */
function answersOf(record: SessionRecord): Record<ReminderAnswer['kind'], Array<{ id: string; at: number }>> {
  const by = (xs: Array<{ id: string; at: number }>) => [...xs].sort((a, b) => a.at - b.at);
  return {
    vitals: by(record.vitals.map((v) => ({ id: v.id, at: v.takenAt }))),
    rating: by(record.ratings.map((v) => ({ id: v.id, at: v.takenAt }))),
    dose: by(record.doses.slice(1).map((d) => ({ id: d.id, at: d.givenAt }))),
  };
}

function statusOf(
  dueAt: number | null,
  doneAt: number | undefined,
  snoozedUntil: number | undefined,
  now: number,
): { status: ReminderStatus; lateMs: number } {
  if (doneAt !== undefined) return { status: 'done', lateMs: 0 };
  if (dueAt === null) return { status: 'waiting', lateMs: 0 };
  if (snoozedUntil !== undefined && snoozedUntil > now) return { status: 'snoozed', lateMs: 0 };
  const from = snoozedUntil !== undefined ? Math.max(dueAt, snoozedUntil) : dueAt;
  if (now < from) return { status: 'upcoming', lateMs: 0 };
  const late = now - from;
  return { status: late >= OVERDUE_AFTER_MS ? 'overdue' : 'due', lateMs: late };
}

type Base = Pick<ReminderItem, 'label' | 'origin' | 'kind' | 'everyMin' | 'beforeDose'>;

function item(
  state: SessionState,
  occ: Occurrence,
  base: Base,
  answer: { at: number; by: ReminderAnswer } | null,
  now: number,
): ReminderItem {
  const pressed = state.record.reminders.done[occ.key];
  const doneAt = pressed ?? answer?.at;
  const snoozed = state.record.reminders.snoozed[occ.key];
  let { status, lateMs } = statusOf(occ.dueAt, doneAt, snoozed, now);
  let missedBecause: ReminderItem['missedBecause'] = null;
  // A "before the dose" reminder is closed by the dose: never due after it.
  if (status !== 'done' && base.beforeDose && state.doseAt !== null && state.doseAt <= now) {
    status = 'missed';
    lateMs = 0;
    missedBecause = 'dose';
  }
  return {
    ...base,
    key: occ.key,
    dueAt: occ.dueAt,
    estimated: occ.estimated,
    status,
    lateMs,
    doneAt: doneAt ?? null,
    answeredBy: pressed === undefined && answer ? answer.by : null,
    snoozedUntil: snoozed ?? null,
    missedBecause,
  };
}

/** An earlier occurrence left undone once the next has come due was missed; it is not asked again. */
function markMissed(items: ReminderItem[], now: number): ReminderItem[] {
  return items.map((cur, i) => {
    const next = items[i + 1];
    if (next && next.dueAt !== null && next.dueAt <= now && cur.status !== 'done' && cur.status !== 'missed') {
      return { ...cur, status: 'missed' as const, lateMs: 0, missedBecause: 'next' as const };
    }
    return cur;
  });
}

function liveOccurrences(state: SessionState, r: LiveReminder, now: number): Occurrence[] {
  const anchor = r.anchor === 'dose' ? state.doseAt : r.addedAt;
  const first = anchor === null ? null : anchor + r.offsetMin * 60_000;
  if (r.everyMin === null || first === null)
    return [{ key: `live/${r.id}`, dueAt: first, estimated: false, opensAt: null, closesAt: null }];
  const every = r.everyMin * 60_000;
  const out: Occurrence[] = [];
  for (let n = 0; n < MAX_OCCURRENCES; n++) {
    const dueAt = first + n * every;
    out.push({ key: `live/${r.id}#${n}`, dueAt, estimated: false, opensAt: null, closesAt: null });
    if (dueAt > now) break;
  }
  return out;
}

/**
 * Gives each recorded entry to the earliest reminder occurrence of its kind whose window holds
 * it (one entry answers one reminder), so "Vitals at dose + 40" is done by the reading taken at
 * dose + 38 and "Blood pressure before dosing" by a reading taken before the dose.
 */
function answer(
  state: SessionState,
  occs: Array<{ occ: Occurrence; kind: ReminderKind }>,
): Map<string, { at: number; by: ReminderAnswer }> {
  const out = new Map<string, { at: number; by: ReminderAnswer }>();
  const entries = answersOf(state.record);
  for (const kind of ['vitals', 'rating', 'dose'] as const) {
    const open = occs
      .filter(
        (o) => o.kind === kind && o.occ.dueAt !== null && o.occ.opensAt !== null && state.record.reminders.done[o.occ.key] === undefined,
      )
      .sort((a, b) => (a.occ.dueAt ?? 0) - (b.occ.dueAt ?? 0));
    for (const e of entries[kind]) {
      const hit = open.find(
        (o) => !out.has(o.occ.key) && e.at >= (o.occ.opensAt as number) && (o.occ.closesAt === null || e.at <= o.occ.closesAt),
      );
      if (hit) out.set(hit.occ.key, { at: e.at, by: { kind, id: e.id } });
    }
  }
  return out;
}

/** Every reminder occurrence as of `now`, in the order the panel lists them. */
export function reminderItems(state: SessionState, now: number): ReminderItem[] {
  const spans = phaseSpans(state, now);
  const preset = state.plan.preset.reminders.map((r) => ({
    r,
    occs: presetOccurrences(r, state, spans, now),
    base: {
      label: r.label,
      origin: 'preset' as const,
      kind: r.kind ?? 'check',
      everyMin: r.everyMin ?? null,
      beforeDose: r.beforeDose === true,
    },
  }));
  const answers = answer(
    state,
    preset.flatMap((p) => p.occs.map((occ) => ({ occ, kind: p.base.kind }))),
  );
  const items: ReminderItem[] = [];
  for (const p of preset)
    items.push(
      ...markMissed(
        p.occs.map((o) => item(state, o, p.base, answers.get(o.key) ?? null, now)),
        now,
      ),
    );
  for (const r of state.record.reminders.added) {
    const base: Base = { label: r.label, origin: 'live', kind: 'check', everyMin: r.everyMin, beforeDose: false };
    items.push(
      ...markMissed(
        liveOccurrences(state, r, now).map((o) => item(state, o, base, null, now)),
        now,
      ),
    );
  }
  const rank: Record<ReminderStatus, number> = { overdue: 0, due: 1, snoozed: 2, upcoming: 3, waiting: 4, missed: 5, done: 6 };
  return items.sort(
    (a, b) => rank[a.status] - rank[b.status] || (a.dueAt ?? Number.POSITIVE_INFINITY) - (b.dueAt ?? Number.POSITIVE_INFINITY),
  );
}

/** Reminders that ask for attention now (due, overdue) — the ones the panel marks and keys act on. */
export function actionable(items: readonly ReminderItem[]): ReminderItem[] {
  return items.filter((i) => i.status === 'due' || i.status === 'overdue');
}

/** Finds an occurrence by key (for the host, which checks a done/snooze makes sense). */
export function findReminder(state: SessionState, key: string, now: number): ReminderItem | undefined {
  return reminderItems(state, now).find((i) => i.key === key);
}
