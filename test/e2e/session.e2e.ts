/**
 * A whole quick demo session in a real Chromium against the browser host: start, dose,
 * phases advancing (by plan and by hand), sound really flowing, the lamp dimming, a note,
 * a page reload and a host crash mid-session — phase, notes and music position survive.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './launcher';
import { recordRoomRmsDb } from './pulse';

interface AudioDebug {
  ctxState: string;
  voices: Array<{ id: string; trackId: string; position: number; expected: number; gain: number }>;
}

async function rmsDb(page: Page): Promise<number> {
  const v = await page.getByTestId('audio-meter').getAttribute('data-rms-db');
  return Number(v ?? '-120');
}

async function lampLevel(page: Page): Promise<number> {
  return Number((await page.getByTestId('lamp-level').textContent())?.replace(/[^\d.]/g, '') ?? 'NaN');
}

async function audio(page: Page): Promise<AudioDebug> {
  return page.evaluate(() => (window as unknown as { __stillroomAudio: AudioDebug }).__stillroomAudio);
}

async function soundFlows(page: Page): Promise<void> {
  await expect.poll(() => rmsDb(page), { timeout: 20_000, message: 'music should be audible on the output' }).toBeGreaterThan(-60);
}

/** Where PulseAudio runs, prove the sound reaches the (null) sound card, not only the page's meter. */
async function soundReachesTheRoom(): Promise<void> {
  if (!process.env.STILLROOM_PULSE) return;
  expect(await recordRoomRmsDb(2), 'the recorded output should carry music').toBeGreaterThan(-55);
}

async function musicPositionMatchesPlan(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        const a = await audio(page);
        if (a.voices.length === 0) return Number.POSITIVE_INFINITY;
        return Math.max(...a.voices.map((v) => Math.abs(v.position - v.expected)));
      },
      { timeout: 15_000, message: 'the player should be at the offset the timeline gives' },
    )
    .toBeLessThan(1.5);
}

test('a quick demo session runs end to end and survives a reload and a host crash', async ({ app, restartHost }) => {
  const page = app;
  await expect(page.getByRole('button', { name: 'Start session' })).toBeVisible();
  await page.getByRole('button', { name: 'Start session' }).click();

  const phase = page.getByTestId('phase-name');
  await expect(phase).toHaveText(/arriv|prepar|intention|settl/i);
  const firstPhase = (await phase.textContent()) ?? '';
  await soundFlows(page);
  await soundReachesTheRoom();
  const lampBefore = await lampLevel(page);

  await page.getByRole('button', { name: 'Dose given' }).click();
  // The dose sheet: pre-filled; Enter confirms (and again to record it without a lot number).
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(phase).not.toHaveText(firstPhase);
  await expect(page.getByTestId('since-dose')).toHaveText(/0:0\d/);
  const onsetName = (await phase.textContent()) ?? '';

  // The lamp dims as the onset scene fades in.
  await expect.poll(() => lampLevel(page), { timeout: 40_000, message: 'the lamp should dim' }).toBeLessThan(lampBefore - 5);

  await page.getByLabel('Note').fill('Eyes closed, breathing slowly');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByText('Eyes closed, breathing slowly')).toBeVisible();

  // A phase advances by plan (the quick onset lasts about a minute).
  await expect(phase).not.toHaveText(onsetName, { timeout: 90_000 });
  const byPlan = (await phase.textContent()) ?? '';
  await soundFlows(page);

  // Reload mid-session: phase, note and music position survive.
  await page.reload();
  await expect(phase).toHaveText(byPlan);
  await expect(page.getByText('Eyes closed, breathing slowly')).toBeVisible();
  await soundFlows(page);
  await musicPositionMatchesPlan(page);

  // Kill the host and start it again on the same data folder.
  const second = await restartHost('SIGKILL');
  await page.goto(second.url);
  await expect(phase).toHaveText(byPlan);
  await expect(page.getByText('Eyes closed, breathing slowly')).toBeVisible();
  await soundFlows(page);
  await musicPositionMatchesPlan(page);

  // By hand: advance, extend, hold and resume.
  await page.getByRole('button', { name: 'Advance phase' }).click();
  await expect(phase).not.toHaveText(byPlan);
  const remaining = page.getByTestId('phase-remaining');
  const before = await remaining.textContent();
  await page.getByRole('button', { name: 'Extend 5 minutes' }).click();
  await expect(remaining).not.toHaveText(before ?? '');
  await page.getByRole('button', { name: 'Hold phase' }).click();
  await expect(page.getByRole('button', { name: 'Resume phase' })).toBeVisible();
  await expect(remaining).toHaveText(/hold/i);
  await page.getByRole('button', { name: 'Resume phase' }).click();

  // Safe state: the lamp goes to the working level within 3 s; music goes down, not off.
  await page.getByRole('button', { name: 'Safe state' }).click();
  await expect(page.getByRole('button', { name: 'Safe state' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => lampLevel(page), { timeout: 4_000 }).toBe(60);
  await soundFlows(page);
  await page.getByRole('button', { name: 'Safe state' }).click();
  await expect(page.getByRole('button', { name: 'Safe state' })).toHaveAttribute('aria-pressed', 'false');

  // Ending needs a deliberate second step.
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Confirm end session' }).click();
  await expect(page.getByRole('button', { name: 'New session' })).toBeVisible();
});
