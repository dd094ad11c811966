/**
 * The hand-made PDF writer as it was before issue 13, kept only for the bench's comparison.
 *
 * A small PDF writer: A4 pages of text in the two standard Helvetica faces (WinAnsi encoding,
 * so pdftotext and every reader get the words back), lines, rectangles, polylines and dots.
 * That is all the session report needs; it keeps the report free of a large dependency and
 * identical in both shells. Coordinates are in points from the top-left corner.
 * (If the report ever needs embedded fonts or images, swap this for pdfkit behind the same calls.)
 */
import { deflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];
export type Face = 'regular' | 'bold';

export const A4 = { width: 595.28, height: 841.89 } as const;

// Advance widths (1/1000 em) of printable ASCII 32–126 in Helvetica and Helvetica-Bold, for line breaking.
const REGULAR = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278,
  278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
  667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556,
  556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333,
  333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
  667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611,
  611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/** WinAnsi code points above 127 that are not Latin-1 (the rest of 160–255 is Latin-1). */
const WIN_ANSI_EXTRA: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  '„': 0x84,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '™': 0x99,
};
/** Characters WinAnsi lacks, written as their nearest plain form rather than "?". */
const FALLBACK: Record<string, string> = { '₂': '2', '−': '-', '→': '->', '≥': '>=', '≤': '<=', '\u202f': ' ', '\u2009': ' ' };

/** The bytes a string becomes in WinAnsi; anything it cannot say becomes "?". */
export function winAnsi(text: string): number[] {
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const extra = WIN_ANSI_EXTRA[ch];
    if (extra !== undefined) {
      out.push(extra);
      continue;
    }
    const code = ch.codePointAt(0) ?? 63;
    if ((code >= 32 && code < 127) || (code >= 160 && code <= 255)) out.push(code);
    else if (ch === '\t') out.push(32);
    else if (FALLBACK[ch] !== undefined) out.push(...winAnsi(FALLBACK[ch] as string));
    else out.push(63);
  }
  return out;
}

/** Width of `text` in points at `size`. Slightly generous outside ASCII, so lines never overflow. */
export function textWidth(text: string, size: number, face: Face = 'regular'): number {
  const table = face === 'bold' ? BOLD : REGULAR;
  let units = 0;
  for (const b of winAnsi(text)) units += b >= 32 && b < 127 ? (table[b - 32] ?? 600) : b === 0x97 || b === 0x85 ? 1000 : 640;
  return (units * size) / 1000;
}

const num = (n: number): string => (Math.round(n * 100) / 100).toString();
const colour = (c: Rgb): string => c.map((v) => num(v)).join(' ');

