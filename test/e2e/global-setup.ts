/**
 * Before the end-to-end tests: make sure the app is built, and give Chromium a private
 * PulseAudio with a null sink (`room`) so audio really flows and can be recorded. Without
 * PulseAudio the tests still run; the in-page meter then proves sound reaches the output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPulse } from './pulse';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  if (!existsSync(join(root, 'out', 'main', 'serve.js')) || !existsSync(join(root, 'out', 'renderer', 'index.html'))) {
    const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('electron-vite build failed');
  }
  const runDir = join(root, '.tmp', 'e2e');
  mkdirSync(runDir, { recursive: true });
  const pulse = await startPulse(join(runDir, 'pulse'));
  if (pulse) {
    process.env.XDG_RUNTIME_DIR = pulse.runtimeDir;
    process.env.STILLROOM_PULSE = '1';
  } else {
    process.stderr.write('e2e: PulseAudio is not available; audio is checked with the in-page meter only\n');
  }
  return async () => {
    await pulse?.stop();
  };
}
