/**
 * One phase of a preset being edited: its name and kind, planned length beside the music it
 * has, whether it waits for the dose, crossfade, volume, what happens when the music runs out,
 * its light (with a preview on the lamp) and its playlist; and moving or removing the phase.
 * Every control has a plain name that says which phase it belongs to.
 */
import { formatDurationWordsMs } from '@core/format';
import { PHASE_KINDS, type PhaseConfig, type PhaseKind } from '@core/preset';
import { PHASE_KIND_LABELS, phaseFieldId } from './editorModel';
import { PhaseLight } from './PhaseLight';
import { PhasePlaylist } from './PhasePlaylist';

const RUN_OUT_LABELS: Record<PhaseConfig['runOut'], string> = {
  repeat: 'Play the playlist again',
  fallback: 'Continue with the fallback bed',
  silence: 'Fade to silence',
};

export function musicSeconds(phase: Pick<PhaseConfig, 'playlist'>): number {
  return phase.playlist.reduce((s, t) => s + t.durationS, 0);
}

export interface PhaseMoves {
  up: (() => void) | null;
  down: (() => void) | null;
  remove: (() => void) | null;
}

export function PhaseEditor({
  base,
  phaseKey,
  phase,
  index,
  count,
  invalid,
  moves,
  onChange,
  sessionRunning = false,
}: {
  /** The editor's id base; control ids are `phaseFieldId(base, phaseKey, field)`. */
  base: string;
  phaseKey: string;
  phase: PhaseConfig;
  index: number;
  count: number;
  /** Fields of this phase with a problem (`plannedMin`, `light.level`…). */
  invalid: ReadonlySet<string>;
  moves: PhaseMoves;
  onChange: (next: PhaseConfig) => void;
  /** A session is running: listening to tracks and previewing light are off. */
  sessionRunning?: boolean;
}) {
  const id = (f: string) => phaseFieldId(base, phaseKey, f);
  const music = musicSeconds(phase);
  const planned = Number.isFinite(phase.plannedMin) ? phase.plannedMin * 60 : 0;
  const set = (change: Partial<PhaseConfig>) => onChange({ ...phase, ...change });
  const name = phase.name.trim() || `phase ${index + 1}`;
  const bad = (f: string) => invalid.has(f) || undefined;
  const titleId = id('title');

  return (
    <section className="phase-edit" aria-labelledby={titleId} data-testid={`phase-${index}`}>
      <div className="phase-edit-head">
        <h3 id={titleId} className="phase-edit-title">
          {index + 1}. {name} <span className="quiet small">({PHASE_KIND_LABELS[phase.kind].toLowerCase()})</span>
        </h3>
        <p className="small tabular phase-lengths" data-testid="phase-lengths">
          Planned {formatDurationWordsMs(planned * 1000, 'minute')} · music {formatDurationWordsMs(music * 1000, 'minute')}
          {music > 0 && music + 1 < planned ? ` (${RUN_OUT_LABELS[phase.runOut].toLowerCase()} after)` : ''}
        </p>
        <span className="phase-moves">
          <button
            id={id('up')}
            type="button"
            className="small-button"
            disabled={!moves.up}
            aria-label={`Move phase “${name}” earlier`}
            onClick={() => moves.up?.()}
          >
            ↑
          </button>
          <button
            id={id('down')}
            type="button"
            className="small-button"
            disabled={!moves.down}
            aria-label={`Move phase “${name}” later`}
            onClick={() => moves.down?.()}
          >
            ↓
          </button>
          <button
            id={id('remove')}
            type="button"
            className="small-button"
            disabled={!moves.remove}
            aria-label={count > 1 ? `Remove phase “${name}”` : `Remove phase “${name}” (a preset keeps at least one phase)`}
            onClick={() => moves.remove?.()}
          >
            Remove phase
          </button>
        </span>
      </div>
      <div className="phase-fields is-phase">
        <label htmlFor={id('name')}>Phase name</label>
        <input
          id={id('name')}
          type="text"
          value={phase.name}
          maxLength={200}
          aria-invalid={bad('name')}
          onChange={(e) => set({ name: e.target.value })}
        />
        <label htmlFor={id('kind')}>Kind</label>
        <select id={id('kind')} value={phase.kind} aria-invalid={bad('kind')} onChange={(e) => set({ kind: e.target.value as PhaseKind })}>
          {PHASE_KINDS.map((k) => (
            <option key={k} value={k}>
              {PHASE_KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <label htmlFor={id('plannedMin')}>Planned minutes</label>
        <input
          id={id('plannedMin')}
          type="number"
          min={0}
          max={720}
          step="any"
          value={Number.isFinite(phase.plannedMin) ? phase.plannedMin : ''}
          aria-invalid={bad('plannedMin')}
          onChange={(e) => set({ plannedMin: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
        />
        <label htmlFor={id('untilDose')}>Until dose</label>
        <span className="check-cell">
          <input
            id={id('untilDose')}
            type="checkbox"
            checked={phase.untilDose}
            aria-invalid={bad('untilDose')}
            aria-describedby={id('untilDose-help')}
            onChange={(e) => set({ untilDose: e.target.checked })}
          />
          <span id={id('untilDose-help')} className="quiet small">
            waits here until the dose is recorded
          </span>
        </span>
        <label htmlFor={id('crossfadeS')}>Crossfade</label>
        <span className="slider-pair">
          <input
            id={id('crossfadeS')}
            type="range"
            min={0}
            max={20}
            step={1}
            value={phase.crossfadeS}
            aria-valuetext={phase.crossfadeS === 0 ? 'gapless' : `${phase.crossfadeS} seconds`}
            onChange={(e) => set({ crossfadeS: Number(e.target.value) })}
          />
          <span className="tabular small">{phase.crossfadeS === 0 ? 'gapless' : `${phase.crossfadeS} s`}</span>
        </span>
        <label htmlFor={id('volume')}>Phase volume</label>
        <span className="slider-pair">
          <input
            id={id('volume')}
            type="range"
            min={0}
            max={100}
            step={5}
            value={Math.round(phase.volume * 100)}
            aria-valuetext={`${Math.round(phase.volume * 100)} %`}
            onChange={(e) => set({ volume: Number(e.target.value) / 100 })}
          />
          <span className="tabular small">{Math.round(phase.volume * 100)} %</span>
        </span>
        <label htmlFor={id('runOut')}>When music runs out</label>
        <select
          id={id('runOut')}
          value={phase.runOut}
          aria-invalid={bad('runOut') ?? bad('fallback')}
          onChange={(e) => set({ runOut: e.target.value as PhaseConfig['runOut'] })}
        >
          <option value="repeat">{RUN_OUT_LABELS.repeat}</option>
          <option value="fallback" disabled={(phase.fallback?.length ?? 0) === 0}>
            {RUN_OUT_LABELS.fallback}
            {(phase.fallback?.length ?? 0) === 0 ? ' (this phase has none)' : ''}
          </option>
          <option value="silence">{RUN_OUT_LABELS.silence}</option>
        </select>
      </div>
      <PhaseLight
        base={base}
        phaseKey={phaseKey}
        phaseName={name}
        light={phase.light}
        invalid={invalid}
        sessionRunning={sessionRunning}
        onChange={(light) => set({ light })}
      />
      <PhasePlaylist phase={phase} index={index} sessionRunning={sessionRunning} onChange={(playlist) => set({ playlist })} />
    </section>
  );
}
