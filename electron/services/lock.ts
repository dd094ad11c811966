/**
 * One host per data folder. A second Stillroom on the same folder would interleave two
 * journals' writes, so it refuses with a message instead.
 *
 * The lock file records who holds it: process id, *when that process started*, when the lock
 * was taken and which kind of Stillroom it is (the desktop app or the browser host). A lock is
 * stale — and taken over — when its process is gone, or when a process with that id exists but
 * is not the one that wrote it (process ids are reused: after a crash or a reboot, PID 1234 may
 * well be someone's editor). The start time tells them apart: the owner started at the recorded
 * time, and in any case before it took the lock.
 *
 * The desktop app also holds Electron's single-instance lock, so a lock recorded by another
 * desktop run is stale by definition (a crash, or a Windows shutdown, which sends no
 * `before-quit`); `clearStaleLock` removes it before the host starts. The refusal is worded for
 * the kind of Stillroom that reads it: the desktop app has no `--data-dir` to suggest.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type StillroomKind = 'desktop' | 'browser';

/** What the lock file holds. Older files hold only `pid` and `since`. */
export interface LockRecord {
  pid: number;
  /** When the lock was taken (ISO time). */
  since?: string;
  /** When the owning process started (ms since the epoch), as `processStart` measured it. */
  startedAt?: number;
  kind?: StillroomKind;
}

/** What is known about a process id now: not running, or running since `startedAt` (unknown: null). */
export type ProcessProbe = (pid: number) => { running: false } | { running: true; startedAt: number | null };

/** Start times measured two ways (ours at lock time, the owner's now) agree within this. */
export const START_TOLERANCE_MS = 5_000;

/** The kind of Stillroom this process is. */
export function thisKind(): StillroomKind {
  return process.versions.electron ? 'desktop' : 'browser';
}

function describeOwner(owner: LockRecord): string {
  const started = owner.startedAt ? `, started ${new Date(owner.startedAt).toLocaleString()}` : '';
  return `process ${owner.pid}${started}`;
}

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
  readonly pid: number;

  constructor(
    readonly dataDir: string,
    readonly owner: LockRecord,
    requester: StillroomKind = thisKind(),
  ) {
    super(busyMessage(dataDir, owner, requester));
    this.pid = owner.pid;
  }
}

/** The refusal, for a person: who holds the folder and what to do, in the words of the Stillroom that reads it. */
export function busyMessage(dataDir: string, owner: LockRecord, requester: StillroomKind): string {
  const who = owner.kind === 'browser' ? 'Stillroom’s browser host' : owner.kind === 'desktop' ? 'the Stillroom app' : 'another Stillroom';
  const head = `${who[0]?.toUpperCase()}${who.slice(1)} (${describeOwner(owner)}) is already using the data folder ${dataDir}.`;
  if (requester === 'desktop') {
    return owner.kind === 'browser'
      ? `${head} Stop it (Ctrl-C in the terminal where it runs), then open Stillroom again.`
      : `${head} Close it, then open Stillroom again.`;
  }
  return `${head} Close it first, or start this one with a different --data-dir.`;
}

/**
 * Whether the process named in a lock is still its owner. Unknown start times are read as
 * "still the owner" (refusing is safe; taking over a live owner's folder is not).
 */
export function ownerAlive(record: LockRecord, probe: ProcessProbe): boolean {
  const p = probe(record.pid);
  if (!p.running) return false;
  if (p.startedAt === null) return true;
  if (record.startedAt !== undefined) return Math.abs(p.startedAt - record.startedAt) <= START_TOLERANCE_MS;
  const since = record.since ? Date.parse(record.since) : Number.NaN;
  // An older lock without a start time: a process that started after the lock was taken is not its owner.
  return Number.isNaN(since) || p.startedAt <= since + START_TOLERANCE_MS;
}

function linuxStart(pid: number): number | null {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 22 (starttime, clock ticks after boot) counted after the command name, which may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  // USER_HZ is 100 on every Linux architecture Electron ships for (it is fixed for /proc's sake).
  return Number.isFinite(ticks) && Number.isFinite(btime) ? btime * 1000 + ticks * 10 : null;
}

function commandStart(pid: number, platform: NodeJS.Platform): number | null {
  const out =
    platform === 'win32'
      ? execFileSync(
          'powershell.exe',
          ['-NoProfile', '-NonInteractive', '-Command', `(Get-Process -Id ${pid}).StartTime.ToUniversalTime().ToString('o')`],
          { encoding: 'utf8', timeout: 5_000, windowsHide: true },
        )
      : execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
          encoding: 'utf8',
          timeout: 3_000,
          env: { ...process.env, LC_ALL: 'C' },
        });
  const t = Date.parse(out.trim());
  return Number.isNaN(t) ? null : t;
}

