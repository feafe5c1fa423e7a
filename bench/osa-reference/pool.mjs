// Pools measure.mjs runs over disjoint seed ranges into one table: node bench/osa-reference/pool.mjs FILE...
// where each FILE holds a run's stderr (one JSON line per seed; other lines are skipped).
import { readFileSync } from 'node:fs';
import { table } from './table.mjs';

const lines = process.argv
  .slice(2)
  .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
console.log(table(lines).join('\n'));
