/**
 * The panel's settings, remembered on this machine by the host: theme (dark, or red/amber for
 * night), brightness of the whole panel, compact layout, and the vitals ranges that get flagged.
 */

import { DEFAULT_VITALS_RANGES, type VitalsRanges, VitalsRangesSchema } from '@core/vitals';
import type { PanelPrefs, SavedFile } from '@host/contract';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../bridge';
import { AppHeader } from '../components/AppHeader';
import { PressStatusLine } from '../components/ControlButton';
import { InlineError } from '../components/InlineError';
import { SavedFileLine } from '../components/SavedFileLine';
import { numberOrNull } from '../lib/entry';
import { guarded } from '../panel/perform';
import { useStore } from '../stores';

const set = (label: string, change: Partial<PanelPrefs>) =>
  guarded(`prefs:${Object.keys(change).join()}`, label, () => api().setPanelPrefs(change), { guard: false });

type RangeField = ['systolic' | 'diastolic' | 'heartRate', 'low' | 'high'] | ['spo2', 'low'];
const RANGE_FIELDS: Array<[string, RangeField]> = [
  ['Systolic below', ['systolic', 'low']],
  ['Systolic above', ['systolic', 'high']],
  ['Diastolic below', ['diastolic', 'low']],
  ['Diastolic above', ['diastolic', 'high']],
  ['Heart rate below', ['heartRate', 'low']],
  ['Heart rate above', ['heartRate', 'high']],
  ['SpO₂ below', ['spo2', 'low']],
];

function get(r: VitalsRanges, [a, b]: RangeField): number {
  return (r[a] as Record<string, number>)[b] ?? 0;
}

function RangesForm({ ranges }: { ranges: VitalsRanges }) {
  const [values, setValues] = useState<string[]>(() => RANGE_FIELDS.map(([, f]) => String(get(ranges, f))));
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  useEffect(() => setValues(RANGE_FIELDS.map(([, f]) => String(get(ranges, f)))), [ranges]);

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const next = structuredClone(ranges) as VitalsRanges;
    for (const [i, [label, [a, b]]] of RANGE_FIELDS.entries()) {
      const n = numberOrNull(values[i] ?? '');
      if (n === null || Number.isNaN(n)) return setError(`${label}: enter a number.`);
      (next[a] as Record<string, number>)[b] = n;
    }
    const parsed = VitalsRangesSchema.safeParse(next);
    if (!parsed.success) return setError(`These limits do not fit: ${parsed.error.issues[0]?.message ?? 'check them'}.`);
    setError(null);
    await set('Vitals flags', { vitalsRanges: parsed.data });
  };

  return (
    <form className="form-grid ranges" onSubmit={(e) => void save(e)}>
      {RANGE_FIELDS.map(([label], i) => (
        <span key={label} className="contents">
          <label htmlFor={`${id}-${i}`}>{label}</label>
          <input
            id={`${id}-${i}`}
            type="text"
            inputMode="numeric"
            value={values[i] ?? ''}
            onChange={(e) => setValues(values.map((v, j) => (j === i ? e.target.value : v)))}
          />
        </span>
      ))}
      <div className="span-2 row-actions">
        <button type="submit">Save flag ranges</button>
        <button type="button" className="quiet-button" onClick={() => void set('Vitals flags', { vitalsRanges: DEFAULT_VITALS_RANGES })}>
          Restore defaults
        </button>
      </div>
      <InlineError text={error} />
    </form>
  );
}

/** "Save support log": what Stillroom said about itself, for whoever supports the clinic. */
function SupportCard() {
  const id = useId();
  const [file, setFile] = useState<SavedFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = async (): Promise<void> => {
    const r = await api().saveSupportLog({});
    if (r.ok && r.file) {
      setFile(r.file);
      setError(null);
    } else if (!r.ok) setError(r.error);
  };
  return (
    <section className="card" aria-labelledby={`${id}-support`}>
      <h2 id={`${id}-support`} className="card-title">
        Support
      </h2>
      <p className="small quiet">
        The support log holds what Stillroom said about itself (starts, devices, failures) — no notes, names, intentions or vitals.
      </p>
      <div className="row-actions">
        <button type="button" onClick={() => void save()}>
          Save support log
        </button>
      </div>
      {file ? <SavedFileLine file={file} testId="support-log" /> : null}
      <InlineError text={error} />
    </section>
  );
}

