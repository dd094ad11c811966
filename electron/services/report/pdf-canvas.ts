/**
 * A page to draw a report on, over pdfkit: text in any script (each run in the font that has
 * its glyphs, see fonts.ts; pdfkit embeds a subset of each and writes the ToUnicode maps, so
 * pdftotext and screen readers get the words back), word wrapping measured with the real
 * fonts, lines, rectangles, polylines and dots. A4, coordinates in points from the top-left.
 */
import PDFDocument from 'pdfkit';
import { type FontFiles, type FontRole, FontSet } from './fonts';

export type Rgb = readonly [number, number, number];
export type Face = 'regular' | 'bold';

export const A4 = { width: 595.28, height: 841.89 } as const;

const rgb = (c: Rgb): [number, number, number] => [Math.round(c[0] * 255), Math.round(c[1] * 255), Math.round(c[2] * 255)];

export class PdfCanvas {
  readonly width = A4.width;
  readonly height = A4.height;
  pageCount = 0;
  private readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly registered = new Set<FontRole>();
  readonly fonts: FontSet;

  constructor(meta: { title: string; created: Date }, files: FontFiles = {}) {
    this.fonts = new FontSet(files);
    this.doc = new PDFDocument({
      autoFirstPage: false,
      size: 'A4',
      margin: 0,
      compress: true,
      info: { Title: meta.title, Creator: 'Stillroom', Producer: 'Stillroom (pdfkit)', CreationDate: meta.created },
      lang: 'en',
    });
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  addPage(): void {
    this.doc.addPage({ size: 'A4', margin: 0 });
    this.pageCount += 1;
  }

  private use(role: FontRole, size: number): void {
    if (!this.registered.has(role)) {
      this.doc.registerFont(role, this.fonts.need(role).bytes);
      this.registered.add(role);
    }
    this.doc.font(role).fontSize(size);
  }

  /** Width of `text` in points at `size`. */
  textWidth(text: string, size: number, face: Face = 'regular'): number {
    let w = 0;
    for (const run of this.fonts.runs(text, face)) {
      this.use(run.role, size);
      w += this.doc.widthOfString(run.text);
    }
    return w;
  }

  /** Text with its baseline at `y`. */
  text(x: number, y: number, text: string, size: number, face: Face = 'regular', fill: Rgb = [0, 0, 0]): void {
    this.doc.fillColor(rgb(fill));
    let cx = x;
    for (const run of this.fonts.runs(text, face)) {
      this.use(run.role, size);
      this.doc.text(run.text, cx, y, { lineBreak: false, baseline: 'alphabetic' });
      cx += this.doc.widthOfString(run.text);
    }
  }

  /** Breaks text into lines no wider than `width`: at spaces, and inside a word only when it alone is too wide. */
  wrap(text: string, width: number, size: number, face: Face = 'regular'): string[] {
    const out: string[] = [];
    for (const para of text.replace(/\r\n?/g, '\n').split('\n')) {
      let line = '';
      for (const word of para.split(/ +/)) {
        const candidate = line ? `${line} ${word}` : word;
        if (this.textWidth(candidate, size, face) <= width) {
          line = candidate;
          continue;
        }
        if (line) out.push(line);
        line = '';
        let rest = word;
        // A word wider than the column (a long link, a line of characters without spaces) breaks where it must.
        while (this.textWidth(rest, size, face) > width) {
          let cut = Math.max(1, Math.floor((rest.length * width) / this.textWidth(rest, size, face)));
          while (cut > 1 && this.textWidth(rest.slice(0, cut), size, face) > width) cut--;
          const chars = [...rest];
          const head = chars.slice(0, cut).join('');
          out.push(head);
          rest = chars.slice(cut).join('');
        }
        line = rest;
      }
      out.push(line);
    }
    return out;
  }

  line(x1: number, y1: number, x2: number, y2: number, width: number, stroke: Rgb, dash?: [number, number]): void {
    this.doc.save().lineWidth(width).strokeColor(rgb(stroke));
    if (dash) this.doc.dash(dash[0], { space: dash[1] });
    this.doc.moveTo(x1, y1).lineTo(x2, y2).stroke();
    this.doc.restore();
  }

  rect(x: number, y: number, w: number, h: number, fill: Rgb | null, stroke: Rgb | null = null, lineWidth = 0.5): void {
    this.doc.save().rect(x, y, w, h);
    if (fill && stroke) this.doc.lineWidth(lineWidth).fillAndStroke(rgb(fill), rgb(stroke));
    else if (fill) this.doc.fill(rgb(fill));
    else if (stroke) this.doc.lineWidth(lineWidth).stroke(rgb(stroke));
    this.doc.restore();
  }

  polyline(points: ReadonlyArray<readonly [number, number]>, width: number, stroke: Rgb, dash?: [number, number]): void {
    const [first, ...rest] = points;
    if (!first || rest.length === 0) return;
    this.doc.save().lineWidth(width).strokeColor(rgb(stroke)).lineJoin('round');
    if (dash) this.doc.dash(dash[0], { space: dash[1] });
    this.doc.moveTo(first[0], first[1]);
    for (const [x, y] of rest) this.doc.lineTo(x, y);
    this.doc.stroke().restore();
  }

  dot(x: number, y: number, r: number, fill: Rgb): void {
    this.doc.save().circle(x, y, r).fill(rgb(fill)).restore();
  }

  /** Finishes the document and gives its bytes. */
  finish(): Promise<Buffer> {
    this.doc.end();
    return this.done;
  }
}
