/**
 * One launcher for the end-to-end tests: starts the browser host on a fresh data folder,
 * waits for its "running at" line (a named readiness signal, not a sleep; the address carries
 * the host's secret, and tests open it as the therapist would), and opens Debian's
 * Chromium with audio unmuted. Everything started is stopped, by PID, when the test ends.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, test as base, chromium, type Page } from '@playwright/test';
import { secretFileFor } from '../../electron/serve/secret';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

export interface RunningHost {
  /** The address the host printed, secret included: what the therapist opens. */
  url: string;
  /** `http://127.0.0.1:PORT` (no secret): for requests that must be refused. */
  origin: string;
  secret: string;
  dataDir: string;
  process: ChildProcess;
  stderr: () => string;
}

/**
 * The data key of a test's data folder: beside the folder (never inside it, never the user's
 * own ~/.config), so every restart within a test reuses it and the test's clean-up removes it.
 */
export const keyFileFor = (dataDir: string): string => `${dataDir}.key`;

/** Removes a test's data folder with its key and secret. */
export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(keyFileFor(dataDir), { force: true });
  rmSync(secretFileFor(keyFileFor(dataDir)), { force: true });
}

/** The address line the browser host prints when it is ready. */
export const READY_LINE = /Stillroom is running at (http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)\n/;

/** Starts `node out/main/serve.js` and resolves once it prints its address. */
export function startHost(dataDir: string, extra: string[] = []): Promise<RunningHost> {
  return spawnUntilReady(join(ROOT, 'out', 'main', 'serve.js'), dataDir, extra);
}

/**
 * Starts the browser host the way `npm run serve` does — through the launcher that restarts
 * it if it dies (`scripts/serve.mjs`) — and resolves once it prints its address.
 * `hostPid()` is the current host process under the launcher (Linux: read from `ps`).
 */
export async function startLauncher(dataDir: string, extra: string[] = []): Promise<RunningHost & { hostPid: () => number | null }> {
  const launcher = await spawnUntilReady(join(ROOT, 'scripts', 'serve.mjs'), dataDir, extra);
  const hostPid = (): number | null => {
    const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(launcher.process.pid)], { encoding: 'utf8' });
    const pid = Number.parseInt(r.stdout.trim(), 10);
    return Number.isFinite(pid) ? pid : null;
  };
  return { ...launcher, hostPid };
}

function spawnUntilReady(script: string, dataDir: string, extra: string[]): Promise<RunningHost> {
  const key = extra.includes('--key-file') ? [] : ['--key-file', keyFileFor(dataDir)];
  const child = spawn(process.execPath, [script, '--port', '0', '--data-dir', dataDir, ...key, ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`host did not start in 20 s:\n${err}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = READY_LINE.exec(out);
      if (m?.[1] && m[2]) {
        clearTimeout(timer);
        ok({ url: `${m[1]}/?token=${m[2]}`, origin: m[1], secret: m[2], dataDir, process: child, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`host exited with ${code}:\n${err}`));
    });
  });
}

export async function stopHost(h: RunningHost, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (h.process.exitCode !== null || h.process.signalCode !== null) return h.process.exitCode;
  return new Promise((ok) => {
    h.process.once('exit', (code) => ok(code));
    h.process.kill(signal);
  });
}

export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'stillroom-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ['--mute-audio'],
    viewport: { width: 1280, height: 800 },
    env: { ...process.env } as Record<string, string>,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

interface Fixtures {
  dataDir: string;
  host: RunningHost;
  app: Page;
  restartHost: (signal?: NodeJS.Signals) => Promise<RunningHost>;
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'stillroom-data-'));
    await use(dir);
    removeDataDir(dir);
  },
  host: async ({ dataDir }, use) => {
    const holder: { current: RunningHost } = { current: await startHost(dataDir, ['--preset', 'demo-quick']) };
    await use(holder.current);
    await stopHost(holder.current);
  },
  restartHost: async ({ host, dataDir }, use) => {
    const started: RunningHost[] = [];
    await use(async (signal = 'SIGKILL') => {
      const last = started.at(-1) ?? host;
      await stopHost(last, signal);
      const next = await startHost(dataDir, ['--preset', 'demo-quick']);
      started.push(next);
      return next;
    });
    for (const h of started) await stopHost(h);
  },
  app: async ({ host }, use) => {
    const { context, close } = await launchChromium();
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(host.url);
    await use(page);
    await close();
  },
});

export { expect } from '@playwright/test';
