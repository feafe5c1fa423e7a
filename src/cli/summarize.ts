// `giantstep summarize`: mean, std, standard error and count of a metric per group of runs.
import { Command } from 'commander';
import { mergeResults, summarize } from '../sweep';
import type { Summary } from '../sweep';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

function cell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  return String(v);
}

/** An aligned text table: the group fields, then mean, std, sem and count. */
export function summaryTable(s: Summary): string {
  const header = [...s.by, 'mean', 'std', 'sem', 'count'];
  const rows = s.groups.map((g) => header.map((h) => cell(g[h])));
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i].length), h.length));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function summarizeCommand(): Command {
  return new Command('summarize')
    .description('summarize results files: mean, std, standard error and count of a metric per group')
    .argument('<files...>', 'results files (JSON Lines) from `giantstep sweep`')
    .option('--by <fields>', 'group by these comma-separated fields (default: the sweep axes but seed)', list)
    .option('--metric <path>', 'dotted path of the number to summarize, e.g. baselines.randomFeatures.testError', 'testError')
    .option('--json', 'print {"metric", "by", "groups": [{...group, mean, std, sem, count}]} instead of a table')
    .action((files: string[], opts) => {
      const warn = (m: string) => process.stderr.write(`giantstep: warning: ${m}\n`);
      const { records } = mergeResults(files, warn);
      const summary = summarize(records, { by: opts.by, metric: opts.metric });
      if (summary.failed > 0) warn(`${summary.failed} failed runs left out`);
      if (summary.withoutMetric > 0) warn(`${summary.withoutMetric} runs without a number at ${summary.metric} left out`);
      process.stdout.write(opts.json ? JSON.stringify(summary, null, 2) + '\n' : summaryTable(summary));
    });
}
