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

/**
 * An aligned text table: the group fields, then mean, std, sem and count of each metric, headed
 * `mean(testError)`. Summaries of several metrics are joined on their groups (— where a group lacks one).
 */
export function summaryTable(summaries: Summary[]): string {
  const by = summaries[0].by;
  const header = [...by, ...summaries.flatMap((s) => STATS.map((stat) => `${stat}(${s.metric})`))];
  const rows = new Map<string, string[]>();
  summaries.forEach((s, m) => {
    for (const g of s.groups) {
      const id = JSON.stringify(by.map((f) => g[f]));
      if (!rows.has(id)) rows.set(id, [...by.map((f) => cell(g[f])), ...Array(summaries.length * STATS.length).fill('—')]);
      STATS.forEach((stat, i) => {
        rows.get(id)![by.length + m * STATS.length + i] = cell(g[stat]);
      });
    }
  });
  const body = [...rows.values()];
  const widths = header.map((h, i) => body.reduce((w, r) => Math.max(w, r[i].length), h.length));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padStart(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
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
