/**
 * The browser host's secret and its walls, in a real Chromium: the page opened from the
 * printed address keeps the secret and hides it; a page of another origin (here another port
 * on 127.0.0.1, the hardest case: same site, and it even knows the secret) can neither frame
 * the panel nor reach the bridge or the media; a WebSocket without the secret gets nothing,
 * even from the panel's own origin.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, launchChromium, test } from './launcher';

/** A page served from another origin, written by an attacker who knows the host's address. */
async function foreignSite(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** In the page: opens a WebSocket and reports whether it opened and what it received, once it is closed. */
const probeSocket = (url: string) =>
  new Promise<{ opened: boolean; messages: number; closed: boolean }>((resolve) => {
    const seen = { opened: false, messages: 0, closed: false };
    const ws = new WebSocket(url);
    ws.onopen = () => {
      seen.opened = true;
    };
    ws.onmessage = () => {
      seen.messages++;
    };
    ws.onclose = () => {
      seen.closed = true;
      resolve(seen);
    };
  });

test('the page keeps the secret for its session and hides it from the address bar', async ({ app, host }) => {
  await expect(app.getByRole('button', { name: 'Start session' })).toBeVisible();
  expect(app.url()).toBe(`${host.origin}/`);
  expect(await app.evaluate(() => sessionStorage.getItem('stillroom.secret'))).toBe(host.secret);
  // A reload (address without the secret) still connects: the start view fills from the host.
  await app.reload();
  await expect(app.getByRole('button', { name: 'Start session' })).toBeEnabled();
});

test('a WebSocket or a media request without the secret gets nothing, even from the panel origin', async ({ app, host }) => {
  await expect(app.getByRole('button', { name: 'Start session' })).toBeVisible();
  const bare = await app.evaluate(probeSocket, `ws://127.0.0.1:${new URL(host.origin).port}/bridge`);
  expect(bare).toEqual({ opened: false, messages: 0, closed: true });
  const wrong = await app.evaluate(probeSocket, `ws://127.0.0.1:${new URL(host.origin).port}/bridge?token=guess`);
  expect(wrong).toEqual({ opened: false, messages: 0, closed: true });
  const media = await app.evaluate(async () => (await fetch('/media/anything')).status);
  expect(media).toBe(401);
  // The same page with the secret is let in (so the refusals above are the secret's doing).
  const withSecret = await app.evaluate(
    ([url]) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url as string);
        ws.onmessage = () => {
          ws.close();
          resolve(1);
        };
        ws.onclose = () => resolve(0);
      }),
    [`ws://127.0.0.1:${new URL(host.origin).port}/bridge?token=${host.secret}`],
  );
  expect(withSecret).toBe(1);
});

test('a page of another origin can neither frame the panel nor reach the host, even knowing the secret', async ({ host }, testInfo) => {
  const bridge = `ws://127.0.0.1:${new URL(host.origin).port}/bridge?token=${host.secret}`;
  const site = await foreignSite(`<!doctype html><title>Nice page</title>
    <iframe id="panel" src="${host.url}" width="800" height="600"></iframe>
    <img id="img" src="${host.origin}/media/anything?token=${host.secret}">
    <script src="${host.origin}/assets/none.js"></script>`);
  const { context, close } = await launchChromium();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const statuses: Array<{ url: string; status: number }> = [];
    page.on('response', (r) => {
      if (r.url().startsWith(host.origin)) statuses.push({ url: r.url(), status: r.status() });
    });
    await page.goto(site.url);

    // The frame is refused (X-Frame-Options / frame-ancestors): Chromium shows its error page, not the panel.
    await expect
      .poll(() =>
        page
          .frames()
          .find((f) => f !== page.mainFrame())
          ?.url(),
      )
      .toMatch(/^chrome-error:/);
    await expect(page.frameLocator('#panel').getByRole('button', { name: 'Start session' })).toHaveCount(0);

    // The bridge refuses its WebSocket (Origin is not the host's), and no data arrives.
    expect(await page.evaluate(probeSocket, bridge)).toEqual({ opened: false, messages: 0, closed: true });
    // Media and even the renderer's static files refuse a cross-origin page's requests.
    const fetched = await page.evaluate(async (url) => {
      try {
        await fetch(url);
        return 'read';
      } catch {
        return 'refused';
      }
    }, `${host.origin}/media/anything?token=${host.secret}`);
    expect(fetched).toBe('refused');
    await expect.poll(() => statuses.filter((s) => s.url.includes('/media/')).map((s) => s.status)).toContain(403);
    expect(
      statuses.every((s) => s.status === 403),
      JSON.stringify(statuses),
    ).toBe(true);
    testInfo.annotations.push({ type: 'answers', description: JSON.stringify(statuses) });
  } finally {
    await close();
    await site.close();
  }
});
