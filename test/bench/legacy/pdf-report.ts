/**
 * The hand-made PDF writer's layout as it was before issue 13 (WinAnsi-only Helvetica), kept
 * only so `npm run bench` can compare report generation with the pdfkit writer. Not used by
 * the app.
 *
 * Lays a session report out on A4 pages: title, sections of facts, paragraphs, lists and
 * tables (rows wrap and break across pages), and the timeline chart drawn from the same
 * `ChartModel` as the panel's. Printed on white: dark text, muted colours.
 */
import type { ChartModel, Report, ReportBlock } from '../../../electron/core/report';
import { type Face, PdfDocument, type Rgb, textWidth, wrapText } from './pdf';

const MARGIN = 50;
const BODY = 9.5;
const LEAD = 13;
const INK: Rgb = [0.12, 0.12, 0.13];
const SOFT: Rgb = [0.4, 0.4, 0.42];
const RULE: Rgb = [0.78, 0.78, 0.8];

const MARK: Record<ChartModel['markers'][number]['kind'], Rgb> = {
  note: [0.35, 0.35, 0.38],
  vitals: [0.2, 0.4, 0.65],
  dose: [0.2, 0.5, 0.3],
  rating: [0.45, 0.35, 0.6],
  adverse: [0.75, 0.2, 0.15],
};
const FLAGGED: Rgb = [0.78, 0.2, 0.15];

class Layout {
  readonly doc: PdfDocument;
  y = 0;
  readonly left = MARGIN;
  readonly width: number;

  constructor(
    private readonly report: Report,
    private readonly clock: (ms: number) => string,
  ) {
    this.doc = new PdfDocument({ title: report.title, created: new Date(report.generatedAt) });
    this.width = this.doc.width - 2 * MARGIN;
    this.page();
  }

  private page(): void {
    this.doc.addPage();
    const n = this.doc.pageCount;
    const foot = `${this.report.title} · ${this.report.subtitle} · page ${n}`;
    this.doc.text(MARGIN, this.doc.height - 28, foot, 7.5, 'regular', SOFT);
    this.y = MARGIN;
  }

  /** Makes room for `h` points, starting a new page if needed; true when it did. */
  ensure(h: number): boolean {
    if (this.y + h <= this.doc.height - MARGIN) return false;
    this.page();
    return true;
  }

  lines(texts: string[], x: number, size: number, face: Face, fill: Rgb = INK): void {
    for (const t of texts) {
      this.ensure(size * 1.4);
      this.y += size * 1.4;
      this.doc.text(x, this.y - size * 0.35, t, size, face, fill);
    }
  }

  title(): void {
    this.y += 8;
    this.doc.text(this.left, this.y + 10, this.report.title, 18, 'bold', INK);
    this.y += 30;
    this.doc.text(this.left, this.y, this.report.subtitle, 10, 'regular', SOFT);
    this.y += 8;
    if (this.report.draft) {
      this.y += 14;
      this.doc.text(this.left, this.y, 'DRAFT: the session was still running when this was made.', 9.5, 'bold', [0.55, 0.3, 0.1]);
    }
    this.y += 10;
  }

  heading(text: string): void {
    this.ensure(44);
    this.y += 16;
    this.doc.text(this.left, this.y + 9, text, 12, 'bold', INK);
    this.y += 14;
    this.doc.line(this.left, this.y, this.left + this.width, this.y, 0.5, RULE);
    this.y += 4;
  }

