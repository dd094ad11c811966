#!/usr/bin/env node
// `npm run lint:electron`: Doyensec's electronegativity over the Electron shell (electron/main,
// electron/preload) and the page (renderer/index.html, for its CSP). Every finding must be
// explained in test/lint/electronegativity-findings.json (check + file + why it is accepted);
// an unexplained finding, or an explanation whose finding is gone, fails the run.
//
// Two things are fenced here so the tool runs offline and at all:
// - it asks the network for translations and for Electron's release list on every run (`got`):
//   both are answered "offline" at once (Stillroom's checks never leave the machine; the
//   release check is excluded, Electron's version is pinned in package.json and moved on purpose);
// - its TypeScript parser (@typescript-eslint 4) needs the TypeScript 4 it ships, but npm hoists
//   the parser beside the project's TypeScript 7, whose package has no JS API: the parser's
//   `require('typescript')` is pointed at the tool's own copy.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const Module = require('node:module');
const toolDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'typescript' && /[\\/](@typescript-eslint|tsutils)[\\/]/.test(parent?.filename ?? '')) {
    return require.resolve('typescript', { paths: [toolDir] });
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (request === 'got' && (parent?.filename ?? '').startsWith(toolDir + sep)) {
    return () => Promise.reject(new Error('offline: Stillroom lints without network'));
  }
  return load.call(this, request, parent, ...rest);
};
// Its progress bar and banner go to stdout; keep the output to what this script prints.
const log = console.log;
console.log = () => {};

const scan = mkdtempSync(join(tmpdir(), 'stillroom-electronegativity-'));
let result;
try {
  for (const dir of ['electron/main', 'electron/preload']) cpSync(join(root, dir), join(scan, dir), { recursive: true });
  cpSync(join(root, 'renderer', 'index.html'), join(scan, 'renderer', 'index.html'));
  const run = require(join(toolDir, 'dist', 'runner.js'));
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  result = await run({
    input: scan,
    isRelative: true,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    electronVersionOverride: electronVersion,
  });
} finally {
  console.log = log;
  rmSync(scan, { recursive: true, force: true });
}

const where = (file) => (file === 'N/A' ? '(whole app)' : (isAbsolute(file) ? relative(scan, file) : file).split(sep).join('/'));
const findings = result.issues.map((i) => ({
  check: i.id,
  severity: i.severity.name,
  confidence: i.confidence.name,
  file: where(i.file),
  line: i.location?.line ?? 0,
  sample: i.sample ?? '',
  description: i.description ?? '',
}));
const explained = JSON.parse(readFileSync(join(root, 'test', 'lint', 'electronegativity-findings.json'), 'utf8')).findings;
const key = (f) => `${f.check} ${f.file}`;
const known = new Set(explained.map(key));
const seen = new Set(findings.map(key));
const unexplained = findings.filter((f) => !known.has(key(f)));
const stale = explained.filter((e) => !seen.has(key(e)));

const bySeverity = {};
for (const f of findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
log(
  `electronegativity ${JSON.parse(readFileSync(join(toolDir, 'package.json'), 'utf8')).version}: ${findings.length} findings (${
    Object.entries(bySeverity)
      .map(([s, n]) => `${n} ${s.toLowerCase()}`)
      .join(', ') || 'none'
  }), all explained in test/lint/electronegativity-findings.json${unexplained.length || stale.length ? ' — except:' : ''}`,
);
for (const f of unexplained)
  log(`  unexplained: ${f.check} (${f.severity}, ${f.confidence}) ${f.file}:${f.line}  ${f.sample}\n    ${f.description}`);
for (const e of stale) log(`  explained but no longer found (remove it): ${e.check} ${e.file}`);
if (result.errors?.length) for (const e of result.errors) log(`  could not read ${where(e.file)}: ${e.message ?? e.error ?? e}`);
if (unexplained.length || stale.length || result.errors?.length) process.exit(1);
