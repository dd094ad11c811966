#!/usr/bin/env node
// Runs the TypeScript benchmark entry with tsx (builds the app first if needed).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildIfNeeded, root } from '../../scripts/lib/build.mjs';

buildIfNeeded();
const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'test', 'bench', 'run.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(r.status ?? 1);
