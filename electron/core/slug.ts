/**
 * The one way Stillroom turns a person's words into a file-name or id part: accents folded
 * ("Gymnopédie" → "gymnopedie"), lower case, every run of anything other than a–z and 0–9
 * becomes one separator, none at either end, cut to a length without a dangling separator.
 * Used for preset ids and export names, bundle audio names, planned-track ids, key files and
 * the report's short session id — so a name is cleaned the same way wherever it lands.
 */

export interface SlugOptions {
  /** Longest result (default 40). */
  max?: number;
  /** What runs of other characters become (default "-"; "" removes them). */
  separator?: '-' | '';
  /** The answer when nothing is left (default ""). */
  fallback?: string;
}

/** "Ketamine — Deep rest (2)" → "ketamine-deep-rest-2". Never contains "/", "\\", "." or spaces. */
export function slug(text: string, opts: SlugOptions = {}): string {
  const max = opts.max ?? 40;
  const sep = opts.separator ?? '-';
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep);
  const trimmed = sep ? folded.replace(/^-+|-+$/g, '') : folded;
  const cut = trimmed.slice(0, max);
  const out = sep ? cut.replace(/-+$/g, '') : cut;
  return out || (opts.fallback ?? '');
}
