/** Session notes: the list (time since dose, or clock time before it) and a box to add one. Enter adds; Shift+Enter is a new line. */
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { Note } from '../../../electron/core/session';
import { api } from '../bridge';
import { clockTime, formatDuration } from '../lib/time';
import { InlineError } from './InlineError';
import { useCommand } from './useCommand';

export function noteStamp(note: Note, doseAt: number | null): string {
  return doseAt !== null && note.at >= doseAt ? `+${formatDuration(note.at - doseAt)}` : clockTime(note.at);
}

export function NotesList({ notes, doseAt }: { notes: readonly Note[]; doseAt: number | null }) {
  const listRef = useRef<HTMLOListElement>(null);
  const count = notes.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when a note arrives
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count]);
  if (count === 0) return <p className="quiet">No notes yet.</p>;
  return (
    <ol className="notes-list" ref={listRef}>
      {notes.map((n) => (
        <li key={n.id}>
          <time className="note-time" dateTime={new Date(n.at).toISOString()}>
            {noteStamp(n, doseAt)}
          </time>
          <span className="note-text">{n.text}</span>
        </li>
      ))}
    </ol>
  );
}

export function NotesPanel({ notes, doseAt }: { notes: readonly Note[]; doseAt: number | null }) {
  const [text, setText] = useState('');
  const { pending, error, run } = useCommand();
  const id = useId();

  const add = async (): Promise<void> => {
    const value = text.trim();
    if (!value || pending) return;
    // Clear at once (the note appears in the list when the host confirms); give it back if refused.
    setText('');
    const ok = await run('addNote', () => api().addNote({ text: value }));
    if (!ok) setText((current) => (current === '' ? value : current));
  };
  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    void add();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void add();
    }
  };

  return (
    // No aria-labelledby here: a region named "Notes" would also answer to the label "Note".
    <section className="notes">
      <h2 className="section-title">Notes</h2>
      <NotesList notes={notes} doseAt={doseAt} />
      <form className="note-form" onSubmit={onSubmit}>
        <label htmlFor={`${id}-note`} className="field-label">
          Note
        </label>
        <div className="note-row">
          <textarea
            id={`${id}-note`}
            rows={2}
            maxLength={5000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            placeholder="What you notice (Enter adds it)"
          />
          <button type="submit" disabled={pending !== null || text.trim() === ''}>
            Add note
          </button>
        </div>
        <InlineError text={error} />
      </form>
    </section>
  );
}
