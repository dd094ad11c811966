/** Renaming a device or a light in place. */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { api } from '../../bridge';
import { InlineError } from '../InlineError';

/** A name that can be changed in place (Enter saves, Escape cancels). */
export function Rename({ id, name, what }: { id: string; name: string; what: string }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  // Back from editing: the focus returns to the Rename button, not to the top of the page.
  useEffect(() => {
    if (!editing && wasEditing.current) button.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api().renameLight({ id, name: value });
    if (!r.ok) return setError(r.error);
    setError(null);
    setEditing(false);
  };
  if (!editing)
    return (
      <button
        ref={button}
        type="button"
        className="link-button"
        aria-label={`Rename ${what} ${name}`}
        onClick={() => {
          setValue(name);
          setEditing(true);
        }}
      >
        Rename
      </button>
    );
  return (
    <form className="lights-rename" onSubmit={(e) => void save(e)}>
      <label htmlFor={inputId} className="sr-only">
        New name for {name}
      </label>
      <input
        id={inputId}
        type="text"
        value={value}
        maxLength={80}
        // biome-ignore lint/a11y/noAutofocus: the person just asked to rename; the field is where they type.
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setEditing(false);
        }}
      />
      <button type="submit" className="small-button">
        Save name
      </button>
      <button type="button" className="small-button quiet-button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <InlineError text={error} />
    </form>
  );
}
