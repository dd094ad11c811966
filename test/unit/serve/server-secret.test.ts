import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, get, openBridge, SECRET, startTestServer, type TestServer } from './harness';

let t: TestServer;
let port: number;
beforeAll(async () => {
  t = await startTestServer();
  port = t.server.port;
});
afterAll(() => t?.close());

const framed = (a: Answer) => ({ xfo: a.headers['x-frame-options'], csp: a.headers['content-security-policy'] });

describe('the browser host lets in only pages that hold its secret', () => {
  it('serves the page itself without the secret (the address carries it to the page)', async () => {
    expect((await get(port, '/')).status).toBe(200);
    expect((await get(port, '/assets/app.js')).status).toBe(200);
  });

  it('refuses the session media without the secret or with a wrong one, saying what to open', async () => {
    const bare = await get(port, '/media/some-track');
    expect(bare.status).toBe(401);
    expect(bare.body).toContain('open the whole address the terminal printed');
    expect((await get(port, '/media/some-track?token=nope')).status).toBe(401);
    expect((await get(port, `/media/some-track?token=${SECRET.slice(1)}`)).status).toBe(401);
    // With the secret the request reaches the media lookup (no session: no such track).
    expect((await get(port, `/media/some-track?token=${SECRET}`)).status).toBe(404);
  });

  it('refuses the WebSocket without the secret: no state, no commands', async () => {
    expect(await openBridge(port, '')).toEqual({ refused: 401 });
    expect(await openBridge(port, '?token=')).toEqual({ refused: 401 });
    expect(await openBridge(port, `?token=${SECRET}x`)).toEqual({ refused: 401 });
    const ok = await openBridge(port, `?token=${SECRET}`);
    expect('first' in ok && JSON.parse(ok.first).kind).toBe('state');
    if ('ws' in ok) ok.ws.close();
  });

  it("refuses another site's page (another origin, or another port on 127.0.0.1), even with the secret", async () => {
    expect(await openBridge(port, `?token=${SECRET}`, { origin: 'http://127.0.0.1:8000' })).toEqual({ refused: 403 });
    expect(await openBridge(port, `?token=${SECRET}`, { origin: 'https://evil.example' })).toEqual({ refused: 403 });
    const crossSite = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' };
    expect((await get(port, '/assets/app.js', crossSite)).status).toBe(403);
    expect((await get(port, '/', { ...crossSite, 'sec-fetch-dest': 'iframe', 'sec-fetch-mode': 'navigate' })).status).toBe(403);
    expect((await get(port, `/media/x?token=${SECRET}`, { ...crossSite, 'sec-fetch-site': 'same-site' })).status).toBe(403);
    // The therapist following a link to the address is a top-level navigation: the page loads.
    const nav = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    expect((await get(port, '/', nav)).status).toBe(200);
    expect((await get(port, '/assets/app.js', { ...crossSite, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('forbids framing on every response, refusals included', async () => {
    const answers = [
      await get(port, '/'),
      await get(port, '/assets/app.js'),
      await get(port, '/media/x'),
      await get(port, `/media/x?token=${SECRET}`),
      await get(port, '/%E0'),
      await get(port, '/', {}, 'POST'),
      await get(port, '/', { host: 'evil.example' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 404, 400, 405, 421]);
    for (const a of answers) expect(framed(a)).toEqual({ xfo: 'DENY', csp: "frame-ancestors 'none'" });
  });
});
