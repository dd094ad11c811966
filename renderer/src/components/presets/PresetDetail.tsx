/**
 * The chosen preset: the editor for the therapist's own presets (name, description, each
 * phase), a read-only outline with "Duplicate to edit" for bundled and clinic presets, and
 * the export card for any of them.
 */
import { useEffect, useId, useState } from 'react';
import { formatPath, type Preset, PresetSchema } from '../../../../electron/core/preset';
import { MAX_BROWSER_MESSAGE_BYTES } from '../../../../electron/host/contract';
import type { LoadedPresetView } from '../../../../electron/host/presets/contract';
import { api } from '../../bridge';
import { useStore } from '../../stores';
import { InlineError } from '../InlineError';
import { ExportCard } from './ExportCard';
import { musicSeconds, PhaseEditor } from './PhaseEditor';
import { formatMinutes, useRun } from './shared';

/** The browser host takes messages up to MAX_BROWSER_MESSAGE_BYTES; leave room for the envelope and escaping. */
const BROWSER_MAX_CHARS = Math.floor(MAX_BROWSER_MESSAGE_BYTES / 2);

const ORIGIN: Record<LoadedPresetView['origin'], string> = {
  bundled: 'Built in (read-only)',
  user: 'Your preset',
  clinic: 'From the clinic folder (read-only)',
};

export function PresetDetail({ presetId, onSelect }: { presetId: string; onSelect: (id: string | null) => void }) {
  // The catalog changes when a preset is saved, imported or changed in the clinic folder.
  const catalog = useStore((s) => s.snapshot?.presets);
  const [loaded, setLoaded] = useState<LoadedPresetView | null>(null);
  const { error, run } = useRun();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `catalog` is the trigger: load again when presets change on disk
  useEffect(() => {
    let live = true;
    void api()
      .getPreset({ presetId })
      .then((r) => {
        if (!live) return;
        if (r.ok && r.data) setLoaded(r.data);
        else if (!r.ok) setLoaded(null);
      });
    return () => {
      live = false;
    };
  }, [presetId, catalog]);

  if (!loaded || loaded.preset.id !== presetId) return <InlineError text={error} />;

  const duplicate = async () => {
    const r = await run(() => api().duplicatePreset({ presetId }));
    if (r?.data) onSelect(r.data.id);
  };

  return (
    <div className="preset-detail">
      {loaded.editable ? (
        <PresetEditor key={presetId} loaded={loaded} onSelect={onSelect} />
      ) : (
        <section className="card" aria-label={`${loaded.preset.name} (read-only)`}>
          <h2 className="card-title">{loaded.preset.name}</h2>
          <p className="quiet small">
            {ORIGIN[loaded.origin]}
            {loaded.provenance ? ` · ${loaded.provenance.message}` : ''}
          </p>
          {loaded.preset.description ? <p className="small">{loaded.preset.description}</p> : null}
          <ol className="outline">
            {loaded.preset.phases.map((ph, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: phases are positional
              <li key={i} className="small">
                <span>{ph.name}</span>{' '}
                <span className="quiet tabular">
                  Planned {formatMinutes(ph.plannedMin * 60)} · music {formatMinutes(musicSeconds(ph))} · {ph.playlist.length} track
                  {ph.playlist.length === 1 ? '' : 's'}
                </span>
              </li>
            ))}
          </ol>
          <div className="row-actions">
            <button type="button" className="primary-button" onClick={() => void duplicate()}>
              Duplicate to edit
            </button>
          </div>
          <InlineError text={error} />
        </section>
      )}
      <ExportCard presetId={presetId} name={loaded.preset.name} origin={loaded.origin} />
    </div>
  );
}

