// `giantstep export`: results files to a flat CSV or Parquet table, one row per run or per run × step.
import { Command } from 'commander';
import { exportFormat, exportResults } from '../export';
import { checkNotAnInput } from '../output';
import { version } from '../version';
import { checkOutPath, writeAtomic } from './io';
import { say } from './say';

const collect = (v: string, previous: string[] = []) => [
  ...previous,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

export function exportCommand(): Command {
  return new Command('export')
    .description('export results to a flat table for pandas or polars: one row per run (or per step), a column per config field and metric')
    .argument('<files...>', 'results files (JSON Lines) or reproduction folders')
    .requiredOption('--out <file>', 'table.csv or table.parquet (written atomically)')
    .option('--format <format>', 'csv or parquet (default: from the --out extension)')
    .option('--per-step', "one row per run and step: columns step and the step's errors and overlaps")
    .option('--metric <path>', 'an extra column: a dotted path, reducer or label=path as in `plot` (repeatable, or comma-separated)', collect)
    .option(
      '--where <field=values>',
      'keep only runs whose field has one of these comma-separated values (repeatable; all must match)',
      (v: string, previous: string[] = []) => [...previous, v],
    )
    .option('--quiet', 'no summary line on stderr')
    .action((files: string[], opts) => {
      const format = exportFormat(opts.out, opts.format);
      checkOutPath(opts.out);
      checkNotAnInput(opts.out, files);
      const warn = (m: string) => say(`giantstep: warning: ${m}`);
      const { table, bytes } = exportResults(files, format, { perStep: opts.perStep, metrics: opts.metric, version, where: opts.where }, warn);
      writeAtomic(opts.out, bytes);
      if (!opts.quiet) say(`export: ${table.rows} rows × ${table.columns.length} columns → ${opts.out} (${format})`);
    });
}
