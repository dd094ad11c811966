/**
 * Session notes: the Note box first (it is where typing goes), then the quick tags, then the
 * notes so far. Each note is stamped with clock time and minutes since the dose; one-tap quick tags
 * (F4 then 1–7); a private mark (left out of the client's report); edits and deletions that keep
 * the earlier wording in the record. Enter adds a note; Shift+Enter is a new line. A note over
 * the cap is refused with a message — never cut short.
 */

import { liveNotes, NOTE_MAX_CHARS, noteTextProblem, noteTimeLabel, QUICK_TAGS, tagLabel } from '@core/notes';
import type { Note } from '@core/session';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { api } from '../bridge';
import { clockFormat } from '../lib/time';
import { focusNoteBox, guarded, quickTag } from '../panel/perform';
import { useStore } from '../stores';
import { InlineError } from './InlineError';

/** "14:05 · +32 min" (clock time, and minutes since the dose once there is one) — as in the reports. */
export function noteStamp(note: Note, doseAt: number | null): string {
  return noteTimeLabel(note.at, doseAt, undefined, clockFormat());
}

function NoteItem({ note, doseAt, editable }: { note: Note; doseAt: number | null; editable: boolean }) {
  const [mode, setMode] = useState<'view' | 'edit' | 'delete'>('view');
  const [text, setText] = useState(note.text);
  const [priv, setPriv] = useState(note.private === true);
  const [error, setError] = useState<string | null>(null);
  const stamp = noteStamp(note, doseAt);
  const id = useId();

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const problem = noteTextProblem(text);
    if (problem) return setError(problem);
    const ok = await guarded(`edit:${note.id}`, 'Save', () =>
      api().editNote({ noteId: note.id, text: text.trim(), tags: note.tags ?? [], private: priv }),
    );
    if (ok) setMode('view');
  };

  return (
    <li className={`note${note.private ? ' is-private' : ''}`} data-note-id={note.id}>
      <time className="note-time" dateTime={new Date(note.at).toISOString()}>
        {stamp}
      </time>
      <div className="note-body">
        {mode === 'edit' ? (
          <form className="note-edit" onSubmit={(e) => void save(e)}>
            <label htmlFor={`${id}-text`} className="sr-only">
              New wording
            </label>
            <textarea id={`${id}-text`} rows={2} value={text} onChange={(e) => setText(e.target.value)} />
            <label className="check small">
              <input type="checkbox" checked={priv} onChange={(e) => setPriv(e.target.checked)} /> Private
            </label>
            <div className="row-actions">
              <button type="submit">Save</button>
              <button type="button" className="quiet-button" onClick={() => setMode('view')}>
                Cancel
              </button>
            </div>
            <InlineError text={error} />
          </form>
        ) : (
          <p className="note-text">
            {note.text}
            {note.tags?.some((t) => tagLabel(t) !== note.text) ? (
              <span className="note-tags"> {note.tags.map(tagLabel).join(' · ')}</span>
            ) : null}
            {note.private ? <span className="badge">private</span> : null}
            {note.history?.length ? <span className="badge">edited</span> : null}
          </p>
        )}
        {note.history?.length && mode === 'view' ? (
          <details className="note-history">
            <summary>Earlier wording ({note.history.length})</summary>
            <ol>
              {note.history.map((h) => (
                <li key={h.at}>{h.text}</li>
              ))}
            </ol>
          </details>
        ) : null}
      </div>
      {editable && mode === 'view' ? (
        <div className="note-actions">
          <button type="button" className="link-button" aria-label={`Edit ${stamp}`} onClick={() => setMode('edit')}>
            Edit
          </button>
          <button type="button" className="link-button" aria-label={`Delete ${stamp}`} onClick={() => setMode('delete')}>
            Delete
          </button>
        </div>
      ) : null}
      {mode === 'delete' ? (
        <div className="note-actions">
          <button
            type="button"
            className="confirm-button small-button"
            onClick={() =>
              void guarded(`delete:${note.id}`, 'Delete', () => api().deleteNote({ noteId: note.id })).then(() => setMode('view'))
            }
          >
            Confirm delete
          </button>
          <button type="button" className="link-button" onClick={() => setMode('view')}>
            Keep
          </button>
        </div>
      ) : null}
    </li>
  );
}

