/**
 * A record a clinician signs (issue 13), in a real Chromium against the browser host, on the
 * quick demo: a hold, an extension, an advance, two vitals (one flagged), an adverse event and
 * a Greek note with an emoji; Sign record refused (naming what is missing) until the dose
 * details, the discharge and the clinician are in, then accepted and locked; both reports
 * exported — pdftotext of the client PDF has the music and the intention and none of the
 * unticked notes, the therapist PDF has the Greek and the emoji. Screenshots of the Record and
 * Report views at 1280×800 and 1366×768 go to $STILLROOM_SHOTS (default /tmp/shots13).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './launcher';

const SHOTS = process.env.STILLROOM_SHOTS ?? '/tmp/shots13';
const GREEK = 'Η πελάτισσα είπε: «νιώθω ασφαλής» 🙂';

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const [w, h] of [
    [1280, 800],
    [1366, 768],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: join(SHOTS, `${name}-${w}x${h}.png`) });
  }
}

/** Records a reading on the Record view (V also opens it), then goes back to the live panel if asked. */
async function vitals(page: Page, systolic: string, diastolic: string, back = true): Promise<void> {
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  await page.getByLabel('Systolic (mmHg)').fill(systolic);
  await page.getByLabel('Diastolic (mmHg)').fill(diastolic);
  await page.getByLabel('Heart rate (/min)').fill('76');
  await page.getByLabel('SpO₂ (%)').fill('97');
  await page.getByRole('button', { name: 'Record vitals' }).click();
  if (back) await page.getByRole('button', { name: 'Session', exact: true }).click();
}

const pdfText = (path: string): string => {
  const out = spawnSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout;
};

