/**
 * The browser host's cold start in Chromium, from starting `node out/main/serve.js`:
 * - to its address line (`host_start_to_ready_ms`; the server listens, the host's own modules
 *   still loading);
 * - to the page's first contentful paint (`host_cold_start_to_first_paint_ms`; the page opened
 *   the moment the address line appears, as a launcher would);
 * - to the start screen with its Start session button, which needs the host open
 *   (`host_cold_start_to_start_screen_ms`).
 * (Idle CPU is measured in audio.ts, on a long track with real output.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, removeDataDir, startHost, stopHost } from '../e2e/launcher';
import { chromiumSettled } from './procs';

export async function benchBrowser(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stillroom-bench-data-'));
  const { context, close } = await launchChromium();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('about:blank');
    await chromiumSettled(); // the browser was already open when the therapist starts Stillroom
    const t0 = performance.now();
    const host = await startHost(dataDir, ['--preset', 'demo-quick']);
    const ready = performance.now() - t0;
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Start session' }).waitFor();
    const startScreen = performance.now() - t0;
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);

    const firstPaint = ready + fcp;

    await stopHost(host);
    return {
      host_start_to_ready_ms: ready,
      host_cold_start_to_first_paint_ms: firstPaint,
      host_cold_start_to_start_screen_ms: startScreen,
    };
  } finally {
    await close();
    removeDataDir(dataDir);
  }
}
