/** A failure in the presets module as a refusal a person can act on: what did not happen, then why. */
import { PresetError } from '../../core/preset';
import { Refusal } from '../refusal';

export function refusalFrom(err: unknown, lead: string): Refusal {
  if (err instanceof Refusal) return err;
  if (err instanceof PresetError) return new Refusal(`${lead}: ${err.problems.join('; ')}`);
  return new Refusal(`${lead}: ${(err as Error)?.message ?? String(err)}`);
}