export function NotesList({ notes, doseAt, editable = false }: { notes: readonly Note[]; doseAt: number | null; editable?: boolean }) {
  const listRef = useRef<HTMLOListElement>(null);
  const shown = liveNotes(notes);
  const deleted = notes.length - shown.length;
  const count = shown.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when a note arrives
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count]);
  return (
    <>
      {count === 0 ? (
        <p className="quiet">No notes yet.</p>
      ) : (
        <ol className="notes-list" ref={listRef} data-testid="notes-list">
          {shown.map((n) => (
            <NoteItem key={`${n.id}:${n.editedAt ?? 0}`} note={n} doseAt={doseAt} editable={editable} />
          ))}
        </ol>
      )}
      {deleted > 0 ? (
        <p className="quiet small">
          {deleted} deleted note{deleted > 1 ? 's are' : ' is'} kept in the therapist's record.
        </p>
      ) : null}
    </>
  );
}

export function NotesPanel({ notes, doseAt }: { notes: readonly Note[]; doseAt: number | null }) {
  const text = useStore((s) => s.noteDraft);
  const priv = useStore((s) => s.notePrivate);
  const { setNoteDraft, setNotePrivate } = useStore.getState();
  const busy = useStore((s) => s.pending.includes('addNote'));
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const length = text.trim().length;
  const over = length > NOTE_MAX_CHARS;

  const add = async (): Promise<void> => {
    const value = text.trim();
    if (value === '' || busy) return;
    const problem = noteTextProblem(value);
    if (problem) return setError(problem);
    setError(null);
    // Cleared at once (the note appears when the host confirms); given back if refused.
    setNoteDraft('');
    const ok = await guarded('addNote', 'Add note', () => api().addNote({ text: value, tags: [], private: priv }), { guard: false });
    if (!ok) setNoteDraft(useStore.getState().noteDraft === '' ? value : useStore.getState().noteDraft);
    else setNotePrivate(false);
    // From the Add note button too: the caret goes back into the box for the next note.
    focusNoteBox();
  };
  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    void add();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void add();
    } else if (e.key === 'Escape') {
      e.currentTarget.blur();
    }
  };

  return (
    // No aria-labelledby here: a region named "Notes" would also answer to the label "Note".
    <section className="notes">
      <h2 className="section-title">Notes</h2>
      <form className="note-form" onSubmit={onSubmit}>
        <label htmlFor="note-input" className="sr-only">
          Note
        </label>
        <div className="note-row">
          <textarea
            id="note-input"
            rows={2}
            value={text}
            aria-describedby={`${id}-count`}
            aria-invalid={over || undefined}
            onChange={(e) => {
              setNoteDraft(e.target.value);
              if (error) setError(null);
            }}
            onKeyDown={onKeyDown}
            placeholder="What you notice — type anywhere to write here; Enter adds it"
          />
          <button type="submit" disabled={busy || length === 0}>
            Add note
          </button>
        </div>
        <fieldset className="quick-tags">
          <legend className="sr-only">Quick tags</legend>
          {QUICK_TAGS.map((t, i) => (
            <button key={t.id} type="button" className="tag-button" data-action={`tag${i + 1}`} onClick={() => void quickTag(i)}>
              {t.label}
            </button>
          ))}
        </fieldset>
        <div className="note-options">
          <label className="check small">
            <input type="checkbox" checked={priv} onChange={(e) => setNotePrivate(e.target.checked)} /> Private — left out of the client's
            report
          </label>
          <span id={`${id}-count`} className={`small ${over ? 'over-cap' : 'quiet'}`}>
            {length > NOTE_MAX_CHARS * 0.8 ? `${length} / ${NOTE_MAX_CHARS} characters` : ''}
          </span>
        </div>
        <InlineError text={error ?? (over ? noteTextProblem(text) : null)} />
      </form>
      <NotesList notes={notes} doseAt={doseAt} editable />
    </section>
  );
}
