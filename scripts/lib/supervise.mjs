// Runs the browser host (`out/main/serve.js`) as a child process and keeps it running: if it
// dies mid-session it is started again at once on the same port, data folder, key and secret
// (decisions in launch-policy.mjs), and says so in the terminal. Ctrl-C / SIGTERM stop it
// cleanly. Resolves with the exit code `npm start` / `npm run serve` should end with.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterHostExit, restartArgs } from './launch-policy.mjs';

const READY = /Stillroom is running at http:\/\/127\.0\.0\.1:(\d+)\//;

export function superviseHost(root, args) {
  const serveJs = join(root, 'out', 'main', 'serve.js');
  const say = (line) => process.stderr.write(`stillroom: ${line}\n`);
  const state = { stopping: false, everReady: false, port: null, restarts: [] };
  let child = null;
  let diedAt = 0;

  return new Promise((finish) => {
    const stop = (signal) => {
      state.stopping = true;
      if (child) child.kill(signal);
      else finish(0);
    };
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig));

    const start = (hostArgs) => {
      const startedAt = Date.now();
      child = spawn(process.execPath, [serveJs, ...hostArgs], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => {
        process.stdout.write(d);
        if (out === null) return;
        out += d.toString();
        const m = READY.exec(out);
        if (!m) return;
        out = null;
        state.port = Number(m[1]);
        if (state.everReady)
          say(`the browser host is back ${Date.now() - diedAt} ms after it stopped (started in ${Date.now() - startedAt} ms).`);
        state.everReady = true;
      });
      child.on('error', (err) => say(`could not run the browser host: ${err.message}`));
      child.on('exit', (code, signal) => {
        child = null;
        diedAt = Date.now();
        const d = afterHostExit({ code, signal }, { ...state, now: diedAt });
        if (d.message) say(d.message);
        if (d.action === 'stop') return finish(d.exitCode);
        state.restarts.push(diedAt);
        setTimeout(() => {
          if (state.stopping) return finish(0);
          start(restartArgs(args, state.port));
        }, d.delayMs);
      });
    };
    start(args);
  });
}
