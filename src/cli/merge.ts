// `giantstep merge`: results files (e.g. Slurm shards) into one, one line per run.
import { Command } from 'commander';
import { mergeResults } from '../sweep';
import { checkOutPath, writeAtomic } from './io';
import { say } from './say';

export function mergeCommand(): Command {
  return new Command('merge')
    .description('merge results files into one, keeping one line per run (first seen)')
    .argument('<files...>', 'results files (JSON Lines)')
    .requiredOption('--out <file>', 'merged results file (written atomically; may be one of the inputs)')
    .option('--quiet', 'no summary line on stderr')
    .action((files: string[], opts) => {
      checkOutPath(opts.out);
      const { records, duplicates } = mergeResults(files, (m) => say(`giantstep: warning: ${m}`));
      writeAtomic(opts.out, records.map((r) => JSON.stringify(r) + '\n').join(''));
      if (!opts.quiet) {
        say(`merge: ${records.length} runs from ${files.length} files into ${opts.out} (${duplicates} duplicate lines dropped)`);
      }
    });
}
