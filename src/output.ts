// Writing output files (`--out` of run, theory, merge, slurm, plot, report): atomically (a temp file in the
// same folder, fsynced, then renamed over the target), and only over a regular file or a new path. A
// symbolic link, device, named pipe, socket or folder at the target is refused, never replaced: `--out
// /dev/null` must not replace /dev/null. A failed write (full disk, no permission) removes the temp file
// and leaves the target as it was. See docs/limits.md.
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from './config';
import { fileError } from './errors';
import { checkNotLocked } from './lock';

/** What a non-regular file is, in words. */
function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const reason = (e: unknown) => (e as Error).message;

/**
 * Checks that `path` may be written by `writeAtomic`: a regular file (replaced whole) or a new path.
 * Returns the existing file's stats (undefined for a new path). Throws a ConfigError naming `flag`.
 */
export function checkOutPath(path: string, flag = '--out', field = 'out'): Stats | undefined {
  if (typeof path !== 'string' || path === '') throw new ConfigError(field, `${flag} needs a file path`);
  if (path.includes('\0')) throw new ConfigError(field, `${flag} holds a NUL character: give a plain file path`);
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError(field, `cannot write ${path}: ${reason(e)}; give another ${flag}`);
  }
  if (st.isFile()) return st;
  throw new ConfigError(
    field,
    `${path} is ${kindOf(st)}; ${flag} writes only a regular file (replaced whole) or a new path: remove it or give another ${flag}`,
  );
}

/**
 * Refuses an output that is one of the inputs, by identity (device and inode, links followed), so that
 * `export r.jsonl --out r.jsonl`, or a hard link to it, cannot replace the results with the table. A folder
 * input stands for the results.jsonl inside it.
 */
export function checkNotAnInput(out: string, inputs: string[], flag = '--out', field = 'out'): void {
  const identity = (path: string) => {
    try {
      const st = statSync(path);
      const file = st.isDirectory() ? statSync(join(path, 'results.jsonl')) : st;
      return `${file.dev}:${file.ino}`;
    } catch {
      return undefined;
    }
  };
  const target = identity(out);
  if (target === undefined) return;
  const same = inputs.find((input) => identity(input) === target);
  if (same !== undefined) throw new ConfigError(field, `${out} is the input ${same} (the same file): give another ${flag}`);
}

/**
 * Writes `data` to `path` atomically (temp file + fsync + rename), so readers never see half a file, and
 * only over a regular file or a new path (see checkOutPath). A replaced file keeps its permissions. On any
 * failure the temp file is removed, `path` is left as it was, and a ConfigError names `flag` and `path`.
 */
export function writeAtomic(path: string, data: string | Uint8Array, flag = '--out', field = 'out'): void {
  const existing = checkOutPath(path, flag, field);
  // A sweep appending to this file would keep writing to the replaced one: its runs would be lost.
  checkNotLocked(path, field);
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fileError(field, `cannot create the folder of ${path}: ${reason(e)}; give another ${flag}`, e);
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let fd: number | undefined;
  let created = false;
  const release = deferSignals();
  try {
    // 'wx': O_CREAT | O_EXCL, so a link or file planted at the temp name is never followed or reused.
    fd = openSync(tmp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    created = true;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    // Checked again just before the rename: something other than a regular file put there meanwhile stays,
    // and a sweep that started meanwhile keeps its file.
    checkOutPath(path, flag, field);
    checkNotLocked(path, field);
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing: the write error is the one to report
      }
    }
    if (created) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing more to do: the message names the path
      }
    }
    if (e instanceof ConfigError) throw e;
    const kept = existing ? 'was left as it was' : 'was not created';
    // A full disk or a file-size limit is the file system failing (IOError, exit 74), not bad input.
    throw fileError(field, `cannot write ${path}: ${reason(e)}; ${path} ${kept} (no partial file): free space or give another ${flag}`, e);
  } finally {
    release();
  }
}

/**
 * While a write is in progress, SIGINT and SIGTERM wait for it: without a listener their default action
 * kills the process mid-write and leaves the temp file (a 253 MB .tmp- file after Ctrl-C in merge). With
 * one, the signal is handled once the synchronous write has finished or been undone; the listener, kept
 * until the next turn of the event loop, then raises the signal again for its usual effect.
 */
function deferSignals(): () => void {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const pending = new Set<NodeJS.Signals>();
  const listener = (signal: NodeJS.Signals) => pending.add(signal);
  for (const s of signals) process.on(s, listener);
  return () =>
    setImmediate(() => {
      for (const s of signals) process.off(s, listener);
      for (const s of pending) process.kill(process.pid, s);
    });
}
