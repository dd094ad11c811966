/** Benchmarks that need the browser host and Chromium: cold start to first paint, idle CPU. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, removeDataDir, startHost, stopHost } from '../e2e/launcher';
import { idleCpu } from './procs';

export async function benchBrowser(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stillroom-bench-data-'));
  const { context, close } = await launchChromium();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('about:blank');
    const t0 = performance.now();
    const host = await startHost(dataDir, ['--preset', 'demo-quick']);
    const ready = performance.now() - t0;
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Start session' }).waitFor();
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);

    const firstPaint = ready + fcp;

    await page.getByRole('button', { name: 'Start session' }).click();
    await page.getByTestId('phase-name').waitFor();
    await page.getByRole('button', { name: 'Dose given' }).click();
    await page.waitForTimeout(5_000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metric = async (): Promise<Record<string, number>> => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
      return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
    };
    const a = await metric();
    // 60 s of a session idling on a long track, measured by the OS (/proc) for the page's
    // renderer and for every Chromium process (the audio service included), and by CDP.
    const windowS = 60;
    const os = await idleCpu(windowS * 1000);
    const b = await metric();
    const taskS = (b.TaskDuration ?? 0) - (a.TaskDuration ?? 0);
    const scriptS = (b.ScriptDuration ?? 0) - (a.ScriptDuration ?? 0);
    await stopHost(host);
    return {
      host_start_to_ready_ms: ready,
      host_cold_start_to_first_paint_ms: firstPaint,
      renderer_cpu_idle_session_pct_of_core: os.rendererPct,
      chromium_cpu_idle_session_pct_of_core: os.chromiumPct,
      renderer_task_idle_session_pct_of_core: (taskS / windowS) * 100,
      renderer_script_idle_session_pct_of_core: (scriptS / windowS) * 100,
      renderer_js_heap_mb: (b.JSHeapUsedSize ?? 0) / 1024 / 1024,
    };
  } finally {
    await close();
    removeDataDir(dataDir);
  }
}
