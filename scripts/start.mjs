#!/usr/bin/env node
// `npm start`: builds if needed and opens the desktop app. Where no Electron binary could be
// installed (no access to Electron's download site during `npm install`, or
// ELECTRON_SKIP_BINARY_DOWNLOAD=1), or the desktop app dies at launch (e.g. Ubuntu's AppArmor
// blocking Chromium's sandbox), it says why — with the fix when there is one — and starts the
// browser host instead, which it keeps running (see lib/supervise.mjs). `--browser` skips the
// desktop app. The exit code tells the truth (a death by signal is never 0).
import { spawn } from 'node:child_process';
import { buildIfNeeded, root } from './lib/build.mjs';
import { electronBinary } from './lib/electron.mjs';
import { afterDesktopExit, LAUNCH_WINDOW_MS } from './lib/launch-policy.mjs';
import { superviseHost } from './lib/supervise.mjs';

const say = (line) => process.stderr.write(`stillroom: ${line}\n`);
const args = process.argv.slice(2);
const browserArgs = args.filter((a) => a !== '--browser');

buildIfNeeded();

/** Runs the desktop app; resolves with what to do when it ends. */
function runDesktop(bin) {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    let tail = '';
    let stopping = false;
    const child = spawn(bin, [root, ...browserArgs], { stdio: ['inherit', 'inherit', 'pipe'] });
    child.stderr.on('data', (d) => {
      process.stderr.write(d);
      tail = (tail + d.toString()).slice(-16_384);
    });
    const running = setTimeout(() => say(`the desktop app is running (process ${child.pid}).`), LAUNCH_WINDOW_MS);
    const forward = (sig) => {
      stopping = true;
      child.kill(sig);
    };
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, forward);
    const done = (decision) => {
      clearTimeout(running);
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(sig, forward);
      resolve(decision);
    };
    child.on('error', (err) =>
      done({
        fallback: true,
        exitCode: 1,
        message: `the desktop app could not be run (${err.message}); starting the browser host instead.`,
      }),
    );
    child.on('exit', (code, signal) => {
      // Stopped by the person at the terminal: not a failure to fall back from.
      if (stopping) return done({ fallback: false, exitCode: signal ? 0 : (code ?? 0), message: null });
      done(afterDesktopExit({ code, signal, uptimeMs: Date.now() - startedAt, output: tail }));
    });
  });
}

const bin = electronBinary(root);
if (bin && !args.includes('--browser')) {
  const d = await runDesktop(bin);
  if (d.message) say(d.message);
  if (!d.fallback) process.exit(d.exitCode);
} else if (!bin) {
  say('the Electron desktop app is not installed here; starting the browser host instead.');
  say(
    'open the address below in Chromium or Chrome. (`npm run install-desktop` downloads the desktop app where github.com can be reached.)',
  );
}
process.exit(await superviseHost(root, browserArgs));
