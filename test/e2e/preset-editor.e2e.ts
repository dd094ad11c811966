/**
 * The preset editor edits everything a session plays (issue 13, item 5), in a real Chromium
 * against the browser host, as a therapist does it:
 * - bad input first: removing the phase that waits for the dose leaves the dose reminders with
 *   nothing to expect, and a reminder counted from a removed phase has nothing to count from —
 *   both named in plain words beside Save, which refuses and takes the focus to the field;
 *   "Discard changes" brings everything back;
 * - then real edits: a phase's light (level, colour temperature, change time) previewed on the
 *   on-screen lamp, a reminder changed, phases added, renamed, reordered and removed, route;
 * - export named after the preset's current name, and the exported file imported again with
 *   every track found (the app's own demo audio too) and "Keep both" giving a name of its own;
 * - a session started from the edited preset shows the light on the lamp and the reminder in
 *   the panel's Reminders card.
 * Screenshots of the editor at 1280×800 and 1366×768 as a person leaves it, into
 * /tmp/shots-preset-editor/, with the Save bar checked to be in view.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './launcher';

const SHOTS = process.env.STILLROOM_SHOTS ?? '/tmp/shots-preset-editor';

async function go(page: Page, view: 'Session' | 'Presets'): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
}

const lampLevel = (page: Page) => page.getByTestId('lamp-level').textContent().then(Number);

/** The Save bar is inside the window (a long editor scrolls; Save never leaves the view). */
async function saveBarInView(page: Page): Promise<void> {
  const box = await page.getByTestId('editor-bar').boundingBox();
  const vp = page.viewportSize();
  expect(box && vp).toBeTruthy();
  if (!box || !vp) return;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(vp.height + 1);
  await expect(page.getByRole('button', { name: 'Save preset' })).toBeInViewport();
}

