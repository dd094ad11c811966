/** The shortcut table and the press guard: what a key does, what it never does. */
import { describe, expect, it } from 'vitest';
import { GUARD_MS, PressGuard } from '../../../renderer/src/lib/guard';
import { type KeyLike, matchShortcut, SHORTCUTS } from '../../../renderer/src/panel/keys';

const key = (k: Partial<KeyLike> & { key: string }): KeyLike => ({
  code: '',
  shiftKey: false,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  ...k,
});

describe('shortcuts', () => {
  it('map the panel’s keys', () => {
    expect(matchShortcut(key({ key: 's', code: 'KeyS' }))).toBe('safe');
    expect(matchShortcut(key({ key: 'D', code: 'KeyD', shiftKey: true }))).toBe('dose');
    expect(matchShortcut(key({ key: 'd', code: 'KeyD' }))).toBeNull();
    expect(matchShortcut(key({ key: ']', code: 'BracketRight' }))).toBe('extend1');
    expect(matchShortcut(key({ key: '}', code: 'BracketRight', shiftKey: true }))).toBe('extend5');
    expect(matchShortcut(key({ key: '[', code: 'BracketLeft' }))).toBe('shorten1');
    expect(matchShortcut(key({ key: '3', code: 'Digit3' }))).toBe('tag3');
    expect(matchShortcut(key({ key: '#', code: 'Digit3', shiftKey: true }))).toBe('view3');
    expect(matchShortcut(key({ key: '?', code: 'Slash', shiftKey: true }))).toBe('cheatSheet');
  });

  it('never use Enter, Space, Tab or Escape, nor anything with Ctrl, Alt or Meta', () => {
    for (const k of ['Enter', ' ', 'Tab', 'Escape']) expect(matchShortcut(key({ key: k }))).toBeNull();
    expect(matchShortcut(key({ key: 's', code: 'KeyS', ctrlKey: true }))).toBeNull();
    expect(matchShortcut(key({ key: 's', code: 'KeyS', altKey: true }))).toBeNull();
    expect(matchShortcut(key({ key: 's', code: 'KeyS', metaKey: true }))).toBeNull();
  });

  it('C toggles the compact layout; Shift+C the mini panel (the compact layout in a browser)', () => {
    expect(matchShortcut(key({ key: 'c', code: 'KeyC' }))).toBe('compact');
    expect(matchShortcut(key({ key: 'C', code: 'KeyC', shiftKey: true }))).toBe('miniPanel');
  });

  it('End session by key only arms the confirmation, and needs Shift', () => {
    expect(matchShortcut(key({ key: 'e', code: 'KeyE' }))).toBeNull();
    expect(matchShortcut(key({ key: 'E', code: 'KeyE', shiftKey: true }))).toBe('end');
  });

  it('has one key per action and no key doing two things', () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
    const keys = SHORTCUTS.map((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
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
