// reproduce() itself, on a tiny reproduction (the real ones run end to end in reproduce.test.ts): its
// progress, one object per call over every run set, sweep and detailed alike.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReproduceProgress, Reproduction } from '../src/index';
import { reproduce } from '../src/index';
import type { RunSet } from '../src/reproduce/types';

const base = { d: 40, p: 30, nTest: 500, target: 'T-B' };

/** Two run sets: a sweep of 4 runs and a detailed set of 2 runs that share one engine run. */
const tiny: Reproduction = {
  name: 'tiny',
  title: 'A tiny reproduction',
  description: 'Four runs of a sweep and two detailed ones, for the runner.',
  runSets: (): RunSet[] => [
    { label: 'kappa sweep', spec: { base, grid: { kappa: [1.3, 1.6] }, seeds: 2 } },
    { label: 'detailed', spec: { base: { ...base, kappa: 1.5 }, grid: { steps: [1, 2] }, seeds: [5] }, detail: true },
  ],
  analyze: () => ({ figures: [], tables: [] }),
};

describe('reproduce', () => {
  it('reports progress as one object: the run set, its runs done of total, and a fraction of all runs from 0 to 1', async () => {
    const out = mkdtempSync(join(tmpdir(), 'giantstep-runner-'));
    const seen: ReproduceProgress[] = [];
    const summary = await reproduce(tiny, out, { onProgress: (p) => seen.push(p) });
    expect(summary.runs).toBe(6);
    for (const p of seen) {
      expect(p.figure).toBe('tiny');
      expect(p.fraction).toBeGreaterThanOrEqual(0);
      expect(p.fraction).toBeLessThanOrEqual(1);
      expect(p.done).toBeLessThanOrEqual(p.total);
    }
    expect(seen.map((p) => p.fraction)).toEqual(seen.map((p) => p.fraction).sort((a, b) => a - b));
    expect(seen.filter((p) => p.runSet === 'kappa sweep').at(-1)).toEqual({ fraction: 4 / 6, figure: 'tiny', runSet: 'kappa sweep', done: 4, total: 4 });
    expect(seen.at(-1)).toEqual({ fraction: 1, figure: 'tiny', runSet: 'detailed', done: 2, total: 2 });
    // Resumed with every run in the file: each set reports itself done, the first already at 4 of 6.
    const again: ReproduceProgress[] = [];
    await reproduce(tiny, out, { onProgress: (p) => again.push(p) });
    expect(again).toEqual([
      { fraction: 4 / 6, figure: 'tiny', runSet: 'kappa sweep', done: 4, total: 4 },
      { fraction: 1, figure: 'tiny', runSet: 'detailed', done: 2, total: 2 },
    ]);
  });
});
