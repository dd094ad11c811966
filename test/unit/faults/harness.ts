/**
 * Tools for the crash-and-fault suite: the child process built once (esbuild, dependencies left
 * to node_modules so it starts in tens of milliseconds), one kill-at-a-random-moment round;
 * the seeded random source and the small tmpfs come from `test/fixtures/`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Bundles child.ts (and the loudness worker the host starts beside it) into node_modules/.cache,
 * where the bundle's bare imports resolve to this repository's node_modules.
 */
export async function buildChild(): Promise<string> {
  const out = join(repo, 'node_modules', '.cache', 'stillroom-faults');
  mkdirSync(out, { recursive: true });
  // The host looks for `loudness-worker.js` next to its bundle.
  // Split, so the child's journal mode loads without the host's modules (imported in host mode only).
  await build({
    entryPoints: {
      child: join(repo, 'test', 'unit', 'faults', 'child.ts'),
      'loudness-worker': join(repo, 'electron', 'services', 'loudness', 'worker.ts'),
    },
    outdir: out,
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return join(out, 'child.js'); // ESM: the repository's package.json says "type": "module"
}

export interface RoundResult {
  /** Note ids the child printed as acknowledged before it died. */
  acked: string[];
  /** Spawn to `ready` (replay done, journal open), or null when killed before. */
  readyMs: number | null;
  /** The same, as the child measured it from its own start (Node's start-up included, spawn excluded). */
  ownMs: number | null;
  killedBeforeReady: boolean;
  stderr: string;
}

/**
 * Runs the child once and SIGKILLs it: mostly a few notes into its stream of notes, and one
 * round in five at a random moment of its start (replay, reopening, cutting a torn line).
 */
export function crashRound(child: string, args: string[], rand: () => number, startupGuessMs: number): Promise<RoundResult> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let readyMs: number | null = null;
    let ownMs: number | null = null;
    let buf = '';
    let stderr = '';
    const kill = (): void => {
      p.kill('SIGKILL');
    };
    const early = rand() < 0.2;
    // Otherwise a few notes in (0–7), then within 4 ms: the kill lands while notes are being
    // written, however fast or slow this machine is today.
    const afterAcks = Math.floor(rand() * 8);
    let timer: ReturnType<typeof setTimeout> | null = early ? setTimeout(kill, rand() * startupGuessMs) : null;
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('ready ')) {
          readyMs = performance.now() - t0;
          ownMs = Number(line.slice(6));
          if (!timer && afterAcks === 0) timer = setTimeout(kill, rand() * 4);
        } else if (line.startsWith('ack ')) {
          acked.push(line.slice(4));
          if (!timer && acked.length >= afterAcks) timer = setTimeout(kill, rand() * 4);
        }
        nl = buf.indexOf('\n');
      }
    });
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (c: string) => {
      stderr += c;
    });
    p.on('error', fail);
    p.on('close', (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') fail(new Error(`the child ended on its own (${signal ?? _code}): ${stderr}`));
      else done({ acked, readyMs, ownMs, killedBeforeReady: readyMs === null, stderr });
    });
  });
}

export { seeded } from '../../fixtures/plans';
export { mountSmallDisk, type SmallDisk } from '../../fixtures/small-disk';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
