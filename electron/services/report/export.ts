/**
 * Writes a session report (Markdown or PDF) or an export (the FHIR bundle) to disk and hands it
 * back for a browser download. Health information: files are readable by this user only (0600)
 * in folders only this user can open (0700), named by date and a short session id, never the
 * client's alias. Writing goes to a temporary file that is renamed into place, so a full or
 * refusing disk never leaves half a file; the failure comes back as a message a person can act
 * on. Nothing here touches the journal: whatever happens, the session record is intact.
 */
import { formatClock } from '../../core/format';
import { type Report, toMarkdown } from '../../core/report';
import type { SavedFile } from '../../host/command';
import { writePrivateFile } from '../private-file';
import type { FontFiles } from './fonts';

export type ReportFormat = 'markdown' | 'pdf';

/**
 * The PDF writer (pdfkit and fontkit, a third of the host's start-up time) is loaded on the
 * first PDF export, not when the host starts.
 */
const loadPdfReport = (): Promise<typeof import('./pdf-report')> => import('./pdf-report');

/** The report's bytes and file name. */
export async function renderReport(
  report: Report,
  format: ReportFormat,
  fonts: FontFiles = {},
): Promise<{ name: string; mediaType: string; bytes: Buffer }> {
  if (format === 'markdown') {
    return { name: `${report.fileStem}.md`, mediaType: 'text/markdown', bytes: Buffer.from(toMarkdown(report), 'utf8') };
  }
  const { reportToPdf } = await loadPdfReport();
  const clock = (ms: number): string => formatClock(ms, { timeZone: report.timeZone, format: report.clockFormat });
  return { name: `${report.fileStem}.pdf`, mediaType: 'application/pdf', bytes: await reportToPdf(report, clock, fonts) };
}

/** Saves bytes as `dir/name` (0600, atomically); throws an Error saying what went wrong and that nothing was lost. */
export function saveFile(dir: string, name: string, mediaType: string, bytes: Buffer, what = 'the file'): SavedFile {
  const path = writePrivateFile(
    dir,
    name,
    bytes,
    (problem) =>
      `Could not save ${what} (${name}) to ${dir}: ${problem}. Nothing was lost: the session record is intact. Free some space or fix the folder, then export again.`,
  );
  const text = mediaType.startsWith('text/') || mediaType.includes('json');
  return { name, path, mediaType, encoding: text ? 'utf8' : 'base64', data: text ? bytes.toString('utf8') : bytes.toString('base64') };
}

/** Renders and saves the report into `dir`. A font that cannot be loaded or a refusing disk throws a message that says so. */
export async function saveReport(dir: string, report: Report, format: ReportFormat, fonts: FontFiles = {}): Promise<SavedFile> {
  const file = await renderReport(report, format, fonts);
  return saveFile(dir, file.name, file.mediaType, file.bytes, 'the report');
}
