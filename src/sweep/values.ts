// Axis values of a sweep grid: explicit lists, or numeric ranges expanded here.
import { ConfigError, FIELDS } from '../config';
import type { FieldSpec } from '../config/fields';

export type Range = { linspace: [number, number, number] } | { logspace: [number, number, number] };

/** What a grid axis may hold: a list of values or a range. */
export type AxisValues = readonly unknown[] | Range;

/**
 * The most runs one sweep may plan (grid points × seeds), and so the most values of one axis and the
 * largest seed count: checked before anything is expanded (docs/limits.md). Planning this many takes
 * about 40 s and 2 GB of memory; split larger studies into several sweeps.
 */
export const MAX_PLAN_RUNS = 1_000_000;

/** Rounds away floating-point noise (1.2 + 0.1 = 1.3000000000000003), so values read as they were meant. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

function rangeValues(field: string, kind: 'linspace' | 'logspace', args: unknown): number[] {
  const ok = Array.isArray(args) && args.length === 3 && args.every((a) => typeof a === 'number' && Number.isFinite(a));
  const [start, stop, count] = (ok ? args : []) as number[];
  if (!ok || !Number.isInteger(count) || count < 1) {
    throw new ConfigError(field, `${kind} takes [start, stop, count] with numbers and a whole count >= 1`);
  }
  if (count > MAX_PLAN_RUNS) {
    throw new ConfigError(
      field,
      `${kind} count ${count} is above the limit of ${MAX_PLAN_RUNS} values (a sweep plans at most ${MAX_PLAN_RUNS} runs): split the sweep`,
    );
  }
  if (kind === 'logspace' && !(start > 0 && stop > 0)) {
    throw new ConfigError(field, 'logspace needs start and stop > 0 (values evenly spaced in log between them)');
  }
  const at = (i: number) => (count === 1 ? 0 : i / (count - 1));
  return Array.from({ length: count }, (_, i) =>
    tidy(kind === 'linspace' ? start + (stop - start) * at(i) : Math.exp(Math.log(start) + (Math.log(stop) - Math.log(start)) * at(i))),
  );
}

/**
 * The values of one axis. Ranges need a numeric field; integer fields are rounded and repeats dropped
 * (a logspace over p from 1 to 1000 would otherwise repeat small widths).
 */
export function axisValues(field: string, name: string, spec: unknown): unknown[] {
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new ConfigError(field, 'has no values');
    return [...spec];
  }
  const keys = spec !== null && typeof spec === 'object' ? Object.keys(spec) : [];
  if (keys.length !== 1 || (keys[0] !== 'linspace' && keys[0] !== 'logspace')) {
    throw new ConfigError(field, 'must be a list of values, {"linspace": [start, stop, count]} or {"logspace": [start, stop, count]}');
  }
  const kind = keys[0] as 'linspace' | 'logspace';
  const fieldSpec = (FIELDS as Record<string, FieldSpec>)[name];
  if (fieldSpec && fieldSpec.kind !== 'int' && fieldSpec.kind !== 'number') {
    throw new ConfigError(field, `${kind} needs a numeric field; give ${name}'s values as a list`);
  }
  const values = rangeValues(field, kind, (spec as Record<string, unknown>)[kind]);
  return fieldSpec?.kind === 'int' ? [...new Set(values.map(Math.round))] : values;
}
