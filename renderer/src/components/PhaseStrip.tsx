/** All phases in a row, sized by length; the current one marked. Re-renders once a second with the clock. */

import { formatDurationMs } from '@core/format';
import type { SessionState } from '@core/session';
import { phaseNow, stripLength } from '../lib/phase';
import { useStore } from '../stores';

export function PhaseStrip({ session }: { session: SessionState }) {
  const now = useStore((s) => s.now);
  const { spans, current } = phaseNow(session, now);
  return (
    <ol className="phase-strip" aria-label="Phases">
      {spans.map((span) => {
        const isCurrent = span.index === current?.index;
        const past = current !== null && span.index < current.index;
        const length = stripLength(span, now);
        const progress = isCurrent ? Math.min(1, Math.max(0, (now - span.start) / length)) : past ? 1 : 0;
        return (
          <li
            key={span.index}
            className={`phase-cell${isCurrent ? ' is-current' : ''}${past ? ' is-past' : ''}`}
            style={{ flexGrow: length }}
            aria-current={isCurrent ? 'step' : undefined}
            aria-label={`${span.name}, ${formatDurationMs(length)}${span.expected ? ' planned' : ''}${isCurrent ? ', now' : ''}`}
          >
            <span className="phase-bar" aria-hidden="true">
              <span className="phase-fill" style={{ width: `${(progress * 100).toFixed(2)}%` }} />
            </span>
            <span className="phase-cell-name">{span.name}</span>
          </li>
        );
      })}
    </ol>
  );
}
