/**
 * Every keyboard shortcut of the panel, in one table: the cheat sheet is drawn from it and the
 * key handler (panel/keyHandler.ts) matches against it, so the two cannot disagree. Pure (no
 * DOM), so it is tested in Node.
 *
 * Ordinary typing never acts (issue 12): letters, digits, punctuation and spaces only ever
 * type. Two keys that no sentence contains do act:
 * - F2, the panic key: Safe state on, from anywhere, even while typing in a field;
 * - F4 opens the Keys mode (shown on screen): the next key acts once, by this table, and the
 *   mode closes (Escape or 5 s idle close it too).
 * No shortcut uses Enter, Space, Tab or Escape, nor Ctrl, Alt or Meta (menus, copy, the OS).
 */

export type ActionId =
  | 'safe'
  | 'safeOn'
  | 'keysMode'
  | 'dose'
  | 'advance'
  | 'hold'
  | 'extend1'
  | 'extend5'
  | 'shorten1'
  | 'shorten5'
  | 'skip'
  | 'end'
  | 'duck'
  | 'volumeDown'
  | 'volumeUp'
  | 'note'
  | 'tag1'
  | 'tag2'
  | 'tag3'
  | 'tag4'
  | 'tag5'
  | 'tag6'
  | 'tag7'
  | 'reminderDone'
  | 'reminderSnooze'
  | 'vitals'
  | 'privacy'
  | 'theme'
  | 'dimmer'
  | 'brighter'
  | 'compact'
  | 'miniPanel'
  | 'cheatSheet'
  | 'view1'
  | 'view2'
  | 'view3'
  | 'view4'
  | 'view5'
  | 'view6'
  | 'view7';

