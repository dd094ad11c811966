/**
 * Reminders, scheduled: those of the preset (anchored to the dose, the session start or a
 * phase) and those added live (after the moment they were added or after the dose, once or
 * every N minutes), with what the therapist did about each (done, snoozed). Pure: the panel
 * shows the result, the report lists it. A reminder that falls due stays visible until it is
 * done — overdue is a state, not a disappearance.
 */
import type { LiveReminder } from './record';
import { phaseSpans, type SessionState } from './session';

/** A due reminder counts as overdue after this long. */
export const OVERDUE_AFTER_MS = 5 * 60_000;
/** The snooze the panel offers by default. */
export const DEFAULT_SNOOZE_MIN = 5;
/** Upper bound on occurrences of a repeating reminder, whatever the session length. */
const MAX_OCCURRENCES = 500;

export type ReminderStatus = 'waiting' | 'upcoming' | 'due' | 'overdue' | 'snoozed' | 'done' | 'missed';

export interface ReminderItem {
  /** Stable occurrence key: `preset/<id>`, `live/<id>` or `live/<id>#<n>` for repeats. */
  key: string;
  label: string;
  origin: 'preset' | 'live';
  /** When it falls due by plan; null while its anchor (the dose) has not happened. */
  dueAt: number | null;
  /** True when the anchor is a phase that has not started yet (its time can still move). */
  estimated: boolean;
  status: ReminderStatus;
  doneAt: number | null;
  snoozedUntil: number | null;
  /** How long past due (counted from the end of a snooze), 0 unless due or overdue. */
  lateMs: number;
  everyMin: number | null;
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

function item(
  state: SessionState,
  key: string,
  base: Omit<ReminderItem, 'key' | 'status' | 'doneAt' | 'snoozedUntil' | 'lateMs'>,
  now: number,
): ReminderItem {
  const done = state.record.reminders.done[key];
  const snoozed = state.record.reminders.snoozed[key];
  const { status, lateMs } = statusOf(base.dueAt, done, snoozed, now);
  return { ...base, key, status, lateMs, doneAt: done ?? null, snoozedUntil: snoozed ?? null };
}

function liveItems(state: SessionState, r: LiveReminder, now: number): ReminderItem[] {
  const anchor = r.anchor === 'dose' ? state.doseAt : r.addedAt;
  const first = anchor === null ? null : anchor + r.offsetMin * 60_000;
  const base = { label: r.label, origin: 'live' as const, estimated: false, everyMin: r.everyMin };
  if (r.everyMin === null || first === null) return [item(state, `live/${r.id}`, { ...base, dueAt: first }, now)];
  const every = r.everyMin * 60_000;
  const out: ReminderItem[] = [];
  for (let n = 0; n < MAX_OCCURRENCES; n++) {
    const dueAt = first + n * every;
    out.push(item(state, `live/${r.id}#${n}`, { ...base, dueAt }, now));
    if (dueAt > now) break; // one upcoming occurrence is enough
  }
  // An earlier occurrence left undone once the next has come due was missed; it is not asked again.
  for (let i = 0; i < out.length - 1; i++) {
    const cur = out[i] as ReminderItem;
    const next = out[i + 1] as ReminderItem;
    if (next.dueAt !== null && next.dueAt <= now && cur.status !== 'done') out[i] = { ...cur, status: 'missed', lateMs: 0 };
  }
  return out;
}

/** Every reminder occurrence as of `now`, in the order the panel lists them. */
export function reminderItems(state: SessionState, now: number): ReminderItem[] {
  const spans = phaseSpans(state, now);
  const items: ReminderItem[] = state.plan.preset.reminders.map((r) => {
    let anchor: number | null = null;
    let estimated = false;
    if (r.anchor === 'dose') anchor = state.doseAt;
    else if (r.anchor === 'session') anchor = state.startedAt;
    else {
      const span = spans.find((s) => s.kind === r.anchor);
      if (span) {
        anchor = span.start;
        // A phase that has not begun can still be held, extended or advanced: its time is a guess.
        estimated = span.expected || span.start > now;
      }
    }
    const dueAt = anchor === null ? null : anchor + r.offsetMin * 60_000;
    return item(state, `preset/${r.id}`, { label: r.label, origin: 'preset', dueAt, estimated, everyMin: null }, now);
  });
  for (const r of state.record.reminders.added) items.push(...liveItems(state, r, now));
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
