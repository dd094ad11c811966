/**
 * A report as Markdown: the same sections as the PDF, tables as pipe tables, every cell
 * escaped so a note can never break the layout or start a heading.
 */
import { formatClock, formatDay } from './format';
import type { Report } from './report';

const mdCell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const mdText = (s: string): string => s.replace(/^([#>\-+*]|\d+\.)\s/gm, '\\$1 ');

/** The report as Markdown (the chart is in the PDF; Markdown says so). */
export function toMarkdown(r: Report, timeZone?: string): string {
  const tz = timeZone ?? r.timeZone;
  const out: string[] = [`# ${r.title}`, '', `_${r.subtitle}_`, ''];
  if (r.draft) out.push('**Draft:** the session was still running when this was made.', '');
  for (const s of r.sections) {
    out.push(`## ${s.title}`, '');
    for (const b of s.blocks) {
      switch (b.kind) {
        case 'paragraph':
          out.push(mdText(b.text), '');
          break;
        case 'facts':
          for (const [k, v] of b.items) out.push(`- **${k}:** ${mdCell(v)}`);
          out.push('');
          break;
        case 'list':
          for (const i of b.items) out.push(`- ${mdCell(i)}`);
          out.push('');
          break;
        case 'table':
          out.push(`| ${b.columns.map(mdCell).join(' | ')} |`, `|${b.columns.map(() => ' --- ').join('|')}|`);
          for (const row of b.rows) out.push(`| ${row.map(mdCell).join(' | ')} |`);
          out.push('');
          break;
        case 'chart':
          out.push('_The timeline chart is in the PDF version._', '');
          break;
      }
    }
  }
  out.push(
    `_Made by Stillroom on ${formatDay(r.generatedAt, tz)} at ${formatClock(r.generatedAt, { timeZone: tz, format: r.clockFormat })}._`,
    '',
  );
  return out.join('\n');
}
