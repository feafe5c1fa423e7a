// `giantstep report <dir>`: one self-contained HTML page of a folder's reproductions and figures.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { ConfigError, isPlainObject } from '../config';
import { readBoundedText } from '../config/input-file';
import { writeReport } from '../report';
import { SUMMARY_FILE } from '../reproduce';

/**
 * Checks what the report reads, naming the file at fault: `dir` is a folder, and each summary.json (in it or
 * one folder down) and each figure's .vl.json is a JSON object of the right shape. Exit 2, not a stack trace.
 */
function checkInputs(dir: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new ConfigError('dir', `cannot read ${dir}: ${(e as Error).message}`);
  }
  if (!st.isDirectory()) throw new ConfigError('dir', `${dir} is not a folder; give the folder of \`giantstep reproduce\` or \`giantstep plot\``);
  const entries = (folder: string) => {
    try {
      return readdirSync(folder).map((f) => join(folder, f));
    } catch {
      return [];
    }
  };
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  const json = (path: string): unknown => {
    try {
      return JSON.parse(readBoundedText(path, 'dir'));
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError('dir', `${path} is not valid JSON: ${(e as Error).message.split('\n')[0]}; fix or remove it`);
    }
  };
  for (const folder of [dir, ...entries(dir).filter(isDir)]) {
    const summary = join(folder, SUMMARY_FILE);
    if (existsSync(summary)) {
      const s = json(summary);
      if (!isPlainObject(s) || !Array.isArray(s.figures) || !s.figures.every(isPlainObject)) {
        throw new ConfigError('dir', `${summary} is not a giantstep reproduction summary (an object with a "figures" list); fix or remove it`);
      }
      const bad = s.figures.findIndex((f) => typeof f.name !== 'string' || typeof f.svg !== 'string');
      if (bad >= 0) throw new ConfigError('dir', `${summary}: figure ${bad + 1} has no "name" and "svg" file names (strings); fix or remove it`);
    }
    for (const spec of entries(folder).filter((p) => p.endsWith('.vl.json') && existsSync(p.replace(/\.vl\.json$/, '.svg')))) {
      if (!isPlainObject(json(spec))) throw new ConfigError('dir', `${spec} is not a vega-lite spec (a JSON object); fix or remove it`);
    }
  }
}

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'write one self-contained HTML page (no network needed) of the reproductions and figures in a folder: figures, claims and verdicts, tables, configs',
    )
    .argument('<dir>', 'a folder from `giantstep reproduce` (or holding several, one per subfolder) or of `giantstep plot` figures')
    .option('--out <file>', 'where to write the page (default: <dir>/report.html)')
    .action((dir: string, o) => {
      checkInputs(dir);
      const { path, figures, reproductions } = writeReport(dir, o.out);
      process.stdout.write(`wrote ${path} (${reproductions} reproduction${reproductions === 1 ? '' : 's'}, ${figures} figure${figures === 1 ? '' : 's'})\n`);
    });
}