test('the preset editor changes light, reminders and phases, refuses what cannot work, and a session plays the result', async ({ app }) => {
  test.setTimeout(150_000);
  const page = app;
  mkdirSync(SHOTS, { recursive: true });
  await expect(page.getByRole('button', { name: 'Start session' })).toBeVisible();
  await go(page, 'Presets');
  await page.getByTestId('preset-demo-quick').click();
  await page.getByRole('button', { name: 'Duplicate to edit' }).click();
  await expect(page.getByRole('heading', { name: 'Editing “Demo: quick walk-through (5 minutes) (copy)”' })).toBeVisible();

  await page.screenshot({ path: join(SHOTS, 'editor-top-1280x800.png') });

  // ---- Bad input: nothing is saved, everything is named, nothing is lost ----
  const phases = page.locator('.phase-edit');
  await expect(phases).toHaveCount(5);
  // A reminder counted from the peak phase, then the peak phase removed.
  await page.getByRole('button', { name: 'Add a reminder' }).click();
  const added = page.getByRole('group', { name: /^Reminder 5:/ });
  await expect(added.getByLabel('Label')).toBeFocused();
  await added.getByLabel('Label').fill('Peak check-in');
  await added.getByLabel('Counts from').selectOption('peak');
  await page.getByRole('button', { name: 'Remove phase “Deep rest”' }).click();
  await expect(phases).toHaveCount(4);
  await expect(page.getByRole('status').filter({ hasText: 'Removed phase “Deep rest”' })).toContainText(
    'One reminder counted from it and needs another start (marked below).',
  );
  await expect(added.getByLabel('Counts from')).toHaveAttribute('aria-invalid', 'true');
  await expect(added.getByLabel('Counts from')).toContainText('Start of the peak phase (there is none now)');
  // The phase that waits for the dose removed too: the dose reminders have nothing to expect.
  await page.getByRole('button', { name: 'Remove phase “Arriving and intention”' }).click();
  await page.getByRole('button', { name: 'Save preset' }).click();
  const problems = page.getByTestId('editor-problems');
  await expect(problems).toContainText(
    'Reminder 1 “Blood pressure before dosing” is to be done before the dose, but no phase waits for the dose, so nothing in this plan expects one and the reminder would never come. Turn on “until dose” for the phase in which the dose is given, or count the reminder from the session start or a phase.',
  );
  await expect(problems).toContainText('Reminder 5 “Peak check-in” counts from the peak phase, but this preset has no peak phase now');
  await expect(page.getByText(/^Not saved: 5 things to fix first/)).toBeVisible();
  // Save took the focus to the first problem's field.
  await expect(page.getByRole('group', { name: /^Reminder 1:/ }).getByLabel('Before the dose')).toBeFocused();
  await expect(problems).not.toContainText(/expected|received|invalid_|too_small/);
  await saveBarInView(page);
  await page.screenshot({ path: join(SHOTS, 'editor-problems-1280x800.png') });
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(phases).toHaveCount(5);
  await expect(page.getByRole('group', { name: /^Reminder 5:/ })).toHaveCount(0);
  await expect(page.getByText('One thing to fix before saving')).toHaveCount(0);

  // ---- Real edits ----
  await page.getByLabel('Preset name').fill('Evening quiet');
  await page.getByLabel('Route').selectOption('intramuscular');
  const first = page.getByTestId('phase-0');
  await first.getByLabel('Light level').fill('23');
  await first.getByLabel('Colour temperature').fill('2200');
  await first.getByLabel('Change takes (s)').fill('2');
  await expect(first.getByText('23 %', { exact: true })).toBeVisible();
  // Preview on the on-screen lamp (before any session), then it eases back.
  await first.getByRole('button', { name: 'Preview the light of “Arriving and intention” on the lamp' }).click();
  await expect(first.getByText(/^Showing 23 % at 2200 K on the on-screen lamp/)).toBeVisible();
  await expect.poll(() => lampLevel(page), { timeout: 10_000 }).toBe(23);
  await expect.poll(() => lampLevel(page), { timeout: 20_000 }).not.toBe(23);

  // The first reminder: a new label, due at once after the start.
  const bp = page.getByRole('group', { name: /^Reminder 1:/ });
  await bp.getByLabel('Label').fill('Blood pressure, seated');
  await bp.getByLabel('Minutes after').fill('0');
  await expect(page.getByRole('group', { name: 'Reminder 1: Blood pressure, seated' })).toBeVisible();
  // A repeating check every 30 minutes, 3 times.
  await page.getByRole('button', { name: 'Add a reminder' }).click();
  const fluids = page.getByRole('group', { name: /^Reminder 5:/ });
  await fluids.getByLabel('Label').fill('Offer water');
  await expect(fluids.getByLabel('Counts from')).toHaveValue('dose'); // the plan waits for a dose: new reminders count from it
  await fluids.getByLabel('Counts from').selectOption('session');
  await fluids.getByLabel('Minutes after').fill('20');
  await fluids.getByLabel('Repeats').check();
  await fluids.getByLabel('Repeat every (minutes)').fill('30');
  await fluids.getByLabel(/How many times in all/).fill('3');

  // Phases: add one, rename it, move it earlier (the focus stays on the moved phase), remove it.
  await page.getByRole('button', { name: 'Add a phase' }).click();
  await expect(phases).toHaveCount(6);
  const added6 = page.getByTestId('phase-5');
  await expect(added6.getByLabel('Phase name')).toBeFocused();
  await added6.getByLabel('Phase name').fill('Closing words');
  await page.getByRole('button', { name: 'Move phase “Closing words” earlier' }).click();
  await expect(page.getByTestId('phase-4').getByLabel('Phase name')).toHaveValue('Closing words');
  await expect(page.getByRole('button', { name: 'Move phase “Closing words” earlier' })).toBeFocused();
  await page.getByRole('button', { name: 'Remove phase “Closing words”' }).click();
  await expect(phases).toHaveCount(5);

  await page.getByTestId('phase-2').scrollIntoViewIfNeeded();
  await page.getByRole('button', { name: 'Save preset' }).click();
  await expect(page.getByText('Saved “Evening quiet”.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Editing “Evening quiet”' })).toBeVisible();

  // Screenshots as a person leaves it: part way down, light and playlist of a phase in view.
  for (const [w, h] of [
    [1280, 800],
    [1366, 768],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.getByTestId('phase-1').getByLabel('Light level').scrollIntoViewIfNeeded();
    await saveBarInView(page);
    await page.screenshot({ path: join(SHOTS, `editor-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // ---- Export by the current name; import it again: every track found; keep both ----
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByTestId('export-saved')).toContainText('evening-quiet.stillroom.json');
  const exported = (await page.getByTestId('export-saved').getAttribute('data-path')) ?? '';
  await page.getByRole('button', { name: 'Import a preset…' }).click();
  await page.getByLabel('Or its path on this computer').fill(exported);
  await page.getByRole('button', { name: 'Check path' }).click();
  await expect(page.getByTestId('resolution-summary')).toHaveText('All 30 tracks found in your library');
  await expect(page.locator('tr[data-status="missing"]')).toHaveCount(0);
  await expect(page.getByTestId('resolution-how').first()).toContainText('Found in Stillroom’s own audio · 01-morning-field.ogg');
  await expect(page.getByRole('radio', { name: /Keep both/ })).toBeChecked();
  await page.getByRole('button', { name: 'Save as my preset' }).click();
  await expect(page.getByRole('heading', { name: 'Editing “Evening quiet (2)”' })).toBeVisible();

  // A file whose plan cannot work (dose reminders, no phase waits for the dose) says so before it is saved.
  const noDose = JSON.parse(readFileSync(exported, 'utf8')) as { phases: Array<{ untilDose: boolean }> };
  for (const ph of noDose.phases) ph.untilDose = false;
  const noDosePath = join(dirname(exported), 'no-dose.stillroom.json');
  writeFileSync(noDosePath, JSON.stringify(noDose));
  await page.getByRole('button', { name: 'Import a preset…' }).click();
  await page.getByLabel('Or its path on this computer').fill(noDosePath);
  await page.getByRole('button', { name: 'Check path' }).click();
  await expect(page.getByTestId('import-plan-problems')).toContainText(
    '4 things to fix in the editor after saving (until then the plan does not work as written):',
  );
  await expect(page.getByTestId('import-plan-problems')).toContainText(
    'Reminder 2 “Quiet check-in” counts from the dose, but no phase waits',
  );
  await page.getByRole('button', { name: 'Cancel import' }).click();

  // ---- A session from the edited preset plays the light and shows the reminder ----
  await go(page, 'Session');
  await page.getByRole('radio', { name: /^Evening quiet\s*intramuscular/ }).check();
  await page.getByRole('button', { name: 'Start session' }).click();
  await expect(page.getByTestId('phase-name')).toHaveText('Arriving and intention');
  await expect.poll(() => lampLevel(page), { timeout: 15_000 }).toBe(23);
  const reminders = page.getByTestId('reminders');
  await expect(reminders.getByRole('button', { name: 'Done: Blood pressure, seated' })).toBeVisible({ timeout: 15_000 });
  await expect(reminders).toContainText(/in 20 min\s*Offer water/);
});
