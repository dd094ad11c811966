/**
 * The editor for one of the therapist's own presets: name, route, description; each phase
 * (name, kind, length, until dose, music, light) with add, remove and reorder; the reminders.
 * What is wrong is listed in plain words (core/preset-rules.ts, the same rules the host applies
 * on save) beside Save, which stays in view at the bottom of the window however long the
 * preset; each problem takes the focus to its field. Nothing is lost: a removed phase or
 * reminder comes back with "Discard changes" until the preset is saved, and a reminder whose
 * phase was removed is kept and marked rather than dropped.
 */

import type { Preset } from '@core/preset';
import { presetProblems } from '@core/preset-rules';
import { MAX_BROWSER_MESSAGE_BYTES } from '@host/contract';
import type { LoadedPresetView } from '@host/presets/contract';
import { useId, useMemo, useState } from 'react';
import { api } from '../../bridge';
import { useStore } from '../../stores';
import { InlineError } from '../InlineError';
import { useRun } from '../useCommand';
import {
  addPhase,
  type Draft,
  draftOf,
  fieldId,
  movePhase,
  newReminder,
  phaseFieldId,
  reminderFieldId,
  removePhase,
  setPhase,
} from './editorModel';
import { PhaseEditor } from './PhaseEditor';
import { ReminderEditor } from './ReminderEditor';

/** The browser host takes messages up to MAX_BROWSER_MESSAGE_BYTES; leave room for the envelope and escaping. */
const BROWSER_MAX_CHARS = Math.floor(MAX_BROWSER_MESSAGE_BYTES / 2);

const ROUTES: Array<{ value: Preset['route']; label: string }> = [
  { value: 'sublingual', label: 'Sublingual or troche' },
  { value: 'intramuscular', label: 'Intramuscular' },
  { value: 'intravenous', label: 'Intravenous' },
  { value: 'intranasal', label: 'Intranasal' },
  { value: 'oral', label: 'Oral' },
  { value: 'demo', label: 'Demo (no medicine)' },
];

function focusSoon(id: string): void {
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const el = document.getElementById(id);
      el?.focus();
      el?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }),
  );
}

