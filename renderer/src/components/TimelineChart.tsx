/**
 * The session on one calm chart: phases, music segments (alternating lanes, so crossfades show
 * as overlaps), the light level curve (the plan ahead dashed), safe state, and markers for
 * notes, the dose, vitals (out-of-range ones marked), ratings and adverse events. Drawn from the
 * same `chartModel` as the PDF report. It is rebuilt when the host sends a new snapshot (and
 * every half minute); only the "now" line follows the clock. No animation.
 */

import { type ChartMarker, type ChartModel, chartModel } from '@core/report';
import type { SessionState } from '@core/session';
import type { Timeline } from '@core/timeline';
import type { VitalsRanges } from '@core/vitals';
import { memo, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { clockTime } from '../lib/time';
import { useStore } from '../stores';

const H = 156;
const ROW = { phase: [0, 22], music: [28, 46], light: [52, 112], marks: [118, 134], axis: 150 } as const;

function ticks(from: number, to: number, width: number): number[] {
  const minutes = (to - from) / 60_000;
  const most = Math.max(2, Math.floor(width / 90));
  const step = [1, 2, 5, 10, 15, 20, 30, 60, 90, 120].find((s) => minutes / s <= most) ?? 180;
  const out: number[] = [];
  for (let t = Math.ceil(from / (step * 60_000)) * step * 60_000; t <= to; t += step * 60_000) out.push(t);
  return out;
}

function Marker({ m, x }: { m: ChartMarker; x: number }) {
  const y = m.kind === 'note' ? ROW.marks[0] + 4 : ROW.marks[1] - 3;
  const cls = `mark mark-${m.kind}${m.flagged ? ' is-flagged' : ''}`;
  let shape: ReactNode;
  if (m.kind === 'note') shape = <circle cx={x} cy={y} r={3.5} className={cls} />;
  else if (m.kind === 'dose') shape = <path d={`M${x - 4.5},${y + 4} L${x},${y - 4.5} L${x + 4.5},${y + 4} Z`} className={cls} />;
  else shape = <path d={`M${x},${y - 5} L${x + 5},${y} L${x},${y + 5} L${x - 5},${y} Z`} className={cls} />;
  return (
    <g data-marker={m.kind} data-flagged={m.flagged ? 'true' : undefined}>
      <title>{m.label}</title>
      {shape}
    </g>
  );
}

const Chart = memo(function Chart({ model, width }: { model: ChartModel; width: number }) {
  const span = Math.max(1, model.to - model.from);
  const X = (t: number): number => ((Math.min(model.to, Math.max(model.from, t)) - model.from) / span) * width;
  const [ly0, ly1] = ROW.light;
  const Y = (level: number): number => ly1 - (Math.max(0, Math.min(100, level)) / 100) * (ly1 - ly0);
  const past = model.light.filter((p) => !p.planned);
  const ahead = model.light.filter((p) => p.planned);
  const line = (pts: typeof past): string => pts.map((p, i) => `${i ? 'L' : 'M'}${X(p.t).toFixed(1)},${Y(p.level).toFixed(1)}`).join(' ');
  const area =
    past.length > 1 ? `${line(past)} L${X(past.at(-1)?.t ?? 0).toFixed(1)},${ly1} L${X(past[0]?.t ?? 0).toFixed(1)},${ly1} Z` : '';
  const joined = past.length && ahead.length ? [past[past.length - 1] as (typeof past)[number], ...ahead] : ahead;
  return (
    <>
      {model.safe.map((s) => (
        <rect key={s.from} x={X(s.from)} y={ly0} width={Math.max(1, X(s.to) - X(s.from))} height={ly1 - ly0} className="chart-safe" />
      ))}
      {model.phases.map((p) => {
        const x = X(p.from);
        const w = Math.max(1, X(p.to) - x);
        return (
          <g key={p.index} className={`chart-phase${p.expected ? ' is-planned' : ''}${p.index % 2 ? ' is-odd' : ''}`}>
            <rect x={x} y={ROW.phase[0]} width={w} height={ROW.phase[1] - ROW.phase[0]} rx={3} />
            {w > 40 ? (
              <text x={x + 6} y={15} className="chart-label">
                {p.name.length * 6.5 > w - 10 ? `${p.name.slice(0, Math.max(1, Math.floor((w - 16) / 6.5)))}…` : p.name}
              </text>
            ) : null}
          </g>
        );
      })}
      {model.segments.map((s) => (
        <rect
          key={`${s.from}-${s.label}`}
          x={X(s.from)}
          y={ROW.music[0] + s.lane * 9}
          width={Math.max(1, X(s.to) - X(s.from))}
          height={7}
          rx={2}
          className={`chart-segment${s.planned ? ' is-planned' : ''}`}
        >
          <title>{s.label}</title>
        </rect>
      ))}
      <rect x={0} y={ly0} width={width} height={ly1 - ly0} className="chart-frame" />
      {area ? <path d={area} className="chart-light-area" /> : null}
      {past.length > 1 ? <path d={line(past)} className="chart-light" /> : null}
      {joined.length > 1 ? <path d={line(joined)} className="chart-light is-planned" /> : null}
      {model.markers.map((m) => (
        <Marker key={`${m.kind}-${m.id}`} m={m} x={X(m.t)} />
      ))}
      {ticks(model.from, model.to, width).map((t) => (
        <g key={t}>
          <line x1={X(t)} x2={X(t)} y1={ROW.marks[1] + 4} y2={ROW.marks[1] + 8} className="chart-tick" />
          <text x={Math.min(width - 18, Math.max(18, X(t)))} y={ROW.axis} textAnchor="middle" className="chart-axis">
            {clockTime(t)}
          </text>
        </g>
      ))}
    </>
  );
});

/**
 * The "now" line. It subscribes to the whole pixel it stands on, not to the clock: over a
 * 2-hour chart 800 px wide it moves about once every 9 s, so the page re-renders nothing in
 * between (quiet idle).
 */
function NowLine({ from, to, width }: { from: number; to: number; width: number }) {
  const x = useStore((s) => (s.now < from || s.now > to ? null : Math.round(((s.now - from) / Math.max(1, to - from)) * width)));
  if (x === null) return null;
  return <line x1={x} x2={x} y1={0} y2={ROW.marks[1] + 2} className="chart-now" data-testid="chart-now" />;
}

/** Memoised: the live panel above it re-renders on its own clock; the chart only on its inputs. */
export const TimelineChart = memo(function TimelineChart({
  session,
  timeline,
  ranges,
}: {
  session: SessionState;
  timeline: Timeline | null;
  ranges: VitalsRanges | undefined;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  // Rebuilt on new snapshots and twice a minute (the plan ahead moves with a held phase).
  const slot = useStore((s) => Math.floor(s.now / 30_000));
  const model = useMemo(
    () => (timeline ? chartModel(session, timeline, slot * 30_000 + 15_000, { clinical: true, vitalsRanges: ranges }) : null),
    [session, timeline, slot, ranges],
  );

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.round(entry.contentRect.width)));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const notes = model?.markers.filter((m) => m.kind === 'note').length ?? 0;
  const vitals = model?.markers.filter((m) => m.kind === 'vitals').length ?? 0;
  // The counts go in the description, not the name: the chart is named "Session timeline".
  const description = model
    ? `${model.phases.length} phases, ${model.segments.length} music segments, the light level, ${notes} note${notes === 1 ? '' : 's'}, ${vitals} vitals reading${vitals === 1 ? '' : 's'}`
    : '';
  return (
    <div className="chart" ref={ref} data-testid="timeline-chart" data-notes={notes} data-vitals={vitals}>
      {model ? (
        <svg
          role="img"
          aria-label="Session timeline"
          aria-describedby="timeline-desc"
          width={width}
          height={H}
          viewBox={`0 0 ${width} ${H}`}
        >
          <desc id="timeline-desc">{description}</desc>
          <Chart model={model} width={width} />
          {model.now !== null ? <NowLine from={model.from} to={model.to} width={width} /> : null}
        </svg>
      ) : null}
    </div>
  );
});
