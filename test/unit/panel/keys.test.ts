/** The shortcut table, the key handler and the press guard: what a key does, and that typing never acts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GUARD_MS, PressGuard } from '../../../renderer/src/lib/guard';
import { type FocusKind, KEYS_MODE_MS, KeyHandler, type KeyOutcome, type KeyPress } from '../../../renderer/src/panel/keyHandler';
import { keysText, matchShortcut, SHORTCUTS } from '../../../renderer/src/panel/keys';

const key = (k: Partial<KeyPress> & { key: string }): KeyPress => ({
  code: '',
  shiftKey: false,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  repeat: false,
  ...k,
});

/** How a US keyboard reports a character: its key, its physical code, and Shift. */
const CODES: Record<string, string> = {
  '`': 'Backquote',
  '-': 'Minus',
  '=': 'Equal',
  '[': 'BracketLeft',
  ']': 'BracketRight',
  '\\': 'Backslash',
  ';': 'Semicolon',
  "'": 'Quote',
  ',': 'Comma',
  '.': 'Period',
  '/': 'Slash',
};
/** Shifted characters and the unshifted key they are on. */
const SHIFTED: Record<string, string> = {
  '~': '`',
  '!': '1',
  '@': '2',
  '#': '3',
  $: '4',
  '%': '5',
  '^': '6',
  '&': '7',
  '*': '8',
  '(': '9',
  ')': '0',
  _: '-',
  '+': '=',
  '{': '[',
  '}': ']',
  '|': '\\',
  ':': ';',
  '"': "'",
  '<': ',',
  '>': '.',
  '?': '/',
};
const codeOf = (ch: string): string => (/^[0-9]$/.test(ch) ? `Digit${ch}` : (CODES[ch] ?? 'Backquote'));

function pressFor(ch: string): KeyPress {
  if (ch === ' ') return key({ key: ' ', code: 'Space' });
  if (/^[a-z]$/.test(ch)) return key({ key: ch, code: `Key${ch.toUpperCase()}` });
  if (/^[A-Z]$/.test(ch)) return key({ key: ch, code: `Key${ch}`, shiftKey: true });
  const base = SHIFTED[ch];
  if (base !== undefined) return key({ key: ch, code: codeOf(base), shiftKey: true });
  if (/^[0-9]$/.test(ch) || CODES[ch]) return key({ key: ch, code: codeOf(ch) });
  // Accented letters and other text (é, ß, ü, –): one character on some layout.
  return key({ key: ch, code: 'KeyE' });
}

const FOCUS: FocusKind[] = ['page', 'button', 'toggle', 'choice', 'slider', 'text'];

