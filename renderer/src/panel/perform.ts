/**
 * What each control does, shared by its button and its key, behind the press guard: a second
 * press of the same control within 1.5 s is ignored and the panel says so quietly. Refusals
 * from the host are shown on the same status line. Nothing here decides anything the host
 * must know: every session change is a host command.
 */
import { QUICK_TAGS } from '@core/notes';
import { actionable, DEFAULT_SNOOZE_MIN, reminderItems } from '@core/reminders';
import { phaseIndexAt } from '@core/session';
import type { CommandResult, PanelPrefs } from '@host/contract';
import { api } from '../bridge';
import { settle } from '../lib/command';
import { GUARD_MS, PressGuard } from '../lib/guard';
import { VIEWS } from '../lib/views';
import { hostNow, useStore } from '../stores';
import { type ActionId, shortcutFor } from './keys';
import { toggleMiniWindow } from './mini';
import { pressSafeOff, pressSafeOn, safeShownOn } from './safeState';
import { clearStatus, showStatus } from './status';

export { clearStatus, showStatus };

const guard = new PressGuard(GUARD_MS);
/**
 * Runs `fn` for `control` unless the same control acted less than 1.5 s ago. Returns whether
 * it ran and the host agreed.
 */
export async function guarded(
  control: string,
  label: string,
  fn: () => Promise<CommandResult>,
  opts: { guard?: boolean } = {},
): Promise<boolean> {
  if (opts.guard !== false && !guard.press(control, performance.now())) {
    showStatus('ignored', control, `Second press of “${label}” ignored (within ${GUARD_MS / 1000} s).`);
    return false;
  }
  const { setPending } = useStore.getState();
  setPending(control, true);
  const result = await settle(fn);
  setPending(control, false);
  if (!result.ok) {
    showStatus('refused', control, `${label}: ${result.error}`);
    return false;
  }
  const st = useStore.getState().pressStatus;
  if (st && st.action === control && st.kind === 'refused') clearStatus();
  return true;
}

function focusSoon(id: string): void {
  // After a view change React renders first; focus on the next frame.
  requestAnimationFrame(() => requestAnimationFrame(() => document.getElementById(id)?.focus()));
}

/** Puts the caret at the end of the Note box (after a quick tag, Add note, or the note key). */
export function focusNoteBox(): boolean {
  const box = document.getElementById('note-input');
  if (!(box instanceof HTMLTextAreaElement)) return false;
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
  return true;
}

/**
 * Types `text` into the Note box at its caret, as if it had been typed there: the box takes
 * the focus, the browser's own insertion keeps undo working and tells React through the
 * usual input event, so nothing typed quickly after it is lost.
 */
export function typeIntoNote(text: string): void {
  const box = document.getElementById('note-input');
  if (!(box instanceof HTMLTextAreaElement)) return;
  if (document.activeElement !== box) focusNoteBox();
  if (document.execCommand('insertText', false, text)) return;
  box.setRangeText(text, box.selectionStart, box.selectionEnd, 'end');
  box.dispatchEvent(new Event('input', { bubbles: true }));
}

const prefs = (): PanelPrefs | null => useStore.getState().snapshot?.prefs ?? null;

function setPrefs(label: string, change: Partial<PanelPrefs>, guard = true): Promise<boolean> {
  return guarded(`prefs:${Object.keys(change).join()}`, label, () => api().setPanelPrefs(change), { guard });
}

/** Brightness asked for but not yet confirmed by the host, so quick steps add up instead of repeating. */
let brightnessInFlight: number | null = null;

/** Adds a note tagged with a quick tag: with whatever is typed in the note box, else the tag's name. */
export async function quickTag(index: number): Promise<void> {
  const tag = QUICK_TAGS[index];
  if (!tag) return;
  const st = useStore.getState();
  const typed = st.noteDraft.trim();
  const ok = await guarded(`tag:${tag.id}`, `Quick note: ${tag.label}`, () =>
    api().addNote({ text: typed || tag.label, tags: [tag.id], private: st.notePrivate }),
  );
  if (ok && typed) useStore.getState().setNoteDraft('');
  // Back to writing: the next key types into the note, never into the tag button.
  focusNoteBox();
}

