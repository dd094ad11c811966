/**
 * The order the Start view offers presets in. The host lists them as it found them on disk,
 * which put the sublingual template last; a therapist scans for the route they give, so the
 * list reads: the demos (to try the room), the built-in route templates in clinical order,
 * then the therapist's own presets, then the clinic's. Pure, so it is tested in Node.
 */
import type { PresetSummary } from '@host/contract';

/** Built-in route templates (ids from playlists/*.stillroom.json), most common route first. */
export const TEMPLATE_ORDER: readonly string[] = ['sublingual-troche', 'intranasal', 'intramuscular', 'iv-infusion', 'psilocybin-long'];

type Orderable = Pick<PresetSummary, 'id' | 'name' | 'origin'>;

/** 0 demos, 1 route templates (and any other built-in preset), 2 the user's own, 3 the clinic's. */
function group(p: Orderable): number {
  if (p.origin === 'user') return 2;
  if (p.origin === 'clinic') return 3;
  return p.id.startsWith('demo') ? 0 : 1;
}

/** Where a built-in template sits in clinical order; unknown built-ins follow the known ones. */
function templateRank(p: Orderable): number {
  const i = TEMPLATE_ORDER.indexOf(p.id);
  return i === -1 ? TEMPLATE_ORDER.length : i;
}

const byName = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** A new array in the order the Start view shows; the input is left as it is. */
export function orderPresets<T extends Orderable>(presets: readonly T[]): T[] {
  return [...presets].sort((a, b) => {
    const ga = group(a);
    const gb = group(b);
    if (ga !== gb) return ga - gb;
    if (ga === 1) {
      const ra = templateRank(a);
      const rb = templateRank(b);
      if (ra !== rb) return ra - rb;
    }
    return byName.compare(a.name, b.name) || a.id.localeCompare(b.id);
  });
}

/**
 * A session's planned length as a person says it: minutes below an hour and a half ("45 min",
 * "85 min"), hours and minutes from there on ("2 h 30 min", "7 h"). `minutes` in time.ts stays
 * as it is: other views want plain minutes.
 */
export function sessionLength(totalMin: number): string {
  const m = Math.max(0, Math.round(totalMin));
  if (m < 90) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
}
