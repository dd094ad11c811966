/** Which phase is in effect, and how its clock reads, from the mirrored session state. */
import { type PhaseSpan, phaseSpans, type SessionState } from '@core/session';

export interface PhaseNow {
  spans: PhaseSpan[];
  current: PhaseSpan | null;
}

/** The spans as of `now` (held phases grow with time, so this is recomputed on every tick). */
export function phaseNow(session: SessionState, now: number): PhaseNow {
  const spans = phaseSpans(session, now);
  const started = spans.filter((s) => !s.expected && s.start <= now);
  const current = started.find((s) => s.end === null || s.end > now) ?? started.at(-1) ?? spans[0] ?? null;
  return { spans, current };
}

export type Remaining = { kind: 'held' } | { kind: 'waiting-dose' } | { kind: 'left'; ms: number } | { kind: 'overtime'; ms: number };

/** What the "remaining" readout says for the current phase. */
export function remainingOf(session: SessionState, span: PhaseSpan, now: number): Remaining {
  if (span.held) return { kind: 'held' };
  const runtime = session.phases[span.index];
  if (runtime?.untilDose && session.doseAt === null && span.end === null) return { kind: 'waiting-dose' };
  const left = (span.end ?? span.plannedEnd) - now;
  return left >= 0 ? { kind: 'left', ms: left } : { kind: 'overtime', ms: -left };
}

/** Length a phase gets on the strip: actual when known, else planned (never less than what has passed). */
export function stripLength(span: PhaseSpan, now: number): number {
  const end = span.end ?? Math.max(span.plannedEnd, now);
  return Math.max(60_000, end - span.start);
}