export function PresetEditor({ loaded, onSelect }: { loaded: LoadedPresetView; onSelect: (id: string | null) => void }) {
  const base = useId().replace(/:/g, '');
  const [draft, setDraft] = useState<Draft>(() => draftOf(loaded.preset));
  const [saved, setSaved] = useState<Preset>(loaded.preset);
  const [note, setNote] = useState<string | null>(null);
  const [showProblems, setShowProblems] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { busy, error, setError, run } = useRun();
  const preset = draft.preset;
  const dirty = JSON.stringify(preset) !== JSON.stringify(saved);
  const sessionRunning = useStore((s) => s.snapshot?.session?.status === 'running');
  const problems = useMemo(() => presetProblems(preset), [preset]);

  const invalid = useMemo(() => {
    const of = (key: string) => new Set(problems.filter((p) => JSON.stringify(p.at) === key).map((p) => p.field));
    return {
      preset: of(JSON.stringify({ kind: 'preset' })),
      phase: (i: number) => of(JSON.stringify({ kind: 'phase', phase: i })),
      reminder: (i: number) => of(JSON.stringify({ kind: 'reminder', reminder: i })),
    };
  }, [problems]);

  const change = (next: Draft, message: string | null = null) => {
    setDraft(next);
    setNote(message);
  };

  const save = async () => {
    setNote(null);
    if (problems.length) {
      setShowProblems(true);
      const first = problems[0];
      if (first) focusSoon(fieldId(base, draft, first));
      return setError(`Not saved: ${problems.length === 1 ? 'one thing' : `${problems.length} things`} to fix first (listed above Save).`);
    }
    if (api().shell === 'browser' && JSON.stringify(preset).length > BROWSER_MAX_CHARS) {
      return setError(
        `Not saved: this preset is larger than the browser connection carries (about ${Math.round(BROWSER_MAX_CHARS / 1024 / 1024)} MB); save it in the desktop app, or split long playlists.`,
      );
    }
    const r = await run(() => api().savePreset({ preset }));
    if (r) {
      setSaved(structuredClone(preset));
      setShowProblems(false);
      setNote(`Saved “${preset.name}”.`);
    }
  };

  const discard = () => {
    setDraft(draftOf(saved));
    setError(null);
    setShowProblems(false);
    setNote('Changes discarded.');
  };

  const remove = async () => {
    const r = await run(() => api().deletePreset({ presetId: preset.id, confirm: true }));
    if (r) onSelect(null);
  };

  const removePhaseAt = (i: number) => {
    const gone = preset.phases[i];
    if (!gone) return;
    const next = removePhase(draft, i);
    const orphans = preset.reminders.filter((r) => r.anchor === gone.kind && !next.preset.phases.some((p) => p.kind === gone.kind));
    const tracks = gone.playlist.length;
    change(
      next,
      `Removed phase “${gone.name}”${tracks ? ` and its ${tracks} track${tracks === 1 ? '' : 's'}` : ''}; “Discard changes” brings it back.${
        orphans.length
          ? ` ${orphans.length === 1 ? 'One reminder counted' : `${orphans.length} reminders counted`} from it and ${orphans.length === 1 ? 'needs' : 'need'} another start (marked below).`
          : ''
      }`,
    );
    const key = next.keys[Math.min(i, next.keys.length - 1)];
    if (key) focusSoon(phaseFieldId(base, key, 'remove'));
  };

  const movePhaseAt = (i: number, by: -1 | 1) => {
    const key = draft.keys[i] ?? '';
    const next = movePhase(draft, i, by);
    change(next);
    const j = i + by;
    const edge = (by === -1 && j === 0) || (by === 1 && j === next.keys.length - 1);
    focusSoon(phaseFieldId(base, key, edge ? (by === -1 ? 'down' : 'up') : by === -1 ? 'up' : 'down'));
  };

  const setReminders = (reminders: Preset['reminders']) => change({ ...draft, preset: { ...preset, reminders } });

  return (
    <section className="card preset-editor" aria-labelledby={`${base}-title`}>
      <h2 id={`${base}-title`} className="card-title">
        Editing “{saved.name}”
      </h2>
      {loaded.provenance && loaded.provenance.status !== 'unsigned' ? (
        <p className="quiet small">{loaded.provenance.message}. Saving changes removes the clinic’s signature from your copy.</p>
      ) : null}
      <div className="phase-fields">
        <label htmlFor={`${base}-name`}>Preset name</label>
        <input
          id={`${base}-name`}
          type="text"
          value={preset.name}
          maxLength={200}
          aria-invalid={invalid.preset.has('name') || undefined}
          onChange={(e) => change({ ...draft, preset: { ...preset, name: e.target.value } })}
        />
        <label htmlFor={`${base}-route`}>Route</label>
        <select
          id={`${base}-route`}
          value={preset.route}
          onChange={(e) => change({ ...draft, preset: { ...preset, route: e.target.value as Preset['route'] } })}
        >
          {ROUTES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${base}-description`}>Description</label>
        <textarea
          id={`${base}-description`}
          rows={2}
          maxLength={2000}
          value={preset.description}
          onChange={(e) => change({ ...draft, preset: { ...preset, description: e.target.value } })}
        />
      </div>
      {sessionRunning ? <p className="quiet small">Listening to tracks and previewing light are off while a session runs.</p> : null}

      <h3 className="section-title editor-section">Phases</h3>
      {preset.phases.map((phase, i) => {
        const key = draft.keys[i] ?? String(i);
        return (
          <PhaseEditor
            key={key}
            base={base}
            phaseKey={key}
            phase={phase}
            index={i}
            count={preset.phases.length}
            invalid={invalid.phase(i)}
            sessionRunning={sessionRunning}
            moves={{
              up: i > 0 ? () => movePhaseAt(i, -1) : null,
              down: i < preset.phases.length - 1 ? () => movePhaseAt(i, 1) : null,
              remove: preset.phases.length > 1 ? () => removePhaseAt(i) : null,
            }}
            onChange={(next) => change(setPhase(draft, i, next))}
          />
        );
      })}
      <div className="row-actions">
        <button
          type="button"
          className="small-button"
          disabled={preset.phases.length >= 12}
          onClick={() => {
            const next = addPhase(draft);
            change(next, `Added phase ${next.preset.phases.length}.`);
            const key = next.keys.at(-1);
            if (key) focusSoon(phaseFieldId(base, key, 'name'));
          }}
        >
          Add a phase
        </button>
        {preset.phases.length >= 12 ? <span className="quiet small">A preset holds at most 12 phases.</span> : null}
      </div>

      <h3 className="section-title editor-section">Reminders</h3>
      {preset.reminders.length === 0 ? <p className="quiet small">No reminders in this preset.</p> : null}
      {preset.reminders.map((r, i) => (
        <ReminderEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: reminders are positional; ids may repeat in a file being fixed
          key={`${i}-${r.id}`}
          base={base}
          preset={preset}
          index={i}
          reminder={r}
          invalid={invalid.reminder(i)}
          onChange={(next) => setReminders(preset.reminders.map((x, k) => (k === i ? next : x)))}
          onRemove={() => {
            setReminders(preset.reminders.filter((_, k) => k !== i));
            setNote(`Removed reminder “${r.label || i + 1}”; “Discard changes” brings it back.`);
          }}
        />
      ))}
      <div className="row-actions">
        <button
          type="button"
          className="small-button"
          disabled={preset.reminders.length >= 100}
          onClick={() => {
            setReminders([...preset.reminders, newReminder(preset)]);
            focusSoon(reminderFieldId(base, preset.reminders.length, 'label'));
          }}
        >
          Add a reminder
        </button>
      </div>

      <div className="editor-actions editor-bar" data-testid="editor-bar">
        {problems.length ? (
          <div className="editor-problems">
            <button
              type="button"
              className="link-button warn-line"
              aria-expanded={showProblems}
              aria-controls={`${base}-problems`}
              onClick={() => setShowProblems(!showProblems)}
            >
              {problems.length === 1 ? 'One thing to fix before saving' : `${problems.length} things to fix before saving`}
            </button>
            {showProblems ? (
              <ul id={`${base}-problems`} className="problem-list" data-testid="editor-problems">
                {problems.map((p) => (
                  <li key={`${JSON.stringify(p.at)}-${p.field}-${p.message}`} className="small">
                    {p.message}{' '}
                    <button type="button" className="link-button" onClick={() => focusSoon(fieldId(base, draft, p))}>
                      Go to it
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="small quiet problem-first">{problems[0]?.message}</p>
            )}
          </div>
        ) : null}
        <div className="row-actions">
          <button type="button" className="primary-button" disabled={busy || !dirty} onClick={() => void save()}>
            Save preset
          </button>
          <button type="button" disabled={busy || !dirty} onClick={discard}>
            Discard changes
          </button>
          <span className="quiet small" role="status">
            {note ?? (dirty ? 'Unsaved changes.' : '')}
          </span>
          <span className="delete-row">
            {confirmDelete ? (
              <>
                <span className="small">Delete “{saved.name}” for good?</span>{' '}
                <button type="button" className="danger-button" disabled={busy} onClick={() => void remove()}>
                  Yes, delete this preset
                </button>{' '}
                <button type="button" onClick={() => setConfirmDelete(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" className="quiet-button" onClick={() => setConfirmDelete(true)}>
                Delete preset…
              </button>
            )}
          </span>
        </div>
        <InlineError text={error} />
      </div>
    </section>
  );
}