function fakeClock(start = 1000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('shortcut table', () => {
  it('F2 and F4 act on their own; the others only in the Keys mode', () => {
    expect(matchShortcut(key({ key: 'F2', code: 'F2' }), false)).toBe('safeOn');
    expect(matchShortcut(key({ key: 'F4', code: 'F4' }), false)).toBe('keysMode');
    expect(matchShortcut(key({ key: 's', code: 'KeyS' }), false)).toBeNull();
    expect(matchShortcut(key({ key: 's', code: 'KeyS' }), true)).toBe('safe');
    expect(matchShortcut(key({ key: 'd', code: 'KeyD' }), true)).toBe('dose');
    expect(matchShortcut(key({ key: ']', code: 'BracketRight' }), true)).toBe('extend1');
    expect(matchShortcut(key({ key: '}', code: 'BracketRight', shiftKey: true }), true)).toBe('extend5');
    expect(matchShortcut(key({ key: '3', code: 'Digit3' }), true)).toBe('tag3');
    expect(matchShortcut(key({ key: '#', code: 'Digit3', shiftKey: true }), true)).toBe('view3');
    expect(matchShortcut(key({ key: '?', code: 'Slash', shiftKey: true }), true)).toBe('cheatSheet');
    expect(matchShortcut(key({ key: 'C', code: 'KeyC', shiftKey: true }), true)).toBe('miniPanel');
  });

  it('never uses Enter, Space, Tab or Escape, nor anything with Ctrl, Alt or Meta', () => {
    for (const mode of [false, true]) {
      for (const k of ['Enter', ' ', 'Tab', 'Escape']) expect(matchShortcut(key({ key: k }), mode)).toBeNull();
      for (const mod of ['ctrlKey', 'altKey', 'metaKey'] as const) {
        expect(matchShortcut(key({ key: 's', code: 'KeyS', [mod]: true }), mode)).toBeNull();
        expect(matchShortcut(key({ key: 'F2', code: 'F2', [mod]: true }), mode)).toBeNull();
      }
    }
  });

  it('has one key per action, and writes mode keys as "F4 then …"', () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
    const keys = SHORTCUTS.map((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keysText('safeOn')).toBe('F2');
    expect(keysText('dose')).toBe('F4 then D');
  });

  it('no direct key is something a sentence contains', () => {
    for (const s of SHORTCUTS.filter((x) => x.direct)) expect([...s.keys].length).toBeGreaterThan(1);
  });
});

describe('key handler', () => {
  it('F2 turns safe state on from anywhere, even while typing in a field; its auto-repeat does nothing', () => {
    const h = new KeyHandler(fakeClock().now);
    for (const f of FOCUS) expect(h.onKey(key({ key: 'F2', code: 'F2' }), f, { noteBox: true })).toEqual({ kind: 'act', action: 'safeOn' });
    expect(h.onKey(key({ key: 'F2', code: 'F2', repeat: true }), 'page', { noteBox: true })).toEqual({ kind: 'swallow' });
  });

  it('F4 opens the Keys mode (shown), the next key acts once and the mode closes', () => {
    const shown: boolean[] = [];
    const h = new KeyHandler(fakeClock().now, (on) => shown.push(on));
    expect(h.onKey(key({ key: 'F4', code: 'F4' }), 'text', { noteBox: true })).toEqual({ kind: 'mode', on: true });
    expect(h.mode).toBe(true);
    // Shift on its own waits for the key it goes with.
    expect(h.onKey(key({ key: 'Shift', code: 'ShiftLeft', shiftKey: true }), 'text', { noteBox: true })).toEqual({ kind: 'pass' });
    expect(h.onKey(key({ key: 'd', code: 'KeyD' }), 'text', { noteBox: true })).toEqual({ kind: 'act', action: 'dose' });
    expect(h.mode).toBe(false);
    expect(h.onKey(key({ key: 'd', code: 'KeyD' }), 'text', { noteBox: true })).toEqual({ kind: 'pass' });
    expect(shown).toEqual([true, false]);
  });

  it('in the Keys mode, Escape, a key that is no shortcut, or 5 s without a key close it and nothing acts', () => {
    const clock = fakeClock();
    const h = new KeyHandler(clock.now);
    h.onKey(key({ key: 'F4' }), 'page', { noteBox: true });
    expect(h.onKey(key({ key: 'Escape' }), 'page', { noteBox: true })).toEqual({ kind: 'mode', on: false });
    h.onKey(key({ key: 'F4' }), 'page', { noteBox: true });
    expect(h.onKey(key({ key: 'q', code: 'KeyQ' }), 'page', { noteBox: true })).toEqual({ kind: 'swallow' });
    expect(h.mode).toBe(false);
    h.onKey(key({ key: 'F4' }), 'page', { noteBox: true });
    clock.advance(KEYS_MODE_MS);
    expect(h.onKey(key({ key: 's', code: 'KeyS' }), 'page', { noteBox: true })).toEqual({ kind: 'toNote', text: 's' });
    // F4 twice closes it too.
    h.onKey(key({ key: 'F4' }), 'page', { noteBox: true });
    expect(h.onKey(key({ key: 'F4' }), 'page', { noteBox: true })).toEqual({ kind: 'mode', on: false });
  });

  it('a key held down in the Keys mode acts once', () => {
    const h = new KeyHandler(fakeClock().now);
    h.onKey(key({ key: 'F4' }), 'page', { noteBox: true });
    expect(h.onKey(key({ key: 'k', code: 'KeyK', repeat: true }), 'page', { noteBox: true })).toEqual({ kind: 'swallow' });
    expect(h.onKey(key({ key: 'k', code: 'KeyK' }), 'page', { noteBox: true })).toEqual({ kind: 'act', action: 'skip' });
    expect(h.onKey(key({ key: 'k', code: 'KeyK', repeat: true }), 'page', { noteBox: true })).toEqual({ kind: 'toNote', text: 'k' });
  });

  it('typing goes into the field being typed in, else into the Note box, else nowhere; Space never presses a button', () => {
    const h = new KeyHandler(fakeClock().now);
    expect(h.onKey(pressFor('c'), 'text', { noteBox: true })).toEqual({ kind: 'pass' });
    expect(h.onKey(pressFor('c'), 'page', { noteBox: true })).toEqual({ kind: 'toNote', text: 'c' });
    expect(h.onKey(pressFor(' '), 'button', { noteBox: true })).toEqual({ kind: 'toNote', text: ' ' });
    expect(h.onKey(pressFor(' '), 'button', { noteBox: false })).toEqual({ kind: 'swallow' });
    expect(h.onKey(pressFor('T'), 'choice', { noteBox: false })).toEqual({ kind: 'swallow' });
    expect(h.onKey(key({ key: 'Enter' }), 'button', { noteBox: true })).toEqual({ kind: 'pass' });
    expect(h.onKey(key({ key: 'ArrowUp' }), 'slider', { noteBox: true })).toEqual({ kind: 'pass' });
    expect(h.onKey(key({ key: 'c', code: 'KeyC', ctrlKey: true }), 'page', { noteBox: true })).toEqual({ kind: 'pass' });
  });

  it('property: thousands of sentences typed with any focus, held keys and stray Shift presses send nothing', () => {
    const text = fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?\'"-()[]{}/\\&@#%*+=_<>|~`^$éüßñ–…'.split(''),
    );
    const typed = fc.record({
      ch: text,
      focus: fc.constantFrom(...FOCUS),
      noteBox: fc.boolean(),
      repeats: fc.nat({ max: 3 }),
      shiftFirst: fc.boolean(),
      gapMs: fc.nat({ max: 8000 }),
    });
    let keysTyped = 0;
    fc.assert(
      fc.property(fc.array(typed, { minLength: 1, maxLength: 120 }), (sentence) => {
        const clock = fakeClock();
        const modes: boolean[] = [];
        const h = new KeyHandler(clock.now, (on) => modes.push(on));
        const outcomes: KeyOutcome[] = [];
        for (const t of sentence) {
          clock.advance(t.gapMs);
          const ctx = { noteBox: t.noteBox };
          const p = pressFor(t.ch);
          if (t.shiftFirst && p.shiftKey) outcomes.push(h.onKey(key({ key: 'Shift', code: 'ShiftLeft', shiftKey: true }), t.focus, ctx));
          outcomes.push(h.onKey(p, t.focus, ctx));
          for (let r = 0; r < t.repeats; r++) outcomes.push(h.onKey({ ...p, repeat: true }, t.focus, ctx));
          keysTyped++;
          // Where the text went: the field being typed in, or the Note box, or nowhere.
          const last = outcomes.at(-1);
          if (t.focus === 'text') expect(last).toEqual({ kind: 'pass' });
          else expect(last).toEqual(t.noteBox ? { kind: 'toNote', text: t.ch } : { kind: 'swallow' });
        }
        expect(outcomes.filter((o) => o.kind === 'act' || o.kind === 'mode')).toEqual([]);
        expect(modes).toEqual([]);
      }),
      { numRuns: 2000 },
    );
    expect(keysTyped).toBeGreaterThan(10_000);
  });
});

describe('press guard', () => {
  it('ignores a second press of the same control within the guard time, not other controls', () => {
    const g = new PressGuard();
    expect(g.press('skip', 1000)).toBe(true);
    expect(g.press('skip', 1000 + GUARD_MS - 1)).toBe(false);
    expect(g.press('safe', 1200)).toBe(true);
    // An ignored press does not extend the window.
    expect(g.press('skip', 1000 + GUARD_MS)).toBe(true);
  });

  it('a press long after acts again; reset forgets', () => {
    const g = new PressGuard(1500);
    expect(g.press('hold', 0)).toBe(true);
    expect(g.press('hold', 100)).toBe(false);
    g.reset('hold');
    expect(g.press('hold', 200)).toBe(true);
    expect(g.press('hold', 5000)).toBe(true);
  });
});
