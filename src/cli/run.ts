// `giantstep run`: one experiment from a preset, a config file and flags; JSON out.
import { Command } from 'commander';
import { randomFeaturesLabel } from '../baselines';
import type { Result } from '../config';
import { stageText } from '../explain';
import { run } from '../run';
import { checkOutPath, ProgressBar, writeAtomic } from './io';
import { addConfigOptions, configFromCommand } from './options';
import { say } from './say';

export function summary(r: Result): string {
  const f = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(4));
  const rf = r.baselines.randomFeatures;
  return (
    `d=${r.config.d} p=${r.config.p} n=${r.config.n} steps=${r.config.steps} target=${r.config.target} seed=${r.config.seed}: ` +
    `test error ${f(r.testError)} (train ${f(r.trainError)}; ${randomFeaturesLabel(r.config.preprocess)} ${f(rf?.testError)}, linear kernel ${f(r.baselines.linearKernel.testError)}) ` +
    `in ${r.timing.seconds.toFixed(1)} s`
  );
}

export function runCommand(): Command {
  const cmd = new Command('run')
    .description('run one experiment (T giant steps, readout, test error, baselines) and write its JSON result')
    .option('--config <file>', 'JSON config file (may name a "preset"); flags override it')
    .option('--preset <name>', 'start from a named protocol (see `giantstep presets`)')
    .option('--out <file>', 'write the JSON result here (default: stdout)')
    .option('--quiet', 'no progress bar or summary on stderr');
  addConfigOptions(cmd);
  cmd.action(async (opts) => {
    const input = configFromCommand(opts);
    if (opts.out) checkOutPath(opts.out); // refused before the run, not after it
    const bar = new ProgressBar(!opts.quiet && Boolean(process.stderr.isTTY));
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const result = await run(input, { signal: controller.signal, onProgress: (p) => bar.update(p.fraction, stageText(p.stage)) });
      bar.stop();
      const json = JSON.stringify(result, null, 2) + '\n';
      if (opts.out) {
        writeAtomic(opts.out, json);
        if (!opts.quiet) say(`${summary(result)}\nwrote ${opts.out}`);
      } else {
        process.stdout.write(json);
        if (!opts.quiet) say(`${summary(result)}`);
      }
    } finally {
      bar.stop();
      process.off('SIGINT', onSigint);
    }
  });
  return cmd;
}
