/** The part of fontkit the report uses (fontkit ships no types): open a font, ask whether it has a glyph. */
declare module 'fontkit' {
  export interface Font {
    readonly familyName: string;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font | { fonts: Font[] };
}
