// Results files: JSON Lines, one finished run per line. A line is appended with one write of the whole
// line and fsynced, so an interruption (Ctrl-C, a crash, kill -9) can only leave a torn last line: a
// prefix of a record, without its newline, which readers drop with a warning and the appender cuts off
// (that run simply runs again). A complete record without its newline is kept (the appender adds the
// newline). The appender refuses a file whose lines are not results records (a config passed as --out by
// mistake is never touched), and holds an exclusive lock (`<file>.lock`) while it appends, so two sweeps
// never run into one file at once. See docs/limits.md.

import type { Stats } from 'node:fs';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { ConfigError, quoted } from '../config';
import type { IOError } from '../errors';
import { fileError } from '../errors';
import type { LockOwner } from '../lock';
import { inUse, liveHolder, lockPathOf, readOwner } from '../lock';
import { firstUnsafeString, mayHoldUnsafeChars } from '../text';

export { checkNotLocked } from '../lock';

import { hashOf } from './key';
import type { SweepRecord } from './record';

export type Warn = (message: string) => void;

interface Parsed {
  records: SweepRecord[];
  /** Bytes of a torn last line (a record's prefix without its newline) to cut off (0 if none). */
  tornBytes: number;
  /** Byte length of the file without the torn line. */
  completeBytes: number;
  /** The last line is a complete record without its newline: the appender adds the newline. */
  missingNewline: boolean;
}

/** Every record line starts so (JSON.stringify of a SweepRecord, `key` first): what a torn line looks like. */
const RECORD_START = '{"key":"';

/** The record of one line, or why it is not one. */
function recordOf(line: string): SweepRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return (e as Error).message;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  if (typeof (value as { key?: unknown }).key !== 'string') return 'no "key"';
  if (nestsDeeperThan(value, MAX_RECORD_DEPTH)) return `it nests deeper than ${MAX_RECORD_DEPTH} levels, which no result does`;
  return unsafeStringIn(line, value) ?? (value as SweepRecord);
}

/** A result nests a few levels (steps → overlap → neuronCos → pair); writers recurse per level. */
const MAX_RECORD_DEPTH = 32;

/** Whether `value` nests arrays and objects deeper than `max` (iterative: any depth is safe to ask about). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const item of Array.isArray(v) ? v : Object.values(v)) if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
  }
  return false;
}

/**
 * Why a record holding control or bidirectional characters is refused: giantstep never writes one (no field,
 * expression or label holds them), and shown in a terminal, a figure or an SVG they would recolour, reorder
 * or break what a researcher reads.
 */
function unsafeStringIn(line: string, value: unknown): string | undefined {
  if (!mayHoldUnsafeChars(line)) return undefined;
  const bad = firstUnsafeString(value);
  return bad === undefined ? undefined : `a string holds control or bidirectional characters, which no result holds: ${quoted(bad.slice(0, 80))}`;
}

/** A whole file that is one run's result (`run --out`, pretty-printed JSON) as one record, keyed as a sweep would key it. */
function runResultOf(text: string): SweepRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const run = value as { config?: unknown; engineVersion?: unknown };
  if (!run || typeof run !== 'object' || Array.isArray(run) || !run.config || typeof run.config !== 'object' || typeof run.engineVersion !== 'string') {
    return undefined;
  }
  if (unsafeStringIn(text, value) !== undefined) return undefined;
  return { key: hashOf(run.config), params: {}, ...(value as object) } as SweepRecord;
}

const isTornRecord = (line: string) => line.startsWith(RECORD_START) || RECORD_START.startsWith(line);

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a results file. `strict` (the file a sweep appends to): it must be a regular file holding only
 * result lines, else a ConfigError naming `--out`; otherwise (readers) a bad line is skipped with a warning.
 */
