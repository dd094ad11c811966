/**
 * Chromium's processes as the operating system sees them, for the idle-CPU and memory figures:
 * the process tree under this bench, CPU time from `/proc/PID/stat`, proportional memory (PSS:
 * shared pages split between the processes that share them) from `/proc/PID/smaps_rollup`.
 * Linux only; elsewhere the figures come back NaN and `--check` lists them as not measured.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/PID/stat` times (USER_HZ, 100 on every Linux Stillroom runs on). */
const TICKS_PER_S = 100;

interface Proc {
  pid: number;
  ppid: number;
  args: string;
}

function allProcs(): Proc[] {
  const out: Proc[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      out.push({ pid: Number(name), ppid: Number(after[1]), args });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** Chromium processes started by this bench (descendants of this process), with their `--type`. */
export function chromiumProcesses(): Array<{ pid: number; type: string }> {
  const procs = allProcs();
  const mine = new Set<number>([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
    }
  }
  return procs
    .filter((p) => mine.has(p.pid) && /chrom/i.test(p.args.split(' ')[0] ?? ''))
    .map((p) => ({ pid: p.pid, type: /--type=([\w-]+)/.exec(p.args)?.[1] ?? 'browser' }));
}

/** CPU seconds (user + system) a process has used so far; NaN when it cannot be read. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

/** Proportional set size of a process in MB; NaN when it cannot be read. */
export function pssMb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Whether a process has a thread whose name starts with one of `names` (Linux `comm`, 15 characters). */
function hasThread(pid: number, names: string[]): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((t) => {
      try {
        const comm = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
        return names.some((n) => comm.startsWith(n));
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * The renderer holding the page: of this Chromium's renderers, the one playing media (it has
 * Chromium's media or audio-output threads), else the one with the most memory. Memory alone
 * can pick the wrong one: after a navigation to another site the old renderer may linger,
 * bigger than the new one.
 */
export function pageRendererPid(): number | null {
  const renderers = chromiumProcesses().filter((p) => p.type === 'renderer');
  const playing = renderers.filter((r) => hasThread(r.pid, ['Media', 'AudioOutputDevi']));
  let best: { pid: number; pss: number } | null = null;
  for (const r of playing.length > 0 ? playing : renderers) {
    const pss = pssMb(r.pid);
    if (Number.isFinite(pss) && (!best || pss > best.pss)) best = { pid: r.pid, pss };
  }
  return best?.pid ?? null;
}

/**
 * CPU used over `windowMs` of real time, as % of one core: the page's renderer and every
 * Chromium process together. Waits out the window (real time is what is measured).
 */
export async function idleCpu(windowMs: number): Promise<{ rendererPct: number; chromiumPct: number; threads: ThreadCpu[] }> {
  const renderer = pageRendererPid();
  const procs = chromiumProcesses();
  const before = new Map(procs.map((p) => [p.pid, cpuSeconds(p.pid)]));
  const threadsBefore = threadTimes(procs, renderer);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const s = (performance.now() - t0) / 1000;
  const threads: ThreadCpu[] = [];
  for (const [key, b] of threadTimes(chromiumProcesses(), renderer)) {
    const a = threadsBefore.get(key);
    const pct = ((b.seconds - (a?.seconds ?? 0)) / s) * 100;
    if (pct >= 0.05) threads.push({ process: b.process, thread: b.thread, pct });
  }
  threads.sort((x, y) => y.pct - x.pct);
  let total = 0;
  for (const p of chromiumProcesses()) {
    const a = before.get(p.pid) ?? 0; // a process born in the window counts from zero
    const b = cpuSeconds(p.pid);
    if (Number.isFinite(a) && Number.isFinite(b)) total += b - a;
  }
  const rend = renderer === null ? Number.NaN : cpuSeconds(renderer) - (before.get(renderer) ?? Number.NaN);
  return { rendererPct: (rend / s) * 100, chromiumPct: (total / s) * 100, threads };
}

/** CPU of one thread over a window, as % of one core: which process (`page` for the page's renderer) and the thread's name. */
export interface ThreadCpu {
  process: string;
  thread: string;
  pct: number;
}

/** CPU seconds so far of every thread of these processes, by pid/tid. */
function threadTimes(
  procs: Array<{ pid: number; type: string }>,
  page: number | null,
): Map<string, { process: string; thread: string; seconds: number }> {
  const out = new Map<string, { process: string; thread: string; seconds: number }>();
  for (const p of procs) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${p.pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${p.pid}/task/${tid}/stat`, 'utf8');
        const thread = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const seconds = (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
        out.set(`${p.pid}/${tid}`, { process: p.pid === page ? 'page' : p.type, thread, seconds });
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return out;
}

/** The busiest threads, one line: `page/Media 1.2 %, gpu-process/VizCompositorTh 0.8 %, …`. */
export function busiestThreads(threads: ThreadCpu[], n = 10): string {
  return threads
    .slice(0, n)
    .map((t) => `${t.process}/${t.thread} ${t.pct.toFixed(2)} %`)
    .join(', ');
}

/**
 * Waits (up to `maxMs`) until this bench's Chromium processes use under 10 % of a core over a
 * quarter second: a browser just launched is still starting its helpers, which would be timed
 * as part of whatever the bench starts next.
 */
export async function chromiumSettled(maxMs = 10_000): Promise<void> {
  const until = performance.now() + maxMs;
  while (performance.now() < until) {
    const procs = chromiumProcesses();
    const before = procs.map((p) => cpuSeconds(p.pid));
    await new Promise((r) => setTimeout(r, 250));
    const used = procs.reduce((sum, p, i) => sum + Math.max(0, cpuSeconds(p.pid) - (before[i] ?? 0) || 0), 0);
    if (used / 0.25 < 0.1) return;
  }
}