function PresetEditor({ loaded, onSelect }: { loaded: LoadedPresetView; onSelect: (id: string | null) => void }) {
  const id = useId();
  const [draft, setDraft] = useState<Preset>(() => structuredClone(loaded.preset));
  const [saved, setSaved] = useState<Preset>(loaded.preset);
  const [note, setNote] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { busy, error, setError, run } = useRun();
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  const sessionRunning = useStore((s) => s.snapshot?.session?.status === 'running');

  const save = async () => {
    setNote(null);
    const parsed = PresetSchema.safeParse(draft);
    if (!parsed.success) {
      return setError(
        `Not saved: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${describePath(draft, i.path)}: ${i.message}`)
          .join('; ')}.`,
      );
    }
    if (api().shell === 'browser' && JSON.stringify(parsed.data).length > BROWSER_MAX_CHARS) {
      return setError(
        `Not saved: this preset is larger than the browser connection carries (about ${Math.round(BROWSER_MAX_CHARS / 1024 / 1024)} MB); save it in the desktop app, or split long playlists.`,
      );
    }
    const r = await run(() => api().savePreset({ preset: parsed.data }));
    if (r) {
      setSaved(parsed.data);
      setDraft(structuredClone(parsed.data));
      setNote(`Saved “${parsed.data.name}”.`);
    }
  };

  const remove = async () => {
    const r = await run(() => api().deletePreset({ presetId: draft.id, confirm: true }));
    if (r) onSelect(null);
  };

  return (
    <section className="card preset-editor" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Editing “{saved.name}”
      </h2>
      {loaded.provenance && loaded.provenance.status !== 'unsigned' ? (
        <p className="quiet small">{loaded.provenance.message}. Saving changes removes the clinic’s signature from your copy.</p>
      ) : null}
      <div className="phase-fields">
        <label htmlFor={`${id}-name`}>Preset name</label>
        <input
          id={`${id}-name`}
          type="text"
          value={draft.name}
          maxLength={200}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
        />
        <label htmlFor={`${id}-desc`}>Description</label>
        <textarea
          id={`${id}-desc`}
          rows={2}
          maxLength={2000}
          value={draft.description}
          onChange={(e) => setDraft({ ...draft, description: e.target.value })}
        />
      </div>
      {sessionRunning ? <p className="quiet small">Listening to tracks is off while a session runs.</p> : null}
      {draft.phases.map((phase, i) => (
        <PhaseEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: phases are positional and never reordered here
          key={i}
          phase={phase}
          index={i}
          sessionRunning={sessionRunning}
          onChange={(next) => setDraft({ ...draft, phases: draft.phases.map((p, k) => (k === i ? next : p)) })}
        />
      ))}
      <div className="editor-actions">
        <div className="row-actions">
          <button type="button" className="primary-button" disabled={busy || !dirty} onClick={() => void save()}>
            Save preset
          </button>
          <button type="button" disabled={busy || !dirty} onClick={() => setDraft(structuredClone(saved))}>
            Discard changes
          </button>
          <span className="quiet small" role="status">
            {dirty ? 'Unsaved changes.' : (note ?? '')}
          </span>
        </div>
        <div className="row-actions delete-row">
          {confirmDelete ? (
            <>
              <span className="small">Delete “{saved.name}” for good?</span>
              <button type="button" className="danger-button" disabled={busy} onClick={() => void remove()}>
                Yes, delete this preset
              </button>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" className="quiet-button" onClick={() => setConfirmDelete(true)}>
              Delete preset…
            </button>
          )}
        </div>
      </div>
      <InlineError text={error} />
    </section>
  );
}

/** "phases[1].crossfadeS" → "Onset › crossfadeS" so the therapist knows where to look. */
function describePath(p: Preset, path: ReadonlyArray<PropertyKey>): string {
  if (path[0] === 'phases' && typeof path[1] === 'number') {
    const phase = p.phases[path[1]];
    const rest = path.slice(2);
    if (rest[0] === 'playlist' && typeof rest[1] === 'number') {
      return `${phase?.name ?? `phase ${path[1] + 1}`} › track ${rest[1] + 1}${rest.length > 2 ? ` › ${formatPath(rest.slice(2))}` : ''}`;
    }
    return `${phase?.name ?? `phase ${path[1] + 1}`}${rest.length ? ` › ${formatPath(rest)}` : ''}`;
  }
  return formatPath(path);
}