test('a quick demo session signed and reported: refused until complete, then locked; client PDF shares only what was ticked', async ({
  app,
}) => {
  test.setTimeout(180_000);
  const page = app;
  await page.getByLabel(/^Intention/).fill('To rest and listen');
  await page.getByRole('button', { name: 'Start session' }).click();
  await expect(page.getByTestId('phase-name')).toBeVisible();

  // A reading before the dose (answers "Blood pressure before dosing"), then the dose by its button (no details yet).
  await vitals(page, '124', '80', false);
  await expect(page.getByText('BP 124/80')).toBeVisible();
  await page.getByRole('button', { name: 'Session', exact: true }).click();
  await page.getByRole('button', { name: 'Dose given' }).click();
  // The dose sheet opens at the press time; Enter confirms (and again to record it without a lot).
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('since-dose')).toBeVisible();

  // Hold and resume, extend by a minute, a flagged reading, notes, an adverse event, an advance.
  await page.getByRole('button', { name: 'Hold phase' }).click();
  await expect(page.getByRole('button', { name: 'Resume phase' })).toBeVisible();
  await page.waitForTimeout(1600); // hold and resume share one control's double-press guard (real time is the subject)
  await page.getByRole('button', { name: 'Resume phase' }).click();
  await expect(page.getByRole('button', { name: 'Hold phase' })).toBeVisible();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  await page.keyboard.press(']');
  await vitals(page, '172', '96', false);
  await expect(page.getByText(/systolic 172 high/)).toBeVisible();
  await page.getByRole('button', { name: 'Session', exact: true }).click();
  for (const text of [GREEK, 'NOT FOR THE CLIENT: family history']) {
    await page.getByLabel('Note', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect(page.getByTestId('notes-list')).toContainText(text);
  }
  await page.getByRole('button', { name: 'Advance phase' }).click();

  await page.getByRole('button', { name: 'Record', exact: true }).click();
  await page.getByLabel('What happened').fill('Nausea');
  await page.getByRole('button', { name: 'Record adverse event' }).click();

  // End the session.
  await page.getByRole('button', { name: 'Session', exact: true }).click();
  await page.getByRole('button', { name: 'End session', exact: true }).click();
  await page.getByRole('button', { name: 'Confirm end session' }).click();
  await page.getByRole('button', { name: /Open the record/ }).click();

  // Sign record: refused, naming what is missing; nothing changes.
  const missing = page.getByTestId('sign-missing');
  await expect(missing).toContainText('the clinician’s name');
  // The dose sheet filled medicine, unit and route from the preset; only the amount is missing.
  await expect(missing).toContainText('dose details: amount');
  await expect(missing).toContainText('the discharge');
  await page.getByRole('button', { name: 'Sign record' }).click();
  await expect(page.getByTestId('press-status')).toContainText(/cannot be signed yet\. Missing: .*dose details/);
  await expect(page.getByTestId('signature')).toHaveCount(0);

  // Complete it: clinician, the dose amount (completed, not corrected), discharge.
  await page.getByRole('textbox', { name: 'Clinician' }).fill('Dr Ana Ruiz');
  await page.getByLabel('Credentials').fill('MD');
  await page.getByRole('button', { name: 'Save clinician' }).click();
  await page.getByRole('button', { name: /^Complete dose given/ }).click();
  await page.getByRole('textbox', { name: 'Dose', exact: true }).fill('100');
  await page.getByRole('button', { name: 'Save details' }).click();
  // Completing is not a correction: no "corrected" mark.
  await expect(page.getByTestId('dose-list')).not.toContainText('corrected');
  await page.getByLabel('Accompanied by').fill('Partner');
  await page.getByRole('button', { name: 'Record discharge' }).click();
  await expect(page.getByText('Everything the record needs is there.')).toBeVisible();
  await page.waitForTimeout(1600); // the double-press guard on Sign record (real time is the subject)
  await page.getByRole('button', { name: 'Sign record' }).click();
  await expect(page.getByTestId('signature')).toContainText('Signed by Dr Ana Ruiz, MD');
  await shoot(page, 'record-signed');

  // Locked: a new reading is refused; an addendum goes in with its own time and author.
  await vitals(page, '120', '78', false);
  await expect(page.getByTestId('press-status')).toContainText(/signed by Dr Ana Ruiz .* locked/);
  await page.getByLabel('Addendum').fill('Phoned later: slept well.');
  await page.getByRole('button', { name: 'Add addendum' }).click();
  await expect(page.locator('.addenda')).toContainText('Dr Ana Ruiz, MD: Phoned later: slept well.');
  await page.getByRole('button', { name: 'Export FHIR bundle' }).click();
  await expect(page.getByTestId('fhir-saved')).toContainText('-fhir.json');

  // Reports: the therapist's PDF has the Greek and the emoji; the client's only what was ticked.
  await page.getByRole('button', { name: 'Report', exact: true }).click();
  const saved = page.getByTestId('report-saved');
  await page.getByRole('button', { name: 'Export report as PDF' }).click();
  await expect(saved).toHaveAttribute('data-path', /-therapist\.pdf$/);
  const therapist = pdfText((await saved.getAttribute('data-path')) ?? '');
  expect(therapist).toContain(GREEK);
  expect(therapist).toContain('Signed by');
  expect(therapist).toContain('Advanced from');

  await page.getByRole('radio', { name: /Client \(for integration\)/ }).check();
  const preview = page.getByTestId('report-preview');
  await expect(preview).not.toContainText('NOT FOR THE CLIENT');
  await expect(preview).not.toContainText(GREEK);
  await page.getByRole('checkbox', { name: GREEK }).check();
  await expect(preview).toContainText(GREEK);
  await shoot(page, 'report-client');
  await page.getByRole('button', { name: 'Export report as PDF' }).click();
  await expect(saved).toHaveAttribute('data-path', /-client\.pdf$/);
  const client = pdfText((await saved.getAttribute('data-path')) ?? '');
  expect(client).toContain('To rest and listen');
  expect(client).toContain('Music you heard');
  expect(client).toContain(GREEK);
  expect(client).not.toContain('NOT FOR THE CLIENT');
  expect(client).not.toContain('172');
  expect(client).not.toContain('Ketamine');
  await page.waitForTimeout(1600); // the double-press guard (real time is the subject)
  await page.getByRole('button', { name: 'Export report as Markdown' }).click();
  await expect(saved).toHaveAttribute('data-path', /-client\.md$/);
});