function parse(path: string, warn: Warn, strict: boolean): Parsed {
  const none: Parsed = { records: [], tornBytes: 0, completeBytes: 0, missingNewline: false };
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return none;
    throw new ConfigError('out', `cannot read ${path}: ${(e as Error).message}`);
  }
  const field = strict ? 'out' : 'files';
  if (!st.isFile()) {
    // A device, pipe or folder is never read: /dev/zero would never end.
    throw new ConfigError(
      field,
      strict
        ? `${path} is ${kindOf(st)}; --out must be a results file (JSON Lines) or a new path`
        : `${path} is ${kindOf(st)}; give a results file (JSON Lines)`,
    );
  }
  const refuse = (line: number, why: string) =>
    new ConfigError(
      'out',
      `${path}:${line} is not a result line (${why}); --out appends only to a giantstep results file: give a new path (the file was not changed)`,
    );
  const records: SweepRecord[] = [];
  // Readers hold their warnings until they know the file has result lines at all (a pretty-printed run
  // result would otherwise give a warning per line).
  const held: string[] = [];
  const note = strict ? warn : (m: string) => held.push(m);
  let tornBytes = 0;
  let missingNewline = false;
  let blank = true;
  let firstReason: string | undefined;
  const size = forEachLine(path, field, (line, i, last) => {
    if (line.trim() === '') return;
    blank = false;
    const record = recordOf(line);
    if (typeof record !== 'string') {
      records.push(record);
      if (last) missingNewline = true;
      return;
    }
    if (last && isTornRecord(line)) {
      tornBytes = Buffer.byteLength(line, 'utf8');
      note(`${path}: dropped a torn last line (${tornBytes} bytes, a run interrupted while its line was written); that run will run again`);
      return;
    }
    if (strict) throw refuse(i + 1, record);
    firstReason ??= `line ${i + 1}: ${record}`;
    note(`${path}:${i + 1}: not a result line (${record}); ignored`);
  });
  if (!strict && records.length === 0 && !blank) {
    const run = size <= MAX_RUN_RESULT_BYTES ? runResultOf(readFileSync(path, 'utf8')) : undefined;
    if (!run) {
      const first = firstReason ? ` (${firstReason})` : '';
      throw new ConfigError(
        'files',
        `${path} holds no result records${first}: give a results file (JSON Lines from sweep or reproduce) or a run result (run --out)`,
      );
    }
    return { records: [run], tornBytes: 0, completeBytes: size, missingNewline: false };
  }
  for (const m of held) warn(m);
  // Only a line that is no record is cut: tornBytes counts the bytes after the last newline.
  return { records, tornBytes, completeBytes: size - tornBytes, missingNewline };
}

/** Why a line could not be appended (a full disk, a file-size limit), saying the runs are safe: an IOError (exit 74). */
function appendFailure(path: string, runs: number, e: unknown): ConfigError | IOError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EFBIG'
      ? "the file reached the largest size allowed (the file-size limit, ulimit -f, or the file system's)"
      : code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EDQUOT'
          ? 'the disk quota is used up'
          : (e as Error).message;
  return fileError(
    'out',
    `cannot append to ${path}: ${why}; the ${runs} results already in it are kept whole: make room (or give another --out) and run the same command again to resume`,
    e,
  );
}

/** Longest line read: a result line is kilobytes to megabytes; a longer one is not a results file's. */
const MAX_LINE_BYTES = 256 << 20;
/** A whole-file run result (run --out) is read only up to this size. */
const MAX_RUN_RESULT_BYTES = 256 << 20;
const CHUNK_BYTES = 4 << 20;

/**
 * Streams the lines of a regular file to `each(line, index, last)`, `last` for the text after the final
 * newline ('' when the file ends with one), in chunks: no string the size of the file is ever built, so a
 * results file of gigabytes reads (V8 cannot hold a string over 512 MiB). Returns the bytes read.
 */
function forEachLine(path: string, field: string, each: (line: string, index: number, last: boolean) => void): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new ConfigError(field, `cannot read ${path}: ${(e as Error).message}`);
  }
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;
  let total = 0;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      } catch (e) {
        throw new ConfigError(field, `cannot read ${path}: ${(e as Error).message}`);
      }
      if (n === 0) break;
      total += n;
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1 && nl < n; nl = chunk.indexOf(10, start)) {
        const piece = chunk.subarray(start, nl);
        const line = pendingBytes ? Buffer.concat([...pending, piece]).toString('utf8') : piece.toString('utf8');
        pending = [];
        pendingBytes = 0;
        each(line, index++, false);
        start = nl + 1;
      }
      if (start < n) {
        pending.push(Buffer.from(chunk.subarray(start, n)));
        pendingBytes += n - start;
        if (pendingBytes > MAX_LINE_BYTES) {
          throw new ConfigError(field, `${path}:${index + 1}: a line longer than ${MAX_LINE_BYTES >> 20} MiB: not a giantstep results file`);
        }
      }
    }
    each(Buffer.concat(pending).toString('utf8'), index, true);
  } finally {
    closeSync(fd);
  }
  return total;
}

/** The result lines of a file (none if it does not exist), skipping a torn last line with a warning. */
export function readResults(path: string, warn: Warn): SweepRecord[] {
  return parse(path, warn, false).records;
}

/**
 * Checks that a sweep may append to `path` (a new path, or a regular file of result lines only) and
 * returns its records. Throws a ConfigError naming `--out` otherwise, without changing the file.
 */
export function readResultsForAppend(path: string, warn: Warn): SweepRecord[] {
  return parse(path, warn, true).records;
}

/** Locks still held by this process, removed on exit (a crash included; kill -9 leaves a stale one). */
const held = new Map<string, string>();
let exitHookInstalled = false;

