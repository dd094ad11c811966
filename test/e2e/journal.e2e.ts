import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { listJournals, readJournal } from '../../electron/services/journal';
import { Vault } from '../../electron/services/vault';
import { mountSmallDisk } from '../fixtures/small-disk';
import { expect, keyFileFor, launchChromium, type RunningHost, startHost, stopHost, test } from './launcher';

test('the panel shows a missing-line notice after a journal line is removed', async ({ app, host, dataDir }) => {
  const page = app;
  await page.getByRole('button', { name: 'Start session' }).click();
  await expect(page.getByTestId('phase-name')).toBeVisible();
  const notes = page.getByTestId('notes-list');
  for (const text of ['Settled on the couch', 'Asked for the blanket', 'Breathing slowly']) {
    await page.getByLabel('Note', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect(notes).toContainText(text);
  }

  // The host dies; someone removes the line holding the second note from the sealed journal.
  await stopHost(host, 'SIGKILL');
  const file = listJournals(join(dataDir, 'sessions')).at(-1) as string;
  const { events } = readJournal(file, Vault.open(keyFileFor(dataDir)));
  const removed = events.find((e) => e.type === 'NoteAdded' && e.text === 'Asked for the blanket');
  expect(removed).toBeDefined();
  const lines = readFileSync(file, 'utf8').split('\n');
  const entry = (removed?.seq ?? 0) + 1;
  lines.splice(entry - 1, 1);
  writeFileSync(file, lines.join('\n'));

  let again: RunningHost | null = null;
  try {
    again = await startHost(dataDir, ['--preset', 'demo-quick']);
    await page.goto(again.url);
    const notices = page.getByRole('list', { name: 'Notices' });
    await expect(notices).toContainText(
      `This session’s journal is not intact: entry ${entry} is missing. The other ${events.length - 1} entries are intact.`,
    );
    await expect(notes).toContainText('Settled on the couch');
    await expect(notes).toContainText('Breathing slowly');
    await expect(notes).not.toContainText('Asked for the blanket');
    // The session goes on: a new note is kept.
    await page.getByLabel('Note', { exact: true }).fill('Eyes open, smiling');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect(notes).toContainText('Eyes open, smiling');
  } finally {
    if (again) await stopHost(again);
  }
});

test('on a full disk a note is refused in plain words and stays in the Note box until there is room', async () => {
  const disk = mountSmallDisk(4 * 1024 * 1024);
  test.skip(!disk, 'needs a small tmpfs (root on Linux)');
  if (!disk) return;
  const dataDir = join(disk.path, 'data');
  let host: RunningHost | null = null;
  const browser = await launchChromium();
  let ballast: number | null = null;
  try {
    host = await startHost(dataDir, ['--preset', 'demo-quick']);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Start session' }).click();
    await expect(page.getByTestId('phase-name')).toBeVisible();

    // Fill the disk to the last byte.
    ballast = openSync(join(disk.path, 'ballast'), 'w');
    const block = Buffer.alloc(4096, 0x55);
    for (;;) {
      try {
        if (writeSync(ballast, block) < block.length) break;
      } catch {
        break;
      }
    }
    const box = page.getByLabel('Note', { exact: true });
    const status = page.getByTestId('press-status');
    const NOTE = `Client asks for water ${'·'.repeat(4500)}`;
    await box.fill(NOTE);
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect(status).toHaveText(
      'Add note: The disk is full: this note was not saved. Free some space on this computer’s disk, then try again. The session goes on.',
    );
    await expect(box).toHaveValue(NOTE);
    await expect(page.getByTestId('notes-list')).toHaveCount(0); // no note was kept

    // Room again: the same note, from the box, is saved.
    ftruncateSync(ballast, Math.max(0, fstatSync(ballast).size - 256 * 1024));
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect(page.getByTestId('notes-list')).toContainText('Client asks for water');
    await expect(box).toHaveValue('');
  } finally {
    if (ballast !== null) closeSync(ballast);
    if (host) await stopHost(host);
    await browser.close();
    rmSync(keyFileFor(dataDir), { force: true });
    disk.release();
  }
});
