// src/output.ts: an interrupted write leaves no temp file behind (Ctrl-C while merge wrote left a 253 MB
// .tmp- file in 0.2.0).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const files = join(__dirname, '..', 'dist', 'files.js');

/** Starts a process that writes `mb` megabytes atomically to `out`, signals it after `delayMs`, and waits. */
function interrupted(out: string, mb: number, signal: NodeJS.Signals, delayMs: number): Promise<void> {
  // The data first, then 'go', then the write: the signal lands inside writeAtomic.
  const script = `const { writeAtomic } = require(${JSON.stringify(files)}); const data = Buffer.alloc(${mb} * 1e6, 97); process.stdout.write('go\\n'); writeAtomic(${JSON.stringify(out)}, data);`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => setTimeout(() => child.kill(signal), delayMs));
    child.on('exit', () => resolve());
  });
}

describe('writeAtomic under SIGINT and SIGTERM', () => {
  it('leaves no temp file, whenever the signal lands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'giantstep-files-'));
    for (const [i, [signal, delay]] of (
      [
        ['SIGINT', 0],
        ['SIGINT', 20],
        ['SIGTERM', 5],
        ['SIGTERM', 40],
      ] as const
    ).entries()) {
      await interrupted(join(dir, `out-${i}.jsonl`), 200, signal, delay);
    }
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 60_000);
});