function releaseLock(lockPath: string): void {
  const token = held.get(lockPath);
  if (token === undefined) return;
  held.delete(lockPath);
  if (readOwner(lockPath)?.token !== token) return; // not ours any more: leave it
  try {
    unlinkSync(lockPath);
  } catch {
    // gone already
  }
}

/**
 * Takes the exclusive lock of a results file: `<file>.lock`, created with O_EXCL, holding the owner's pid
 * and host. A lock whose process is gone (same host, pid not running) is stale and taken over; a live
 * one (or one from another host) is refused with a ConfigError naming the file.
 */
function acquireLock(path: string): string {
  const links = existsSync(path) ? statSync(path).nlink : 1;
  if (links > 1) {
    throw new ConfigError(
      'out',
      `${path} has ${links} hard links: a sweep locks a results file by its one real path, so two names could hold two sweeps; give a file with one name (copy it)`,
    );
  }
  const lockPath = lockPathOf(path);
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError('out', `cannot create the lock file ${lockPath}: ${(e as Error).message}`, e);
      const owner = readOwner(lockPath);
      const holder = liveHolder(lockPath);
      if (holder) throw inUse(path, lockPath, holder.who);
      // Stale (its sweep was killed) or removed meanwhile: take it over, unless another process did so this instant.
      if (!existsSync(lockPath)) continue;
      if (readOwner(lockPath)?.token !== owner?.token) continue;
      try {
        unlinkSync(lockPath);
      } catch {
        // removed meanwhile
      }
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    held.set(lockPath, token);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => [...held.keys()].forEach(releaseLock));
    }
    return lockPath;
  }
  throw new ConfigError('out', `${path}: could not take its lock ${lockPath} (other sweeps keep taking it); try again`);
}

/** A results file opened for appending: the keys already there, and an atomic per-line append. */
export class ResultsFile {
  readonly keys: Set<string>;
  private fd: number | undefined;
  private lockPath: string | undefined;

  private warn: Warn = () => {};

  private constructor(
    readonly path: string,
    records: SweepRecord[],
  ) {
    this.keys = new Set(records.map((r) => r.key));
  }

  /**
   * Opens (or creates) `path` for appending under an exclusive lock: refuses a file that is not a results
   * file or is in use by another sweep (ConfigError naming --out), cuts off a torn last line and ends a
   * complete last record without its newline, so appends start on a fresh line.
   */
  static open(path: string, warn: Warn): ResultsFile {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw fileError('out', `cannot create the folder of ${path}: ${(e as Error).message}`, e);
    }
    const lockPath = acquireLock(path);
    let fd: number | undefined;
    try {
      const { records, tornBytes, completeBytes, missingNewline } = parse(path, warn, true);
      const file = new ResultsFile(path, records);
      if (tornBytes > 0) truncateSync(path, completeBytes);
      fd = openSync(path, 'a');
      if (missingNewline) {
        writeSync(fd, '\n');
        fsyncSync(fd);
      }
      file.fd = fd;
      file.lockPath = lockPath;
      file.warn = warn;
      return file;
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      releaseLock(lockPath);
      throw e;
    }
  }

  append(record: SweepRecord): void {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    const before = this.followReplacement();
    const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    try {
      let written = 0;
      while (written < line.length) written += writeSync(this.fd, line, written, line.length - written);
      fsyncSync(this.fd);
    } catch (e) {
      // Cut back what part of the line went out, so the file ends on its last whole run.
      try {
        ftruncateSync(this.fd, before);
      } catch {
        // a torn last line is cut off by the next open anyway
      }
      throw appendFailure(this.path, this.keys.size, e);
    }
    this.keys.add(record.key);
  }

  /**
   * A writer that ignored the lock may have renamed another file over ours: lines appended to the old
   * descriptor would go to an unlinked file and be lost. Before each line, the path is checked to still be
   * our file; if it was replaced, the new file (which must be a results file) is opened and appended to.
   * Returns the size of the file the next line goes to (where a failed append is cut back to).
   */
  private followReplacement(): number {
    let current: Stats | undefined;
    try {
      current = statSync(this.path);
    } catch {
      current = undefined;
    }
    const mine = fstatSync(this.fd as number);
    if (current && current.ino === mine.ino && current.dev === mine.dev) return mine.size;
    const { records } = parse(this.path, this.warn, true);
    closeSync(this.fd as number);
    this.fd = openSync(this.path, 'a');
    for (const r of records) this.keys.add(r.key);
    this.warn(`${this.path} was replaced while this sweep appended to it (another writer ignored its lock); appending to the new file`);
    return fstatSync(this.fd).size;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.lockPath !== undefined) releaseLock(this.lockPath);
    this.lockPath = undefined;
  }
}
