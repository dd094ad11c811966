/**
 * The music library in a real Chromium against the browser host (issue 6, item 1):
 * a person types a folder's path and adds it, sees the tagged tracks appear with their
 * durations, searches by artist, deletes a file and sees it marked missing after Rescan;
 * wrong paths are refused in words; axe (WCAG 2 A/AA) in the dark and night themes, with
 * screenshots into /tmp/shots-library/.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { generateTrack, hasFfmpeg, untaggedMp3, writeTaggedCopies } from '../fixtures/library-gen';
import { expect, test } from './launcher';

const SHOTS = process.env.STILLROOM_SHOTS ?? '/tmp/shots-library';
const GUARD_WAIT_MS = 1600;

const TRACKS = [
  { rel: 'Erik Satie/Gymnopédie No. 1.flac', title: 'Gymnopédie No. 1', artist: 'Erik Satie', album: 'Piano Works', seconds: 3, freq: 330 },
  { rel: 'Erik Satie/Gnossienne No. 1.mp3', title: 'Gnossienne No. 1', artist: 'Erik Satie', album: 'Piano Works', seconds: 5, freq: 349 },
  { rel: 'Hania Rani/Eden.ogg', title: 'Eden', artist: 'Hania Rani', album: 'Esja', seconds: 65, freq: 392 },
  { rel: 'Nils Frahm/Says.m4a', title: 'Says', artist: 'Nils Frahm', album: 'Spaces', seconds: 4, freq: 440 },
] as const;

/** A panel shortcut: F4 (the Keys mode: typing alone never acts), then the key. */
async function shortcut(page: Page, key: string): Promise<void> {
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

test.skip(!hasFfmpeg(), 'ffmpeg is needed to make tagged audio files');

test('a person adds a music folder by path, searches it, and sees a deleted file marked missing', async ({ app }) => {
  const page = app;
  mkdirSync(SHOTS, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'stillroom-e2e-music-'));
  const music = join(root, 'Music');
  try {
    for (const t of TRACKS) {
      await generateTrack(join(music, t.rel), {
        title: t.title,
        artist: t.artist,
        album: t.album,
        seconds: t.seconds,
        freq: t.freq,
        format: t.rel.endsWith('.flac') ? 'flac' : t.rel.endsWith('.mp3') ? 'mp3' : t.rel.endsWith('.ogg') ? 'ogg' : 'm4a',
      });
    }
    const problems: string[] = [];
    await expect(page.getByRole('button', { name: 'Start session' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
    await expect(page.getByRole('heading', { name: 'Library', level: 1 })).toBeVisible();
    await expect(page.getByText('No folders yet.')).toBeVisible();
    await expect(page.getByTestId('library-result-count')).toHaveText('The library is empty.');
    await expect(page.getByText(/cannot offer a folder picker/)).toBeVisible();
    await axe(page, 'dark-library-empty', problems);

    // Wrong paths are refused in words, in place, and nothing is added.
    const field = page.getByLabel('Folder path');
    await field.fill('Music');
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect(page.getByText(/give the full path, starting with \//)).toBeVisible();
    await field.fill(join(root, 'Nowhere'));
    await field.press('Enter');
    await expect(page.getByText(`There is no folder at ${join(root, 'Nowhere')}.`, { exact: false })).toBeVisible();
    await expect(page.getByText('No folders yet.')).toBeVisible();

    // The real folder, typed and added with the keyboard.
    await field.fill('');
    await field.pressSequentially(music);
    await field.press('Enter');
    await expect(field).toHaveValue('');
    const folders = page.getByRole('list', { name: 'Folders in the library' });
    await expect(folders).toContainText(music);
    const status = page.getByTestId('library-status');
    await expect(status).toHaveText('4 tracks. Scan finished: 4 tracks added.');
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows).toHaveCount(TRACKS.length + 1);
    const eden = rows.filter({ hasText: 'Eden' });
    await expect(eden).toContainText('Hania Rani');
    await expect(eden).toContainText('Esja');
    await expect(eden).toContainText('1:05');
    await expect(eden).toContainText('not measured');
    await expect(eden).toContainText('Present');
    await expect(rows.filter({ hasText: 'Says' })).toContainText('0:04');

    // Search by artist.
    const search = page.getByLabel('Search the library');
    await search.fill('satie');
    await expect(rows).toHaveCount(3);
    await expect(page.getByTestId('library-result-count')).toHaveText('2 tracks match.');
    await expect(rows.filter({ hasText: 'Gymnopédie No. 1' })).toContainText('0:03');
    await expect(rows.filter({ hasText: 'Gnossienne No. 1' })).toContainText('0:05');
    await search.fill('nobody here');
    await expect(page.getByTestId('library-result-count')).toHaveText('No tracks match.');
    await search.fill('');
    await expect(rows).toHaveCount(TRACKS.length + 1);

    // A file deleted outside Stillroom: after Rescan it is shown as missing, not dropped.
    unlinkSync(join(music, TRACKS[1].rel));
    await page.getByRole('button', { name: 'Rescan' }).click();
    const gone = rows.filter({ hasText: 'Gnossienne No. 1' });
    await expect(gone).toContainText('Missing');
    await expect(status).toHaveText(/^4 tracks, 1 missing\. Scan finished: .*1 now missing/);
    await search.fill('satie');
    await expect(rows).toHaveCount(3);
    // Missing files rank last.
    await expect(rows.nth(2)).toContainText('Missing');
    await search.fill('');
    await axe(page, 'dark-library', problems);

    // Night theme (T toggles it; a second T within 1.5 s would be ignored).
    await shortcut(page, 't');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'night');
    await axe(page, 'night-library', problems);

    // Removing the folder forgets its tracks (the files stay on disk).
    await page.getByRole('button', { name: `Remove folder ${music}` }).click();
    await expect(page.getByText('No folders yet.')).toBeVisible();
    await expect(page.getByTestId('library-result-count')).toHaveText('The library is empty.');
    await expect(status).toHaveText(`0 tracks. Removed ${music} from the library; the files themselves are untouched.`);
    await axe(page, 'night-library-empty', problems);
    await page.waitForTimeout(GUARD_WAIT_MS);
    await shortcut(page, 't');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(problems).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a big folder scans with a quiet progress line, the panel stays usable, and only a page of rows is drawn', async ({ app }) => {
  const page = app;
  mkdirSync(SHOTS, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'stillroom-e2e-big-'));
  const music = join(root, 'Big');
  const COUNT = 3000;
  try {
    const audio = await untaggedMp3(root, 1);
    writeTaggedCopies(music, audio, COUNT, (i) => ({
      // Titles like "Lumen c12" (no bare numbers), so a number in the query finds artists only.
      title: `Lumen ${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}`,
      artist: `Artist ${i % 300}`,
      album: 'Field Recordings',
    }));
    const problems: string[] = [];
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
    await page.getByLabel('Folder path').fill(music);
    await page.getByRole('button', { name: 'Add folder' }).click();
    const progress = page.getByTestId('scan-progress');
    await expect(progress).toHaveText(/^Scanning [\d,]+ of 3,000 files$/);
    await expect(page.getByRole('progressbar', { name: 'Scan progress' })).toBeVisible();
    await page.screenshot({ path: join(SHOTS, 'dark-library-scanning.png'), fullPage: true });
    // The panel answers while the host scans: the search field takes typing at once.
    await page.getByLabel('Search the library').fill('artist 7');
    await expect(page.getByLabel('Search the library')).toHaveValue('artist 7');
    await expect(page.getByTestId('library-status')).toHaveText('3,000 tracks. Scan finished: 3,000 tracks added.', { timeout: 60_000 });
    // "artist 7" matches Artist 7 and Artist 70–79 (prefix search): 11 artists × 10 tracks,
    // drawn a hundred rows at a time.
    const rows = page.getByRole('table').getByRole('row');
    await expect(page.getByTestId('library-result-count')).toHaveText('Showing 100 of 110 tracks that match.');
    await expect(rows).toHaveCount(101);
    await page.getByRole('button', { name: 'Show 10 more' }).click();
    await expect(page.getByTestId('library-result-count')).toHaveText('110 tracks match.');
    await expect(rows).toHaveCount(111);
    await page.getByLabel('Search the library').fill('');
    await expect(page.getByTestId('library-result-count')).toHaveText('Showing 100 of 3,000 tracks.');
    await expect(rows).toHaveCount(101);
    await axe(page, 'dark-library-big', problems);
    // A small window: the table wraps its text instead of spilling out.
    await page.setViewportSize({ width: 760, height: 800 });
    await axe(page, 'dark-library-narrow', problems);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** Drops onto the library card what a file manager or a terminal would: text, links, or bare files. */
async function drop(page: Page, items: { text?: string; uris?: string[]; files?: string[] }): Promise<void> {
  await page.getByTestId('library-drop').evaluate((el, it) => {
    const dt = new DataTransfer();
    if (it.uris) dt.setData('text/uri-list', it.uris.join('\r\n'));
    if (it.text) dt.setData('text/plain', it.text);
    for (const name of it.files ?? []) dt.items.add(new File(['not really audio'], name, { type: 'audio/mpeg' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, items);
}

test('a person drops a folder and a music file onto the library; a drop without paths is explained', async ({ app }) => {
  const page = app;
  mkdirSync(SHOTS, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'stillroom-e2e-drop-'));
  try {
    const [satie, gnossienne, eden] = TRACKS;
    await generateTrack(join(root, 'Folder', satie.rel), { ...satie, format: 'flac' });
    await generateTrack(join(root, 'Folder', gnossienne.rel), { ...gnossienne, format: 'mp3' });
    const single = join(root, 'Loose files', 'Eden.ogg');
    await generateTrack(single, { ...eden, seconds: 3, format: 'ogg' });
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
    await expect(page.getByText('Drop folders or music files here to add them.')).toBeVisible();

    // Bare files from a browser drop carry no place on disk: said plainly, nothing added.
    await drop(page, { files: ['Eden.ogg'] });
    await expect(page.getByText(/cannot see where dropped files are on the computer/)).toBeVisible();
    await expect(page.getByText('No folders yet.')).toBeVisible();

    // A folder as a file:// link (spaces encoded, as a file manager writes it) and a file path as text.
    const folderUrl = `file://${join(root, 'Folder').split('/').map(encodeURIComponent).join('/')}`;
    await drop(page, { uris: ['# dragged from a file manager', folderUrl], text: `${single}\n${join(root, 'notes.txt')}` });
    const added = page.getByTestId('library-added');
    await expect(added).toContainText('Adding 1 folder and 1 music file.');
    await expect(added).toContainText(`Not added: ${join(root, 'notes.txt')} — not found`);
    await expect(page.getByRole('list', { name: 'Folders in the library' })).toContainText(join(root, 'Folder'));
    await expect(page.getByRole('list', { name: 'Files in the library' })).toContainText(single);
    await expect(page.getByTestId('library-status')).toHaveText('3 tracks. Scan finished: 3 tracks added.');
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows).toHaveCount(4);
    await expect(rows.filter({ hasText: 'Eden' })).toContainText('Hania Rani');
    await page.screenshot({ path: join(SHOTS, 'dark-library-dropped.png'), fullPage: true });

    // The same file again is already there; removing it forgets it (the file stays).
    await page.waitForTimeout(GUARD_WAIT_MS);
    await drop(page, { text: single });
    await expect(page.getByText(/Nothing was added\. Eden\.ogg: already in the library/)).toBeVisible();
    await page.getByRole('button', { name: `Remove file ${single}` }).click();
    await expect(page.getByTestId('library-status')).toHaveText(/^2 tracks\. Removed Eden\.ogg from the library/);
    await expect(page.getByRole('list', { name: 'Files in the library' })).toHaveCount(0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
