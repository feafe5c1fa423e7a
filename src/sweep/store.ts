// Results files: JSON Lines, one finished run per line. A line is appended with one write of the whole
// line and fsynced, so an interruption (Ctrl-C, a crash, kill -9) can only leave a torn last line, which
// readers detect (no final newline) and drop with a warning; the run is then simply run again.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../config';
import type { SweepRecord } from './record';

export type Warn = (message: string) => void;

interface Parsed {
  records: SweepRecord[];
  /** Bytes of a last line without its newline (0 if none). */
  tornBytes: number;
  /** Byte length of the complete lines. */
  completeBytes: number;
}

function parse(path: string, warn: Warn): Parsed {
  if (!existsSync(path)) return { records: [], tornBytes: 0, completeBytes: 0 };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ConfigError('out', `cannot read ${path}: ${(e as Error).message}`);
  }
  const completeBytes = bytes.lastIndexOf(0x0a) + 1;
  const tornBytes = bytes.length - completeBytes;
  if (tornBytes > 0) {
    warn(`${path}: dropped a torn last line (${tornBytes} bytes, a run interrupted while its line was written); that run will run again`);
  }
  const records: SweepRecord[] = [];
  bytes
    .subarray(0, completeBytes)
    .toString('utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const record = JSON.parse(line);
        if (typeof record?.key !== 'string') throw new Error('no "key"');
        records.push(record);
      } catch (e) {
        warn(`${path}:${i + 1}: not a result line (${(e as Error).message}); ignored`);
      }
    });
  return { records, tornBytes, completeBytes };
}

/** The result lines of a file (none if it does not exist), skipping a torn last line with a warning. */
export function readResults(path: string, warn: Warn): SweepRecord[] {
  return parse(path, warn).records;
}

/** A results file opened for appending: the keys already there, and an atomic per-line append. */
export class ResultsFile {
  readonly keys: Set<string>;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    records: SweepRecord[],
  ) {
    this.keys = new Set(records.map((r) => r.key));
  }

  /** Opens (or creates) `path`, cutting off a torn last line so appends start on a fresh line. */
  static open(path: string, warn: Warn): ResultsFile {
    const { records, tornBytes, completeBytes } = parse(path, warn);
    if (tornBytes > 0) truncateSync(path, completeBytes);
    mkdirSync(dirname(path), { recursive: true });
    const file = new ResultsFile(path, records);
    file.fd = openSync(path, 'a');
    return file;
  }

  append(record: SweepRecord): void {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    let written = 0;
    while (written < line.length) written += writeSync(this.fd, line, written, line.length - written);
    fsyncSync(this.fd);
    this.keys.add(record.key);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
