/**
 * What a key press does on the panel, decided without the DOM (so a property test can type
 * thousands of sentences through it in Node). `ShortcutKeys` describes the focused element
 * as a `FocusKind`, asks `onKey`, and carries the outcome out.
 *
 * Its promise (issue 12): ordinary typing — letters in both cases, digits, punctuation,
 * spaces — never acts, whatever has focus. In a text field it types there; anywhere else it
 * goes into the Note box (when the live panel shows one) or nowhere. A focused button or
 * checkbox does not take Space either (Enter presses it), so a sentence typed with a button
 * focused cannot press it. Only F2 (Safe state on) and F4 (the Keys mode, then one key) act.
 * Auto-repeat never acts; the Keys mode closes after one key, on Escape, or after 5 s idle.
 */
import { type ActionId, type KeyLike, matchShortcut } from './keys';

/** What kind of element has the focus when a key is pressed. */
export type FocusKind =
  /** Nothing in particular (the page, a heading, the body). */
  | 'page'
  /** A button, a link, a summary: Enter presses it. */
  | 'button'
  /** A checkbox or a radio button. */
  | 'toggle'
  /** A drop-down list (letters would pick an option by its first letter). */
  | 'choice'
  /** A slider (arrow keys move it). */
  | 'slider'
  /** A field that takes text (the Note box included). */
  | 'text';

export interface KeyPress extends KeyLike {
  repeat: boolean;
}

export type KeyOutcome =
  /** Leave it to the browser: typing in a field, Tab, Enter on a button, arrows on a slider. */
  | { kind: 'pass' }
  /** It does nothing at all (its release is swallowed too). */
  | { kind: 'swallow' }
  /** The character goes into the Note box, which takes the focus. */
  | { kind: 'toNote'; text: string }
  /** A panel action. */
  | { kind: 'act'; action: ActionId }
  /** The Keys mode opened or closed (shown on screen). */
  | { kind: 'mode'; on: boolean };

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock']);

/** The Keys mode closes by itself after this long without a key. */
export const KEYS_MODE_MS = 5000;

/** One character of text: what a sentence is made of (a letter, digit, punctuation, a space, an accented letter). */
export function isTyping(k: KeyLike): boolean {
  if (k.ctrlKey || k.altKey || k.metaKey) return false;
  return [...k.key].length === 1;
}

export interface KeyContext {
  /** The live panel's Note box is on screen. */
  noteBox: boolean;
}

export class KeyHandler {
  private modeSince: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly onModeChange: (on: boolean) => void = () => undefined,
  ) {}

  /** The Keys mode is open now. */
  get mode(): boolean {
    if (this.modeSince !== null && this.now() - this.modeSince >= KEYS_MODE_MS) this.setMode(false);
    return this.modeSince !== null;
  }

  /** Closes the Keys mode (Escape, a click elsewhere, the privacy screen). */
  closeMode(): void {
    this.setMode(false);
  }

  private setMode(on: boolean): void {
    const was = this.modeSince !== null;
    this.modeSince = on ? this.now() : null;
    if (was !== on) this.onModeChange(on);
  }

  onKey(k: KeyPress, focus: FocusKind, ctx: KeyContext): KeyOutcome {
    const mode = this.mode;
    const action = matchShortcut(k, mode);

    if (action === 'keysMode') {
      if (k.repeat) return { kind: 'swallow' };
      this.setMode(!mode);
      return { kind: 'mode', on: !mode };
    }
    if (action === 'safeOn') return k.repeat ? { kind: 'swallow' } : { kind: 'act', action };

    if (mode) {
      if (k.key === 'Escape') {
        this.setMode(false);
        return { kind: 'mode', on: false };
      }
      // A modifier on its own (Shift before ] or a digit) waits for the key it goes with.
      if (MODIFIERS.has(k.key)) return { kind: 'pass' };
      if (k.repeat) return { kind: 'swallow' };
      this.setMode(false);
      if (action) return { kind: 'act', action };
      // Any other key closes the mode and does nothing else (not even type).
      return isTyping(k) || k.key === 'Enter' ? { kind: 'swallow' } : { kind: 'pass' };
    }

    if (!isTyping(k)) return { kind: 'pass' };
    if (focus === 'text') return { kind: 'pass' };
    // Typing anywhere else goes into the Note box (or nowhere): never into a button, a list or a toggle.
    return ctx.noteBox ? { kind: 'toNote', text: k.key } : { kind: 'swallow' };
  }
}
