// `giantstep reproduce <figure>|all`: runs one of the paper's experiments into a folder (results.jsonl,
// summary.json, figures); re-running resumes from the results already there.
import { join } from 'node:path';
import { Command } from 'commander';
import { ConfigError, quoted } from '../config';
import type { ReproductionSummary } from '../reproduce';
import { FIGURE_NAMES, REPRODUCTIONS, reproduce, reproductionNamed } from '../reproduce';
import { shownWord } from '../reproduce/analysis';
import { positiveNumberArg } from './options';
import { say } from './say';

function report(s: ReproductionSummary, outDir: string): string {
  const partial = s.runs < s.plannedRuns ? ` of ${s.plannedRuns} planned` : '';
  const lines = [`${s.figure}: ${s.runs} runs${partial}, ${s.wallSeconds.toFixed(1)} s (engine ${s.engineSeconds.toFixed(1)} s) → ${outDir}`];
  for (const f of s.figures)
    lines.push(`  ${f.name}: ${shownWord[f.verdict.shown]} — ${f.verdict.evidence}`, `    test: ${f.verdict.test.replace(/\n/g, '\n    ')}`);
  return lines.join('\n') + '\n';
}

export function reproduceCommand(): Command {
  return new Command('reproduce')
    .description(`run one of the paper's experiments and write results.jsonl, summary.json and its figures: ${FIGURE_NAMES.join(', ')}, or all`)
    .argument('[figure]', `${FIGURE_NAMES.join(' | ')} | all`)
    .option('--quick', 'a small version (well under a minute each): for tests and first looks')
    .option('--out <dir>', 'output folder (default: reproduce/<figure>, or reproduce-quick/<figure>); with all, one subfolder per figure')
    .option('--no-run', 'run nothing: analyze and plot the runs already in the folder (e.g. of an interrupted full run)')
    .option('--png-scale <x>', 'PNG size relative to the SVG', positiveNumberArg, 2)
    .option('--list', 'list the figures and what each runs')
    .option('--quiet', 'no progress on stderr')
    .action(async (name: string | undefined, o) => {
      if (o.list || !name) {
        for (const r of REPRODUCTIONS) process.stdout.write(`${r.name}\n  ${r.title}: ${r.description}\n`);
        return;
      }
      const figures = name === 'all' ? REPRODUCTIONS : [reproductionNamed(name)];
      if (figures.some((f) => !f)) throw new ConfigError('figure', `unknown figure ${quoted(name)}; choose one of ${FIGURE_NAMES.join(', ')}, all`);
      const root = o.out ?? (o.quick ? 'reproduce-quick' : 'reproduce');
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        for (const figure of figures) {
          if (!figure) continue;
          const outDir = name === 'all' || !o.out ? join(root, figure.name) : root;
          let lastLine = '';
          let lastPrinted = 0;
          const summary = await reproduce(figure, outDir, {
            quick: Boolean(o.quick),
            run: o.run,
            pngScale: o.pngScale,
            signal: controller.signal,
            onWarning: (m) => say(`giantstep: ${m}`),
            onProgress: (label, done, total) => {
              const line = `${figure.name}: ${label}: ${done}/${total} runs`;
              if (o.quiet || line === lastLine) return;
              lastLine = line;
              if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K`);
              else if (done === total || Date.now() - lastPrinted > 10_000) {
                // In a log, a line every 10 s at most.
                lastPrinted = Date.now();
                say(`${line}`);
              }
            },
          });
          if (!o.quiet && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
          process.stdout.write(report(summary, outDir));
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
