// Small tools the analyses share: numbers out of records, statistics over seeds, and wording.

import { parseField } from '../plot/fields';
import type { SampleStats } from '../plot/stats';
import { formatStats, sampleStats } from '../plot/stats';
import type { SweepRecord } from '../sweep';
import { describe } from '../theory';
import type { Shown } from './types';

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

export const fmt = (s: SampleStats | undefined, spread: 'std' | 'sem' = 'std', digits = 3) => (s ? formatStats(s, spread, digits) : 'n/a');

/** The distinct values of a config field, ascending. */
export function valuesOf(records: SweepRecord[], field: string): number[] {
  return [...new Set(records.map((r) => numberAt(r, `config.${field}`)).filter((v): v is number => v !== undefined))].sort((a, b) => a - b);
}

export function nearest(values: number[], target: number): number {
  return values.reduce((best, v) => (Math.abs(v - target) < Math.abs(best - target) ? v : best), values[0]);
}

/** a is below b by more than `z` standard errors of the difference. */
export function clearlyBelow(a: SampleStats, b: SampleStats, z = 2): boolean {
  return b.mean - a.mean > z * Math.hypot(a.sem, b.sem);
}

/** The inequality clearlyBelow tests, with its numbers, for a verdict's `test`. */
export function clearlyBelowText(aName: string, a: SampleStats, bName: string, b: SampleStats, z = 2): string {
  const margin = z * Math.hypot(a.sem, b.sem);
  return `${bName} − ${aName} = ${(b.mean - a.mean).toFixed(4)} > ${z}·s.e. = ${margin.toFixed(4)}: ${clearlyBelow(a, b, z)}`;
}

/**
 * Whether a singular value grew past `factor` times a reference and by more than two standard errors: the
 * evidence that neurons picked up a new direction (a flat second singular value stays near 1/√d).
 */
export function grewBy(after: SampleStats, before: SampleStats, factor = 2): boolean {
  return after.mean > factor * before.mean && clearlyBelow(before, after);
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
  const t = describe(target);
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
