// Bounded reads of the files a user names (config files, sweep specs): a regular file, a pipe or standard
// input, at most MAX_INPUT_BYTES; never a device (/dev/zero would be read forever) or a folder.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { ConfigError, isPlainObject, kindOf } from './index';

/** The largest config or spec file read (16 MiB): a real one is a few kilobytes. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

const mib = (b: number) => `${(b / (1024 * 1024)).toFixed(b % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

/**
 * The text of `path` (`-` or `0`: standard input), refusing with a ConfigError naming `field` anything that
 * is not a regular file, a pipe or a socket, and anything larger than `limit` bytes.
 */
export function readBoundedText(path: string, field: string, limit = MAX_INPUT_BYTES): string {
  const stdin = path === '-';
  let fd: number;
  try {
    if (!stdin) {
      // stat before open: opening a device can have effects (a tape rewinds), and a FIFO without a writer blocks.
      const st = statSync(path);
      if (st.isDirectory()) throw new ConfigError(field, `${path} is a folder, not a file`);
      if (!st.isFile() && !st.isFIFO() && !st.isSocket())
        throw new ConfigError(field, `${path} is not a regular file (a device or other special file); give a file`);
      if (st.isFile() && st.size > limit) throw tooLarge(field, path, limit);
    }
    fd = stdin ? 0 : openSync(path, 'r');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(field, `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const st = stdin ? undefined : fstatSync(fd); // the file opened may not be the one stat-ed
    if (st && !st.isFile() && !st.isFIFO() && !st.isSocket()) throw new ConfigError(field, `${path} is not a regular file; give a file`);
    // Read at most limit + 1 bytes: one more than allowed tells "too large" from "exactly the limit".
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // a non-blocking stdin with nothing yet
          continue;
        }
        if ((e as NodeJS.ErrnoException).code === 'EOF') break; // Windows: end of a pipe
        throw new ConfigError(field, `cannot read ${path}: ${(e as Error).message}`);
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) throw tooLarge(field, path, limit);
    }
    // A byte-order mark (editors on Windows write one) is not part of the JSON or YAML text.
    return Buffer.concat(chunks, total)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    if (!stdin) closeSync(fd);
  }
}

function tooLarge(field: string, path: string, limit: number): ConfigError {
  return new ConfigError(
    field,
    `${path === '-' ? 'standard input' : path} is larger than ${mib(limit)}, the most a ${field === 'spec' || field === 'theory' ? field : 'config'} file may hold; is it the right file?`,
  );
}

/** A JSON config file: a plain object of config fields (it may name a "preset"). */
export function readConfigFile(path: string, field = 'config'): Record<string, unknown> {
  const text = readBoundedText(path, field);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(field, `${path} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isPlainObject(value)) {
    throw new ConfigError(field, `${path} must hold a JSON object of config fields such as {"d": 512, "p": 1024}, not ${kindOf(value)}`);
  }
  return value;
}

/** The deepest nesting a YAML spec may have: a real one nests 3 or 4 levels. */
export const MAX_YAML_DEPTH = 64;

/**
 * Refuses YAML nested deeper than MAX_YAML_DEPTH flow levels ([ and {) or indented (spaces, or the dashes of
 * compact sequences) past 4 columns a level:
 * the YAML parser recurses per level, and near the stack's end V8 can abort the process instead of throwing.
 * A quick scan that skips quoted text and comments (brackets in a block scalar count too: harmless here).
 */
export function checkYamlDepth(text: string, field: string, path: string): void {
  let depth = 0;
  let quote: string | undefined;
  let lineStart = true;
  let indent = 0;
  const refuse = () => new ConfigError(field, `${path} nests deeper than ${MAX_YAML_DEPTH} levels; a spec nests a few`);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (lineStart) {
      // A compact sequence (`- - - 1`) nests one level per dash, as indentation does: both count as columns.
      const dash = c === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t');
      if (c === ' ' || c === '\t' || dash) {
        if (++indent > 4 * MAX_YAML_DEPTH) throw refuse();
        continue;
      }
      lineStart = false;
    }
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      if (quote === undefined) continue;
    }
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_YAML_DEPTH) throw refuse();
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
}
