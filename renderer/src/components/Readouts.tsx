/**
 * The live panel's clocks. Each is a small component that selects the one-second `now`, so
 * only these re-render every second, not the panel around them.
 */

import { formatDurationMs } from '@core/format';
import type { SessionState } from '@core/session';
import { segmentsAt, type Timeline } from '@core/timeline';
import { nextChangeText } from '../lib/nextChange';
import { phaseNow, remainingOf } from '../lib/phase';
import { useStore } from '../stores';

const useNow = (): number => useStore((s) => s.now);

export function PhaseName({ session }: { session: SessionState }) {
  // Re-renders when the name changes, not every second.
  const name = useStore((s) => phaseNow(session, s.now).current?.name ?? '—');
  return (
    <h1 className="phase-name" data-testid="phase-name">
      {name}
    </h1>
  );
}

export function PhaseClock({ session }: { session: SessionState }) {
  const now = useNow();
  const { current } = phaseNow(session, now);
  if (!current) return null;
  const rem = remainingOf(session, current, now);
  let remaining: string;
  if (rem.kind === 'held') remaining = 'on hold';
  else if (rem.kind === 'waiting-dose') remaining = 'waiting for dose';
  else if (rem.kind === 'overtime') remaining = `overtime +${formatDurationMs(rem.ms)}`;
  else remaining = formatDurationMs(rem.ms);
  const wordy = rem.kind !== 'left';
  return (
    <div className="phase-clock">
      <div className="readout">
        <span className="readout-label">Phase elapsed</span>
        <span className="readout-value big" data-testid="phase-elapsed">
          {formatDurationMs(now - current.start)}
        </span>
      </div>
      <div className="readout">
        <span className="readout-label">Remaining</span>
        <span className={`readout-value big${wordy ? ' wordy' : ''}`} data-testid="phase-remaining">
          {remaining}
        </span>
      </div>
    </div>
  );
}

export function SinceDose({ session }: { session: SessionState }) {
  const now = useNow();
  const given = session.doseAt;
  return (
    <div className="readout">
      <span className="readout-label">Since dose</span>
      <span className={`readout-value medium${given === null ? ' wordy' : ''}`} data-testid="since-dose">
        {given === null ? 'Dose not yet given' : formatDurationMs(now - given)}
      </span>
    </div>
  );
}

export function NextChange({ session, timeline }: { session: SessionState; timeline: Timeline | null }) {
  const now = useNow();
  return (
    <p className="next-change" data-testid="next-change">
      {nextChangeText(session, timeline, now)}
    </p>
  );
}

export function CurrentTrack({ session, timeline }: { session: SessionState; timeline: Timeline | null }) {
  const now = useNow();
  const playing = timeline ? segmentsAt(timeline, now) : [];
  // During a crossfade the newer track is the one coming in: name that one.
  const seg = playing.at(-1);
  const track = seg ? session.plan.tracks[seg.trackId] : undefined;
  const text = track ? `${track.title}${track.artist ? ` — ${track.artist}` : ''}` : seg ? seg.trackId : 'No music at the moment';
  return (
    <p className="current-track">
      <span className="readout-label">Music</span>
      <span data-testid="current-track">{text}</span>
    </p>
  );
}
