// `giantstep export` and `exportResults`: results files (sweeps, reproductions, merged) to a flat table
// that pandas and polars read with the right column types: CSV, or Parquet with explicit types.
import { existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ConfigError } from '../config';
import { whereFilter } from '../pooling';
import { mergeResults } from '../sweep';
import { toCsv } from './csv';
import { toParquet } from './parquet';
import type { FlatTable, TableOptions } from './table';
import { flatTable } from './table';

export type { Cell, Column, ColumnType, FlatTable, TableOptions } from './table';
export { flatTable, toCsv, toParquet };

export type ExportFormat = 'csv' | 'parquet';

/** A reproduction's folder stands for its results.jsonl. */
export function resultsPath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, 'results.jsonl') : path;
}

/** csv or parquet, from --format or the output's extension. */
export function exportFormat(out: string, format?: string): ExportFormat {
  const chosen = format ?? extname(out).slice(1).toLowerCase();
  if (chosen === 'csv' || chosen === 'parquet') return chosen;
  throw new ConfigError(
    format ? 'format' : 'out',
    `${format ? `--format ${format}` : `${out}`}: export writes .csv or .parquet (name the file so, or pass --format csv|parquet)`,
  );
}

/** The table of every run in `paths` (one line per run key, first seen) and the files' bytes in `format`. */
export function exportResults(
  paths: string[],
  format: ExportFormat,
  options: TableOptions & { version: string; where?: string[] },
  warn: (message: string) => void = () => {},
): { table: FlatTable; bytes: Uint8Array | string } {
  const { records: all } = mergeResults(paths.map(resultsPath), warn);
  const records = all.filter(whereFilter(options.where));
  if (options.where?.length && records.length === 0) throw new ConfigError('where', `no run matches ${options.where.join(' and ')}`);
  const table = flatTable(records, options);
  const bytes =
    format === 'csv' ? toCsv(table) : toParquet(table, { 'giantstep.version': options.version, 'giantstep.rows': options.perStep ? 'run x step' : 'run' });
  return { table, bytes };
}
