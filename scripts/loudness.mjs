#!/usr/bin/env node
// `npm run loudness -- FILE...`: runs the TypeScript loudness CLI with tsx (no build needed).
// See electron/services/loudness/cli.ts for the output format.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
const r = spawnSync(tsx, [join(root, 'electron', 'services', 'loudness', 'cli.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (r.error) process.stderr.write(`loudness: could not start tsx (${r.error.message})\n`);
process.exit(r.status ?? 1);
