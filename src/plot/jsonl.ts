// Reads result records from a JSONL file (one JSON object per line); a torn last line (a run killed
// while writing) is skipped with a warning, any other bad line is an error.
import { readFileSync } from 'node:fs';

export function readRecords(path: string, warn: (message: string) => void = () => {}): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  const lines = text.split('\n');
  const records: unknown[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      records.push(JSON.parse(line));
    } catch {
      const last = lines.slice(i + 1).every((l) => !l.trim());
      if (!last) throw new Error(`${path}:${i + 1}: not a JSON line`);
      warn(`${path}:${i + 1}: skipped a torn last line`);
    }
  });
  return records;
}

/**
 * One record per run: records with the same run `key` (a run written twice, e.g. files concatenated or
 * shards merged by hand) count once, the first kept; records without a key are all kept.
 */
export function uniqueRuns<T>(records: T[]): { records: T[]; duplicates: number } {
  const seen = new Set<string>();
  const unique = records.filter((r) => {
    const key = r !== null && typeof r === 'object' ? (r as { key?: unknown }).key : undefined;
    if (typeof key !== 'string') return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { records: unique, duplicates: records.length - unique.length };
}
