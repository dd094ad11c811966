/**
 * Presets: every preset (built in, yours, the clinic folder's), the editor for your own, export
 * and import between clinics with signatures and a resolution report, and the clinic folder.
 */
import { useEffect, useState } from 'react';
import { AppHeader } from '../components/AppHeader';
import { stopAudition } from '../components/presets/audition';
import { ClinicFolderCard } from '../components/presets/ClinicFolderCard';
import { ImportPanel } from '../components/presets/ImportPanel';
import { PresetDetail } from '../components/presets/PresetDetail';
import { PresetList } from '../components/presets/PresetList';
import { SigningCard } from '../components/presets/SigningCard';
import { useStore } from '../stores';
import '../styles/presets.css';

type Work = { kind: 'none' } | { kind: 'preset'; id: string } | { kind: 'import' };

export function PresetsView() {
  const presets = useStore((s) => s.snapshot?.presets ?? []);
  const problems = useStore((s) => s.snapshot?.presetProblems ?? []);
  const [work, setWork] = useState<Work>({ kind: 'none' });
  const sessionRunning = useStore((s) => s.snapshot?.session?.status === 'running');
  // A preview never plays over a session, nor after leaving the view.
  useEffect(() => {
    if (sessionRunning) stopAudition();
  }, [sessionRunning]);
  useEffect(() => () => stopAudition(), []);
  const select = (id: string | null) => setWork(id ? { kind: 'preset', id } : { kind: 'none' });
  const current = work.kind === 'preset' && presets.some((p) => p.id === work.id) ? work.id : null;

  return (
    <div className="view presets-view">
      <AppHeader />
      <main className="presets-main" aria-label="Presets">
        <h1 className="view-title">Presets</h1>
        <div className="presets-layout">
          <div className="presets-side">
            <PresetList
              presets={presets}
              problems={problems}
              selected={current}
              onSelect={select}
              onImport={() => setWork({ kind: 'import' })}
            />
            <SigningCard />
            <ClinicFolderCard />
          </div>
          <div className="presets-work">
            {work.kind === 'import' ? (
              <ImportPanel onDone={select} />
            ) : current ? (
              <PresetDetail presetId={current} onSelect={select} />
            ) : (
              <p className="quiet presets-hint">Choose a preset to see it, edit your own, or share it.</p>
            )}
          </div>
        </div>
      </main>
    </div>
  );
}
