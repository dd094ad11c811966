/**
 * The session report, as a draft while the session runs and final after it: for the therapist
 * (everything) or for the client (the therapist chooses what goes in; private notes never do).
 * A preview shows exactly what will be written; Export writes Markdown or PDF to the reports
 * folder and offers it for download.
 */

import { liveNotes } from '@core/notes';
import { type Audience, assembleReport, CLIENT_DEFAULT_INCLUDE, type ReportInclude, toMarkdown } from '@core/report';
import type { Note } from '@core/session';
import type { SavedFile } from '@host/contract';
import { useId, useMemo, useState } from 'react';
import { api } from '../bridge';
import { AppHeader } from '../components/AppHeader';
import { PressStatusLine } from '../components/ControlButton';
import { noteStamp } from '../components/NotesPanel';
import { SavedFileLine } from '../components/SavedFileLine';
import { clockFormat } from '../lib/time';
import { guarded } from '../panel/perform';
import { useStore } from '../stores';
import { headerContext } from './LivePanel';

const INCLUDE_LABELS: Array<[keyof ReportInclude, string]> = [
  ['intention', 'Intention'],
  ['phases', 'Phase times'],
  ['tracks', 'Music played'],
  ['light', 'Light and safe state'],
  ['vitals', 'Vitals'],
  ['chart', 'Timeline chart (PDF)'],
];

/** Notes that go to the client: ticked, and never a private one. */
function chosenNotes(notes: readonly Note[], ticked: ReadonlySet<string>): string[] {
  return notes.filter((n) => !n.private && ticked.has(n.id)).map((n) => n.id);
}

export function ReportView() {
  const snapshot = useStore((s) => s.snapshot);
  const session = snapshot?.session ?? null;
  const [audience, setAudience] = useState<Audience>('therapist');
  // The client's copy shares the intention, the phase times and the music until the therapist chooses more.
  const [include, setInclude] = useState<ReportInclude>({ ...CLIENT_DEFAULT_INCLUDE });
  // Every note is off until ticked.
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const [saved, setSaved] = useState<SavedFile | null>(null);
  const id = useId();

  const notes = session ? liveNotes(session.notes) : [];
  const noteIds = chosenNotes(notes, ticked);

  const preview = useMemo(() => {
    if (!session || !snapshot) return '';
    const noteIds = chosenNotes(liveNotes(session.notes), ticked);
    const r = assembleReport(session, snapshot.timeline, {
      audience,
      include,
      noteIds: audience === 'client' ? noteIds : null,
      now: snapshot.now,
      vitalsRanges: snapshot.prefs.vitalsRanges,
      clockFormat: clockFormat(),
    });
    return toMarkdown(r);
  }, [session, snapshot, audience, include, ticked]);

  if (!session || !snapshot) return null;

  const exportAs = async (format: 'markdown' | 'pdf'): Promise<void> => {
    let file: SavedFile | undefined;
    // The double-press guard is per report: the client's right after the therapist's is not a double press.
    const ok = await guarded(`export:${format}:${audience}`, 'Export report', async () => {
      const r = await api().exportReport({ audience, format, include, noteIds: audience === 'client' ? noteIds : null });
      if (r.ok) file = r.file;
      return r;
    });
    if (ok && file) setSaved(file);
  };

  return (
    <div className="view report-view">
      <AppHeader context={headerContext(session)} />
      <main className="report-main">
        <h1 className="view-title">Session report{session.status === 'running' ? ' (draft: the session is still running)' : ''}</h1>
        <div className="report-layout">
          <form className="report-options" onSubmit={(e) => e.preventDefault()}>
            <fieldset className="radio-row">
              <legend className="section-title">For</legend>
              <label className="check">
                <input type="radio" name={`${id}-aud`} checked={audience === 'therapist'} onChange={() => setAudience('therapist')} />{' '}
                Therapist (full record)
              </label>
              <label className="check">
                <input type="radio" name={`${id}-aud`} checked={audience === 'client'} onChange={() => setAudience('client')} /> Client (for
                integration)
              </label>
            </fieldset>
            {audience === 'client' ? (
              <>
                <fieldset className="stack">
                  <legend className="section-title">Put in</legend>
                  {INCLUDE_LABELS.map(([key, label]) => (
                    <label key={key} className="check">
                      <input type="checkbox" checked={include[key]} onChange={(e) => setInclude({ ...include, [key]: e.target.checked })} />{' '}
                      {label}
                    </label>
                  ))}
                </fieldset>
                <fieldset className="stack note-choice">
                  <legend className="section-title">Notes to share (none until ticked)</legend>
                  {notes.length === 0 ? <p className="quiet small">No notes.</p> : null}
                  {notes.map((n) => (
                    <label key={n.id} className={`check small${n.private ? ' is-private' : ''}`}>
                      <input
                        type="checkbox"
                        aria-label={n.text}
                        disabled={n.private}
                        checked={!n.private && ticked.has(n.id)}
                        onChange={(e) => {
                          const next = new Set(ticked);
                          if (e.target.checked) next.add(n.id);
                          else next.delete(n.id);
                          setTicked(next);
                        }}
                      />{' '}
                      <span className="tabular">{noteStamp(n, session.doseAt)}</span>{' '}
                      {n.text.length > 80 ? `${n.text.slice(0, 80)}…` : n.text}
                      {n.private ? ' (private: never shared)' : ''}
                    </label>
                  ))}
                </fieldset>
              </>
            ) : (
              <p className="quiet small">
                Everything: dose, every event, vitals and ratings, adverse events, reminders, all notes (private ones marked) with their
                history, music, light, discharge, the signature and addenda.
              </p>
            )}
            <div className="row-actions">
              <button type="button" onClick={() => void exportAs('markdown')}>
                Export report as Markdown
              </button>
              <button type="button" onClick={() => void exportAs('pdf')}>
                Export report as PDF
              </button>
            </div>
            <PressStatusLine />
            {saved ? <SavedFileLine file={saved} testId="report-saved" /> : null}
          </form>
          <section className="report-preview" aria-labelledby={`${id}-preview`}>
            <h2 id={`${id}-preview`} className="section-title">
              {audience === 'client' ? 'Preview: exactly what the client gets' : 'Preview (Markdown)'}
            </h2>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the preview scrolls, so it must be reachable by keyboard */}
            <pre tabIndex={0} data-testid="report-preview">
              {preview}
            </pre>
          </section>
        </div>
      </main>
    </div>
  );
}
