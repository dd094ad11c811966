/**
 * Notes as the therapist writes and reads them: the one-tap tags, the size limit with a message
 * that says so, and the time stamp (clock time and minutes since the dose).
 */
import { type ClockFormat, formatClock } from './format';
import type { Note } from './session';

/** Notes longer than this are refused with a message, never cut silently. */
export const NOTE_MAX_CHARS = 5000;

/** The quick tags offered as one-tap buttons, in the order of their number keys (1–7). */
export const QUICK_TAGS = [
  { id: 'speaking', label: 'Speaking' },
  { id: 'tearful', label: 'Tearful' },
  { id: 'distress', label: 'Distress' },
  { id: 'nausea', label: 'Nausea' },
  { id: 'insight', label: 'Insight' },
  { id: 'bathroom', label: 'Bathroom' },
  { id: 'music-change', label: 'Music change' },
] as const;
export type QuickTagId = (typeof QUICK_TAGS)[number]['id'];

export function tagLabel(id: string): string {
  return QUICK_TAGS.find((t) => t.id === id)?.label ?? id;
}

/** Why a note text cannot be saved, in words a person can act on; null when it can. */
export function noteTextProblem(text: string): string | null {
  const t = text.trim();
  if (t.length === 0) return 'A note needs some text.';
  if (t.length > NOTE_MAX_CHARS) {
    return `Notes are capped at ${NOTE_MAX_CHARS} characters; this one has ${t.length}. Split it into two notes.`;
  }
  return null;
}

/** Notes still standing (not deleted), oldest first. */
export function liveNotes(notes: readonly Note[]): Note[] {
  return notes.filter((n) => n.deletedAt === undefined);
}

/** Whole minutes (rounded down) since the dose, signed: "+32 min", "−5 min" before it; null without a dose. */
export function minutesSinceDose(at: number, doseAt: number | null): string | null {
  if (doseAt === null) return null;
  const m = Math.floor((at - doseAt) / 60_000);
  return m >= 0 ? `+${m} min` : `−${-m} min`;
}

/** How a note's time reads everywhere: "14:05 · +32 min after dose" (or just the clock before the dose). */
export function noteTimeLabel(at: number, doseAt: number | null, timeZone?: string, format?: ClockFormat): string {
  const clock = formatClock(at, { timeZone, format });
  const since = minutesSinceDose(at, doseAt);
  return since === null ? clock : `${clock} · ${since}`;
}
