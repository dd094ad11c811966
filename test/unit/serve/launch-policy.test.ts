import { describe, expect, it } from 'vitest';
import {
  afterDesktopExit,
  afterHostExit,
  exitCodeOf,
  type HostExitState,
  RESTART_POLICY,
  restartArgs,
} from '../../../scripts/lib/launch-policy.mjs';

const MIN = 60_000;
const running = (over: Partial<HostExitState> = {}): HostExitState => ({
  stopping: false,
  everReady: true,
  port: 5170,
  restarts: [],
  now: 100 * MIN,
  ...over,
});

describe('the launcher restarts a browser host that dies mid-session', () => {
  it('restarts a killed or crashed host at once, on its port, saying so', () => {
    const d = afterHostExit({ code: null, signal: 'SIGKILL' }, running());
    expect(d).toMatchObject({ action: 'restart', delayMs: 0, attempt: 1 });
    expect(d.message).toContain('killed by SIGKILL');
    expect(d.message).toContain('port 5170');
    expect(d.message).toContain('reconnect by themselves');
    expect(afterHostExit({ code: 1, signal: null }, running())).toMatchObject({ action: 'restart', delayMs: 0 });
  });

  it('backs off a little from the third restart (never more than 0.75 s, so every restart is back within 2 s), and gives up after five within ten minutes', () => {
    const now = 100 * MIN;
    const delays = [1, 2, 3, 4].map((n) =>
      afterHostExit({ code: null, signal: 'SIGSEGV' }, running({ restarts: Array.from({ length: n }, (_, i) => now - i * MIN) })),
    );
    expect(delays.map((d) => (d.action === 'restart' ? d.delayMs : -1))).toEqual([0, 250, 500, 750]);
    const sixth = afterHostExit({ code: null, signal: 'SIGSEGV' }, running({ restarts: [1, 2, 3, 4, 5].map((i) => now - i * MIN) }));
    expect(sixth).toMatchObject({ action: 'stop', exitCode: 128 + 11 });
    expect(sixth.message).toContain('sixth time in 10 minutes; not restarting it again');
    // Restarts older than the window no longer count.
    const later = afterHostExit({ code: null, signal: 'SIGSEGV' }, running({ restarts: [1, 2, 3, 4, 5].map((i) => now - 11 * MIN - i) }));
    expect(later).toMatchObject({ action: 'restart', attempt: 1, delayMs: 0 });
    expect(RESTART_POLICY.max).toBe(5);
  });

  it('does not restart what was meant to stop, or what would fail the same way again', () => {
    expect(afterHostExit({ code: 0, signal: null }, running({ stopping: true }))).toEqual({ action: 'stop', exitCode: 0, message: null });
    expect(afterHostExit({ code: null, signal: 'SIGTERM' }, running({ stopping: true }))).toMatchObject({ action: 'stop' });
    const outside = afterHostExit({ code: 0, signal: null }, running());
    expect(outside).toMatchObject({ action: 'stop', exitCode: 0 });
    expect(outside.message).toContain('stopped from outside');
    expect(afterHostExit({ code: 64, signal: null }, running())).toMatchObject({ action: 'stop', exitCode: 64 });
    expect(afterHostExit({ code: 75, signal: null }, running())).toMatchObject({ action: 'stop', exitCode: 75 });
    expect(afterHostExit({ code: 78, signal: null }, running())).toMatchObject({ action: 'stop', exitCode: 78 });
    const never = afterHostExit({ code: 1, signal: null }, running({ everReady: false, port: null }));
    expect(never).toMatchObject({ action: 'stop', exitCode: 1 });
    expect(never.message).toContain('could not start');
  });

  it('restarts on the port the host actually got, and never with a new secret', () => {
    expect(restartArgs(['--port', '0', '--data-dir', '/d', '--new-secret', '--preset', 'demo'], 43123)).toEqual([
      '--port',
      '43123',
      '--data-dir',
      '/d',
      '--preset',
      'demo',
    ]);
    expect(restartArgs(['--port=0', '--key-file=/k'], 5170)).toEqual(['--port', '5170', '--key-file=/k']);
    expect(restartArgs([], 5170)).toEqual(['--port', '5170']);
  });
});

describe('the launcher falls back to the browser host when the desktop app dies at launch', () => {
  const sandboxOutput =
    '[13329:0614/163124.425381:FATAL:setuid_sandbox_host.cc(158)] The SUID sandbox helper binary was found, but is not configured ' +
    "correctly. Rather than run without sandboxing I'm aborting now. You need to make sure that " +
    '/home/t/stillroom/node_modules/electron/dist/chrome-sandbox is owned by root and has mode 4755.';

  it('names the sandbox problem (electron#42510) with its fix, and starts the browser host', () => {
    const d = afterDesktopExit({ code: null, signal: 'SIGTRAP', uptimeMs: 300, output: sandboxOutput });
    expect(d.fallback).toBe(true);
    expect(d.exitCode).toBe(128 + 5);
    expect(d.message).toContain('AppArmor');
    expect(d.message).toContain(
      'sudo chown root:root /home/t/stillroom/node_modules/electron/dist/chrome-sandbox && sudo chmod 4755 /home/t/stillroom/node_modules/electron/dist/chrome-sandbox',
    );
    expect(d.message).toContain('Starting the browser host instead');
    const userns = afterDesktopExit({
      code: 1,
      signal: null,
      uptimeMs: 300,
      output: 'No usable sandbox! If you are running on Ubuntu 23.10+…',
    });
    expect(userns.fallback).toBe(true);
    expect(userns.message).toContain('node_modules/electron/dist/chrome-sandbox');
  });

  it('falls back on any death at launch (a signal, no display), with a truthful code', () => {
    const sig = afterDesktopExit({ code: null, signal: 'SIGSEGV', uptimeMs: 2_000, output: '' });
    expect(sig).toMatchObject({ fallback: true, exitCode: 139 });
    expect(sig.message).toContain('stopped at launch (killed by SIGSEGV');
    expect(afterDesktopExit({ code: 1, signal: null, uptimeMs: 800, output: 'Missing X server or $DISPLAY' })).toMatchObject({
      fallback: true,
      exitCode: 1,
    });
  });

  it('a normal quit ends with 0; a crash later in the session is reported, with its code, without a fallback', () => {
    expect(afterDesktopExit({ code: 0, signal: null, uptimeMs: 3_600_000 })).toEqual({ fallback: false, exitCode: 0, message: null });
    expect(afterDesktopExit({ code: 0, signal: null, uptimeMs: 100 })).toEqual({ fallback: false, exitCode: 0, message: null });
    const late = afterDesktopExit({ code: null, signal: 'SIGKILL', uptimeMs: 3_600_000 });
    expect(late).toMatchObject({ fallback: false, exitCode: 137 });
    expect(late.message).toContain('stopped unexpectedly (killed by SIGKILL)');
  });

  it('never turns a death by signal into exit code 0', () => {
    expect(exitCodeOf(null, 'SIGKILL')).toBe(137);
    expect(exitCodeOf(null, 'SIGTERM')).toBe(143);
    expect(exitCodeOf(3, null)).toBe(3);
    expect(exitCodeOf(null, null)).toBe(1);
  });
});
