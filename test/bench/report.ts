/**
 * Report figures (issue 13), for a finished 3-hour session with 200 notes and 30 vitals
 * (`threeHourSession` in panel.ts), signed:
 * - assembly + Markdown; assembly + PDF with pdfkit and the embedded, subset Noto fonts, beside
 *   the hand-made WinAnsi writer it replaced (test/bench/legacy, kept for this comparison only);
 *   median of 7 runs each, and each PDF's size;
 * - the FHIR R4 bundle: its size, and validation time against the HL7 R4 JSON schema
 *   (loading and compiling the schema once, then one validation of the whole bundle).
 */
import { fhirBundle } from '../../electron/core/fhir';
import { assembleReport, toMarkdown } from '../../electron/core/report';
import type { SessionState } from '../../electron/core/session';
import { renderReport } from '../../electron/services/report/export';
import { fhirProblems } from '../fixtures/fhir-validate';
import { percentile } from './core';
import { reportToPdf as legacyPdf } from './legacy/pdf-report';
import { threeHourSession } from './panel';

const clock = (ms: number): string => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);

async function median(runs: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return percentile(times, 50);
}

/** The bench session as signed (the FHIR export takes signed records only). */
function signed(state: SessionState): SessionState {
  const at = (state.endedAt ?? state.startedAt) + 20 * 60_000;
  return { ...state, record: { ...state.record, signature: { at, name: 'Dr Bench', credentials: 'MD' } } };
}

export async function benchReport(): Promise<Record<string, number>> {
  const state = signed(threeHourSession());
  const now = (state.endedAt ?? 0) + 30 * 60_000;
  const opts = { audience: 'therapist' as const, now };
  let pdfBytes = 0;
  let legacyBytes = 0;
  // The first PDF loads and parses the fonts (once per process): measured on its own.
  const firstPdf = await median(1, async () => renderReport(assembleReport(state, null, opts), 'pdf'));
  const md = await median(7, () => toMarkdown(assembleReport(state, null, opts)));
  const pdf = await median(7, async () => {
    pdfBytes = (await renderReport(assembleReport(state, null, opts), 'pdf')).bytes.length;
  });
  const legacy = await median(7, () => {
    legacyBytes = legacyPdf(assembleReport(state, null, opts), clock).length;
  });

  const report = assembleReport(state, null, opts);
  const bundle = fhirBundle(state, { report: toMarkdown(report), reportTitle: report.title, now });
  const text = JSON.stringify(bundle);
  const t0 = performance.now();
  fhirProblems({ resourceType: 'Bundle', type: 'collection' }); // loads and compiles the 3 MB schema once
  const compileMs = performance.now() - t0;
  let problems: string[] = [];
  const perValidation = await median(7, () => {
    problems = fhirProblems(bundle);
  });
  const valid = problems.length === 0;
  if (!valid) throw new Error(`bench FHIR bundle is not valid: ${problems.slice(0, 3).join('; ')}`);
  return {
    report_3h_200notes_30vitals_markdown_ms: md,
    report_3h_200notes_30vitals_pdf_pdfkit_ms: pdf,
    report_3h_200notes_30vitals_pdf_pdfkit_first_ms: firstPdf,
    report_3h_200notes_30vitals_pdf_oldwriter_ms: legacy,
    report_3h_pdf_pdfkit_bytes: pdfBytes,
    report_3h_pdf_oldwriter_bytes: legacyBytes,
    fhir_bundle_bytes: Buffer.byteLength(text),
    fhir_bundle_resources: bundle.entry.length,
    fhir_schema_compile_ms: compileMs,
    fhir_bundle_validate_ms: perValidation,
  };
}
