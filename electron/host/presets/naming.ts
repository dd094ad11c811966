/**
 * Names a person sees for presets and their files: a second copy kept beside the first is told
 * apart by its name ("Evening (2)"), and an exported file is named after the preset as it is
 * called now (not after its id, which never changes once made). Pure.
 */
import { slug } from '../../core/slug';

const NUMBERED = /^(.*\S)\s+\((\d{1,4})\)$/;

/** `name` if no other preset has it (case and spacing aside), else "name (2)", "name (3)"… */
export function distinctName(name: string, taken: Iterable<string>): string {
  const key = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const used = new Set([...taken].map(key));
  if (!used.has(key(name))) return name;
  const m = NUMBERED.exec(name.trim());
  const base = (m?.[1] ?? name.trim()).slice(0, 190);
  for (let n = m ? Number(m[2]) + 1 : 2; n < 10_000; n++) {
    const candidate = `${base} (${n})`;
    if (!used.has(key(candidate))) return candidate;
  }
  return `${base} (${Date.now()})`;
}

/** The file name (without extension) of an exported preset: its current name, "-signed" when signed. */
export function exportStem(preset: { id: string; name: string }, signed: boolean): string {
  return `${slug(preset.name, { max: 60, fallback: preset.id })}${signed ? '-signed' : ''}`;
}
