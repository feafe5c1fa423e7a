// `giantstep plot`: a figure (SVG, PNG or both) from any sweep's JSONL, with theory curves and baselines.
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../config';
import { parseField } from '../plot/metric-path';
import { plotRecords } from '../plot/records';
import type { FigureFormat } from '../plot/render';
import { figureTarget, writeFigure } from '../plot/render';
import { mergeResults } from '../sweep';
import { readJsonFile } from './io';
import { positiveNumberArg } from './options';
import { say } from './say';

/** A field path, checked as the flag is read (so a bad one is a usage error, exit 2). */
function checkedField(text: string): string {
  try {
    parseField(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return text;
}
const fieldArg = (value: string) => checkedField(value);
const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(checkedField),
];

/** An input error of plot's own (a plain Error: unreadable JSONL, no matching numbers) as a ConfigError naming `field`. */
function asInputError<T>(field: string | ((message: string) => string), f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError || !(e instanceof Error) || e.constructor !== Error) throw e;
    const message = e.message;
    throw new ConfigError(typeof field === 'string' ? field : field(message), message);
  }
}
const collect = (value: string, previous: string[] = []) => [...previous, value];

export function plotCommand(): Command {
  return new Command('plot')
    .description('plot a field against another from result records (a sweep JSONL): mean over seeds with error bars, per series')
    .argument('<results...>', 'JSONL files of results (one JSON object per line)')
    .requiredOption('--x <field>', 'x field: a dotted path (kappa, config.p, steps.-1.testError); bare config fields are found under config', fieldArg)
    .requiredOption(
      '--y <fields>',
      'y field(s), comma-separated or repeated; a reducer gives one number from many: meanAbs(steps.0.updateCos.*.0); label=field names it in the legend',
      collectList,
    )
    .option('--series <field>', 'one line per value of this field (e.g. steps)', fieldArg)
    .addOption(new Option('--error <kind>', 'error bars: standard deviation or standard error over the runs of a point').choices(['std', 'sem']).default('std'))
    .option('--theory <file>', 'theory curve JSON (e.g. from `giantstep theory`), repeatable', collect)
    .option('--theory-x <field>', 'x field in the theory points (default: the last part of --x)', fieldArg)
    .option('--theory-y <fields>', 'y field(s) in the theory points, one per theory file or per --y (default: --y)', collectList)
    .option('--where <field=values>', 'keep only runs whose field has one of these comma-separated values (repeatable; all must match)', collect)
    .option(
      '--pool <field>',
      'average over this config field too, besides the seeds (repeatable; runs that differ in a field that is not on an axis, a series or pooled are refused)',
      collect,
    )
    .option('--baselines', 'overlay random features and the linear-kernel error when the records have them')
    .option('--log-x', 'logarithmic x axis')
    .option('--log-y', 'logarithmic y axis')
    .option('--title <text>', 'figure title')
    .option('--x-title <text>', 'x axis title')
    .option('--y-title <text>', 'y axis title')
    .option('--png-scale <x>', 'PNG size relative to the SVG', positiveNumberArg, 2)
    .requiredOption('--out <file>', 'fig.svg or fig.png; repeat for both (the vega-lite spec is saved as fig.vl.json)', collect)
    .action(async (files: string[], o) => {
      const targets = asInputError('out', () => (o.out as string[]).map(figureTarget)); // refused before any work
      // The one reader of results files (as summarize, export and merge): a run result counts as one record,
      // a file with no result records is refused.
      const { records, duplicates } = mergeResults(files, (m) => say(`giantstep: warning: ${m}`));
      if (duplicates > 0) say(`giantstep: warning: ${duplicates} duplicate lines (a run already read, same key) counted once`);
      const theoryFiles: string[] = o.theory ?? [];
      const theoryYs: string[] = o.theoryY ?? [];
      const theoryX: string = o.theoryX ?? parseField(o.x).path.split('.').pop();
      const theory = theoryFiles.flatMap((file, i) => {
        const curve = readJsonFile(file, 'theory');
        // One theory file and several y: one curve per y; several files: one y each.
        const ys = theoryFiles.length === 1 ? (theoryYs.length ? theoryYs : o.y) : [theoryYs[i] ?? theoryYs[0] ?? o.y[i] ?? o.y[0]];
        // A curve matched to one of several --y shares its colour (the legend's line style tells them apart).
        const matched = !o.series && theoryFiles.length * ys.length === o.y.length;
        return ys.map((y: string, j: number) => ({ curve, x: theoryX, y, label: matched ? parseField(o.y[i + j]).text : `theory: ${parseField(y).text}` }));
      });
      const spec = asInputError(
        (m) => (m.includes('theory') ? 'theory' : 'y'),
        () =>
          plotRecords(records, {
            x: o.x,
            y: o.y,
            series: o.series,
            error: o.error,
            logX: o.logX,
            logY: o.logY,
            theory,
            baselines: o.baselines,
            title: o.title,
            xTitle: o.xTitle,
            yTitle: o.yTitle,
            source: files.join(', '),
            where: o.where,
            pool: o.pool,
          }),
      );
      const bases = [...new Set(targets.map((t) => t.base))];
      for (const base of bases) {
        const formats = targets.filter((t) => t.base === base).map((t) => t.format) as FigureFormat[];
        for (const path of await writeFigure(spec, base, formats, o.pngScale)) say(`wrote ${path}`);
      }
    });
}
