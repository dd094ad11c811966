/**
 * Writes a session report to disk (Markdown or PDF) and hands it back for a browser download.
 * Writing goes to a temporary file that is renamed into place, so a full or refusing disk never
 * leaves half a report; the failure comes back as a message a person can act on. Reports are
 * never written to the journal: whatever happens here, the session record is untouched.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Report, toMarkdown } from '../../core/report';
import type { SavedFile } from '../../host/contract';
import { reportToPdf } from './pdf-report';

export type ReportFormat = 'markdown' | 'pdf';

const clock = (ms: number): string => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);

/** The report's bytes and file name. */
export function renderReport(report: Report, format: ReportFormat): { name: string; mediaType: string; bytes: Buffer } {
  if (format === 'markdown') {
    return { name: `${report.fileStem}.md`, mediaType: 'text/markdown', bytes: Buffer.from(toMarkdown(report), 'utf8') };
  }
  return { name: `${report.fileStem}.pdf`, mediaType: 'application/pdf', bytes: Buffer.from(reportToPdf(report, clock)) };
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EACCES':
    case 'EPERM':
      return 'Stillroom is not allowed to write there';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file is in the way of the reports folder';
    case 'EIO':
      return 'the disk reported an input/output error';
    default:
      return code ? `${code}: ${(err as Error).message}` : (err as Error).message;
  }
}

/** Saves the report into `dir`; throws an Error whose message says what went wrong and that nothing was lost. */
export function saveReport(dir: string, report: Report, format: ReportFormat): SavedFile {
  const file = renderReport(report, format);
  const path = join(dir, file.name);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, file.bytes);
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* nothing was written */
    }
    throw new Error(
      `Could not save the report to ${dir}: ${reason(err)}. Nothing was lost: the session record is intact. Free some space or fix the folder, then export again.`,
    );
  }
  return {
    name: file.name,
    path,
    mediaType: file.mediaType,
    encoding: format === 'markdown' ? 'utf8' : 'base64',
    data: format === 'markdown' ? file.bytes.toString('utf8') : file.bytes.toString('base64'),
  };
}
