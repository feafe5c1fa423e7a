// Merging results files (e.g. the shards of a Slurm array): one line per run key, first seen wins.
import { existsSync } from 'node:fs';
import { ConfigError } from '../config';
import { canonicalJson } from './key';
import type { SweepRecord } from './record';
import type { Warn } from './store';
import { readResults } from './store';

export interface MergeReport {
  records: SweepRecord[];
  /** Lines dropped because an earlier line had the same key. */
  duplicates: number;
}

/** A record without its timing: what two runs of the same key must agree on. */
export function resultOf(record: SweepRecord): unknown {
  const { timing: _timing, ...rest } = record;
  return rest;
}

/** Reads and deduplicates results files; warns when two lines of one key disagree beyond their timing. */
export function mergeResults(paths: string[], warn: Warn): MergeReport {
  const byKey = new Map<string, SweepRecord>();
  let duplicates = 0;
  const absent = paths.find((p) => !existsSync(p));
  if (absent) throw new ConfigError('files', `cannot read ${absent}: no such file`);
  for (const path of paths) {
    for (const record of readResults(path, warn)) {
      const first = byKey.get(record.key);
      if (!first) {
        byKey.set(record.key, record);
        continue;
      }
      duplicates++;
      if (canonicalJson(resultOf(first)) !== canonicalJson(resultOf(record))) {
        warn(`${path}: run ${record.key} differs from an earlier line of the same run (another engine version?); kept the first`);
      }
    }
  }
  return { records: [...byKey.values()], duplicates };
}
