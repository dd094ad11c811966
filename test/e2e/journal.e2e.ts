/**
 * A journal line removed while the host was down is named on the live panel when the session
 * resumes — which entry, and that the rest is intact — and the notes around it are still there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listJournals, readJournal } from '../../electron/services/journal';
import { Vault } from '../../electron/services/vault';
import { expect, keyFileFor, type RunningHost, startHost, stopHost, test } from './launcher';

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