  block(b: ReportBlock): void {
    switch (b.kind) {
      case 'paragraph':
        this.lines(wrapText(b.text, this.width, BODY), this.left, BODY, 'regular');
        this.y += 4;
        return;
      case 'list':
        for (const item of b.items) {
          const wrapped = wrapText(item, this.width - 12, BODY);
          wrapped.forEach((line, i) => {
            this.ensure(LEAD);
            this.y += LEAD;
            if (i === 0) this.doc.text(this.left, this.y - 3, '•', BODY, 'regular', SOFT);
            this.doc.text(this.left + 12, this.y - 3, line, BODY, 'regular', INK);
          });
        }
        this.y += 4;
        return;
      case 'facts': {
        const labelW = Math.min(150, Math.max(...b.items.map(([k]) => textWidth(k, BODY, 'bold'))) + 14);
        for (const [k, v] of b.items) {
          const wrapped = wrapText(v, this.width - labelW, BODY);
          wrapped.forEach((line, i) => {
            this.ensure(LEAD);
            this.y += LEAD;
            if (i === 0) this.doc.text(this.left, this.y - 3, k, BODY, 'bold', SOFT);
            this.doc.text(this.left + labelW, this.y - 3, line, BODY, 'regular', INK);
          });
        }
        this.y += 4;
        return;
      }
      case 'table':
        this.table(b.columns, b.widths, b.rows);
        return;
      case 'chart':
        if (this.report.chart) this.chart(this.report.chart);
        return;
    }
  }

