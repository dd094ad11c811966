/**
 * The panel's keyboard: one listener that describes the focused element, asks the key handler
 * (panel/keyHandler.ts) what the press means and carries it out — typing into the Note box, an
 * action, the Keys mode, or nothing. Ordinary typing never acts. Escape closes what is open,
 * or leaves the text field being typed in. The privacy screen takes every key but F2 before
 * this listener sees it. Renders nothing.
 */
import { useEffect } from 'react';
import { type FocusKind, KEYS_MODE_MS, KeyHandler } from '../panel/keyHandler';
import { perform, typeIntoNote } from '../panel/perform';
import { useStore } from '../stores';

const TEXT_INPUTS = new Set([
  'text',
  'search',
  'number',
  'time',
  'date',
  'email',
  'tel',
  'url',
  'password',
  'datetime-local',
  'month',
  'week',
]);

/** What kind of element `el` is, for the key handler. */
export function focusKindOf(el: Element | null): FocusKind {
  if (!(el instanceof HTMLElement) || el === document.body || el === document.documentElement) return 'page';
  if (el.isContentEditable || el instanceof HTMLTextAreaElement) return 'text';
  if (el instanceof HTMLSelectElement) return 'choice';
  if (el instanceof HTMLInputElement) {
    if (TEXT_INPUTS.has(el.type)) return 'text';
    if (el.type === 'checkbox' || el.type === 'radio') return 'toggle';
    if (el.type === 'range') return 'slider';
    return 'button';
  }
  if (
    el instanceof HTMLButtonElement ||
    el instanceof HTMLAnchorElement ||
    el.tagName === 'SUMMARY' ||
    el.getAttribute('role') === 'button'
  ) {
    return 'button';
  }
  return 'page';
}

/** Typing in a field (the Escape key leaves it). */
export function typingIn(target: EventTarget | null): boolean {
  return target instanceof Element && focusKindOf(target) === 'text';
}

/** The one handler of this page (its Keys mode outlives re-renders). */
let handler: KeyHandler | null = null;
let modeTimer: ReturnType<typeof setTimeout> | null = null;

function keyHandler(): KeyHandler {
  if (!handler) {
    handler = new KeyHandler(
      () => performance.now(),
      (on) => {
        useStore.getState().setKeysMode(on);
        if (modeTimer) clearTimeout(modeTimer);
        modeTimer = on ? setTimeout(() => handler?.closeMode(), KEYS_MODE_MS) : null;
      },
    );
  }
  return handler;
}

const noteBoxShown = (): boolean => document.getElementById('note-input') instanceof HTMLTextAreaElement;

export function ShortcutKeys(): null {
  useEffect(() => {
    const keys = keyHandler();
    /** A key whose press was swallowed: its release is too (a focused button acts on Space's release). */
    let swallowUp: string | null = null;

    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.isComposing) return;
      const st = useStore.getState();
      if (st.privacyOn) return;
      if (e.key === 'Escape' && !keys.mode) {
        if (st.cheatSheetOpen) {
          e.preventDefault();
          st.setCheatSheet(false);
        } else if (st.endArmed) {
          e.preventDefault();
          st.setEndArmed(false);
        } else if (typingIn(e.target) && e.target instanceof HTMLElement) {
          e.target.blur();
        }
        return;
      }
      const out = keys.onKey(e, focusKindOf(e.target instanceof Element ? e.target : document.activeElement), { noteBox: noteBoxShown() });
      if (out.kind === 'pass') return;
      e.preventDefault();
      swallowUp = e.code || e.key;
      if (out.kind === 'toNote') typeIntoNote(out.text);
      else if (out.kind === 'act') void perform(out.action);
    };
    const onKeyUp = (e: KeyboardEvent): void => {
      if (swallowUp !== null && (e.code || e.key) === swallowUp) {
        swallowUp = null;
        e.preventDefault();
      }
    };
    /** A paste with nothing to paste into lands in the Note box (never cut: the box says when it is too long). */
    const onPaste = (e: ClipboardEvent): void => {
      if (typingIn(e.target) || !noteBoxShown()) return;
      const text = e.clipboardData?.getData('text/plain') ?? '';
      if (!text) return;
      e.preventDefault();
      typeIntoNote(text);
    };
    const onPointer = (): void => keys.closeMode();
    document.addEventListener('keydown', onKey);
    document.addEventListener('keyup', onKeyUp, true);
    document.addEventListener('paste', onPaste);
    document.addEventListener('pointerdown', onPointer, true);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('keyup', onKeyUp, true);
      document.removeEventListener('paste', onPaste);
      document.removeEventListener('pointerdown', onPointer, true);
    };
  }, []);
  return null;
}
