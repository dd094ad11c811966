/**
 * The dose as the therapist records it at the moment of dosing (issue 12.5): what a dose sheet
 * may send (plausible amounts, a lot number or a deliberate "without it"), and what completing a
 * dose later may fill in — only what is still empty; changing what is written is a correction,
 * which keeps its history and a reason. Pure.
 */
import type { DoseDetails } from './session';

/** Most that any one dose in a session can plausibly be, per unit; above it the amount is a typing slip. */
export const DOSE_CAPS: Readonly<Record<string, number>> = { mg: 2000, 'mg/kg': 20, µg: 100_000, mL: 200 };

/** The fields a dose sheet fills in (the time is the press of "Dose given"). */
export type DoseEntry = Required<Pick<DoseDetails, 'medicine' | 'unit' | 'route' | 'lot'>> & { amount: number | null };

/** What is wrong with an entry, in words a person can act on (empty when it may be sent). */
export function doseProblems(d: DoseEntry): string[] {
  const out: string[] = [];
  if (d.amount !== null) {
    if (!Number.isFinite(d.amount) || d.amount <= 0) out.push('Dose: enter an amount above 0 (or leave it empty to add later).');
    else {
      const cap = DOSE_CAPS[d.unit];
      if (cap !== undefined && d.amount > cap) {
        out.push(
          `Dose: ${d.amount.toLocaleString('en')} ${d.unit} is more than any one dose (at most ${cap.toLocaleString('en')} ${d.unit}); check the amount and unit.`,
        );
      }
    }
  }
  if (d.medicine.trim().length > 80) out.push('Medicine: at most 80 characters.');
  if (d.lot.trim().length > 60) out.push('Lot number: at most 60 characters.');
  return out;
}

/** The fields of a recorded dose that are still empty (what completing may fill in). */
export const COMPLETABLE = ['medicine', 'amount', 'unit', 'route', 'lot'] as const;
export type CompletableField = (typeof COMPLETABLE)[number];

const isEmpty = (v: unknown): boolean => v === undefined || v === null || v === '';

/**
 * What completing `current` with `given` adds: only the fields still empty. A field already
 * written that `given` would change is named in `conflicts` (that is a correction, not a completion).
 */
export function completion(
  current: DoseDetails,
  given: Partial<Pick<DoseDetails, CompletableField>>,
): { adds: Partial<DoseDetails>; conflicts: CompletableField[] } {
  const adds: Partial<DoseDetails> = {};
  const conflicts: CompletableField[] = [];
  for (const f of COMPLETABLE) {
    const v = given[f];
    if (isEmpty(v)) continue;
    if (isEmpty(current[f])) (adds as Record<string, unknown>)[f] = v;
    else if (current[f] !== v) conflicts.push(f);
  }
  return { adds, conflicts };
}

/** Fields of a dose still to be written down (to offer "Complete"). */
export function missingFields(d: DoseDetails): CompletableField[] {
  return COMPLETABLE.filter((f) => isEmpty(d[f]));
}
