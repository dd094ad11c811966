/**
 * Smoke test of the desktop shell: the window opens, the preload API is present and a
 * session starts. Runs wherever an Electron binary is installed; skipped (with the reason)
 * where it is not, e.g. when installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from '@playwright/test';
import { expect, ROOT, test } from './launcher';

function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

test('the desktop shell opens a window with the preload API and starts a session', async () => {
  const bin = electronBinary();
  test.skip(!bin, 'no Electron binary here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); the browser host tests cover the UI');
  const userData = mkdtempSync(join(tmpdir(), 'stillroom-electron-'));
  const app = await electron.launch({
    executablePath: bin as string,
    args: [ROOT, `--user-data-dir=${userData}`, '--no-sandbox'],
    // Where no OS keychain is (CI), the data key goes to a key file: keep it out of the user's ~/.config.
    env: { ...process.env, STILLROOM_KEY_FILE: `${userData}.key` } as Record<string, string>,
  });
  try {
    const win = await app.firstWindow();
    expect(await win.evaluate(() => typeof (window as unknown as { stillroom?: unknown }).stillroom)).toBe('object');
    expect(await win.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    await win.getByRole('button', { name: 'Start session' }).click();
    await expect(win.getByTestId('phase-name')).toBeVisible();

    // The mini panel: a second, always-on-top window on the same host, compact, showing the same session.
    const opened = app.waitForEvent('window');
    await win.keyboard.press('F4'); // the Keys mode: typing alone never acts
    await win.keyboard.press('Shift+C');
    const mini = await opened;
    expect(mini.url()).toContain('mini=1');
    await expect(mini.getByTestId('phase-name')).toHaveText(await win.getByTestId('phase-name').innerText());
    expect(await mini.evaluate(() => document.documentElement.dataset.compact)).toBe('true');
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().some((w) => w.isAlwaysOnTop()))).toBe(true);
    await mini.keyboard.press('F4');
    await mini.keyboard.press('Shift+C');
    await expect.poll(() => app.windows().length).toBe(1);
  } finally {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
    rmSync(`${userData}.key`, { force: true });
  }
});
