/**
 * A private PulseAudio with a null sink named `room`, as ../shared/reference/audio.md
 * describes: user mode as root, its own XDG_RUNTIME_DIR, and a keeper stream of silence so
 * `parec` does not lose audio on an idle sink.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pulse {
  runtimeDir: string;
  stop(): Promise<void>;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export async function startPulse(dir: string): Promise<Pulse | null> {
  if (!has('pulseaudio') || !has('pacat')) return null;
  const runtimeDir = join(dir, 'xdg');
  mkdirSync(runtimeDir, { recursive: true });
  chmodSync(runtimeDir, 0o700);
  const env = { ...process.env, XDG_RUNTIME_DIR: runtimeDir };
  const r = spawnSync(
    'pulseaudio',
    [
      '-D',
      '-n',
      '--exit-idle-time=-1',
      '--disallow-exit',
      '--system=false',
      '--load=module-native-protocol-unix',
      '--load=module-null-sink sink_name=room sink_properties=device.description=room rate=44100',
      `--log-target=file:${join(dir, 'pulse.log')}`,
    ],
    { env, stdio: 'ignore' },
  );
  if (r.status !== 0) return null;
  spawnSync('pactl', ['set-default-sink', 'room'], { env, stdio: 'ignore' });
  const keeper: ChildProcess = spawn(
    'pacat',
    ['--playback', '-d', 'room', '--format=s16le', '--rate=44100', '--channels=2', '--latency-msec=20', '/dev/zero'],
    { env, stdio: 'ignore' },
  );
  const pidFile = join(runtimeDir, 'pulse', 'pid');
  return {
    runtimeDir,
    async stop() {
      keeper.kill('SIGTERM');
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        if (pid) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            /* already gone */
          }
        }
      }
    },
  };
}

/**
 * Records the null sink's monitor for `seconds` with parec and returns the RMS level in
 * dBFS of what Chromium really played (16-bit stereo at 44.1 kHz).
 */
export async function recordRoomRmsDb(seconds: number): Promise<number> {
  const chunks: Buffer[] = [];
  const rec = spawn('parec', ['-d', 'room.monitor', '--format=s16le', '--rate=44100', '--channels=2', '--latency-msec=20', '--raw'], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  rec.stdout?.on('data', (d: Buffer) => chunks.push(d));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  rec.kill('SIGINT');
  await new Promise((r) => rec.once('exit', r));
  const pcm = Buffer.concat(chunks);
  let sum = 0;
  const n = Math.floor(pcm.length / 2);
  for (let i = 0; i < n; i++) {
    const v = pcm.readInt16LE(i * 2) / 32768;
    sum += v * v;
  }
  return n === 0 ? -120 : 10 * Math.log10(sum / n + 1e-12);
}
