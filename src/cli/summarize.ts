// `giantstep summarize`: mean, std, standard error and count of one or more metrics per group of runs.
import { Command } from 'commander';
import { pooledText } from '../pooling';
import type { Summary } from '../sweep';
import { mergeResults, summarize } from '../sweep';
import { say } from './say';

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const collect = (v: string, previous: string[] = []) => [...previous, ...list(v)];
const collectRaw = (v: string, previous: string[] = []) => [...previous, v];
const STATS = ['mean', 'std', 'sem', 'count'] as const;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  return String(v);
}

/** Columns two spaces apart, right-aligned but for column `left` (a name). */
function aligned(header: string[], body: string[][], left = -1): string {
  const widths = header.map((h, i) => body.reduce((w, r) => Math.max(w, r[i].length), h.length));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === left ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
}

/**
 * An aligned text table. One metric: the group fields, then `mean(testError)`, std, sem and count. Several:
 * one row per group and metric (a `metric` column, then mean, std, sem, count), so five metrics stay eight
 * columns wide instead of twenty-two; rows follow the groups, metrics in the order given.
 */
export function summaryTable(summaries: Summary[]): string {
  const by = summaries[0].by;
  if (summaries.length === 1) {
    const s = summaries[0];
    return aligned(
      [...by, ...STATS.map((stat) => `${stat}(${s.metric})`)],
      s.groups.map((g) => [...by.map((f) => cell(g[f])), ...STATS.map((stat) => cell(g[stat]))]),
    );
  }
  const groups = new Map<string, Record<string, unknown>>();
  for (const s of summaries) for (const g of s.groups) groups.set(JSON.stringify(by.map((f) => g[f])), g);
  const body: string[][] = [];
  for (const [id, group] of groups) {
    for (const s of summaries) {
      const g = s.groups.find((x) => JSON.stringify(by.map((f) => x[f])) === id);
      body.push([...by.map((f) => cell(group[f])), s.metric, ...STATS.map((stat) => cell(g?.[stat]))]);
    }
  }
  return aligned([...by, 'metric', ...STATS], body, by.length);
}

export function summarizeCommand(): Command {
  return new Command('summarize')
    .description('summarize results files: mean, std, standard error and count of metrics per group')
    .argument('<files...>', 'results files (JSON Lines) from `giantstep sweep`')
    .option('--by <fields>', 'group by these comma-separated fields (default: the sweep axes but seed)', list)
    .option(
      '--metric <paths>',
      'dotted paths of the numbers to summarize, comma-separated or repeated, e.g. testError,baselines.randomFeatures.testError (default testError)',
      collect,
    )
    .option('--where <field=values>', 'keep only runs whose field has one of these comma-separated values (repeatable; all must match)', collectRaw)
    .option(
      '--pool <fields>',
      'average over these config fields too, besides the seeds (runs that differ in a field not grouped or pooled are refused)',
      collect,
    )
    .option('--json', 'print {"metric", "by", "groups": [{...group, mean, std, sem, count}]} (several metrics: {"metrics", "summaries": [...]})')
    .action((files: string[], opts) => {
      const warn = (m: string) => say(`giantstep: warning: ${m}`);
      const { records } = mergeResults(files, warn);
      const metrics: string[] = opts.metric?.length ? [...new Set<string>(opts.metric)] : ['testError'];
      const summaries = metrics.map((metric) => summarize(records, { by: opts.by, metric, where: opts.where, pool: opts.pool }));
      if (summaries[0].failed > 0) warn(`${summaries[0].failed} failed runs left out`);
      for (const s of summaries) if (s.withoutMetric > 0) warn(`${s.withoutMetric} runs without a number at ${s.metric} left out`);
      const json = summaries.length === 1 ? summaries[0] : { metrics, summaries };
      if (summaries[0].pooled.length > 0) say(`giantstep: each row averages over ${pooledText(summaries[0].pooled)}`);
      process.stdout.write(opts.json ? JSON.stringify(json, null, 2) + '\n' : summaryTable(summaries));
    });
}
