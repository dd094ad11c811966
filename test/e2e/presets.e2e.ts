/**
 * Presets shared between two clinics, in a real Chromium against two browser hosts (issue 6,
 * items 2, 5, 6): on the first, a person adds a music folder, duplicates a built-in preset,
 * imports an M3U playlist into a phase, reorders with the keyboard, saves and exports it (plain
 * and signed as their clinic). On a second host with an empty data folder, whose library is a
 * differently organised copy of the same music, the exported file is imported and every track
 * is resolved in the resolution report; the signed file shows a warning until the clinic's key
 * is trusted, then "Signed by <clinic>"; the same file with one byte changed is refused. axe
 * (WCAG 2 A/AA) in the dark and night themes; screenshots into /tmp/shots-presets/.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { generateTrack, hasFfmpeg } from '../fixtures/library-gen';
import { expect, launchChromium, startHost, stopHost, test } from './launcher';

const SHOTS = process.env.STILLROOM_SHOTS ?? '/tmp/shots-presets';
const GUARD_WAIT_MS = 1600;

const TRACKS = [
  {
    rel: 'Erik Satie/Piano Works/01 Gymnopedie.flac',
    other: 'incoming/satie_gymnopedie_no1.flac',
    title: 'Gymnopédie No. 1',
    artist: 'Erik Satie',
    album: 'Piano Works',
    seconds: 4,
    freq: 330,
    isrc: 'FRZ039800212',
  },
  {
    rel: 'Hania Rani/Esja/02 Eden.ogg',
    other: 'by-mood/calm/hania-rani-eden.ogg',
    title: 'Eden',
    artist: 'Hania Rani',
    album: 'Esja',
    seconds: 6,
    freq: 392,
  },
  {
    rel: 'Nils Frahm/Spaces/03 Says.mp3',
    other: 'incoming/NF - Says (Spaces).mp3',
    title: 'Says',
    artist: 'Nils Frahm',
    album: 'Spaces',
    seconds: 5,
    freq: 440,
  },
] as const;

/** A panel shortcut: F4 opens the visible keys mode, then the key acts once. */
async function shortcut(page: Page, key: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  await page.keyboard.press('F4');
  await page.keyboard.press(key);
}

async function axe(page: Page, name: string, problems: string[]): Promise<void> {
  await page.waitForTimeout(700); // let fades settle before judging colours
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of result.violations) {
    problems.push(`${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(' | ')}`);
  }
}

/** Text in the view whose colour is bluer than red: the night theme keeps everything red and amber. */
async function bluishText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll('main *')) {
      if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim())) continue;
      const [r = 0, , b = 0] = (getComputedStyle(el).color.match(/[\d.]+/g) ?? []).map(Number);
      if (b > r)
        out.push(`${el.tagName.toLowerCase()}.${el.className}: ${getComputedStyle(el).color} “${(el.textContent ?? '').slice(0, 30)}”`);
    }
    return out;
  });
}

async function setTheme(page: Page, theme: 'dark' | 'night'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.dataset.theme);
  if (current !== theme) {
    await page.waitForTimeout(GUARD_WAIT_MS);
    await shortcut(page, 't');
  }
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

async function go(page: Page, view: 'Library' | 'Presets'): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
  await expect(page.getByRole('heading', { name: view, level: 1 })).toBeVisible();
}

async function addMusicFolder(page: Page, folder: string): Promise<void> {
  await go(page, 'Library');
  const field = page.getByLabel('Folder path');
  await field.fill(folder);
  await field.press('Enter');
  await expect(page.getByTestId('library-result-count')).toHaveText(`${TRACKS.length} tracks.`, { timeout: 20_000 });
}

test.skip(!hasFfmpeg(), 'ffmpeg is needed to make tagged audio files');

