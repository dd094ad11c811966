/**
 * `npm run bench -- --check`: compares a run's figures with the checked-in budget
 * (`budget.json`) and says which are over. Pure, so its rules are unit-tested.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Limit {
  max?: number;
  min?: number;
  why?: string;
}

export interface Budget {
  limits: Record<string, Limit>;
}

export interface BudgetLine {
  key: string;
  value: number | null;
  limit: Limit;
  verdict: 'ok' | 'over' | 'not measured';
}

export function loadBudget(file = join(import.meta.dirname, 'budget.json')): Budget {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { limits?: unknown };
  if (typeof data.limits !== 'object' || data.limits === null) throw new Error(`${file}: no "limits" object`);
  for (const [key, l] of Object.entries(data.limits as Record<string, Limit>)) {
    if (typeof l.max !== 'number' && typeof l.min !== 'number') throw new Error(`${file}: ${key} has neither max nor min`);
  }
  return data as Budget;
}

/** Each budgeted figure against its limit; a figure that is NaN or absent was not measured. */
export function checkBudget(results: Readonly<Record<string, number>>, budget: Budget): BudgetLine[] {
  return Object.entries(budget.limits).map(([key, limit]) => {
    const v = results[key];
    if (v === undefined || !Number.isFinite(v)) return { key, value: null, limit, verdict: 'not measured' };
    const over = (limit.max !== undefined && v > limit.max) || (limit.min !== undefined && v < limit.min);
    return { key, value: v, limit, verdict: over ? 'over' : 'ok' };
  });
}

/** The check as people read it: one line per budgeted figure, the ones over first. */
export function formatBudget(lines: readonly BudgetLine[]): string {
  const order = { over: 0, 'not measured': 1, ok: 2 } as const;
  const width = Math.max(...lines.map((l) => l.key.length));
  return [...lines]
    .sort((a, b) => order[a.verdict] - order[b.verdict])
    .map((l) => {
      const bound = l.limit.max !== undefined ? `≤ ${l.limit.max}` : `≥ ${l.limit.min}`;
      const value = l.value === null ? '—' : String(Math.round(l.value * 1000) / 1000);
      return `${l.verdict.toUpperCase().padEnd(12)} ${l.key.padEnd(width)}  ${value.padStart(9)}  (${bound})`;
    })
    .join('\n');
}
