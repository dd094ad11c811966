/**
 * The few places Stillroom reaches into howler's internals, typed and kept here.
 *
 * - howler has no public way to get the `<audio>` element behind an html5 sound, and the
 *   hybrid recipe needs it to route the element through Web Audio.
 * - It warns ("pool exhausted") whenever it makes an element itself while audio is not
 *   "unlocked"; since we turn its unlocker off (it would close the AudioContext under us when
 *   the rate isn't 44.1 kHz), we hand it elements for its pool instead.
 * - On unload it points the element at a `data:` URI of silence, which the page's CSP
 *   (`media-src 'self'`) refuses with a console error; we release the element the standard way.
 * - On unload it puts the element back in its pool for the next Howl. Every voice gets a new
 *   element instead: a reused element — with its `MediaElementAudioSourceNode`, which can only
 *   be made once per element — carried something of the file it played before, and the next
 *   file then sounded 4–5 ms off where its reported position put it. In the recorded output
 *   (`npm run bench`, 25 crossfade starts a run) every run had one Opus start 6.2–7.3 ms early
 *   against ±3 ms for the rest (4 of 4 runs); with a new element every time, 1 run of 3 still
 *   had one (6.3 ms), the other two were all within 2.8 ms. A released element is left to the
 *   garbage collector.
 *
 * howler is pinned to 2.2.4 exactly; `test/unit/audio/howl-internals.test.ts` runs each of
 * these against the installed howler and fails by name when an update breaks one.
 */
import { type Howl, Howler } from 'howler';

interface SoundInternals {
  _node?: unknown;
}
interface HowlInternals {
  _sounds?: SoundInternals[];
  _clearSound?: (node: HTMLMediaElement) => void;
}
interface HowlerInternals {
  _html5AudioPool?: Array<HTMLAudioElement & { _unlocked?: boolean }>;
}

/** The `<audio>` element of an html5 Howl's first sound, or null. */
export function mediaElementOf(howl: Howl): HTMLAudioElement | null {
  const node = (howl as unknown as HowlInternals)._sounds?.[0]?._node;
  return node instanceof HTMLAudioElement ? node : null;
}

/** Makes sure howler's html5 element pool has an element for the next Howl. */
export function provideHtml5Element(): void {
  const pool = (Howler as unknown as HowlerInternals)._html5AudioPool;
  if (!Array.isArray(pool) || pool.length > 0) return;
  const el: HTMLAudioElement & { _unlocked?: boolean } = new Audio();
  el._unlocked = true;
  pool.push(el);
}

/**
 * Makes `howl.unload()` release its element by removing the source (no `data:` URI, no CSP
 * error), and keeps the element out of howler's pool (it pools only elements marked unlocked).
 */
export function releaseElementsQuietly(howl: Howl): void {
  (howl as unknown as HowlInternals)._clearSound = (node) => {
    node.removeAttribute('src');
    node.load();
    (node as HTMLAudioElement & { _unlocked?: boolean })._unlocked = false;
  };
}