function setKeepAwake(choice: 'prevent-app-suspension' | 'prevent-display-sleep'): Promise<boolean> {
  return guarded('keep-awake', 'Keep awake', () => api().setKeepAwake({ choice }), { guard: false });
}

export function SettingsView() {
  const prefs = useStore((s) => s.snapshot?.prefs ?? null);
  const keepAwake = useStore((s) => s.snapshot?.machine?.keepAwake ?? null);
  const id = useId();
  if (!prefs) return null;
  return (
    <div className="view settings-view">
      <AppHeader />
      <main className="settings-main">
        <h1 className="view-title">Settings</h1>
        <p className="quiet small">Remembered on this machine.</p>
        <PressStatusLine />
        <section className="card" aria-labelledby={`${id}-display`}>
          <h2 id={`${id}-display`} className="card-title">
            Display
          </h2>
          <fieldset className="radio-row">
            <legend>Theme</legend>
            <label className="check">
              <input
                type="radio"
                name={`${id}-theme`}
                checked={prefs.theme === 'dark'}
                onChange={() => void set('Theme', { theme: 'dark' })}
              />{' '}
              Dark
            </label>
            <label className="check">
              <input
                type="radio"
                name={`${id}-theme`}
                checked={prefs.theme === 'night'}
                onChange={() => void set('Theme', { theme: 'night' })}
              />{' '}
              Night (red and amber)
            </label>
          </fieldset>
          <div className="slider-row">
            <label htmlFor={`${id}-bright`}>Panel brightness</label>
            <input
              id={`${id}-bright`}
              type="range"
              min={30}
              max={100}
              step={5}
              value={Math.round(prefs.brightness * 100)}
              aria-valuetext={`${Math.round(prefs.brightness * 100)} %`}
              onChange={(e) => void set('Panel brightness', { brightness: Number(e.target.value) / 100 })}
            />
            <span className="tabular">{Math.round(prefs.brightness * 100)} %</span>
          </div>
          <fieldset className="radio-row">
            <legend>Clock times</legend>
            {(
              [
                ['auto', 'As this computer’s region (24-hour outside the US)'],
                ['24h', '24-hour (14:05)'],
                ['12h', '12-hour (2:05 PM)'],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="check">
                <input
                  type="radio"
                  name={`${id}-clock`}
                  checked={prefs.clockFormat === value}
                  onChange={() => void set('Clock times', { clockFormat: value })}
                />{' '}
                {label}
              </label>
            ))}
          </fieldset>
          <label className="check">
            <input type="checkbox" checked={prefs.compact} onChange={(e) => void set('Compact layout', { compact: e.target.checked })} />{' '}
            Compact layout (the essentials, for a small window)
          </label>
        </section>
        {keepAwake && api().shell === 'electron' ? (
          <section className="card" aria-labelledby={`${id}-awake`}>
            <h2 id={`${id}-awake`} className="card-title">
              During a session
            </h2>
            <fieldset className="radio-row">
              <legend>Keep awake</legend>
              <label className="check">
                <input
                  type="radio"
                  name={`${id}-awake`}
                  checked={keepAwake === 'prevent-app-suspension'}
                  onChange={() => void setKeepAwake('prevent-app-suspension')}
                />{' '}
                The computer (the screen may go dark)
              </label>
              <label className="check">
                <input
                  type="radio"
                  name={`${id}-awake`}
                  checked={keepAwake === 'prevent-display-sleep'}
                  onChange={() => void setKeepAwake('prevent-display-sleep')}
                />{' '}
                The computer and the screen
              </label>
            </fieldset>
          </section>
        ) : null}
        <section className="card" aria-labelledby={`${id}-ranges`}>
          <h2 id={`${id}-ranges`} className="card-title">
            Vitals flagged outside
          </h2>
          <RangesForm ranges={prefs.vitalsRanges} />
        </section>
        <SupportCard />
      </main>
    </div>
  );
}
