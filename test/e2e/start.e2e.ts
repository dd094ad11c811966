/**
 * The Start view on a fresh data folder: presets in a useful order (demos, route templates in
 * clinical order, the therapist's own, the clinic's with where they came from), the chosen
 * preset's description, long sessions in hours, and a route template whose music is not on
 * this machine said as one line per phase that opens onto its tracks. In the night theme the
 * text that only inherits its colour is red/amber too, not the dark theme's grey. Screenshots
 * of both themes go to $STILLROOM_SHOTS_START (default /tmp/shots-start).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { HostView } from './host-view';
import { expect, ROOT, startHost, stopHost, test } from './launcher';

const SHOTS = process.env.STILLROOM_SHOTS_START ?? '/tmp/shots-start';
/** The dark theme's inherited text colour (--muted in base.css): night text must not be this. */
const DARK_GREY = 'rgb(154, 163, 173)';

interface TemplateFile {
  phases: Array<{ name: string; playlist: Array<{ title: string }> }>;
}

/** A CSS variable of the current theme as a computed colour ("rgb(…)"). */
function themeColour(page: Page, variable: string): Promise<string> {
  return page.evaluate((v) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${v})`;
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  }, variable);
}

test('the start view orders presets, describes the chosen one and sums up missing music per phase', async ({ app, host }) => {
  test.setTimeout(60_000);
  const page = app;
  mkdirSync(SHOTS, { recursive: true });
  const view = new HostView(host.url);
  const scratch = mkdtempSync(join(tmpdir(), 'stillroom-start-'));
  let other: Awaited<ReturnType<typeof startHost>> | null = null;
  try {
    await view.ready();
    // A preset of the therapist's own, and a clinic folder holding one signed by a clinic this
    // machine has not trusted (signed on a second, fresh data folder).
    expect((await view.send('duplicatePreset', { presetId: 'demo-quick' })).ok).toBe(true);
    mkdirSync(join(scratch, 'other-data'));
    other = await startHost(join(scratch, 'other-data'));
    const signer = new HostView(other.url);
    await signer.ready();
    expect((await signer.send('createClinicIdentity', { clinic: 'Harbour Clinic' })).ok).toBe(true);
    const copied = await signer.send('duplicatePreset', { presetId: 'demo' });
    expect(copied.ok).toBe(true);
    const signed = await signer.send('exportPreset', { presetId: 'demo-copy', sign: true });
    signer.close();
    if (!signed.ok) throw new Error(signed.error);
    const clinicDir = join(scratch, 'clinic');
    mkdirSync(clinicDir);
    copyFileSync((signed.data as { path: string }).path, join(clinicDir, 'demo-copy.stillroom.json'));
    expect((await view.send('setClinicFolder', { path: clinicDir })).ok).toBe(true);

    await expect(page.getByRole('button', { name: 'Start session' })).toBeVisible();
    const cards = page.locator('.start-view li.preset');
    await expect(cards.filter({ hasText: 'Harbour Clinic' })).toHaveCount(1);
    const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-preset-id') ?? ''));
    expect(ids[0]).toMatch(/^demo/);
    expect(ids.indexOf('sublingual-troche')).toBeGreaterThan(ids.lastIndexOf('demo'));
    expect(ids.indexOf('sublingual-troche')).toBeLessThan(ids.indexOf('intramuscular'));
    expect(ids.indexOf('psilocybin-long')).toBeGreaterThan(ids.indexOf('iv-infusion'));
    // The therapist's own after the templates, the clinic's last.
    expect(ids.at(-2)).toBe('demo-quick-copy');
    expect(ids.at(-1)).toBe('demo-copy');
    await expect(page.locator('[data-preset-id="demo-quick-copy"]')).toContainText('· your preset');
    const clinic = page.locator('[data-preset-id="demo-copy"]');
    await expect(clinic.locator('.preset-meta')).toHaveText(/· clinic$/);
    await expect(clinic.locator('.preset-warning')).toContainText('Signed with a key you have not trusted');

    // The chosen demo: its description, its music all here.
    const chosen = page.locator('li.preset.is-selected');
    await expect(chosen).toHaveAttribute('data-preset-id', 'demo-quick');
    await expect(page.getByTestId('preset-description')).toHaveText(/squeezed into about five minutes/);
    await expect(page.getByTestId('preset-check')).toContainText(/^All \d+ tracks found\./, { timeout: 15_000 });

    // The long psilocybin template: 7 hours, a long description first shown in part.
    const psilocybin = page.locator('[data-preset-id="psilocybin-long"]');
    await expect(psilocybin.locator('.preset-meta')).toHaveText('oral · 7 h');
    await psilocybin.locator('label').click();
    await expect(chosen).toHaveAttribute('data-preset-id', 'psilocybin-long');
    const description = page.getByTestId('preset-description');
    await expect(description).toContainText('A long session of about 7 hours');
    const clampedHeight = (await description.boundingBox())?.height ?? 0;
    await page.getByRole('button', { name: 'Read the whole description' }).click();
    await expect(page.getByRole('button', { name: 'Show less' })).toBeVisible();
    expect((await description.boundingBox())?.height ?? 0).toBeGreaterThan(clampedHeight * 2);
    await page.getByRole('button', { name: 'Show less' }).click();

    // Its music is described by metadata only and this library is empty: one line per phase.
    const template = JSON.parse(readFileSync(join(ROOT, 'playlists', 'psilocybin-long.stillroom.json'), 'utf8')) as TemplateFile;
    const first = template.phases[0];
    if (!first) throw new Error('the template has no phases');
    const check = page.getByTestId('preset-check');
    await expect(check).toContainText(/All \d+ tracks will be skipped/, { timeout: 15_000 });
    const lines = page.getByTestId('preset-check-phases').locator('summary');
    await expect(lines).toHaveCount(template.phases.length);
    await expect(lines.first()).toHaveText(new RegExp(`^${first.name}: (\\d+) of \\1 tracks not in your library$`));
    const firstTitle = first.playlist[0]?.title ?? '';
    const track = check.locator('.skip-tracks li', { hasText: firstTitle }).first();
    await expect(track).toBeHidden();
    await lines.first().click();
    await expect(track).toBeVisible();
    await expect(check).toContainText('matched against your music library');
    await expect(check.getByRole('button', { name: 'Library' })).toBeVisible();
    await expect(check.getByRole('button', { name: 'Presets' })).toBeVisible();
    await page.waitForTimeout(700); // fades settle
    await page.screenshot({ path: join(SHOTS, 'dark-start-template.png'), fullPage: true });
    await chosen.screenshot({ path: join(SHOTS, 'dark-start-card.png') });

    // Night: the list inherits its colour, and that colour is the theme's, not the dark grey.
    expect((await view.send('setPanelPrefs', { theme: 'night' })).ok).toBe(true);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'night');
    await page.waitForTimeout(700);
    const listColour = await track.evaluate((el) => getComputedStyle(el).color);
    expect(listColour).not.toBe(DARK_GREY);
    expect(listColour).toBe(await themeColour(page, '--muted'));
    expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe(await themeColour(page, '--muted'));
    await page.screenshot({ path: join(SHOTS, 'night-start-template.png'), fullPage: true });
    await chosen.screenshot({ path: join(SHOTS, 'night-start-card.png') });
    expect((await view.send('setPanelPrefs', { theme: 'dark' })).ok).toBe(true);
  } finally {
    view.close();
    if (other) await stopHost(other);
    rmSync(scratch, { recursive: true, force: true });
  }
});
