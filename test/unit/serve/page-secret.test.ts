import { describe, expect, it } from 'vitest';
import { bridgeUrl, type SecretPage, takeSecret } from '../../../renderer/src/bridge/secret';

/** A page at `href` with a history and a sessionStorage that record what the code does. */
function page(href: string, stored: Record<string, string> = {}, storageWorks = true) {
  const shown = { href };
  const store = new Map(Object.entries(stored));
  const p: SecretPage = {
    location: shown,
    history: {
      state: { s: 1 },
      replaceState: (_d, _u, url) => {
        shown.href = new URL(url, shown.href).href;
      },
    },
    storage: storageWorks
      ? { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) }
      : {
          getItem: () => {
            throw new Error('denied');
          },
          setItem: () => {
            throw new Error('denied');
          },
        },
  };
  return { p, shown, store };
}

describe("the page keeps the host's secret for its session", () => {
  it('takes the secret from the printed address, keeps it, and removes it from the address bar', () => {
    const { p, shown, store } = page('http://127.0.0.1:5170/?token=abc_DEF-123');
    expect(takeSecret(p)).toBe('abc_DEF-123');
    expect(shown.href).toBe('http://127.0.0.1:5170/');
    expect([...store.values()]).toEqual(['abc_DEF-123']);
  });

  it('keeps the rest of the address (other parameters, the fragment)', () => {
    const { p, shown } = page('http://127.0.0.1:5170/?mini=1&token=abc#notes');
    expect(takeSecret(p)).toBe('abc');
    expect(shown.href).toBe('http://127.0.0.1:5170/?mini=1#notes');
  });

  it('after a reload (address without it), uses the one kept for this tab', () => {
    const first = page('http://127.0.0.1:5170/?token=abc');
    takeSecret(first.p);
    const reloaded = page('http://127.0.0.1:5170/', Object.fromEntries(first.store));
    expect(takeSecret(reloaded.p)).toBe('abc');
    expect(reloaded.shown.href).toBe('http://127.0.0.1:5170/');
  });

  it('a newer address wins over a kept secret (the host was started with --new-secret)', () => {
    const { p, store } = page('http://127.0.0.1:5170/?token=new', { 'stillroom.secret': 'old' });
    expect(takeSecret(p)).toBe('new');
    expect([...store.values()]).toEqual(['new']);
  });

  it('without any secret it answers empty (the host will refuse and the page says it cannot connect)', () => {
    expect(takeSecret(page('http://127.0.0.1:5170/').p)).toBe('');
  });

  it('works for this load when storage is refused', () => {
    const { p, shown } = page('http://127.0.0.1:5170/?token=abc', {}, false);
    expect(takeSecret(p)).toBe('abc');
    expect(shown.href).toBe('http://127.0.0.1:5170/');
    expect(takeSecret(page('http://127.0.0.1:5170/', {}, false).p)).toBe('');
  });

  it('puts the secret on the bridge address, escaped', () => {
    expect(bridgeUrl('127.0.0.1:5170', 'a b')).toBe('ws://127.0.0.1:5170/bridge?token=a%20b');
  });
});