function pdfString(text: string): string {
  let s = '(';
  for (const b of winAnsi(text)) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b >= 32 && b < 127) s += String.fromCharCode(b);
    else s += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${s})`;
}

/** One PDF document being drawn, page by page. */
export class PdfDocument {
  private readonly pages: string[][] = [];
  readonly width = A4.width;
  readonly height = A4.height;

  constructor(private readonly info: { title: string; created: Date }) {}

  get pageCount(): number {
    return this.pages.length;
  }

  addPage(): void {
    this.pages.push([]);
  }

  private get ops(): string[] {
    const page = this.pages.at(-1);
    if (!page) throw new Error('PdfDocument: addPage() before drawing');
    return page;
  }

  /** Text with its baseline at `y` (from the top). */
  text(x: number, y: number, text: string, size: number, face: Face = 'regular', fill: Rgb = [0.1, 0.1, 0.1]): void {
    if (text === '') return;
    this.ops.push(
      `BT /${face === 'bold' ? 'F2' : 'F1'} ${num(size)} Tf ${colour(fill)} rg ${num(x)} ${num(this.height - y)} Td ${pdfString(text)} Tj ET`,
    );
  }

  line(x1: number, y1: number, x2: number, y2: number, width: number, stroke: Rgb, dash?: readonly number[]): void {
    this.polyline(
      [
        [x1, y1],
        [x2, y2],
      ],
      width,
      stroke,
      dash,
    );
  }

  polyline(points: ReadonlyArray<readonly [number, number]>, width: number, stroke: Rgb, dash?: readonly number[]): void {
    const [first, ...rest] = points;
    if (!first || rest.length === 0) return;
    const path = [`${num(first[0])} ${num(this.height - first[1])} m`, ...rest.map(([x, y]) => `${num(x)} ${num(this.height - y)} l`)];
    this.ops.push(`q ${num(width)} w 1 J 1 j [${(dash ?? []).map(num).join(' ')}] 0 d ${colour(stroke)} RG ${path.join(' ')} S Q`);
  }

  /** A rectangle with its top-left corner at (x, y). */
  rect(x: number, y: number, w: number, h: number, fill: Rgb | null, stroke: Rgb | null = null, width = 0.5): void {
    const box = `${num(x)} ${num(this.height - y - h)} ${num(w)} ${num(h)} re`;
    const paint = fill && stroke ? 'B' : fill ? 'f' : 'S';
    this.ops.push(`q ${num(width)} w ${fill ? `${colour(fill)} rg ` : ''}${stroke ? `${colour(stroke)} RG ` : ''}${box} ${paint} Q`);
  }

  /** A filled dot (four Bézier quarter circles). */
  dot(cx: number, cy: number, r: number, fill: Rgb): void {
    const k = 0.5523 * r;
    const y = this.height - cy;
    const p = (a: number, b: number) => `${num(a)} ${num(b)}`;
    this.ops.push(
      `q ${colour(fill)} rg ${p(cx + r, y)} m ${p(cx + r, y + k)} ${p(cx + k, y + r)} ${p(cx, y + r)} c ${p(cx - k, y + r)} ${p(cx - r, y + k)} ${p(cx - r, y)} c ${p(cx - r, y - k)} ${p(cx - k, y - r)} ${p(cx, y - r)} c ${p(cx + k, y - r)} ${p(cx + r, y - k)} ${p(cx + r, y)} c f Q`,
    );
  }

  /** The finished file. */
  toBytes(): Uint8Array {
    const chunks: Buffer[] = [];
    const offsets: number[] = [];
    let length = 0;
    const push = (b: Buffer): void => {
      chunks.push(b);
      length += b.length;
    };
    const object = (id: number, body: Buffer | string, stream?: Buffer): void => {
      offsets[id] = length;
      push(Buffer.from(`${id} 0 obj\n`, 'latin1'));
      push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
      if (stream) {
        push(Buffer.from('\nstream\n', 'latin1'));
        push(stream);
        push(Buffer.from('\nendstream', 'latin1'));
      }
      push(Buffer.from('\nendobj\n', 'latin1'));
    };
    push(Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
    if (this.pages.length === 0) this.addPage();
    const pageIds = this.pages.map((_, i) => 6 + i * 2);
    const d = this.info.created;
    const stamp = `D:${d.getUTCFullYear()}${[d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
      .map((v) => String(v).padStart(2, '0'))
      .join('')}Z`;
    object(1, '<< /Type /Catalog /Pages 2 0 R >>');
    object(2, `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`);
    object(3, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
    object(4, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
    object(5, `<< /Title ${pdfString(this.info.title)} /Producer (Stillroom) /CreationDate (${stamp}) >>`);
    this.pages.forEach((ops, i) => {
      const id = pageIds[i] as number;
      object(
        id,
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(this.width)} ${num(this.height)}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${id + 1} 0 R >>`,
      );
      const content = deflateSync(Buffer.from(ops.join('\n'), 'latin1'));
      object(id + 1, `<< /Length ${content.length} /Filter /FlateDecode >>`, content);
    });
    const count = 5 + this.pages.length * 2;
    const xrefAt = length;
    let xref = `xref\n0 ${count + 1}\n0000000000 65535 f \n`;
    for (let id = 1; id <= count; id++) xref += `${String(offsets[id] ?? 0).padStart(10, '0')} 00000 n \n`;
    push(Buffer.from(`${xref}trailer\n<< /Size ${count + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
    return new Uint8Array(Buffer.concat(chunks));
  }
}

/** Breaks `text` into lines no wider than `width` (long words are split). Keeps explicit line breaks. */
export function wrapText(text: string, width: number, size: number, face: Face = 'regular'): string[] {
  const lines: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (textWidth(candidate, size, face) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      let rest = word;
      while (textWidth(rest, size, face) > width) {
        let cut = rest.length - 1;
        while (cut > 1 && textWidth(rest.slice(0, cut), size, face) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}
