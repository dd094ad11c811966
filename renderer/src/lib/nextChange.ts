/**
 * The panel's "what changes next" line, in plain words (issue 12.6): a held phase says that
 * nothing changes until it is resumed ("Deep rest is held — no change until you resume"), a
 * phase waiting for the dose says so, and otherwise the next change and how soon.
 */
import { formatDurationMs } from '@core/format';
import type { SessionState } from '@core/session';
import { type Timeline, type UpcomingChange, upcomingChanges } from '@core/timeline';
import { phaseNow } from './phase';

function changeText(c: UpcomingChange): string {
  switch (c.kind) {
    case 'phase':
      return `${c.label} phase`;
    case 'track':
      return `track “${c.label}”`;
    case 'reminder':
      return `${c.label} (reminder)`;
    default:
      return c.label;
  }
}

export function nextChangeText(session: SessionState, timeline: Timeline | null, now: number): string {
  const { current, spans } = phaseNow(session, now);
  if (current?.held) return `${current.name} is held — no change until you resume`;
  if (current && session.phases[current.index]?.untilDose && session.doseAt === null) {
    const next = spans[current.index + 1];
    return next ? `Next: ${next.name}, once the dose is given` : 'Waiting for the dose';
  }
  const next = timeline
    ? upcomingChanges(session, timeline, now).find((c) => c.kind !== 'phase' || !/\((on hold|after dose)\)$/.test(c.label))
    : undefined;
  if (!next) return 'Next: nothing planned';
  return next.at > now ? `Next: ${changeText(next)} in ${formatDurationMs(next.at - now)}` : `Next: ${changeText(next)}`;
}