/** When a process started (ms since the epoch), or null when this system will not say. */
export function processStart(pid: number, platform: NodeJS.Platform = process.platform): number | null {
  try {
    return platform === 'linux' ? linuxStart(pid) : commandStart(pid, platform);
  } catch {
    return null;
  }
}

/** The probe used outside tests: `kill(pid, 0)` for existence, `processStart` for identity. */
export const systemProbe: ProcessProbe = (pid) => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return { running: false };
  }
  return { running: true, startedAt: processStart(pid) };
};

/**
 * This process's start time, measured as `systemProbe` will measure it later where that is
 * cheap (Linux /proc, macOS ps); on Windows (where asking costs a PowerShell start) from
 * the process's uptime, which agrees within `START_TOLERANCE_MS`.
 */
function ownStart(pid: number, probe: ProcessProbe | undefined, now: () => number): number {
  const fromUptime = Math.round(now() - process.uptime() * 1000);
  if (probe) {
    const p = probe(pid);
    return (p.running ? p.startedAt : null) ?? fromUptime;
  }
  return (process.platform === 'win32' ? null : processStart(pid)) ?? fromUptime;
}

/** Lock files this process holds (a second host in the same process must refuse too). */
const held = new Set<string>();

export interface LockOptions {
  kind?: StillroomKind;
  probe?: ProcessProbe;
  pid?: number;
  now?: () => number;
}

function lockFile(dataDir: string): string {
  return join(dataDir, 'stillroom.lock');
}

function readRecord(file: string): LockRecord | null {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof LockRecord, unknown>>;
    const pid = Number(raw.pid);
    if (!Number.isSafeInteger(pid) || pid <= 0) return null;
    return {
      pid,
      since: typeof raw.since === 'string' ? raw.since : undefined,
      startedAt: typeof raw.startedAt === 'number' ? raw.startedAt : undefined,
      kind: raw.kind === 'desktop' || raw.kind === 'browser' ? raw.kind : undefined,
    };
  } catch {
    return null; // unreadable or damaged: stale
  }
}

/** Whether a lock record left in a folder is stale for this process (its own pid from an earlier run, or a gone owner). */
function stale(record: LockRecord | null, pid: number, probe: ProcessProbe): boolean {
  return !record || record.pid === pid || !ownerAlive(record, probe);
}

/**
 * The desktop app, holding Electron's single-instance lock, removes a data-folder lock that no
 * live Stillroom holds: one left by an earlier desktop run (whatever its process id now names),
 * or one whose owner is gone. A live browser host's lock stays (the host then refuses, saying so).
 * Answers what was removed, for the log.
 */
export function clearStaleLock(dataDir: string, opts: LockOptions = {}): LockRecord | null {
  const file = lockFile(dataDir);
  if (held.has(file)) return null;
  let record: LockRecord | null;
  try {
    readFileSync(file);
    record = readRecord(file);
  } catch {
    return null; // no lock
  }
  const probe = opts.probe ?? systemProbe;
  if (record?.kind === 'desktop' || stale(record, opts.pid ?? process.pid, probe)) {
    rmSync(file, { force: true });
    return record ?? { pid: 0 };
  }
  return null;
}

/** Takes the data folder's lock; returns a function that releases it. */
export function lockDataDir(dataDir: string, opts: LockOptions = {}): () => void {
  const pid = opts.pid ?? process.pid;
  const probe = opts.probe ?? systemProbe;
  const now = opts.now ?? Date.now;
  mkdirSync(dataDir, { recursive: true });
  const file = lockFile(dataDir);
  if (held.has(file)) throw new DataDirBusyError(dataDir, { pid, kind: opts.kind ?? thisKind() }, opts.kind);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      const record: LockRecord = {
        pid,
        since: new Date(now()).toISOString(),
        startedAt: ownStart(pid, opts.probe, now),
        kind: opts.kind ?? thisKind(),
      };
      writeSync(fd, JSON.stringify(record));
      closeSync(fd);
      held.add(file);
      return () => {
        held.delete(file);
        if (readRecord(file)?.pid === pid) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const record = readRecord(file);
      if (record && !stale(record, pid, probe)) throw new DataDirBusyError(dataDir, record, opts.kind);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock on ${dataDir}`);
}
