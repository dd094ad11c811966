/**
 * The desktop shell with a real Electron binary (the release workflow runs these on Linux under
 * xvfb, macOS and Windows; they skip, with the reason, where no binary is installed, e.g. with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1).
 *
 * 1. The window opens with the preload API and no Node, a session starts, the mini panel opens
 *    on top with the same session and closes again.
 * 2. The media the desktop app serves itself over `stillroom://app` (docs/architecture.md, "Media
 *    in the desktop app"): sound flows; a page that joins late — reloaded mid-track — seeks to
 *    where the wall clock says (a Range request); a skip crossfades with two <audio> elements
 *    playing at once, both advancing; and a crashed page is reloaded by the shell and picks the
 *    music up at the right place. This is the proof against the custom-protocol regressions
 *    (seeks not holding, electron#47661; two simultaneous media elements, #45226).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ElectronApplication, _electron as electron, type Page } from '@playwright/test';
import { expect, ROOT, test } from './launcher';

function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const NO_BINARY = 'no Electron binary here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); the browser host tests cover the UI';

async function launch(): Promise<{ app: ElectronApplication; done: () => Promise<void> }> {
  const userData = mkdtempSync(join(tmpdir(), 'stillroom-electron-'));
  const app = await electron.launch({
    executablePath: electronBinary() as string,
    // --no-sandbox: CI's Ubuntu forbids the unprivileged user namespaces Chromium's sandbox needs
    // (the .deb installs an AppArmor profile for that; an unpacked test binary has none).
    args: [ROOT, `--user-data-dir=${userData}`, '--no-sandbox'],
    // Where no OS keychain is (CI), the data key goes to a key file: keep it out of the user's ~/.config.
    env: { ...process.env, STILLROOM_KEY_FILE: `${userData}.key` } as Record<string, string>,
  });
  return {
    app,
    done: async () => {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
      rmSync(`${userData}.key`, { force: true });
    },
  };
}

interface Voice {
  id: string;
  position: number;
  expected: number;
  gain: number;
}
const voices = (page: Page): Promise<Voice[]> =>
  page.evaluate(() =>
    JSON.parse(JSON.stringify((window as unknown as { __stillroomAudio?: { voices: Voice[] } }).__stillroomAudio?.voices ?? [])),
  );
const rmsDb = async (page: Page): Promise<number> => Number((await page.getByTestId('audio-meter').getAttribute('data-rms-db')) ?? '-120');
const soundFlows = (page: Page, message: string) => expect.poll(() => rmsDb(page), { timeout: 20_000, message }).toBeGreaterThan(-60);
/** How far the furthest voice is from where the timeline says it should be (s). */
const drift = async (page: Page): Promise<number> => {
  const v = await voices(page);
  return v.length ? Math.max(...v.map((x) => Math.abs(x.position - x.expected))) : Number.POSITIVE_INFINITY;
};

test('the desktop shell opens a window with the preload API and starts a session', async () => {
  test.skip(!electronBinary(), NO_BINARY);
  const { app, done } = await launch();
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
    await done();
  }
});

test('desktop media over stillroom://app: a late join seeks, a crossfade plays two tracks at once, a crashed page comes back in place', async () => {
  test.skip(!electronBinary(), NO_BINARY);
  test.setTimeout(150_000);
  const { app, done } = await launch();
  try {
    let win = await app.firstWindow();
    await win.getByRole('button', { name: 'Start session' }).click();
    await soundFlows(win, 'music should be audible in the desktop app');

    // Late join: once a track is some seconds in, reload the page; the player must seek there.
    await expect.poll(async () => Math.max(0, ...(await voices(win)).map((v) => v.position)), { timeout: 30_000 }).toBeGreaterThan(6);
    await win.reload();
    await expect
      .poll(() => drift(win), { timeout: 15_000, message: 'the reloaded player should seek to the planned offset' })
      .toBeLessThan(1.5);
    expect(Math.max(...(await voices(win)).map((v) => v.expected))).toBeGreaterThan(5); // a real seek, not a start from 0
    await soundFlows(win, 'sound should flow after the late join');

    // Crossfade: a skip overlaps the outgoing and the incoming track; both elements play.
    await win.getByRole('button', { name: 'Skip track' }).click();
    await expect.poll(async () => (await voices(win)).length, { timeout: 15_000, message: 'two tracks should sound together' }).toBe(2);
    const first = await voices(win);
    await expect
      .poll(
        async () => {
          const now = await voices(win);
          return (
            now.length === 2 &&
            now.every((v) => v.position > (first.find((f) => f.id === v.id)?.position ?? Number.POSITIVE_INFINITY) + 0.3)
          );
        },
        { timeout: 5_000, message: 'both elements should advance during the crossfade' },
      )
      .toBe(true);
    await soundFlows(win, 'sound should flow during the crossfade');

    // A crashed page: the shell reloads it and the music comes back where the clock says.
    const reloaded = win.waitForEvent('load');
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.forcefullyCrashRenderer());
    await reloaded;
    win = app.windows()[0] ?? win;
    await expect.poll(() => drift(win), { timeout: 20_000, message: 'after a crash the player should rejoin in place' }).toBeLessThan(1.5);
    await soundFlows(win, 'sound should flow again after a crash');
  } finally {
    await done();
  }
});