/** Runs an action by id, from its button or its key. */
export async function perform(action: ActionId): Promise<void> {
  const st = useStore.getState();
  const session = st.snapshot?.session ?? null;
  const running = session?.status === 'running';
  const label = shortcutFor(action)?.label ?? action;
  const now = hostNow();

  switch (action) {
    case 'keysMode':
      return;
    case 'cheatSheet':
      st.setCheatSheet(!st.cheatSheetOpen);
      return;
    case 'privacy':
      st.setPrivacy(true);
      return;
    case 'view1':
    case 'view2':
    case 'view3':
    case 'view4':
    case 'view5':
    case 'view6':
    case 'view7': {
      const def = VIEWS[Number(action.slice(4)) - 1];
      if (def?.available(st.snapshot ?? null)) st.setView(def.id);
      return;
    }
    case 'theme': {
      const p = prefs();
      if (p) await setPrefs('Theme', { theme: p.theme === 'dark' ? 'night' : 'dark' });
      return;
    }
    case 'dimmer':
    case 'brighter': {
      const p = prefs();
      if (!p) return;
      const from = brightnessInFlight ?? p.brightness;
      const b = Math.min(1, Math.max(0.3, Math.round((from + (action === 'dimmer' ? -0.1 : 0.1)) * 100) / 100));
      brightnessInFlight = b;
      try {
        // Steps of brightness are meant to repeat: no guard here.
        await setPrefs('Panel brightness', { brightness: b }, false);
      } finally {
        if (brightnessInFlight === b) brightnessInFlight = null;
      }
      return;
    }
    case 'compact': {
      const p = prefs();
      if (p) await setPrefs('Compact layout', { compact: !p.compact });
      return;
    }
    case 'miniPanel': {
      // The desktop app opens or closes its always-on-top window; a browser has none, so the compact layout stands in.
      if (toggleMiniWindow()) return;
      const p = prefs();
      if (p) await setPrefs('Compact layout', { compact: !p.compact });
      return;
    }
    default:
      break;
  }

  if (!session) return;
  if (action === 'vitals') {
    // On the live panel: the small sheet; after the session: the Record view's form.
    if (running) {
      st.setView('session');
      st.setSheet(st.sheet === 'vitals' ? null : 'vitals');
    } else {
      st.setView('record');
      focusSoon('vitals-systolic');
    }
    return;
  }
  if (!running) return;

  switch (action) {
    case 'safeOn':
      // The panic key only ever turns safe state on; a press while it is on changes nothing (not even the guard).
      if (pressSafeOn()) guard.press('safe', performance.now());
      return;
    case 'safe': {
      if (!safeShownOn(st)) {
        // Turning safe state ON is never held back by the guard (nor by a host that does not answer).
        guard.press('safe', performance.now());
        pressSafeOn();
        return;
      }
      // A quick second press that would turn it off is held back.
      if (!guard.press('safe', performance.now())) {
        showStatus('ignored', 'safe', `Second press of “Safe state” ignored (within ${GUARD_MS / 1000} s).`);
        return;
      }
      await pressSafeOff((fn) => guarded('safe', 'Safe state', fn, { guard: false }));
      return;
    }
    case 'dose':
      // The sheet opens with the press time; a second press while it is open keeps the first time.
      st.setView('session');
      if (st.sheet !== 'dose') st.openDoseSheet(now);
      return;
    case 'advance':
      await guarded('advance', 'Advance phase', () => api().advancePhase({}));
      return;
    case 'hold': {
      const held = session.phases[phaseIndexAt(session, now)]?.heldSince != null;
      await guarded('hold', held ? 'Resume phase' : 'Hold phase', () => (held ? api().resumePhase({}) : api().holdPhase({})));
      return;
    }
    case 'extend1':
    case 'extend5':
    case 'shorten1':
    case 'shorten5': {
      const minutes = { extend1: 1, extend5: 5, shorten1: -1, shorten5: -5 }[action];
      await guarded(action, label, () => api().extendPhase({ minutes }));
      return;
    }
    case 'skip':
      await guarded('skip', 'Skip track', () => api().skipTrack({}));
      return;
    case 'end':
      st.setEndArmed(true);
      return;
    case 'duck':
      await guarded('duck', 'Duck music', () => api().setDuck({ on: !session.record.music.ducked }));
      return;
    case 'volumeDown':
    case 'volumeUp': {
      const db = Math.min(0, Math.max(-40, session.record.music.levelDb + (action === 'volumeDown' ? -3 : 3)));
      await guarded(action, action === 'volumeDown' ? 'Music quieter' : 'Music louder', () => api().setMusicLevel({ db }));
      return;
    }
    case 'note':
      if (st.view === 'session' && focusNoteBox()) return;
      st.setView('session');
      focusSoon('note-input');
      return;
    case 'tag1':
    case 'tag2':
    case 'tag3':
    case 'tag4':
    case 'tag5':
    case 'tag6':
    case 'tag7':
      await quickTag(Number(action.slice(3)) - 1);
      return;
    case 'reminderDone':
    case 'reminderSnooze': {
      const first = actionable(reminderItems(session, now))[0];
      if (!first) {
        showStatus('refused', action, 'No reminder is due just now.');
        return;
      }
      if (action === 'reminderDone')
        await guarded(`done:${first.key}`, `Done: ${first.label}`, () => api().completeReminder({ key: first.key }));
      else {
        await guarded(`snooze:${first.key}`, `Snooze: ${first.label}`, () =>
          api().snoozeReminder({ key: first.key, minutes: DEFAULT_SNOOZE_MIN }),
        );
      }
      return;
    }
    default:
      return;
  }
}
