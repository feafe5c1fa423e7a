// Small tools the analyses share: numbers out of records, statistics over seeds, and wording.

import { parseField } from '../plot/metric-path';
import type { SampleStats } from '../plot/stats';
import { formatStats, sampleStats } from '../plot/stats';
import type { SweepRecord } from '../sweep';
import { describeTargetSync } from '../theory';
import type { Inequality, MeasuredCell, Shown } from './types';

export function numberAt(record: unknown, path: string): number | undefined {
  const v = parseField(path).get(record);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Statistics over the records `where` selects (the seeds of one point) of the number at `path`. */
export function statsOf(records: SweepRecord[], where: (r: SweepRecord) => boolean, path: string): SampleStats | undefined {
  const values = records
    .filter(where)
    .map((r) => numberAt(r, path))
    .filter((v): v is number => v !== undefined);
  return values.length ? sampleStats(values) : undefined;
}

/** A table cell of `s` (null when nothing was measured), shown as mean ± `spread`. */
export function measuredCell(s: SampleStats | undefined, spread: 'sem' | 'std' = 'sem', digits = 3): MeasuredCell | null {
  return s ? { mean: s.mean, sem: s.sem, std: s.std, count: s.count, spread, digits } : null;
}

export const fmt = (s: SampleStats | undefined, spread: 'std' | 'sem' = 'std', digits = 3) => (s ? formatStats(s, spread, digits) : 'n/a');

/** The distinct values of a config field, ascending. */
export function valuesOf(records: SweepRecord[], field: string): number[] {
  return [...new Set(records.map((r) => numberAt(r, `config.${field}`)).filter((v): v is number => v !== undefined))].sort((a, b) => a - b);
}

export function nearest(values: number[], target: number): number {
  return values.reduce((best, v) => (Math.abs(v - target) < Math.abs(best - target) ? v : best), values[0]);
}

export const shownWord: Record<Shown, string> = { yes: 'shown', no: 'not shown', partly: 'partly shown', inconclusive: 'inconclusive' };

/**
 * Error of the best predictor that sees only the first learned direction v* (C1* normalized):
 * Var(y) − Σ_k k! (Σ_{|α|=k} b_α v^α)² from the target's Hermite terms (He_k(v·u) = Σ_{|β|=k} k!/β! v^β He_β(u)
 * for a unit v). This bounds a readout that sees the data only through v* — a narrow network after one step
 * with n = O(d), p ≪ d. It is no bound for p ≳ d: ridge on σ(m·v* + w0·z) with many neurons also
 * represents σ'(m·v*)·(linear in z), which captures terms such as u1·u2 without any overlap on u2.
 */
export function oneDirectionError(target: string, noise = 0): number {
  const t = describeTargetSync(target);
  const norm = Math.hypot(...t.c1);
  const v = t.c1.map((c) => c / norm);
  const byOrder = new Map<number, number>();
  for (const term of t.terms) {
    if (term.order === 0) continue;
    const monomial = term.alpha.reduce((prod, a, j) => prod * v[j] ** a, 1);
    byOrder.set(term.order, (byOrder.get(term.order) ?? 0) + term.coefficient * monomial);
  }
  let explained = 0;
  for (const [k, c] of byOrder) explained += factorial(k) * c * c;
  return t.variance - explained + noise;
}

function factorial(k: number): number {
  return k <= 1 ? 1 : k * factorial(k - 1);
}

/** One inequality of a verdict: the measured quantity (over seeds), the bound, and its direction. */
export type Bound = { what: string; stats: SampleStats; bound: number; above: boolean };
export type BoundOutcome = 'holds' | 'fails' | 'inconclusive';

/**
 * An inequality at 2 s.e. in its own direction: an upper bound holds when mean + 2 s.e. < bound and fails
 * when mean − 2 s.e. ≥ bound; a lower bound is the mirror. In between (or with one seed) the data cannot
 * decide.
 */
export function testBound(b: Bound, z = 2): BoundOutcome {
  const { mean, sem, count } = b.stats;
  if (count < 2) return 'inconclusive';
  const [near, far] = b.above ? [mean - z * sem, mean + z * sem] : [mean + z * sem, mean - z * sem];
  const holds = (x: number) => (b.above ? x > b.bound : x < b.bound);
  if (holds(near)) return 'holds';
  if (!holds(far)) return 'fails';
  return 'inconclusive';
}

/** The inequality `testBound` checked, with its numbers: "18.3 + 2·5.1 = 28.5 < 20: inconclusive". */
export function boundText(b: Bound, digits = 2, z = 2): string {
  const { mean, sem } = b.stats;
  const edge = b.above ? mean - z * sem : mean + z * sem;
  const sign = b.above ? '−' : '+';
  return `${b.what}: ${mean.toFixed(digits)} ${sign} ${z}·${sem.toFixed(digits)} = ${edge.toFixed(digits)} ${b.above ? '>' : '<'} ${Number(b.bound.toPrecision(4))}: ${testBound(b, z)}`;
}

/** Bounds as the numbers summary.json keeps (Verdict.inequalities). */
export function inequalities(bounds: Bound[], z = 2): Inequality[] {
  return bounds.map((b) => ({
    what: b.what,
    mean: b.stats.mean,
    sem: b.stats.sem,
    count: b.stats.count,
    direction: b.above ? '>' : '<',
    bound: b.bound,
    outcome: testBound(b, z),
  }));
}

/** A verdict from its inequalities: shown when all hold, not shown when one fails, inconclusive otherwise. */
export function verdictOfBounds(bounds: Bound[]): Shown {
  const outcomes = bounds.map((b) => testBound(b));
  if (outcomes.includes('fails')) return 'no';
  return outcomes.every((o) => o === 'holds') ? 'yes' : 'inconclusive';
}

/**
 * A verdict over cells (a figure's (target, α) pairs or (target, κ) cells), each 'yes', 'no' or
 * 'inconclusive': shown when all are yes; when some are refuted, partly if at least half (and one) are
 * yes, else not shown; otherwise inconclusive.
 */
export function verdictOfCells(cells: Shown[]): Shown {
  const yes = cells.filter((c) => c === 'yes').length;
  if (cells.length === 0) return 'inconclusive';
  if (!cells.includes('no')) return yes === cells.length ? 'yes' : 'inconclusive';
  return yes > 0 && yes >= cells.length / 2 ? 'partly' : 'no';
}

/** Statistics over the records `where` selects of a per-record combination of two numbers (paired by run). */
export function pairedStats(
  records: SweepRecord[],
  where: (r: SweepRecord) => boolean,
  a: string,
  b: string,
  combine: (a: number, b: number) => number,
): SampleStats | undefined {
  const values = records
    .filter(where)
    .map((r) => [numberAt(r, a), numberAt(r, b)])
    .filter((v): v is [number, number] => v[0] !== undefined && v[1] !== undefined)
    .map(([x, y]) => combine(x, y));
  return values.length ? sampleStats(values) : undefined;
}

/**
 * Statistics, over seeds, of `combine(a, b)` where a and b are one seed's numbers at `path` in the records
 * `whereA` and `whereB` select (the difference by default): the seed's runs share W₀ and data.
 */
export function seedDifference(
  records: SweepRecord[],
  whereA: (r: SweepRecord) => boolean,
  whereB: (r: SweepRecord) => boolean,
  path: string,
  combine: (a: number, b: number) => number = (a, b) => a - b,
): SampleStats | undefined {
  const bySeed = (where: (r: SweepRecord) => boolean) => new Map(records.filter(where).map((r) => [r.config.seed, numberAt(r, path)] as const));
  const [a, b] = [bySeed(whereA), bySeed(whereB)];
  const values = [...a]
    .map(([seed, x]) => (x !== undefined && b.get(seed) !== undefined ? combine(x, b.get(seed) as number) : undefined))
    .filter((v): v is number => v !== undefined);
  return values.length ? sampleStats(values) : undefined;
}