test('a preset built from an imported playlist travels to another clinic, resolved, signed, and refused when altered', async ({ app }) => {
  test.setTimeout(120_000);
  const page = app;
  mkdirSync(SHOTS, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'stillroom-e2e-presets-'));
  const folderA = join(root, 'A');
  const folderB = join(root, 'B');
  const problems: string[] = [];
  let second: Awaited<ReturnType<typeof startHost>> | null = null;
  let browser2: Awaited<ReturnType<typeof launchChromium>> | null = null;
  try {
    for (const t of TRACKS) {
      const format = t.rel.endsWith('.flac') ? 'flac' : t.rel.endsWith('.mp3') ? 'mp3' : 'ogg';
      await generateTrack(join(folderA, t.rel), {
        title: t.title,
        artist: t.artist,
        album: t.album,
        seconds: t.seconds,
        freq: t.freq,
        format,
        ...('isrc' in t ? { isrc: t.isrc } : {}),
      });
      // The other clinic's copy: same files and tags, another layout and other names.
      mkdirSync(dirname(join(folderB, t.other)), { recursive: true });
      copyFileSync(join(folderA, t.rel), join(folderB, t.other));
    }
    const playlist = join(folderA, 'evening.m3u');
    writeFileSync(playlist, `#EXTM3U\n${TRACKS.map((t) => `#EXTINF:${t.seconds},${t.artist} - ${t.title}\n${t.rel}`).join('\n')}\n`);

    // ---- Clinic A: library, duplicate, import the playlist into a phase, reorder, save ----
    await expect(page.getByRole('button', { name: 'Start session' })).toBeVisible();
    await addMusicFolder(page, folderA);
    await go(page, 'Presets');
    await page.getByTestId('preset-demo-quick').click();
    await expect(page.getByText('Built in (read-only)')).toBeVisible();
    await axe(page, 'dark-presets-readonly', problems);
    await page.getByRole('button', { name: 'Duplicate to edit' }).click();
    await expect(page.getByRole('heading', { name: /^Editing “.*\(copy\)”$/ })).toBeVisible();

    // Start from empty playlists (the demo's own audio ships with the app, not with the preset).
    for (;;) {
      const remove = page.getByRole('button', { name: /^Remove “/ });
      if ((await remove.count()) === 0) break;
      await remove.first().click();
    }
    const phase = page.getByTestId('phase-1');
    await phase.getByRole('button', { name: /^Add music to / }).click();
    await phase.getByLabel(/Or import a playlist file/).fill(playlist);
    await phase.getByRole('button', { name: 'Import playlist' }).click();
    await expect(phase.getByTestId('phase-note')).toHaveText(/Added 3 of 3 tracks from “evening”/);
    await expect(phase.getByTestId('phase-lengths')).toHaveText(/^Planned 1 min · music 15 s/);
    // Reorder with the keyboard: the focus stays with the moved track.
    await phase.getByRole('button', { name: 'Move “Gymnopédie No. 1” down' }).focus();
    await page.keyboard.press('Enter');
    await expect(phase.getByRole('listitem').nth(1)).toContainText('Gymnopédie No. 1');
    await expect(phase.getByRole('button', { name: 'Move “Gymnopédie No. 1” down' })).toBeFocused();
    await phase.getByRole('button', { name: 'Done adding' }).click();
    // Listening to a track on the therapist's output, and stopping it.
    await phase.getByRole('button', { name: 'Listen to “Eden”' }).click();
    await expect(phase.getByRole('button', { name: 'Stop listening to “Eden”' })).toBeVisible();
    await expect
      .poll(() => page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/media/audition-'))))
      .toBe(true);
    await phase.getByRole('button', { name: 'Stop listening to “Eden”' }).click();
    await expect(phase.getByRole('button', { name: 'Listen to “Eden”' })).toBeVisible();
    await axe(page, 'dark-presets-editor', problems);
    await page.getByRole('button', { name: 'Save preset' }).click();
    await expect(page.getByText(/^Saved “/)).toBeVisible();

    // Export plain…
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(page.getByTestId('export-saved')).toContainText('demo-quick-walk-through-5-minutes-copy.stillroom.json');
    const plainPath = (await page.getByTestId('export-saved').getAttribute('data-path')) ?? '';
    const plain = readFileSync(plainPath, 'utf8');
    expect(plain).toContain('Gymnopédie No. 1');
    expect(plain).not.toContain(folderA);
    expect(plain).not.toContain('"asset"');

    // …name the clinic, export signed, and hand out the public key.
    await page.getByLabel('Name your clinic to sign what you share').fill('Harbour Clinic');
    await page.getByRole('button', { name: 'Create signing key' }).click();
    await expect(page.getByTestId('identity')).toHaveText('This machine signs as Harbour Clinic.');
    await page.getByLabel('Sign as Harbour Clinic').check();
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(page.getByTestId('export-saved')).toContainText('demo-quick-walk-through-5-minutes-copy-signed.stillroom.json');
    const signedPath = (await page.getByTestId('export-saved').getAttribute('data-path')) ?? '';
    await page.getByRole('button', { name: 'Export public key file' }).click();
    const keyPath = (await page.getByTestId('key-saved').getAttribute('data-path')) ?? '';
    expect(keyPath).toMatch(/harbour-clinic\.stillroom-key\.json$/);
    // Publish into the clinic's shared folder (signed), which the other clinic will follow.
    const folderC = join(root, 'C-shared');
    mkdirSync(folderC);
    await page.getByLabel('Folder path').fill(folderC);
    await page.getByRole('button', { name: 'Follow folder' }).click();
    await expect(page.getByText(`Following ${folderC}`)).toBeVisible();
    await page.getByRole('button', { name: 'Publish to the clinic folder' }).click();
    await expect(page.getByTestId('published')).toHaveText(
      `Published to ${join(folderC, 'demo-quick-copy.stillroom.json')}, signed as Harbour Clinic.`,
    );
    // Published by this machine, it is listed once, as the therapist's own.
    await expect(page.getByRole('button', { name: /Demo: quick walk-through \(5 minutes\) \(copy\)/ })).toHaveCount(1);

    const altered = join(root, 'altered.stillroom.json');
    const signedText = readFileSync(signedPath, 'utf8');
    const at = signedText.indexOf('Eden');
    writeFileSync(altered, `${signedText.slice(0, at)}F${signedText.slice(at + 1)}`);

    // ---- Clinic B: an empty data folder, the same music organised differently ----
    const data2 = mkdtempSync(join(tmpdir(), 'stillroom-data-b-'));
    second = await startHost(data2);
    browser2 = await launchChromium();
    const b = browser2.context.pages()[0] ?? (await browser2.context.newPage());
    await b.goto(second.url);
    await expect(b.getByRole('button', { name: 'Start session' })).toBeVisible();
    await addMusicFolder(b, folderB);
    await go(b, 'Presets');
    await b.getByLabel('Folder path').fill(folderC);
    await b.getByRole('button', { name: 'Follow folder' }).click();
    const shared = b.getByTestId('preset-demo-quick-copy');
    await expect(shared).toContainText('Clinic folder');
    await expect(shared).toContainText('Signed with a key you have not trusted');

    await b.getByRole('button', { name: 'Import a preset…' }).click();
    await b.getByLabel('Preset file').setInputFiles(plainPath);
    await b.getByRole('button', { name: 'Check file' }).click();
    await expect(b.getByTestId('provenance')).toContainText('Not signed');
    await expect(b.getByTestId('resolution-summary')).toHaveText('All 3 tracks found in your library');
    const how = b.getByTestId('resolution-how');
    await expect(how).toHaveCount(3);
    await expect(b.getByRole('row', { name: /Gymnopédie No\. 1/ })).toContainText('Matched by ISRC · satie_gymnopedie_no1.flac');
    await expect(b.getByRole('row', { name: /Eden/ })).toContainText('Matched by title + artist · hania-rani-eden.ogg');
    await expect(b.getByRole('row', { name: /Says/ })).toContainText('Matched by title + artist · NF - Says (Spaces).mp3');
    await axe(b, 'dark-import-report', problems);
    // The clinic folder already holds a preset with this id: keep both.
    await expect(b.getByRole('radio', { name: /Keep both/ })).toBeChecked();
    await b.getByRole('button', { name: 'Save as my preset' }).click();
    await expect(b.getByRole('heading', { name: /^Editing “/ })).toBeVisible();
    await expect(b.getByTestId('preset-demo-quick-copy-2')).toContainText('Yours');

    // Signed with a key this clinic has not trusted: a clear warning.
    await b.getByRole('button', { name: 'Import a preset…' }).click();
    await b.getByLabel('Preset file').setInputFiles(signedPath);
    await b.getByRole('button', { name: 'Check file' }).click();
    await expect(b.getByTestId('provenance')).toContainText('Signed with a key you have not trusted. It says it is from “Harbour Clinic”');
    await b.getByRole('button', { name: 'Cancel import' }).click();

    // Trust Harbour Clinic's key; the same file now shows "Signed by".
    await b.getByLabel('Trust a clinic’s key file').setInputFiles(keyPath);
    await b.getByRole('button', { name: 'Trust this key' }).click();
    await expect(b.getByText(/^Trusted Harbour Clinic \(fingerprint/)).toBeVisible();
    await expect(shared).toContainText('Signed by Harbour Clinic');
    await b.getByRole('button', { name: 'Import a preset…' }).click();
    await b.getByLabel('Preset file').setInputFiles(signedPath);
    await b.getByRole('button', { name: 'Check file' }).click();
    await expect(b.getByTestId('provenance')).toHaveText('✓ Signed by Harbour Clinic');
    await expect(b.getByTestId('resolution-summary')).toHaveText('All 3 tracks found in your library');
    // Choosing a file by hand, through the library search.
    await b.getByRole('button', { name: 'Choose another file for “Eden”' }).click();
    await expect(b.getByLabel('Find “Eden” in your library')).toHaveValue('Eden');
    await b.getByRole('button', { name: 'Use “Eden” by Hania Rani' }).click();
    await expect(b.getByRole('row', { name: /Eden/ })).toContainText('Chosen by hand · hania-rani-eden.ogg');
    await setTheme(b, 'night');
    await axe(b, 'night-import-signed', problems);
    expect(await bluishText(b)).toEqual([]);
    await b.getByRole('button', { name: 'Save as my preset' }).click();
    await expect(b.getByTestId('preset-demo-quick-copy-3')).toContainText('Yours');

    // One byte changed after signing: refused, with the reason.
    await b.getByRole('button', { name: 'Import a preset…' }).click();
    await b.getByLabel('Preset file').setInputFiles(altered);
    await b.getByRole('button', { name: 'Check file' }).click();
    await expect(b.getByText(/altered\.stillroom\.json was not imported: it was altered after signing\./)).toBeVisible();
    await expect(b.getByTestId('provenance')).toHaveCount(0);
    await axe(b, 'night-import-refused', problems);

    // The editor and the list in the night theme, on clinic A.
    await setTheme(page, 'night');
    await axe(page, 'night-presets-editor', problems);
    expect(await bluishText(page)).toEqual([]);

    expect(problems).toEqual([]);
  } finally {
    await browser2?.close();
    if (second) {
      await stopHost(second);
      rmSync(second.dataDir, { recursive: true, force: true });
    }
    rmSync(root, { recursive: true, force: true });
  }
});
