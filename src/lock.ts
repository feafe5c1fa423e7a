// The lock of a results file: `<real file>.lock`, created with O_EXCL by the sweep that appends to it and
// holding its pid and host. Keyed by the real path (links resolved), so a symbolic link to a results file
// finds the same lock; every writer that replaces a file (merge, export, run --out, any atomic write)
// checks it first, so nothing replaces a file under a running sweep. See docs/limits.md.
import { closeSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from './config';

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
  token: string;
}

/** The lock file of `path`: beside the real file (symbolic links resolved; a new file in its real folder). */
export function lockPathOf(path: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    try {
      real = join(realpathSync(dirname(path)), basename(path));
    } catch {
      real = resolve(path);
    }
  }
  return `${real}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock holds one short JSON line; more than this is not a lock of ours (and /dev/zero must not be read). */
const MAX_LOCK_BYTES = 4096;

export function readOwner(lockPath: string): LockOwner | undefined {
  try {
    if (!lstatSync(lockPath).isFile()) return undefined;
    const fd = openSync(lockPath, 'r');
    const buffer = Buffer.alloc(MAX_LOCK_BYTES);
    let n: number;
    try {
      n = readSync(fd, buffer, 0, MAX_LOCK_BYTES, 0);
    } finally {
      closeSync(fd);
    }
    const owner = JSON.parse(buffer.subarray(0, n).toString('utf8'));
    return Number.isSafeInteger(owner?.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** A lock file being written this instant is empty: older than this and still unreadable, it is stale. */
const UNREADABLE_LOCK_STALE_MS = 10_000;

/** Why the lock at `lockPath` is held by a live sweep (undefined when free or stale). */
export function liveHolder(lockPath: string): { owner: LockOwner | undefined; who: string } | undefined {
  const owner = readOwner(lockPath);
  if (owner) {
    if (owner.host === hostname() && !alive(owner.pid)) return undefined;
  } else {
    let age: number;
    try {
      age = Date.now() - statSync(lockPath).mtimeMs;
    } catch {
      return undefined; // no lock
    }
    if (age > UNREADABLE_LOCK_STALE_MS) return undefined;
  }
  return { owner, who: owner ? `process ${owner.pid} on ${owner.host}, since ${owner.since}` : 'another process' };
}

export const inUse = (path: string, lockPath: string, who: string, field = 'out') =>
  new ConfigError(field, `${path} is in use by another sweep (${who}; lock ${lockPath}): wait for it to finish, or delete the lock file if that sweep is gone`);

/** Refuses (ConfigError naming `field`) a file that a live sweep is appending to; takes nothing. */
export function checkNotLocked(path: string, field = 'out'): void {
  const lockPath = lockPathOf(path);
  const holder = liveHolder(lockPath);
  if (holder) throw inUse(path, lockPath, holder.who, field);
}
