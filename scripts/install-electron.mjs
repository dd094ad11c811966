#!/usr/bin/env node
// The project's `postinstall`: downloads the Electron desktop binary with Electron's own
// installer, and never fails the install when it can't.
//
// Why: Electron's package downloads its ~100 MB binary from GitHub in its own postinstall, and
// a failed download fails the whole `npm install` — on a clinic's locked-down laptop, or any
// machine that reaches the npm registry but not GitHub, `npm install && npm start` never got
// to `npm start`. package.json's `allowScripts` (npm's install-script policy) denies Electron's
// own script, and this one runs the same installer (`node_modules/electron/install.js`, which
// honours ELECTRON_MIRROR, proxies, the cache and ELECTRON_SKIP_BINARY_DOWNLOAD as before).
// With internet the desktop app is installed as before; without, the install completes and
// `npm start` says so and starts the browser host. `npm run install-desktop` tries again, and
// fails loudly (exit 1) if the download still fails.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './lib/build.mjs';
import { electronBinary, electronPackageDir } from './lib/electron.mjs';

const strict = process.argv.includes('--strict');
/** A stalled download (a firewall that drops packets) must not hang the install for ever. */
const TIMEOUT_MS = 15 * 60_000;
const say = (line) => process.stderr.write(`stillroom: ${line}\n`);

function main() {
  const dir = electronPackageDir(root);
  if (!dir) {
    // `npm install --omit=dev`: the desktop shell is not wanted here.
    say('the Electron package is not installed; `npm start` will start the browser host.');
    return 0;
  }
  if (electronBinary(root)) return 0;
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    say('ELECTRON_SKIP_BINARY_DOWNLOAD is set: the desktop app was not downloaded; `npm start` will start the browser host.');
    return 0;
  }
  say('downloading the Electron desktop app (about 100 MB)…');
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
  });
  if (r.status === 0 && electronBinary(root)) {
    say('the desktop app is installed.');
    return 0;
  }
  const reason =
    r.error?.code === 'ETIMEDOUT'
      ? `no answer within ${TIMEOUT_MS / 60_000} minutes`
      : (firstLine(r.stderr) ?? (r.error ? r.error.message : `the installer exited with ${r.status ?? r.signal}`));
  say(`the Electron desktop app could not be downloaded (${reason}).`);
  if (strict) {
    process.stderr.write(r.stderr ?? '');
    return 1;
  }
  say('the install is complete without it: `npm start` will start the browser host (open the address it prints in Chromium or Chrome).');
  say('to get the desktop app later, run `npm run install-desktop` where github.com (or your ELECTRON_MIRROR) can be reached.');
  return 0;
}

/** The first line of the installer's error that says what went wrong (e.g. "RequestError: getaddrinfo ENOTFOUND github.com"). */
function firstLine(text) {
  const line = (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('at '));
  return line ? line.slice(0, 200) : null;
}

process.exit(main());
