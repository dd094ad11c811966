/**
 * The fonts reports are printed in, and which one draws each character. Noto Sans (regular and
 * bold: Latin, Greek, Cyrillic and most symbols), Noto Sans SC (Chinese, and the kana and
 * hangul a note may hold) and Noto Emoji (monochrome emoji), all OFL-1.1, from the
 * `@expo-google-fonts/*` packages. pdfkit embeds only the glyphs a report uses (a subset), so a
 * report stays small; the app ships the four TTF files (about 13 MB, most of it the CJK font).
 *
 * A font that cannot be read is a clear error naming it — unless the report never needs it (a
 * report without Chinese prints without the CJK font). Nothing is ever printed as "?".
 */
/// <reference path="./fontkit.d.ts" />
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

export type FontRole = 'regular' | 'bold' | 'cjk' | 'emoji';

/** Where each font comes from (package-relative; resolved in node_modules at run time). */
export const REPORT_FONT_FILES: Record<FontRole, string> = {
  regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  cjk: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  emoji: '@expo-google-fonts/noto-emoji/400Regular/NotoEmoji_400Regular.ttf',
};

const NAMES: Record<FontRole, string> = {
  regular: 'Noto Sans',
  bold: 'Noto Sans Bold',
  cjk: 'Noto Sans SC (Chinese, Japanese, Korean)',
  emoji: 'Noto Emoji',
};

/** A report font could not be loaded: says which, why, and that nothing was lost. */
export class ReportFontError extends Error {
  constructor(
    readonly role: FontRole,
    readonly path: string,
    reason: string,
  ) {
    super(
      `The report font ${NAMES[role]} could not be loaded from ${path} (${reason}). No PDF was written; the session record is intact. ` +
        'The Markdown report still works; reinstalling Stillroom restores the font.',
    );
    this.name = 'ReportFontError';
  }
}

export interface LoadedFont {
  role: FontRole;
  bytes: Buffer;
  font: fontkit.Font;
}

const cache = new Map<string, LoadedFont | ReportFontError>();

function resolveFile(spec: string): string {
  if (spec.startsWith('/') || /^[A-Za-z]:[\\/]/.test(spec)) return spec;
  return createRequire(import.meta.url).resolve(spec);
}

/** Loads one font (cached by path); a failure is returned, not thrown, so unneeded fallbacks cost nothing. */
export function loadFont(role: FontRole, spec: string = REPORT_FONT_FILES[role]): LoadedFont | ReportFontError {
  const hit = cache.get(`${role}:${spec}`);
  if (hit) return hit;
  let out: LoadedFont | ReportFontError;
  let path = spec;
  try {
    path = resolveFile(spec);
    const bytes = readFileSync(path);
    const opened = fontkit.create(bytes);
    const font = 'fonts' in opened ? opened.fonts[0] : opened;
    if (!font) throw new Error('the file holds no font');
    out = { role, bytes, font };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' || code === 'MODULE_NOT_FOUND' ? 'the file is missing' : (err as Error).message;
    out = new ReportFontError(role, path, reason);
  }
  cache.set(`${role}:${spec}`, out);
  return out;
}

/** Which fonts a report uses; tests and the bench pass other paths (e.g. a missing one). */
export type FontFiles = Partial<Record<FontRole, string>>;

/** A run of text drawn in one font. */
export interface TextRun {
  role: FontRole;
  text: string;
}

// Joiners and selectors belong to the character before them (an emoji with VS16, a ZWJ sequence).
const JOINS = /[\u200d\ufe0e\ufe0f\u{1f3fb}-\u{1f3ff}\u20e3]/u;

/**
 * The fonts for one report, and the split of a text into runs each font can draw. The base
 * (regular or bold) is tried first, then the CJK font, then emoji; a character none has is
 * drawn by the base font (its "missing glyph" box), and `missing` notes it.
 */
export class FontSet {
  private readonly loaded = new Map<FontRole, LoadedFont>();
  readonly missing = new Set<string>();

  constructor(private readonly files: FontFiles = {}) {
    // The base font is always needed: fail at once, before anything is drawn.
    this.need('regular');
    this.need('bold');
  }

  /** The font for a role, loading it on first use; throws ReportFontError when it cannot be read. */
  need(role: FontRole): LoadedFont {
    const have = this.loaded.get(role);
    if (have) return have;
    const f = loadFont(role, this.files[role] ?? REPORT_FONT_FILES[role]);
    if (f instanceof ReportFontError) throw f;
    this.loaded.set(role, f);
    return f;
  }

  /** Fonts loaded so far (each is registered with the PDF once). */
  get used(): LoadedFont[] {
    return [...this.loaded.values()];
  }

  private roleFor(cp: number, base: 'regular' | 'bold'): FontRole {
    if (this.need(base).font.hasGlyphForCodePoint(cp)) return base;
    // Only a character the base font lacks makes the fallbacks load.
    for (const role of ['cjk', 'emoji'] as const) {
      if (this.need(role).font.hasGlyphForCodePoint(cp)) return role;
    }
    this.missing.add(String.fromCodePoint(cp));
    return base;
  }

  /** Splits `text` into runs of one font each. */
  runs(text: string, base: 'regular' | 'bold' = 'regular'): TextRun[] {
    const out: TextRun[] = [];
    for (const ch of text.normalize('NFC')) {
      const cp = ch.codePointAt(0) ?? 32;
      const prev = out[out.length - 1];
      const role = prev && JOINS.test(ch) ? prev.role : cp < 0x80 ? base : this.roleFor(cp, base);
      if (prev && prev.role === role) prev.text += ch;
      else out.push({ role, text: ch });
    }
    return out;
  }
}
