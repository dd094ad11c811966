/**
 * What a record needs before a clinician can sign it, in words that name each missing item
 * (the way a REMS monitoring form is checked): the session ended, the dose written down in
 * full, a reading for every vitals reminder of the preset that fell due, a discharge, and the
 * clinician's name. Pure: the host refuses with this list, the Record view shows it.
 */
import { type ClockOptions, formatClock } from './format';
import { currentDischarge } from './record';
import { reminderItems } from './reminders';
import type { SessionState } from './session';

/** The clinician as set on this machine (Settings → Clinician). */
export interface Clinician {
  name: string;
  credentials: string;
}

/** Each item still missing before the record can be signed; empty when it can be. Times read as `time` says (24-hour by default). */
export function signingProblems(state: SessionState, clinician: Clinician, now: number, time: ClockOptions = {}): string[] {
  const out: string[] = [];
  if (state.record.signature) return [`the record was already signed at ${formatClock(state.record.signature.at, time)}`];
  if (!clinician.name.trim()) out.push('the clinician’s name (set it under Clinician on this view)');
  if (state.status !== 'ended' || state.endedAt === null) out.push('the end of the session (End session first)');
  const dose = state.record.doses[0];
  if (!dose) out.push('the dose (none was recorded)');
  else {
    const d = dose.details;
    const missing: string[] = [];
    if (!d.medicine?.trim()) missing.push('medicine');
    if (d.amount === undefined || d.amount === null) missing.push('amount');
    if (!d.unit?.trim()) missing.push('unit');
    if (!d.route?.trim()) missing.push('route');
    if (missing.length) out.push(`dose details: ${missing.join(', ')}`);
  }
  const cut = state.endedAt ?? now;
  for (const r of reminderItems(state, cut)) {
    if (r.kind !== 'vitals' || r.origin !== 'preset' || r.answeredBy !== null) continue;
    // Due within the session (or closed by the dose): the preset asks for a reading then.
    const fellDue = r.dueAt !== null && (r.dueAt <= cut || r.missedBecause === 'dose');
    if (!fellDue) continue;
    const when = r.beforeDose ? 'before the dose' : `due ${formatClock(r.dueAt as number, time)}`;
    out.push(`vitals “${r.label}” (${when}): no reading recorded in its window`);
  }
  if (!currentDischarge(state.record)) out.push('the discharge (ready to leave, time, accompanied by)');
  return out;
}