  private table(columns: string[], rel: number[], rows: string[][]): void {
    const total = rel.reduce((a, w) => a + w, 0) || 1;
    const widths = rel.map((w) => (w / total) * this.width);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((a, w) => a + w, 0));
    const pad = 4;
    const header = (): void => {
      this.ensure(LEAD * 2);
      this.y += LEAD;
      columns.forEach((c, i) => {
        this.doc.text((xs[i] ?? 0) + 0, this.y - 3, c, BODY - 0.5, 'bold', SOFT);
      });
      this.y += 3;
      this.doc.line(this.left, this.y, this.left + this.width, this.y, 0.5, RULE);
    };
    header();
    for (const row of rows) {
      const cells = row.map((cell, i) => wrapText(cell, (widths[i] ?? 40) - pad, BODY));
      const height = Math.max(1, ...cells.map((c) => c.length));
      // Short rows stay together; a very long one (a long note) flows on to the next page.
      if (height <= 8 && this.ensure(height * LEAD + 4)) header();
      for (let line = 0; line < height; line++) {
        if (this.ensure(LEAD)) header();
        this.y += LEAD;
        cells.forEach((c, i) => {
          const text = c[line];
          if (text) this.doc.text(xs[i] ?? 0, this.y - 3, text, BODY, 'regular', INK);
        });
      }
      this.y += 3;
      this.doc.line(this.left, this.y, this.left + this.width, this.y, 0.25, [0.88, 0.88, 0.9]);
    }
    this.y += 6;
  }

  private chart(m: ChartModel): void {
    const h = 178;
    this.ensure(h + 10);
    const top = this.y + 8;
    const x0 = this.left;
    const w = this.width;
    const span = Math.max(1, m.to - m.from);
    const X = (t: number): number => x0 + ((Math.min(m.to, Math.max(m.from, t)) - m.from) / span) * w;
    const doc = this.doc;

    // Phases.
    m.phases.forEach((p, i) => {
      const a = X(p.from);
      const b = X(p.to);
      const shade: Rgb = p.expected ? [0.96, 0.96, 0.97] : i % 2 ? [0.87, 0.88, 0.9] : [0.92, 0.93, 0.94];
      doc.rect(a, top, Math.max(0.5, b - a), 18, shade, p.expected ? RULE : null);
      let name = p.name;
      while (name.length > 1 && textWidth(name, 7) > b - a - 4) name = name.slice(0, -1);
      if (b - a > 14) doc.text(a + 2, top + 12, name === p.name ? name : `${name.slice(0, -1)}…`, 7, 'regular', INK);
    });

    // Music.
    const musicTop = top + 24;
    doc.text(x0, musicTop - 1, 'Music', 6.5, 'regular', SOFT);
    for (const s of m.segments) {
      const a = X(s.from);
      const b = X(s.to);
      doc.rect(a, musicTop + 2 + s.lane * 7, Math.max(0.5, b - a), 6, s.planned ? [0.82, 0.85, 0.9] : [0.55, 0.62, 0.72]);
    }

    // Light level (and safe state behind it).
    const lightTop = musicTop + 26;
    const lightH = 70;
    for (const iv of m.safe) doc.rect(X(iv.from), lightTop, Math.max(0.8, X(iv.to) - X(iv.from)), lightH, [0.88, 0.93, 0.97]);
    doc.rect(x0, lightTop, w, lightH, null, RULE, 0.4);
    doc.text(x0 + 2, lightTop + 8, 'Light 100 %', 6.5, 'regular', SOFT);
    const Y = (level: number): number => lightTop + lightH - (Math.max(0, Math.min(100, level)) / 100) * lightH;
    const past = m.light.filter((p) => !p.planned).map((p) => [X(p.t), Y(p.level)] as const);
    const lastPast = m.light.findLast((p) => !p.planned);
    const ahead = m.light.filter((p) => p.planned).map((p) => [X(p.t), Y(p.level)] as const);
    doc.polyline(past, 1.3, [0.78, 0.5, 0.15]);
    if (ahead.length)
      doc.polyline([...(lastPast ? [[X(lastPast.t), Y(lastPast.level)] as const] : []), ...ahead], 1, [0.85, 0.7, 0.5], [3, 2]);

    // Markers.
    const markTop = lightTop + lightH + 10;
    for (const mk of m.markers) {
      const row = mk.kind === 'note' ? 0 : 1;
      doc.dot(X(mk.t), markTop + row * 9, 2.4, mk.flagged ? FLAGGED : MARK[mk.kind]);
    }
    if (m.now !== null) doc.line(X(m.now), top, X(m.now), markTop + 12, 0.6, [0.3, 0.3, 0.3], [2, 2]);

    // Time axis: about eight labels on round minutes.
    const axisY = markTop + 24;
    const minutes = span / 60_000;
    const step = [5, 10, 15, 20, 30, 60, 90, 120].find((s) => minutes / s <= 8) ?? 180;
    const first = Math.ceil(m.from / (step * 60_000)) * step * 60_000;
    for (let t = first; t <= m.to; t += step * 60_000) {
      doc.line(X(t), markTop + 15, X(t), markTop + 18, 0.4, SOFT);
      const label = this.clock(t);
      doc.text(
        Math.min(x0 + w - textWidth(label, 6.5), Math.max(x0, X(t) - textWidth(label, 6.5) / 2)),
        axisY,
        label,
        6.5,
        'regular',
        SOFT,
      );
    }
    // Legend.
    const legendY = axisY + 12;
    let lx = x0;
    const has = (k: string): boolean => m.markers.some((mk) => mk.kind === k);
    const legend: Array<[Rgb, string, boolean]> = [
      [MARK.note, 'note', has('note')],
      [MARK.dose, 'dose', has('dose')],
      [MARK.vitals, 'vitals', has('vitals')],
      [MARK.rating, 'rating', has('rating')],
      [FLAGGED, 'out of range or adverse event', m.markers.some((mk) => mk.flagged)],
    ];
    for (const [c, label, shown] of legend) {
      if (!shown) continue;
      doc.dot(lx + 3, legendY - 2.5, 2.4, c);
      doc.text(lx + 8, legendY, label, 6.5, 'regular', SOFT);
      lx += 14 + textWidth(label, 6.5);
    }
    this.y = legendY + 8;
  }
}

/** The report as PDF bytes. `clock` formats a time of day for the chart's axis. */
export function reportToPdf(report: Report, clock: (ms: number) => string): Uint8Array {
  const l = new Layout(report, clock);
  l.title();
  for (const s of report.sections) {
    l.heading(s.title);
    for (const b of s.blocks) l.block(b);
  }
  return l.doc.toBytes();
}
