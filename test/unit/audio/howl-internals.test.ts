/**
 * Each reach into howler's internals (renderer/src/audio/howlInternals.ts) against the howler
 * that is installed, run in Node with a stand-in `<audio>` element that records what is done
 * to it. If a howler update renames `_sounds[]._node`, `_html5AudioPool` or `_clearSound`, or
 * stops using them the way the patches assume, one of these fails by name. (The recorded-output
 * end-to-end tests prove the same elements really play in Chromium.)
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

/** What a test needs from an `<audio>` element: attributes, listeners, load/play calls. */
class FakeAudio extends EventTarget {
  static made = 0;
  readonly attrs = new Map<string, string>();
  readonly srcHistory: string[] = [];
  loads = 0;
  preload = '';
  volume = 1;
  muted = false;
  oncanplaythrough: null = null;
  _unlocked?: boolean;
  constructor() {
    super();
    FakeAudio.made++;
  }
  get src(): string {
    return this.attrs.get('src') ?? '';
  }
  set src(v: string) {
    this.attrs.set('src', v);
    this.srcHistory.push(v);
  }
  removeAttribute(name: string): void {
    this.attrs.delete(name);
  }
  getAttribute(name: string): string | null {
    return this.attrs.get(name) ?? null;
  }
  load(): void {
    this.loads++;
  }
  canPlayType(): string {
    return 'probably';
  }
  play(): Promise<void> {
    return Promise.reject(new Error('not allowed (test stand-in)'));
  }
  pause(): void {}
}

/** howlInternals.ts as seen from here (it needs DOM types, which the Node type-check does not have). */
interface Internals {
  mediaElementOf(howl: unknown): unknown;
  provideHtml5Element(): void;
  releaseElementsQuietly(howl: unknown): void;
}
const INTERNALS = '../../../renderer/src/audio/howlInternals';
type HowlerModule = typeof import('howler');
let internals: Internals;
let howler: HowlerModule;

beforeAll(async () => {
  const g = globalThis as Record<string, unknown>;
  g.Audio = FakeAudio;
  g.HTMLAudioElement = FakeAudio;
  g.window ??= { location: { protocol: 'http:' } };
  howler = await import('howler');
  internals = (await import(/* @vite-ignore */ INTERNALS)) as Internals;
});

afterEach(() => {
  vi.restoreAllMocks();
  for (const h of [...(howler.Howler as unknown as { _howls: Array<{ unload(): void }> })._howls]) h.unload();
});

const newHowl = () => new howler.Howl({ src: ['/media/1-track'], format: ['ogg'], html5: true, preload: true });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('howler internals Stillroom relies on', () => {
  it('is the howler version the patches were checked against, pinned exactly', () => {
    const require = createRequire(import.meta.url);
    const root = join(import.meta.dirname, '..', '..', '..');
    const pinned = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies
      .howler;
    expect((require('howler/package.json') as { version: string }).version).toBe('2.2.4');
    expect(pinned, 'package.json must pin howler exactly').toBe('2.2.4');
  });

  it('mediaElementOf: an html5 Howl keeps its <audio> element at _sounds[0]._node', () => {
    internals.provideHtml5Element();
    const howl = newHowl();
    const el = internals.mediaElementOf(howl);
    expect(el, 'no element found: howler moved _sounds[]._node').toBeInstanceOf(FakeAudio);
    // It is the element howler is loading the file into.
    expect((el as unknown as FakeAudio).src).toBe('/media/1-track');
    expect((el as unknown as FakeAudio).loads).toBeGreaterThan(0);
  });

  it('provideHtml5Element: the next Howl takes our element from _html5AudioPool, without the "pool exhausted" warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // Without the patch howler makes an element itself and warns (the behaviour the patch avoids).
    const pool = (howler.Howler as unknown as { _html5AudioPool: unknown[] })._html5AudioPool;
    expect(Array.isArray(pool), 'howler moved _html5AudioPool').toBe(true);
    pool.splice(0);
    newHowl();
    await settle();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/pool exhausted/));
    warn.mockClear();

    pool.splice(0);
    internals.provideHtml5Element();
    expect(pool).toHaveLength(1);
    const given = pool[0];
    const howl = newHowl();
    await settle();
    expect(internals.mediaElementOf(howl)).toBe(given);
    expect(pool).toHaveLength(0);
    expect(warn).not.toHaveBeenCalled();
    // A second call with an element already waiting adds nothing.
    internals.provideHtml5Element();
    internals.provideHtml5Element();
    expect(pool).toHaveLength(1);
  });

  it('releaseElementsQuietly: unload() removes the source and reloads, never pointing the element at a data: URI', () => {
    internals.provideHtml5Element();
    const howl = newHowl();
    const el = internals.mediaElementOf(howl) as unknown as FakeAudio;
    const loadsBefore = el.loads;
    const seenBefore = el.srcHistory.length; // look only at what unload does
    internals.releaseElementsQuietly(howl);
    howl.unload();
    expect(el.getAttribute('src'), 'the element still has a source after unload').toBeNull();
    expect(el.loads).toBe(loadsBefore + 1);
    expect(
      el.srcHistory.slice(seenBefore).some((s) => s.startsWith('data:')),
      'howler set its data: URI (our _clearSound was bypassed)',
    ).toBe(false);

    // Unpatched, howler would set its data: URI: the patch is what prevents it.
    internals.provideHtml5Element();
    const plain = newHowl();
    const plainEl = internals.mediaElementOf(plain) as unknown as FakeAudio;
    plain.unload();
    expect(plainEl.srcHistory.at(-1)).toMatch(/^data:audio\/wav/);
  });

  it('releaseElementsQuietly: a released element never goes back to the pool, so every voice gets a new one', async () => {
    const pool = (howler.Howler as unknown as { _html5AudioPool: unknown[] })._html5AudioPool;
    pool.splice(0);
    internals.provideHtml5Element();
    const first = newHowl();
    const firstEl = internals.mediaElementOf(first);
    internals.releaseElementsQuietly(first);
    first.unload();
    expect(pool, "the released element went back to howler's pool").not.toContain(firstEl);
    internals.provideHtml5Element();
    const second = newHowl();
    await settle();
    expect(internals.mediaElementOf(second)).toBeInstanceOf(FakeAudio);
    expect(internals.mediaElementOf(second)).not.toBe(firstEl);

    // Unpatched, howler pools it and hands it to the next Howl.
    internals.provideHtml5Element();
    const plain = newHowl();
    const plainEl = internals.mediaElementOf(plain);
    pool.splice(0);
    plain.unload();
    expect(pool).toContain(plainEl);
  });
});
