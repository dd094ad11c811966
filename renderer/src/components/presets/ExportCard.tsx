/**
 * Export a preset to share: a `.stillroom.json` (tracks by title, artist, duration and ISRC,
 * never this computer's paths) or a bundle with the audio, optionally signed as this clinic.
 */

import type { SavedFile } from '@host/contract';
import { useId, useState } from 'react';
import { api } from '../../bridge';
import { useStore } from '../../stores';
import { InlineError } from '../InlineError';
import { SavedFileLine } from '../SavedFileLine';
import { useRun } from '../useCommand';

export function ExportCard({ presetId, name, origin }: { presetId: string; name: string; origin: 'bundled' | 'user' | 'clinic' }) {
  const id = useId();
  const identity = useStore((s) => s.snapshot?.sharing?.identity ?? null);
  const clinicFolder = useStore((s) => s.snapshot?.sharing?.clinicFolder ?? null);
  const [published, setPublished] = useState<string | null>(null);
  const [format, setFormat] = useState<'json' | 'bundle'>('json');
  const [sign, setSign] = useState(false);
  const [saved, setSaved] = useState<{ file: SavedFile; note: string } | null>(null);
  const { busy, error, run } = useRun();

  const publish = async () => {
    setSaved(null);
    setPublished(null);
    const r = await run(() => api().publishPreset({ presetId, sign: sign && identity !== null }));
    if (r?.data) setPublished(`Published to ${r.data.path}${r.data.signed ? `, signed as ${identity?.clinic ?? 'this clinic'}` : ''}.`);
  };

  const doExport = async () => {
    setSaved(null);
    setPublished(null);
    const r = await run(() => api().exportPreset({ presetId, format, sign: sign && identity !== null }));
    if (r?.file && r.data) {
      const d = r.data;
      const parts = [d.signed ? `Signed as ${identity?.clinic ?? 'this clinic'}.` : 'Not signed.'];
      if (format === 'bundle')
        parts.push(
          `${d.audioFiles} audio file${d.audioFiles === 1 ? '' : 's'} inside${d.missingAudio ? `; ${d.missingAudio} track${d.missingAudio === 1 ? '' : 's'} not found in the library (described only)` : ''}.`,
        );
      setSaved({ file: r.file, note: parts.join(' ') });
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Share “{name}”
      </h2>
      <fieldset className="stack">
        <legend className="section-title">As</legend>
        <label className="check">
          <input type="radio" name={`${id}-fmt`} checked={format === 'json'} onChange={() => setFormat('json')} /> Preset file
          (.stillroom.json) — music described by title, artist and length, never by where it is on this computer
        </label>
        <label className="check">
          <input type="radio" name={`${id}-fmt`} checked={format === 'bundle'} onChange={() => setFormat('bundle')} /> Bundle (.zip) with
          the audio files — only for music your clinic may share
        </label>
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          checked={sign && identity !== null}
          disabled={identity === null}
          onChange={(e) => setSign(e.target.checked)}
        />{' '}
        {identity ? `Sign as ${identity.clinic}` : 'Sign (name your clinic under “Signing” first)'}
      </label>
      <div className="row-actions">
        <button type="button" disabled={busy} onClick={() => void doExport()}>
          Export
        </button>
        {clinicFolder && origin !== 'clinic' ? (
          <button type="button" disabled={busy} onClick={() => void publish()}>
            Publish to the clinic folder
          </button>
        ) : null}
        {busy ? <span className="quiet small">Writing…</span> : null}
      </div>
      {published ? (
        <p className="small saved-file" role="status" data-testid="published">
          {published}
        </p>
      ) : null}
      {saved ? (
        <>
          <SavedFileLine file={saved.file} testId="export-saved" />
          <p className="quiet small">{saved.note}</p>
        </>
      ) : null}
      <InlineError text={error} />
    </section>
  );
}
