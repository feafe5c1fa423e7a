// Summaries of results files: mean, standard deviation, standard error and count of a metric per group.
import { ConfigError, quoted } from '../config';
import { valueAtPath, valuesAt } from '../paths';
import type { Variation } from '../pooling';
import { checkPooling, whereFilter } from '../pooling';
import type { SweepRecord } from './record';

export interface SummarizeOptions {
  /** Group by these fields (config fields like kappa or steps, or dotted paths). Default: the spec's axes. */
  by?: string[];
  /** Dotted path of a number in each record (default testError), e.g. baselines.randomFeatures.testError. */
  metric?: string;
  /** Keep only runs matching every FIELD=V1,V2 item. */
  where?: string[];
  /** Config fields a group may average over besides the seeds (otherwise runs that differ in them are refused). */
  pool?: string[];
}

/** One group: its values of the `by` fields, then the statistics of the metric. */
export type SummaryGroup = Record<string, unknown> & { mean: number; std: number | null; sem: number | null; count: number };

export interface Summary {
  metric: string;
  by: string[];
  groups: SummaryGroup[];
  /** Distinct runs read; of them, runs refused by the engine and runs without the metric (left out). */
  runs: number;
  failed: number;
  withoutMetric: number;
  /** The fields averaged over besides the seeds (named with --pool), with their values. */
  pooled: Variation[];
}

/**
 * The value at a dotted path (src/paths.ts: numeric segments index arrays, -1 the last), its first segment
 * looked up in `config` first or last.
 */
export function valueAt(record: SweepRecord, path: string, configFirst: boolean): unknown {
  const [head, ...rest] = path.split('.');
  const config = record.config as unknown;
  const inConfig = valuesAt(config, [head]).length > 0;
  const inTop = valuesAt(record, [head]).length > 0;
  const root = (configFirst ? inConfig : !inTop && inConfig) ? config : record;
  return valueAtPath(root, [head, ...rest]);
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return String(a).localeCompare(String(b));
}

function statistics(values: number[]): Pick<SummaryGroup, 'mean' | 'std' | 'sem' | 'count'> {
  const count = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / count;
  if (count < 2) return { mean, std: null, sem: null, count };
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (count - 1));
  return { mean, std, sem: std / Math.sqrt(count), count };
}

/** Axes of the runs (their `params` without the seed), in first-seen order. */
function defaultBy(records: SweepRecord[]): string[] {
  const names = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.params ?? {})) if (k !== 'seed') names.add(k);
  return [...names];
}

/** Groups distinct runs (first line of each key) and summarizes `metric` in each group. */
export function summarize(records: Iterable<SweepRecord>, options: SummarizeOptions = {}): Summary {
  const metric = options.metric ?? 'testError';
  const keep = whereFilter(options.where);
  const distinct = [...new Map([...records].reverse().map((r) => [r.key, r])).values()].reverse().filter(keep);
  if (options.where?.length && distinct.length === 0) throw new ConfigError('where', `no run matches ${options.where.join(' and ')}`);
  const ok = distinct.filter((r) => !r.error);
  const by = options.by ?? defaultBy(distinct);
  for (const field of by) {
    if (ok.length > 0 && ok.every((r) => valueAt(r, field, true) === undefined)) throw new ConfigError('by', `no run has a field ${quoted(field)}`);
  }
  const measured = ok.filter((r) => typeof valueAt(r, metric, false) === 'number' && Number.isFinite(valueAt(r, metric, false)));
  if (ok.length > 0 && measured.length === 0) throw new ConfigError('metric', `no run has a number at ${quoted(metric)}`);
  const groupId = (r: unknown) => JSON.stringify(by.map((f) => valueAt(r as SweepRecord, f, true) ?? null));
  const pooled = checkPooling(measured, groupId, options.pool ?? [], '--by');
  const groups = new Map<string, { key: unknown[]; values: number[] }>();
  for (const r of measured) {
    const key = by.map((f) => valueAt(r, f, true) ?? null);
    const id = JSON.stringify(key);
    if (!groups.has(id)) groups.set(id, { key, values: [] });
    groups.get(id)?.values.push(valueAt(r, metric, false) as number);
  }
  const sorted = [...groups.values()].sort((a, b) => {
    for (let i = 0; i < by.length; i++) {
      const c = compareValues(a.key[i], b.key[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
  return {
    metric,
    by,
    groups: sorted.map((g) => ({ ...Object.fromEntries(by.map((f, i) => [f, g.key[i]])), ...statistics(g.values) }) as SummaryGroup),
    runs: distinct.length,
    failed: distinct.length - ok.length,
    withoutMetric: ok.length - measured.length,
    pooled,
  };
}
