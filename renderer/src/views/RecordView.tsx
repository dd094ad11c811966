/** The clinical record of the session: dose, vitals, ratings, adverse events, discharge, signature. Works on while the session runs and after it ends; once signed, only addenda. */

import { AppHeader } from '../components/AppHeader';
import { PressStatusLine } from '../components/ControlButton';
import { AdverseForm } from '../components/record/AdverseForm';
import { DischargeForm } from '../components/record/DischargeForm';
import { DoseForm } from '../components/record/DoseForm';
import { RatingForm } from '../components/record/RatingForm';
import { SignCard } from '../components/record/SignCard';
import { VitalsForm } from '../components/record/VitalsForm';
import { useStore } from '../stores';
import { headerContext } from './LivePanel';

export function RecordView() {
  const session = useStore((s) => s.snapshot?.session ?? null);
  const ranges = useStore((s) => s.snapshot?.prefs.vitalsRanges);
  if (!session || !ranges) return null;
  return (
    <div className="view record-view">
      <AppHeader context={headerContext(session)} />
      <main className="record-main">
        <h1 className="view-title">Clinical record{session.status === 'ended' ? ' (session ended)' : ''}</h1>
        <PressStatusLine />
        <div className="card-grid">
          <VitalsForm session={session} ranges={ranges} />
          <DoseForm session={session} />
          <RatingForm session={session} />
          <AdverseForm session={session} />
          <DischargeForm session={session} />
          <SignCard session={session} />
        </div>
      </main>
    </div>
  );
}