/** The parts of a KeyboardEvent the table looks at. */
export interface KeyLike {
  key: string;
  code: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

export interface Shortcut {
  action: ActionId;
  /** How the key is written on the cheat sheet. */
  keys: string;
  /** What it does, in the panel's words (the control's accessible name where there is one). */
  label: string;
  group: 'Session' | 'Music' | 'Notes and record' | 'Screen';
  /** Pressed on its own (F2, F4) rather than after F4. */
  direct?: true;
  match(k: KeyLike): boolean;
}

/** The panic key: Safe state on, wherever the focus is. */
export const PANIC_KEY = 'F2';
/** Opens the Keys mode: the next key acts once. */
export const MODE_KEY = 'F4';

const letter = (l: string, shift: boolean) => (k: KeyLike) => k.key.toLowerCase() === l && k.shiftKey === shift;
const code = (c: string, shift: boolean) => (k: KeyLike) => k.code === c && k.shiftKey === shift;

const fkey = (name: string) => (k: KeyLike) => k.key === name;

export const SHORTCUTS: readonly Shortcut[] = [
  {
    action: 'safeOn',
    keys: PANIC_KEY,
    label: 'Safe state on (from anywhere, even while typing)',
    group: 'Session',
    direct: true,
    match: fkey(PANIC_KEY),
  },
  {
    action: 'keysMode',
    keys: MODE_KEY,
    label: 'Keys: the next key below acts once (Escape cancels)',
    group: 'Session',
    direct: true,
    match: fkey(MODE_KEY),
  },
  { action: 'safe', keys: 'S', label: 'Safe state on / off', group: 'Session', match: letter('s', false) },
  { action: 'dose', keys: 'D', label: 'Dose given', group: 'Session', match: letter('d', false) },
  { action: 'advance', keys: 'A', label: 'Advance phase', group: 'Session', match: letter('a', false) },
  { action: 'hold', keys: 'H', label: 'Hold phase / Resume phase', group: 'Session', match: letter('h', false) },
  { action: 'extend1', keys: ']', label: 'Extend 1 minute', group: 'Session', match: code('BracketRight', false) },
  { action: 'extend5', keys: 'Shift+]', label: 'Extend 5 minutes', group: 'Session', match: code('BracketRight', true) },
  { action: 'shorten1', keys: '[', label: 'Shorten 1 minute', group: 'Session', match: code('BracketLeft', false) },
  { action: 'shorten5', keys: 'Shift+[', label: 'Shorten 5 minutes', group: 'Session', match: code('BracketLeft', true) },
  { action: 'end', keys: 'E', label: 'End session (then type END)', group: 'Session', match: letter('e', false) },
  { action: 'skip', keys: 'K', label: 'Skip track', group: 'Music', match: letter('k', false) },
  { action: 'duck', keys: 'M', label: 'Duck music (for speaking) on / off', group: 'Music', match: letter('m', false) },
  { action: 'volumeDown', keys: ',', label: 'Music quieter (3 dB)', group: 'Music', match: code('Comma', false) },
  { action: 'volumeUp', keys: '.', label: 'Music louder (3 dB, up to the plan)', group: 'Music', match: code('Period', false) },
  { action: 'note', keys: 'N', label: 'Write a note', group: 'Notes and record', match: letter('n', false) },
  { action: 'tag1', keys: '1', label: 'Quick note: Speaking', group: 'Notes and record', match: code('Digit1', false) },
  { action: 'tag2', keys: '2', label: 'Quick note: Tearful', group: 'Notes and record', match: code('Digit2', false) },
  { action: 'tag3', keys: '3', label: 'Quick note: Distress', group: 'Notes and record', match: code('Digit3', false) },
  { action: 'tag4', keys: '4', label: 'Quick note: Nausea', group: 'Notes and record', match: code('Digit4', false) },
  { action: 'tag5', keys: '5', label: 'Quick note: Insight', group: 'Notes and record', match: code('Digit5', false) },
  { action: 'tag6', keys: '6', label: 'Quick note: Bathroom', group: 'Notes and record', match: code('Digit6', false) },
  { action: 'tag7', keys: '7', label: 'Quick note: Music change', group: 'Notes and record', match: code('Digit7', false) },
  { action: 'reminderDone', keys: 'Y', label: 'Mark the due reminder done', group: 'Notes and record', match: letter('y', false) },
  { action: 'reminderSnooze', keys: 'Z', label: 'Snooze the due reminder 5 minutes', group: 'Notes and record', match: letter('z', false) },
  { action: 'vitals', keys: 'V', label: 'Record vitals', group: 'Notes and record', match: letter('v', false) },
  {
    action: 'privacy',
    keys: 'B',
    label: 'Privacy screen (any key or click brings the panel back)',
    group: 'Screen',
    match: letter('b', false),
  },
  { action: 'theme', keys: 'T', label: 'Theme: dark / night', group: 'Screen', match: letter('t', false) },
  { action: 'dimmer', keys: 'Shift+,', label: 'Panel dimmer', group: 'Screen', match: code('Comma', true) },
  { action: 'brighter', keys: 'Shift+.', label: 'Panel brighter', group: 'Screen', match: code('Period', true) },
  { action: 'compact', keys: 'C', label: 'Compact layout on / off', group: 'Screen', match: letter('c', false) },
  {
    action: 'miniPanel',
    keys: 'Shift+C',
    label: 'Mini panel, always on top (compact layout in a browser)',
    group: 'Screen',
    match: letter('c', true),
  },
  { action: 'cheatSheet', keys: '?', label: 'Keyboard shortcuts', group: 'Screen', match: (k) => k.key === '?' },
  { action: 'view1', keys: 'Shift+1', label: 'Session view', group: 'Screen', match: code('Digit1', true) },
  { action: 'view2', keys: 'Shift+2', label: 'Record view', group: 'Screen', match: code('Digit2', true) },
  { action: 'view3', keys: 'Shift+3', label: 'Report view', group: 'Screen', match: code('Digit3', true) },
  { action: 'view4', keys: 'Shift+4', label: 'Presets view', group: 'Screen', match: code('Digit4', true) },
  { action: 'view5', keys: 'Shift+5', label: 'Library view', group: 'Screen', match: code('Digit5', true) },
  { action: 'view6', keys: 'Shift+6', label: 'Lights view', group: 'Screen', match: code('Digit6', true) },
  { action: 'view7', keys: 'Shift+7', label: 'Settings view', group: 'Screen', match: code('Digit7', true) },
];

/**
 * The action a key asks for: a direct key (F2, F4) at any time, the others only in the Keys
 * mode. Presses with Ctrl, Alt or Meta are never ours (menus, copy, the browser, the OS).
 */
export function matchShortcut(k: KeyLike, mode: boolean): ActionId | null {
  if (k.ctrlKey || k.altKey || k.metaKey) return null;
  if (k.key === 'Enter' || k.key === ' ' || k.key === 'Tab' || k.key === 'Escape') return null;
  return SHORTCUTS.find((s) => (s.direct === true || mode) && s.match(k))?.action ?? null;
}

export function shortcutFor(action: ActionId): Shortcut | undefined {
  return SHORTCUTS.find((s) => s.action === action);
}

/** How the cheat sheet and the buttons write a key: "F2", or "F4 then S". */
export function keysText(action: ActionId): string | undefined {
  const s = shortcutFor(action);
  if (!s) return undefined;
  return s.direct ? s.keys : `${MODE_KEY} then ${s.keys}`;
}

/** For `aria-keyshortcuts`, which can name a key but not a sequence: only the direct keys. */
export function ariaKeys(action: ActionId): string | undefined {
  const s = shortcutFor(action);
  return s?.direct ? s.keys : undefined;
}
