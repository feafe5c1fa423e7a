// sweep(): records, cutting step counts from one engine run, resuming, torn lines, shards and merging,
// abort, engine-refused runs, summaries.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig, run, version } from '../src/index';
import type { SweepOptions, SweepProgress, SweepRecord } from '../src/sweep';
import { mergeResults, planSweep, readResults, resultOf, runFlops, summarize, sweep } from '../src/sweep';
import { canonicalJson } from '../src/sweep/key';

const base = { d: 40, p: 30, nTest: 1000, target: 'T-B' };
const dir = mkdtempSync(join(tmpdir(), 'giantstep-sweep-'));
let fileCount = 0;
const fresh = () => join(dir, `r${fileCount++}.jsonl`);

async function collect(spec: unknown, options: SweepOptions = {}): Promise<SweepRecord[]> {
  const records: SweepRecord[] = [];
  for await (const r of sweep(spec, { onWarning: () => {}, ...options })) records.push(r);
  return records;
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('sweep', () => {
  it('yields one record per run with the resolved config, metrics, versions and timing, and writes it', async () => {
    const out = fresh();
    const spec = { base, grid: { kappa: [1.3, 1.6] }, seeds: 2 };
    const progress: number[] = [];
    const records = await collect(spec, { out, onProgress: (p) => progress.push(p.done) });
    expect(records).toHaveLength(4);
    expect(readResults(out, () => {})).toEqual(records);
    const r = records.find((x) => x.params.kappa === 1.6 && x.params.seed === 1) as SweepRecord;
    expect(r.config).toMatchObject({ kappa: 1.6, n: Math.round(40 ** 1.6), seed: 1, steps: 1 });
    expect(r.version).toBe(version);
    expect(typeof r.engineVersion).toBe('string');
    expect(r.testError).toBeGreaterThan(0);
    expect(r.baselines?.randomFeatures?.testError).toBeGreaterThan(0);
    expect(r.steps?.[0].overlap.maxAbsCos).toHaveLength(2);
    expect(r.timing.seconds).toBeGreaterThan(0);
    expect(Date.parse(r.timing.finishedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(r.timing.derivedFrom).toBeUndefined();
    expect(progress.at(-1)).toBe(4);
    // A record is the standalone run's numbers.
    const alone = await run({ ...base, kappa: 1.6, seed: 1 });
    expect([r.testError, r.trainError, r.baselines]).toEqual([alone.testError, alone.trainError, alone.baselines]);
  });

  it('reports progress as one object whose fraction, done / total, runs from 0 to 1; a sweep with nothing to do reports 1', async () => {
    const out = fresh();
    const spec = { base, grid: { kappa: [1.3, 1.6] }, seeds: 2 };
    const seen: SweepProgress[] = [];
    await collect(spec, { out, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(1);
    for (const p of seen) {
      expect(p.fraction).toBeGreaterThanOrEqual(0);
      expect(p.fraction).toBeLessThanOrEqual(1);
      expect(p.fraction).toBe(p.done / p.total);
    }
    expect(seen.map((p) => p.fraction)).toEqual(seen.map((p) => p.fraction).sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ fraction: 1, done: 4, total: 4, failed: 0, skipped: 0, running: [] });
    const again: SweepProgress[] = [];
    await collect(spec, { out, onProgress: (p) => again.push(p) });
    expect(again).toEqual([expect.objectContaining({ fraction: 1, done: 0, total: 0, skipped: 4 })]);
  });

  it('cuts the runs of steps 1..3 from one engine run: each equals the run of its own step count', async () => {
    const spec = { base: { ...base, readoutBatch: 'fresh', kappa: 1.5 }, grid: { steps: [1, 2, 3] }, seeds: [5] };
    const records = await collect(spec);
    expect(records.map((r) => r.config.steps)).toEqual([1, 2, 3]);
    expect(records.map((r) => r.timing.derivedFrom)).toEqual([{ steps: 3 }, { steps: 3 }, undefined]);
    for (const r of records) {
      const alone = await run({ ...base, readoutBatch: 'fresh', kappa: 1.5, seed: 5, steps: r.config.steps });
      expect(alone.config).toEqual(r.config);
      expect(r.testError).toBe(alone.testError);
      expect(r.trainError).toBe(alone.trainError);
      // With a fresh readout batch the random-features baseline is the same at every step count.
      expect(r.baselines).toEqual(alone.baselines);
      expect(r.steps).toEqual(
        alone.steps.map(({ step, overlap, meanUpdateNorm, testError, trainError }) => ({ step, overlap, meanUpdateNorm, testError, trainError })),
      );
    }
  });

  it("with the readout on the step batch, each cut run has its own errors and its own batch's baseline", async () => {
    const spec = { base: { ...base, kappa: 1.5 }, grid: { steps: [1, 2] } };
    const [one, two] = await collect(spec);
    const alone = await run({ ...base, kappa: 1.5, steps: 1 });
    expect([one.testError, one.trainError, one.baselines]).toEqual([alone.testError, alone.trainError, alone.baselines]);
    expect(one.baselines).not.toEqual(two.baselines);
  });

  it('resumes: a re-run skips the runs in the file, a changed spec appends only its new runs', async () => {
    const out = fresh();
    const spec = { base, grid: { kappa: [1.3, 1.6], steps: [1, 2] }, seeds: 2 };
    await collect(spec, { out });
    const before = readFileSync(out, 'utf8');
    const again = sweep(spec, { out });
    expect([again.total, again.skipped, again.todo.length]).toEqual([0, 8, 0]);
    expect(await collect(spec, { out })).toEqual([]);
    expect(readFileSync(out, 'utf8')).toBe(before);
    // One more kappa, and a third step count: new runs only, the old lines untouched.
    const grown = { base, grid: { kappa: [1.3, 1.6, 1.9], steps: [1, 2, 3] }, seeds: 2 };
    const added = await collect(grown, { out });
    expect(added).toHaveLength(18 - 8);
    expect(added.every((r) => r.config.kappa === 1.9 || r.config.steps === 3)).toBe(true);
    expect(readFileSync(out, 'utf8').startsWith(before)).toBe(true);
    const keys = lines(out).map((l) => JSON.parse(l).key);
    expect(new Set(keys).size).toBe(18);
    expect(new Set(keys)).toEqual(new Set(planSweep(grown).points.map((p) => p.key)));
  });

  it('drops a torn last line with a warning and runs that run again', async () => {
    const out = fresh();
    const spec = { base, grid: { kappa: [1.3, 1.5, 1.7] } };
    const full = await collect(spec, { out });
    const [first, second] = lines(out);
    writeFileSync(out, first + '\n');
    appendFileSync(out, second.slice(0, 200)); // killed while writing the second line
    const warnings: string[] = [];
    const redone = await collect(spec, { out, onWarning: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/torn last line \(200 bytes/);
    const sortedKeys = (rs: SweepRecord[]) => rs.map((r) => r.key).sort();
    expect(sortedKeys(redone)).toEqual(sortedKeys(full.slice(1)));
    const now: SweepRecord[] = lines(out).map((l) => JSON.parse(l));
    expect(now[0]).toEqual(full[0]);
    expect(sortedKeys(now)).toEqual(sortedKeys(full));
    const byKey = new Map(full.map((r) => [r.key, r]));
    for (const r of now) expect(resultOf(r)).toEqual(resultOf(byKey.get(r.key) as SweepRecord));
  });

  it('runs a deterministic share with shard i/N; merged shards equal the whole sweep run by run', async () => {
    const spec = { base, grid: { kappa: [1.2, 1.4, 1.6, 1.8], steps: [1, 2] }, seeds: 2 };
    const whole = await collect(spec, { jobs: 1 });
    const outs = [1, 2, 3].map(() => fresh());
    for (const [i, out] of outs.entries()) await collect(spec, { out, shard: `${i + 1}/3`, jobs: 2 });
    const shardKeys = outs.map((o) => readResults(o, () => {}).map((r) => r.key));
    expect(shardKeys.flat().sort()).toEqual(whole.map((r) => r.key).sort());
    const warnings: string[] = [];
    const merged = mergeResults([...outs, outs[0]], (m) => warnings.push(m));
    expect(merged.duplicates).toBe(shardKeys[0].length);
    expect(warnings).toEqual([]);
    const byKey = new Map(merged.records.map((r) => [r.key, r]));
    for (const r of whole) expect(canonicalJson(resultOf(byKey.get(r.key) as SweepRecord))).toBe(canonicalJson(resultOf(r)));
  });

  it('stops on abort with an AbortError, keeping the runs already written', async () => {
    const out = fresh();
    const controller = new AbortController();
    const spec = { base: { ...base, d: 128, p: 64, nTest: 20000 }, grid: { kappa: { linspace: [1.8, 2.2, 6] } } };
    const seen: SweepRecord[] = [];
    const err = await (async () => {
      for await (const r of sweep(spec, { out, signal: controller.signal, jobs: 1 })) {
        seen.push(r);
        controller.abort();
      }
    })().catch((e) => e);
    expect(err.name).toBe('AbortError');
    expect(seen).toHaveLength(1);
    expect(readResults(out, () => {}).map((r) => r.key)).toEqual(seen.map((r) => r.key));
    // Leaving the loop early stops the sweep too.
    for await (const _ of sweep(spec, { out, jobs: 1 })) break;
    expect(lines(out)).toHaveLength(2);
  });

  it('records a run the engine refuses while running, and goes on', async () => {
    const spec = { base: { d: 30, p: 20, n: 500, etaRule: 'raw', activation: 'tanh', nTest: 100 }, grid: { eta: [1, 1e308] } };
    const records = await collect(spec);
    expect(records).toHaveLength(2);
    const bad = records.find((r) => r.error);
    expect(bad?.error?.field).toBe('eta');
    expect(bad?.testError).toBeUndefined();
    const s = summarize(records);
    expect([s.runs, s.failed, s.groups.length]).toEqual([2, 1, 1]);
  });

  it('refuses more runs at once than memory allows', () => {
    const spec = { base, grid: { kappa: [1.3, 1.6] } };
    const peak = planSweep(spec).jobs[0].memoryEstimateBytes;
    const err = (() => {
      try {
        sweep(spec, { jobs: 3, memoryLimitBytes: peak * 2.5 });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.field).toBe('jobs');
    expect(err?.message).toContain('use --jobs 2');
    // Without --jobs, the default is lowered to what fits.
    expect(sweep(spec, { memoryLimitBytes: peak * 1.5 }).jobs).toBe(1);
  });
});

describe('summarize', () => {
  const record = (key: string, kappa: number, steps: number, seed: number, testError: number | null): SweepRecord =>
    ({
      key,
      params: { kappa, steps, seed },
      config: { kappa, steps, seed },
      testError,
      baselines: { randomFeatures: { testError: 1 + seed }, linearKernel: { testError: 0.5 } },
      timing: { seconds: 1, finishedAt: '' },
    }) as unknown as SweepRecord;
  const records = [
    record('a', 1.5, 1, 0, 1),
    record('b', 1.5, 1, 1, 2),
    record('c', 1.5, 1, 2, 4),
    record('c', 1.5, 1, 2, 4), // a duplicate line counts once
    record('d', 1.2, 1, 0, 3),
    record('e', 1.5, 2, 0, 5),
    record('f', 1.5, 2, 1, null),
  ];

  it('gives mean, sample std, standard error and count per group, sorted by the group values', () => {
    const s = summarize(records);
    expect(s.by).toEqual(['kappa', 'steps']);
    expect(s.groups).toEqual([
      { kappa: 1.2, steps: 1, mean: 3, std: null, sem: null, count: 1 },
      { kappa: 1.5, steps: 1, mean: 7 / 3, std: expect.closeTo(Math.sqrt(7 / 3), 12), sem: expect.closeTo(Math.sqrt(7 / 9), 12), count: 3 },
      { kappa: 1.5, steps: 2, mean: 5, std: null, sem: null, count: 1 },
    ]);
    expect([s.runs, s.withoutMetric]).toEqual([6, 1]);
  });

  it('groups by any field and summarizes any numeric path', () => {
    const s = summarize(records, { by: ['steps'], metric: 'baselines.randomFeatures.testError', pool: ['kappa'] });
    expect(s.groups.map((g) => [g.steps, g.mean, g.count])).toEqual([
      [1, 1.75, 4],
      [2, 1.5, 2],
    ]);
    expect(() => summarize(records, { by: ['width'] })).toThrow(/by: no run has a field 'width'/);
    expect(() => summarize(records, { metric: 'config.nope' })).toThrow(/metric: no run has a number/);
  });
});

describe('cost model', () => {
  it("is the engine's own flop count: steps, every readout with its baseline, the tests (exact values)", () => {
    // d = 10, p = 5: a step costs 4dp = 200 per row, a fit 2dp + 2p² = 150, a test 2dp = 100.
    const base = { d: 10, p: 5, n: 100, nTest: 50, steps: 3, preprocess: 'none', baselines: true } as const;
    // Readouts after steps 1, 2 and 3 on each step's batch: the first two fit W_t and W0 (the per-step
    // baseline), the last W_T and W0: 3·100·200 + 6·(100·150 + 50·100).
    const every = resolveConfig({ ...base, readoutEveryStep: true, readoutBatch: 'same' });
    expect(every.workFlops).toBe(60_000 + 6 * 20_000);
    expect(runFlops(every)).toBe(every.workFlops);
    // A fresh readout batch: one baseline only (the intermediate readouts fit W_t alone).
    expect(resolveConfig({ ...base, readoutEveryStep: true, readoutBatch: 'fresh' }).workFlops).toBe(60_000 + 4 * 20_000);
    // One readout: W_T and W0.
    expect(resolveConfig(base).workFlops).toBe(60_000 + 2 * 20_000);
    // Train-side pre-processing estimates the labels' linear part on each distinct batch (d per row).
    expect(resolveConfig({ ...base, preprocess: 'train' }).workFlops).toBe(3 * 100 * 10 + 60_000 + 2 * 20_000);
  });

  it('prices a sweep job, whose readouts differ from its runs, as it will run', () => {
    const plan = planSweep({ base: { d: 10, p: 5, n: 100, nTest: 50, preprocess: 'none', readoutBatch: 'same' }, grid: { steps: [1, 3] } });
    expect(plan.jobs).toHaveLength(1);
    expect(plan.jobs[0].flops).toBe(60_000 + 6 * 20_000);
  });
});
