#!/usr/bin/env node
// `npm start`: builds if needed and opens the desktop app. Where no Electron binary could be
// installed (e.g. ELECTRON_SKIP_BINARY_DOWNLOAD=1, or no internet), it starts the browser host
// instead and says so, so the demo still runs.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfNeeded, root } from './lib/build.mjs';
import { electronBinary } from './lib/electron.mjs';

buildIfNeeded();

const bin = electronBinary(root);
if (bin && !process.argv.includes('--browser')) {
  const child = spawn(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!bin) {
    process.stderr.write(
      'stillroom: the Electron desktop shell is not installed here; starting the browser host instead.\n' +
        'stillroom: open the address below in Chromium or Chrome. (Run `npm run install-desktop` with internet access to get the desktop app.)\n',
    );
  }
  process.argv = [process.argv[0], 'serve', ...process.argv.slice(2).filter((a) => a !== '--browser')];
  await import(pathToFileURL(join(root, 'out', 'main', 'serve.js')).href);
}
