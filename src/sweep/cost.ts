// Cost model of one engine run, for ETAs, dry runs, shard balance and the default number of
// concurrent runs. The flop count is the engine's own (crates/core/src/experiment.rs, planned_flops).
import { availableParallelism } from 'node:os';
import type { Config, ResolvedConfig } from '../config';
import { engineCall } from '../engine';
import { resolveConfig, run } from '../run';

/**
 * Floating-point operations of one run, from the engine's own work plan (the total its progress counts):
 * the streamed passes of the steps, every readout and test, the baselines and the label estimates.
 */
export function runFlops(c: Config): number {
  return planRun(c).flops;
}

/**
 * What the planner needs of a resolved run, from the engine: its planned floating-point operations, and
 * the key of the runs it can share a random-features baseline pass with (runGroup's rule; undefined: none).
 */
export function planRun(c: Config | ResolvedConfig): { flops: number; baselineGroup?: string } {
  // A config as resolveConfig returns it (ResolvedConfig) is read as it is: the engine reads past its extras.
  const plan = JSON.parse(engineCall((e) => e.planRun(JSON.stringify(c)))) as { flops: number; baselineGroup: string | null };
  return { flops: plan.flops, baselineGroup: plan.baselineGroup ?? undefined };
}

/**
 * Below this width (d·p), the engine's threads inside one run barely help (measured on 2 cores: 8 runs
 * at d=128, p=64 take 0.52 s one after another with 2 threads each, 0.39 s two at a time), so several
 * runs go at once; above it, one run at a time uses every core without oversubscribing.
 */
export const SMALL_RUN_WIDTH = 32768;

/** libuv runs at most this many engine runs at once; more would queue inside Node anyway. */
export function threadPoolSize(): number {
  const n = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1024) : 4;
}

/** Concurrent runs by default: min(2, cores) when every run is small, else 1. */
export function defaultJobs(configs: Config[], cores = availableParallelism()): number {
  const small = configs.every((c) => c.d * c.p < SMALL_RUN_WIDTH);
  return small ? Math.max(1, Math.min(2, cores)) : 1;
}

/** Fixed cost of a run (setup, target moments, readout solve) in flop-equivalents: ~2 ms here. */
export const RUN_OVERHEAD_FLOPS = 2e7;

export function jobCost(job: { flops: number }): number {
  return job.flops + RUN_OVERHEAD_FLOPS;
}

/** Work of one throughput probe: ~0.1 s here, long enough to time, short enough for a dry run. */
const PROBE_FLOPS = 2e9;

/**
 * This machine's engine throughput (flop/s, all concurrent runs together) at a sweep's shapes: `jobs`
 * runs at once of one step and a readout with `like`'s d and p on about PROBE_FLOPS of rows (at least a
 * chunk), best of
 * two after a warm-up. Small widths run far below the machine's peak, and concurrent runs share cores
 * and memory bandwidth, so a fixed single probe would misjudge both.
 */
export async function measureThroughput(like: Config, jobs = 1): Promise<number> {
  const { kappa: _k, alpha: _a, ell: _l, alphaReadout: _r, learningRate: _lr, ...fields } = like;
  const shape = { ...fields, steps: 1, readoutEveryStep: false, baselines: false };
  const perRow = runFlops({ ...like, ...shape, n: 1, nTest: 1 }) / 2;
  // At least a chunk of rows: the engine's passes run far below speed on less.
  const rows = Math.min(like.n, Math.max(like.chunk, Math.floor(PROBE_FLOPS / perRow / 2)));
  const probe = { ...shape, n: rows, nTest: Math.min(rows, like.nTest) };
  await run({ ...probe, n: 256, nTest: 256 }); // warm-up: threads, caches
  let best = Infinity;
  for (let attempt = 0; attempt < 2; attempt++) {
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: jobs }, () => run(probe)));
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  // resolveConfig already counted the probe's flops (workFlops): no second engine call.
  return (jobs * jobCost({ flops: resolveConfig(probe).workFlops })) / best;
}
