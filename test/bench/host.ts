/**
 * The browser host coming back after a crash, mid-session:
 * - restart to ready: a host killed with SIGKILL during a session, a new one started at once
 *   on the same data folder (replaying the journal); from the kill to the new host answering
 *   a page with its state (the address line comes earlier: the server listens before the
 *   host's modules load).
 * - self-restart: the same through the launcher (`scripts/serve.mjs`), which notices the
 *   death and starts the host again by itself on the same port; from the kill to the new
 *   host answering with its state.
 * Real time is what is measured here.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostView } from '../e2e/host-view';
import { removeDataDir, startHost, startLauncher, stopHost } from '../e2e/launcher';

const ROUNDS = 7;
const SELF_RESTARTS = 5; // the launcher's own limit within ten minutes

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function startSession(url: string): Promise<void> {
  const view = new HostView(url);
  await view.ready(10_000);
  const r = await view.send('startSession', { presetId: 'demo-quick', clientAlias: 'bench' });
  view.close();
  if (!r.ok) throw new Error(`bench: the session did not start: ${r.error}`);
}

/** Resolves once the host at `url` has sent a page its state. */
async function answers(url: string): Promise<void> {
  const view = new HostView(url);
  try {
    await view.ready(10_000);
  } finally {
    view.close();
  }
}

const waitFor = async (test: () => boolean, ms: number, what: string): Promise<void> => {
  const t0 = performance.now();
  while (!test()) {
    if (performance.now() - t0 > ms) throw new Error(`bench: ${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

export async function benchHost(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stillroom-bench-host-'));
  try {
    // Restart to ready after a crash, by hand.
    let host = await startHost(dataDir, ['--preset', 'demo-quick']);
    await startSession(host.url);
    const restart: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      await stopHost(host, 'SIGKILL');
      host = await startHost(dataDir, ['--preset', 'demo-quick']);
      await answers(host.url);
      restart.push(performance.now() - t0);
    }
    await stopHost(host);

    // Self-restart by the launcher.
    const launcher = await startLauncher(dataDir, ['--preset', 'demo-quick']);
    const selfRestart: number[] = [];
    try {
      for (let i = 1; i <= SELF_RESTARTS; i++) {
        const pid = launcher.hostPid();
        if (pid === null) throw new Error('bench: the launcher runs no host');
        const t0 = performance.now();
        process.kill(pid, 'SIGKILL');
        await waitFor(() => (launcher.stderr().match(/the browser host is back/g) ?? []).length >= i, 20_000, 'the self-restart');
        await answers(launcher.url);
        selfRestart.push(performance.now() - t0);
      }
    } finally {
      await stopHost(launcher, 'SIGINT');
    }
    return {
      host_restart_to_ready_after_crash_ms_median: median(restart),
      host_restart_to_ready_after_crash_ms_max: Math.max(...restart),
      host_self_restart_ms_median: median(selfRestart),
      host_self_restart_ms_max: Math.max(...selfRestart),
    };
  } finally {
    removeDataDir(dataDir);
  }
}
