/** No session running: choose a preset, optionally name the client and the intention, start. */

import type { HostSnapshot, PresetProblem, PresetSummary } from '@host/contract';
import { type FormEvent, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { api } from '../bridge';
import { AppHeader } from '../components/AppHeader';
import { InlineError } from '../components/InlineError';
import { PresetCheck } from '../components/PresetCheck';
import { useCommand } from '../components/useCommand';
import { orderPresets, sessionLength } from '../lib/start-order';
import { useStore } from '../stores';

/** Presets that could not be read, said quietly: "1 preset could not be read: <source>: <message>". */
function PresetProblems({ problems }: { problems: readonly PresetProblem[] }) {
  const [only] = problems;
  if (!only) return null;
  if (problems.length === 1) {
    return (
      <p className="preset-problems">
        1 preset could not be read: {only.source}: {only.message}
      </p>
    );
  }
  return (
    <div className="preset-problems">
      <p>{problems.length} presets could not be read:</p>
      <ul>
        {problems.map((p) => (
          <li key={`${p.source}:${p.message}`}>
            {p.source}: {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Where a preset comes from, said after its route and length; a trusted signature quietly too. */
function originWords(preset: PresetSummary): string {
  if (preset.origin === 'user') return ' · your preset';
  if (preset.origin !== 'clinic') return '';
  return preset.provenance?.status === 'trusted' ? ` · clinic · ${preset.provenance.message}` : ' · clinic';
}

/**
 * The chosen preset's description. The route templates carry a long paragraph (timings,
 * reminders, where the music comes from): the first lines show, the rest opens on request.
 */
function PresetDescription({ id, text }: { id: string; text: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  const [open, setOpen] = useState(false);
  const [overflows, setOverflows] = useState(false);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || open) return;
    const measure = (): void => setOverflows(el.scrollHeight > el.clientHeight + 1);
    measure();
    const watch = new ResizeObserver(measure);
    watch.observe(el);
    return () => watch.disconnect();
  }, [open]);

  return (
    <>
      <p id={id} ref={ref} className={`preset-description${open ? '' : ' is-clamped'}`} data-testid="preset-description">
        {text}
      </p>
      {overflows || open ? (
        <button type="button" className="inline-link" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : 'Read the whole description'}
        </button>
      ) : null}
    </>
  );
}

/**
 * One preset as a card. The chosen one opens below its label onto what the therapist needs
 * before starting: the description and the music check.
 */
function PresetOption({ preset, checked, name, onSelect }: { preset: PresetSummary; checked: boolean; name: string; onSelect(): void }) {
  const id = `${name}-${preset.id}`;
  const about = checked && preset.description.trim() ? `${id}-about` : undefined;
  const warning = preset.origin === 'clinic' && preset.provenance?.status === 'unknown-key' ? preset.provenance.message : null;
  return (
    <li className={`preset${checked ? ' is-selected' : ''}`} data-preset-id={preset.id}>
      <input type="radio" id={id} name={name} value={preset.id} checked={checked} onChange={onSelect} aria-describedby={about} />
      <label htmlFor={id}>
        <span className="preset-name">{preset.name}</span>
        <span className="preset-meta">
          {preset.route} · {sessionLength(preset.totalMin)}
          {originWords(preset)}
        </span>
        {warning ? <span className="preset-warning">{warning}</span> : null}
        <span className="preset-phases">{preset.phases.map((p) => p.name).join(' · ')}</span>
      </label>
      {checked ? (
        <div className="preset-about">
          {about ? <PresetDescription id={about} text={preset.description.trim()} /> : null}
          <PresetCheck presetId={preset.id} />
        </div>
      ) : null}
    </li>
  );
}

export function StartView({ snapshot }: { snapshot: HostSnapshot }) {
  const selected = useStore((s) => s.selectedPresetId);
  const alias = useStore((s) => s.clientAlias);
  const intention = useStore((s) => s.intention);
  const { selectPreset, setClientAlias, setIntention, clearStartForm } = useStore.getState();
  const { pending, error, run } = useCommand();
  const id = useId();
  const presets = useMemo(() => orderPresets(snapshot.presets), [snapshot.presets]);
  const chosen =
    presets.find((p) => p.id === selected)?.id ?? presets.find((p) => p.id === snapshot.defaultPresetId)?.id ?? presets[0]?.id ?? null;

  const onSubmit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!chosen) return;
    const ok = await run('startSession', () =>
      api().startSession({ presetId: chosen, clientAlias: alias.trim(), intention: intention.trim() }),
    );
    if (ok) clearStartForm();
  };

  return (
    <div className="view start-view">
      <AppHeader />
      <main className="start-main">
        <h1 className="view-title">Set up the session</h1>
        <form className="start-form" onSubmit={(e) => void onSubmit(e)}>
          <fieldset className="presets">
            <legend className="section-title">Preset</legend>
            {presets.length === 0 ? (
              <p className="quiet">No presets found. Add a preset file to the presets folder.</p>
            ) : (
              <ul>
                {presets.map((p) => (
                  <PresetOption key={p.id} preset={p} name={`${id}-preset`} checked={p.id === chosen} onSelect={() => selectPreset(p.id)} />
                ))}
              </ul>
            )}
            <PresetProblems problems={snapshot.presetProblems} />
          </fieldset>

          <div className="field">
            <label htmlFor={`${id}-alias`} className="field-label">
              Client alias <span className="quiet">(optional)</span>
            </label>
            <input
              id={`${id}-alias`}
              type="text"
              maxLength={80}
              autoComplete="off"
              aria-describedby={`${id}-alias-hint`}
              value={alias}
              onChange={(e) => setClientAlias(e.target.value)}
            />
            <p id={`${id}-alias-hint`} className="quiet small field-hint">
              An alias or initials: it appears on the panel and in reports. Use the full name only if you mean to.
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-intention`} className="field-label">
              Intention <span className="quiet">(optional)</span>
            </label>
            <textarea id={`${id}-intention`} rows={3} maxLength={2000} value={intention} onChange={(e) => setIntention(e.target.value)} />
          </div>

          <div className="start-actions">
            <button type="submit" className="primary-button" disabled={!chosen || pending !== null}>
              Start session
            </button>
            <InlineError text={error} />
          </div>
        </form>
      </main>
    </div>
  );
}
