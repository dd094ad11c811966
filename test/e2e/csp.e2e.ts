/**
 * The page's Content-Security-Policy (renderer/index.html: no 'unsafe-inline', no stray schemes,
 * the WebSocket only to its own origin) holds the whole app: in Chromium against the browser
 * host, a session starts, music flows through <audio> + Web Audio and the bridge connects,
 * with not one policy violation; the first frame is dark.
 */
import { expect, launchChromium, startHost, stopHost, test } from './launcher';

test('the app runs under its CSP without a single violation', async ({ dataDir }) => {
  const host = await startHost(dataDir, ['--preset', 'demo-quick']);
  const { context, close } = await launchChromium();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    const consoleViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) consoleViolations.push(m.text());
    });
    await page.goto(host.url);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/stillroom-media:|ws:\/\//);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(13, 15, 18)');

    await page.getByRole('button', { name: 'Start session' }).click();
    await expect(page.getByTestId('phase-name')).toBeVisible();
    await expect
      .poll(async () => Number((await page.getByTestId('audio-meter').getAttribute('data-rms-db')) ?? '-120'), {
        timeout: 20_000,
        message: 'music should flow under the policy',
      })
      .toBeGreaterThan(-60);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(consoleViolations).toEqual([]);
  } finally {
    await close();
    await stopHost(host);
  }
});
