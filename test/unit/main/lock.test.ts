/**
 * The data-folder lock after crashes, reboots and Windows shutdowns: a lock whose process id
 * now names someone else's program is stale; the desktop app (holding the single-instance lock)
 * takes over a lock an earlier desktop run left; a live owner is refused with words that fit
 * the Stillroom that reads them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  busyMessage,
  clearStaleLock,
  DataDirBusyError,
  type LockRecord,
  lockDataDir,
  ownerAlive,
  type ProcessProbe,
  processStart,
} from '../../../electron/services/lock';

let dir: string;
const releases: Array<() => void> = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stillroom-lock-'));
});
afterEach(() => {
  for (const r of releases.splice(0)) r();
  rmSync(dir, { recursive: true, force: true });
});

const lockPath = () => join(dir, 'stillroom.lock');
const leave = (record: object) => writeFileSync(lockPath(), JSON.stringify(record));
const HOUR = 3_600_000;
/** A machine where each listed pid runs since the given time. */
const machine =
  (procs: Record<number, number | null>): ProcessProbe =>
  (pid) =>
    pid in procs ? { running: true, startedAt: procs[pid] ?? null } : { running: false };

describe('ownerAlive (process id plus start time)', () => {
  const t0 = Date.parse('2026-12-01T09:00:00Z');
  it('is the owner only when the process with that id started when the lock says', () => {
    const rec: LockRecord = { pid: 1234, since: new Date(t0 + 1000).toISOString(), startedAt: t0 };
    expect(ownerAlive(rec, machine({ 1234: t0 + 300 }))).toBe(true);
    expect(ownerAlive(rec, machine({ 1234: t0 + 2 * HOUR }))).toBe(false); // id reused after a crash
    expect(ownerAlive(rec, machine({}))).toBe(false); // gone
    expect(ownerAlive(rec, machine({ 1234: null }))).toBe(true); // cannot tell: refuse rather than share the folder
  });

  it('reads an older lock (no start time) by when it was taken: a process started later is not its owner', () => {
    const old: LockRecord = { pid: 1, since: new Date(t0).toISOString() };
    expect(ownerAlive(old, machine({ 1: t0 + 8 * HOUR }))).toBe(false); // PID 1 after a reboot
    expect(ownerAlive(old, machine({ 1: t0 - HOUR }))).toBe(true);
  });
});

describe('processStart', () => {
  it('measures this process’s start the way the lock compares it', () => {
    const measured = processStart(process.pid);
    expect(measured).not.toBeNull();
    expect(Math.abs((measured as number) - (Date.now() - process.uptime() * 1000))).toBeLessThan(5_000);
  });
});

describe('lockDataDir', () => {
  it('takes over the lock of a crashed run whose process id now belongs to another program (real processes)', () => {
    const other = process.ppid; // alive, and not a Stillroom
    const started = processStart(other) as number;
    leave({ pid: other, since: new Date(started - 23 * HOUR).toISOString(), startedAt: started - 24 * HOUR, kind: 'browser' });
    releases.push(lockDataDir(dir, { kind: 'browser' }));
    const now = JSON.parse(readFileSync(lockPath(), 'utf8')) as LockRecord;
    expect(now).toMatchObject({ pid: process.pid, kind: 'browser' });
    expect(Math.abs((now.startedAt as number) - (processStart(process.pid) as number))).toBeLessThan(1000);
  });

  it('refuses while the recorded process is really the owner (real processes)', () => {
    const other = process.ppid;
    leave({ pid: other, since: new Date().toISOString(), startedAt: processStart(other), kind: 'browser' });
    expect(() => lockDataDir(dir, { kind: 'browser' })).toThrow(DataDirBusyError);
    expect(existsSync(lockPath())).toBe(true);
  });

  it('takes over a leftover lock naming PID 1 written before the last boot', () => {
    leave({ pid: 1, since: '2020-01-01T00:00:00.000Z' });
    releases.push(lockDataDir(dir, { probe: machine({ 1: Date.parse('2026-12-01T00:00:00Z'), 4242: Date.now() }), pid: 4242 }));
    expect((JSON.parse(readFileSync(lockPath(), 'utf8')) as LockRecord).pid).toBe(4242);
  });

  it('refuses a second host in the same process, and releases only its own lock', () => {
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(/already using the data folder/);
    release();
    expect(existsSync(lockPath())).toBe(false);
    const again = lockDataDir(dir);
    leave({ pid: 99999999, startedAt: 1, kind: 'browser' }); // someone replaced it meanwhile
    again();
    expect(existsSync(lockPath())).toBe(true);
  });
});

describe('the desktop app (holding the single-instance lock)', () => {
  const live = machine({ 777: Date.now() - HOUR });
  const t = Date.now() - HOUR;

  it('takes over a lock left by an earlier desktop run even when that process id is alive again', () => {
    leave({ pid: 777, since: new Date(t).toISOString(), startedAt: t, kind: 'desktop' });
    expect(clearStaleLock(dir, { probe: live })).toMatchObject({ pid: 777, kind: 'desktop' });
    releases.push(lockDataDir(dir, { kind: 'desktop', probe: live }));
  });

  it('leaves a live browser host alone, and says what to do without mentioning --data-dir', () => {
    leave({ pid: 777, since: new Date(t).toISOString(), startedAt: t, kind: 'browser' });
    expect(clearStaleLock(dir, { probe: live })).toBeNull();
    let message = '';
    try {
      lockDataDir(dir, { kind: 'desktop', probe: live });
    } catch (err) {
      expect(err).toBeInstanceOf(DataDirBusyError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Stillroom’s browser host \(process 777, started .+\) is already using the data folder /);
    expect(message).toMatch(/Ctrl-C/);
    expect(message).not.toMatch(/--data-dir/);
  });

  it('removes a damaged lock, and does nothing when there is none', () => {
    writeFileSync(lockPath(), '{ half a lock');
    expect(clearStaleLock(dir, { probe: live })).not.toBeNull();
    expect(existsSync(lockPath())).toBe(false);
    expect(clearStaleLock(dir, { probe: live })).toBeNull();
  });
});

describe('busyMessage', () => {
  it('suggests --data-dir only to the browser host', () => {
    const owner: LockRecord = { pid: 5, kind: 'desktop' };
    expect(busyMessage('/d', owner, 'browser')).toMatch(/different --data-dir/);
    expect(busyMessage('/d', owner, 'desktop')).toBe(
      'The Stillroom app (process 5) is already using the data folder /d. Close it, then open Stillroom again.',
    );
  });
});
