/**
 * The desktop app's `stillroom://app` protocol as a page and its <audio> elements meet it:
 * the renderer's files, a track seeked with a Range, a range past the end, a track the session
 * does not have, another host, a path outside the renderer.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRequestHandler, registerAppScheme, SCHEME, setupProtocol } from '../../../electron/main/protocol';

const root = mkdtempSync(join(tmpdir(), 'stillroom-protocol-'));
const rendererDir = join(root, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Stillroom</title>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(root, 'secret.txt'), 'not for pages');
const track = join(root, 'music', 'Morning Field.mp4');
mkdirSync(join(root, 'music'));
writeFileSync(track, Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256)));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const handler = appRequestHandler({ rendererDir, mediaFile: (id) => (id === 'track 1' ? track : null) });
const get = (url: string, headers: Record<string, string> = {}) => handler(new Request(url, { headers }));

describe('stillroom://app', () => {
  it('registers a standard, secure, streaming scheme before ready, and handles it', () => {
    const registered: unknown[] = [];
    const handled: string[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (s) => registered.push(...s) });
    setupProtocol({ handle: (scheme) => handled.push(scheme) }, { rendererDir, mediaFile: () => null });
    expect(registered).toEqual([{ scheme: SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } }]);
    expect(handled).toEqual(['stillroom']);
  });

  it('serves the page and its scripts with their types', async () => {
    const page = get('stillroom://app/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>Stillroom</title>');
    const js = get('stillroom://app/assets/app.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(get('stillroom://app/').status).toBe(200);
  });

  it('plays a track from the start (200) and seeks with 206 and exactly the bytes asked for', async () => {
    const whole = get('stillroom://app/media/track%201');
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect((await whole.arrayBuffer()).byteLength).toBe(4096);

    const seek = get('stillroom://app/media/track%201', { range: 'bytes=1000-1009' });
    expect(seek.status).toBe(206);
    expect(seek.headers.get('content-range')).toBe('bytes 1000-1009/4096');
    expect([...new Uint8Array(await seek.arrayBuffer())]).toEqual([232, 233, 234, 235, 236, 237, 238, 239, 240, 241]);

    const tail = get('stillroom://app/media/track%201', { range: 'bytes=4000-' });
    expect((await tail.arrayBuffer()).byteLength).toBe(96);
  });

  it('answers 416 past the end, 404 for a track not in the session or a missing file', async () => {
    const past = get('stillroom://app/media/track%201', { range: 'bytes=5000-' });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */4096');
    expect(get('stillroom://app/media/other').status).toBe(404);
    expect(get('stillroom://app/missing.js').status).toBe(404);
  });

  it('refuses another host, a path outside the renderer and bad percent-encoding, and never shows the secret', async () => {
    expect(get('stillroom://evil/index.html').status).toBe(403);
    for (const p of ['/..%2Fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2F..%2Fsecret.txt']) {
      const r = get(`stillroom://app${p}`);
      expect([403, 404], p).toContain(r.status);
      expect(await r.text()).not.toContain('not for pages');
    }
    expect(get('stillroom://app/%E0').status).toBe(400);
  });
});
