/**
 * `npm run bench`: Stillroom's performance figures, as a readable table, or with `--json`
 * as one JSON object (name → value, units in the names). Figures live here, not in tests.
 * `--check` then compares them with `budget.json` and exits 1 if any is over.
 */
import { existsSync } from 'node:fs';
import { benchAudio } from './audio';
import { benchBrowser } from './browser';
import { checkBudget, formatBudget, loadBudget } from './budget';
import { benchJournal, benchTimeline } from './core';
import { benchHost } from './host';
import { benchLibrary } from './library';
import { benchLighting } from './lighting';
import { benchLoudness } from './loudness';
import { benchPanel } from './panel';
import { benchReport } from './report';

const json = process.argv.includes('--json');
const check = process.argv.includes('--check');
const budget = check ? loadBudget() : null; // a broken budget file fails before minutes of measuring
const results: Record<string, number> = {};
const log = (s: string) => {
  if (!json) process.stderr.write(`${s}\n`);
};

log('timeline…');
Object.assign(results, benchTimeline());
log('journal…');
Object.assign(results, benchJournal());
log('browser host restarts after a crash (about 30 s)…');
Object.assign(results, await benchHost());
log('loudness analysis (about 30 s)…');
Object.assign(results, await benchLoudness());
log('library scan, search and resolve (about a minute)…');
Object.assign(results, await benchLibrary());
log('reports: Markdown, PDF (pdfkit vs the old writer), FHIR bundle…');
Object.assign(results, await benchReport());
log('lighting drivers on loopback peers, and through the host’s lights module (about 2 min)…');
Object.assign(results, await benchLighting());
if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  log('browser host + Chromium (about 40 s)…');
  Object.assign(results, await benchBrowser());
  log('panel: key press to journal…');
  Object.assign(results, await benchPanel());
  log('playback: formats, crossfade timing, failures, a long program and its floors (about 15 minutes)…');
  Object.assign(results, await benchAudio());
} else {
  log('Chromium not found: browser figures skipped');
}

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000);
const rounded = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(v)]));
if (json) {
  process.stdout.write(`${JSON.stringify(rounded)}\n`);
} else {
  const width = Math.max(...Object.keys(rounded).map((k) => k.length));
  process.stdout.write(`${'figure'.padEnd(width)}  value\n${'-'.repeat(width)}  -----\n`);
  for (const [k, v] of Object.entries(rounded)) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}
if (budget) {
  const lines = checkBudget(results, budget);
  process.stderr.write(`\nbudget (test/bench/budget.json):\n${formatBudget(lines)}\n`);
  const over = lines.filter((l) => l.verdict === 'over');
  if (over.length > 0) {
    process.stderr.write(`${over.length} figure${over.length === 1 ? ' is' : 's are'} over budget: ${over.map((l) => l.key).join(', ')}\n`);
    process.exitCode = 1;
  }
}
