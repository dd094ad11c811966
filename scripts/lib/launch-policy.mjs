// What `npm start` / `npm run serve` do when a process they started ends: pure decisions,
// no I/O, unit-tested in test/unit/serve/launch-policy.test.ts (types in launch-policy.d.mts).
//
// - The browser host dying mid-session (a crash, an OOM kill) is restarted at once on the
//   same port, data folder, key and secret, so the pages already open reconnect by
//   themselves; a few times only (a host that keeps dying needs a person, not a loop).
// - The desktop app dying at launch (Ubuntu's AppArmor blocking Chromium's sandbox,
//   electron#42510; no display; any signal) is reported with its fix, and the browser host
//   starts instead. Exit codes tell the truth: a death by signal is never exit code 0.

import { constants } from 'node:os';

/**
 * Bounded restarts: at most `max` within `windowMs`. The first two at once; later ones after a
 * pause short enough that every restart is back within 2 s (the host itself takes ~0.9 s to be
 * ready), yet long enough that a host dying in a loop is not respawned flat out.
 */
export const RESTART_POLICY = Object.freeze({ max: 5, windowMs: 10 * 60_000, delaysMs: Object.freeze([0, 0, 250, 500, 750]) });

/**
 * Exit codes the host uses on purpose, each of which would fail the same way again: bad options
 * (64), a data folder in use (75), a data folder the host could not open (78; it says why — the
 * host prints its address before it opens the folder, so this is told apart from a crash here).
 */
const DELIBERATE_CODES = new Set([64, 75, 78]);

/** The shell's convention: 128 + the signal's number for a death by signal; the code otherwise. */
export function exitCodeOf(code, signal) {
  if (signal) return 128 + (constants.signals[signal] ?? 1);
  return code ?? 1;
}

function how(code, signal) {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/**
 * After the browser host process ended.
 * exit: { code, signal }; state: { stopping (we were asked to stop), everReady (it printed its
 * address at least once), port (its port, once known), restarts (times of earlier restarts, ms), now }.
 */
export function afterHostExit(exit, state, policy = RESTART_POLICY) {
  const { code, signal } = exit;
  const exitCode = exitCodeOf(code, signal);
  if (state.stopping) return { action: 'stop', exitCode: code === 0 ? 0 : exitCode, message: null };
  if (code === 0) return { action: 'stop', exitCode: 0, message: 'the browser host was stopped from outside; not restarting it.' };
  if (DELIBERATE_CODES.has(code)) return { action: 'stop', exitCode, message: null };
  if (!state.everReady) {
    return { action: 'stop', exitCode, message: `the browser host could not start (${how(code, signal)}); see the messages above.` };
  }
  const recent = state.restarts.filter((t) => state.now - t < policy.windowMs);
  if (recent.length >= policy.max) {
    return {
      action: 'stop',
      exitCode,
      message:
        `the browser host stopped unexpectedly (${how(code, signal)}) for the ${ordinal(recent.length + 1)} time in ` +
        `${Math.round(policy.windowMs / 60_000)} minutes; not restarting it again. Read the messages above, then run \`npm start\` again.`,
    };
  }
  const attempt = recent.length + 1;
  return {
    action: 'restart',
    delayMs: policy.delaysMs[Math.min(recent.length, policy.delaysMs.length - 1)] ?? 0,
    attempt,
    message:
      `the browser host stopped unexpectedly (${how(code, signal)}); restarting it on port ${state.port} with the same data folder ` +
      `(attempt ${attempt} of ${policy.max}). Pages already open reconnect by themselves.`,
  };
}

function ordinal(n) {
  return ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh'][n] ?? `${n}th`;
}

/**
 * The host's arguments for a restart: the port it actually got (so open pages find it
 * again, even if it was started with `--port 0`), and never a new secret (open pages hold
 * the current one).
 */
export function restartArgs(args, port) {
  const out = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--new-secret') continue;
    if (a === '--port') {
      i++;
      continue;
    }
    if (a.startsWith('--port=')) continue;
    out.push(a);
  }
  return ['--port', String(port), ...out];
}

/** Chromium's words when it cannot sandbox itself (electron#42510, Ubuntu 23.10+ AppArmor; a chrome-sandbox without its SUID bit). */
const SANDBOX = /SUID sandbox helper binary was found, but is not configured correctly|No usable sandbox!/;
const SANDBOX_PATH = /make sure that (\S*chrome-sandbox) is owned by root/;
/** How long after launch a death counts as "at launch" (the window never appeared or just did). */
export const LAUNCH_WINDOW_MS = 15_000;

/**
 * After the desktop app (Electron) ended. exit: { code, signal, uptimeMs, output (the end of
 * what it wrote on stderr) }. Answers whether to start the browser host instead, the exit
 * code otherwise, and what to tell the therapist (with the fix when there is one).
 */
export function afterDesktopExit(exit, launchWindowMs = LAUNCH_WINDOW_MS) {
  const { code, signal, uptimeMs, output = '' } = exit;
  if (SANDBOX.test(output)) {
    const helper = SANDBOX_PATH.exec(output)?.[1] ?? 'node_modules/electron/dist/chrome-sandbox';
    return {
      fallback: true,
      exitCode: exitCodeOf(code, signal),
      message:
        "the desktop app could not start: this Linux blocks Chromium's sandbox (Ubuntu 23.10 and later restrict it with AppArmor; electron#42510).\n" +
        `  Fix (once, needs an administrator): sudo chown root:root ${helper} && sudo chmod 4755 ${helper}\n` +
        '  (or allow user namespaces for this Electron binary with an AppArmor profile). Installed packages set this up themselves.\n' +
        '  Starting the browser host instead.',
    };
  }
  if (code === 0 && !signal) return { fallback: false, exitCode: 0, message: null };
  if (uptimeMs < launchWindowMs) {
    return {
      fallback: true,
      exitCode: exitCodeOf(code, signal),
      message: `the desktop app stopped at launch (${how(code, signal)}; see its messages above). Starting the browser host instead.`,
    };
  }
  return {
    fallback: false,
    exitCode: exitCodeOf(code, signal),
    message: `the desktop app stopped unexpectedly (${how(code, signal)}). Run \`npm start\` to open it again; the session continues where it was.`,
  };
}
