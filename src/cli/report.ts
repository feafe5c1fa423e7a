// `giantstep report <dir>`: one self-contained HTML page of a folder's reproductions and figures.
import { Command } from 'commander';
import { writeReport } from '../report';

export function reportCommand(): Command {
  return new Command('report')
    .description('write one self-contained HTML page (no network needed) of the reproductions and figures in a folder: figures, claims and verdicts, tables, configs')
    .argument('<dir>', 'a folder from `giantstep reproduce` (or holding several, one per subfolder) or of `giantstep plot` figures')
    .option('--out <file>', 'where to write the page (default: <dir>/report.html)')
    .action((dir: string, o) => {
      const { path, figures, reproductions } = writeReport(dir, o.out);
      process.stdout.write(`wrote ${path} (${reproductions} reproduction${reproductions === 1 ? '' : 's'}, ${figures} figure${figures === 1 ? '' : 's'})\n`);
    });
}
