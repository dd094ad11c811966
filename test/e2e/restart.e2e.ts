/**
 * The launcher keeps the browser host running: a host killed mid-session (SIGKILL, as the OOM
 * killer would) is restarted on the same port and data folder, says so in the terminal, and
 * the page already open reconnects by itself — no reload, the same session, commands work.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, launchChromium, removeDataDir, startLauncher, stopHost, test } from './launcher';

// biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
test('a browser host killed mid-session is restarted by the launcher and the open page reconnects by itself', async ({}, testInfo) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stillroom-restart-'));
  const launcher = await startLauncher(dataDir, ['--preset', 'demo-quick']);
  const { context, close } = await launchChromium();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(launcher.url);
    await page.getByRole('button', { name: 'Start session' }).click();
    const phase = page.getByTestId('phase-name');
    await expect(phase).toBeVisible();
    const phaseBefore = (await phase.textContent()) ?? '';
    // Marks this page load: a reload would lose it.
    await page.evaluate(() => {
      (window as unknown as { __sameLoad: boolean }).__sameLoad = true;
    });

    for (let round = 1; round <= 2; round++) {
      const before = launcher.hostPid();
      expect(before, 'the launcher runs a host process').not.toBeNull();
      process.kill(before as number, 'SIGKILL');
      await expect
        .poll(() => (launcher.stderr().match(/the browser host is back \d+ ms after it stopped/g) ?? []).length, { timeout: 20_000 })
        .toBe(round);
      expect(launcher.stderr()).toContain(`attempt ${round} of 5`);
      expect(launcher.hostPid()).not.toBe(before);
      // The page finds the new host by itself: the connection line clears and commands work.
      await expect(page.getByRole('status').filter({ hasText: 'Connection to Stillroom lost' })).toHaveCount(0, { timeout: 20_000 });
      await expect(phase).toHaveText(phaseBefore);
    }
    await page.getByRole('button', { name: 'Dose given' }).click();
    // The dose sheet: Enter confirms (and again to record it without a lot number).
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('since-dose')).toHaveText(/0:0\d/);
    expect(await page.evaluate(() => (window as unknown as { __sameLoad?: boolean }).__sameLoad)).toBe(true);
    testInfo.annotations.push({
      type: 'restarts',
      description:
        launcher
          .stderr()
          .match(/back \d+ ms[^\n]*/g)
          ?.join('; ') ?? '',
    });
  } finally {
    await close();
    expect(await stopHost(launcher, 'SIGINT')).toBe(0);
    removeDataDir(dataDir);
  }
});
