/** `npm run bench -- --check` (test/bench/budget.ts): which figures are over, and the checked-in budget itself. */
import { describe, expect, it } from 'vitest';
import { checkBudget, formatBudget, loadBudget } from '../../bench/budget';

const budget = { limits: { fast_ms: { max: 1 }, ratio: { min: 1 }, absent: { max: 3 } } };

describe('the bench budget', () => {
  it('says which figures are over a maximum or under a minimum, and which were not measured', () => {
    const lines = checkBudget({ fast_ms: 1.2, ratio: 1.4, other: 9 }, budget);
    expect(lines.map((l) => [l.key, l.verdict])).toEqual([
      ['fast_ms', 'over'],
      ['ratio', 'ok'],
      ['absent', 'not measured'],
    ]);
    expect(checkBudget({ fast_ms: 1, ratio: 0.9, absent: Number.NaN }, budget).map((l) => l.verdict)).toEqual([
      'ok',
      'over',
      'not measured',
    ]);
  });

  it('prints the figures over budget first', () => {
    const text = formatBudget(checkBudget({ fast_ms: 0.5, ratio: 0.5 }, budget));
    expect(text.split('\n')[0]).toMatch(/^OVER\s+ratio\s+0\.5\s+\(≥ 1\)$/);
    expect(text).toMatch(/NOT MEASURED\s+absent\s+—\s+\(≤ 3\)/);
  });

  it('the checked-in budget holds the issue’s limits, each with a bound', () => {
    const real = loadBudget();
    expect(real.limits.audio_crossfade_start_error_p99_ms?.max).toBe(5);
    expect(real.limits.timeline_build_3h_60_tracks_p99_ms?.max).toBe(1);
    expect(real.limits.loudness_16_files_vs_ffmpeg_ratio_default?.min).toBe(1);
    expect(real.limits.audio_long_program_renderer_pss_mb_peak?.max).toBe(250);
  });
});
