// `sweep()`: runs a spec's engine runs on a small pool, appends each finished run to the results file
// (if any) and yields it. Runs already in the file are skipped, so re-running resumes.
import { totalmem } from 'node:os';
import type { Result } from '../config';
import { ConfigError } from '../config';
import { native } from '../native';
import { run, runGroup } from '../run';
import { version } from '../version';
import { Channel } from './channel';
import { defaultJobs, jobCost, threadPoolSize } from './cost';
import { canonicalJson } from './key';
import type { SweepJob, SweepPlan } from './plan';
import { describeJob, groupJobs, planSweep } from './plan';
import type { SweepRecord } from './record';
import { errorRecordOf, recordOf } from './record';
import type { Shard } from './shard';
import { jobKey, parseShard, shardJobs } from './shard';
import type { Warn } from './store';
import { checkNotLocked, ResultsFile, readResultsForAppend } from './store';

export interface SweepOptions {
  /** JSON Lines results file: runs already there are skipped, each finished run is appended. */
  out?: string;
  /** Run only this share of the engine runs (`{index, count}` or "i/N", 1-based). */
  shard?: Shard | string;
  /** Run only the engine runs with these keys (`jobKey`): a share dealt across several sweeps (a reproduction's shard). */
  jobKeys?: ReadonlySet<string>;
  /** Engine runs at once (default: min(2, cores) when every run has d·p < 32768, else 1). */
  jobs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Torn or unreadable lines in `out`, lowered --jobs (default: process.emitWarning). */
  onWarning?: Warn;
  /** Largest memory all concurrent runs together may need (default: 80% of this machine's memory). */
  memoryLimitBytes?: number;
}

export interface SweepProgress {
  /** Runs (result lines) finished by this call, and to do in it (runs already in `out` excluded). */
  done: number;
  total: number;
  /** Of `done`, runs the engine refused while running (recorded with an `error`). */
  failed: number;
  /** Runs skipped because `out` already has them. */
  skipped: number;
  /** The engine runs in flight, by their axis values. */
  running: string[];
  elapsedSeconds: number;
  /** Seconds left, from the cost model scaled by the measured time of the runs done (null before one ends). */
  etaSeconds: number | null;
}

/** The iterator `sweep()` returns, with what it is about to do. */
export interface SweepRun extends AsyncIterableIterator<SweepRecord> {
  plan: SweepPlan;
  /** Runs to do (not yet in `out`) and runs skipped. */
  total: number;
  skipped: number;
  /** Engine runs to do (one serves every step count of a grid point). */
  todo: SweepJob[];
  /** Engine runs at once. */
  jobs: number;
}

const missing = (job: SweepJob, keys: Set<string>) => job.members.filter((m) => !keys.has(m.key));

function chooseJobs(requested: number | undefined, jobs: SweepJob[], limit: number, warn: Warn): number {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1)) throw new ConfigError('jobs', 'must be a whole number >= 1');
  const pool = threadPoolSize();
  let n = requested ?? defaultJobs(jobs.map((j) => j.config));
  if (n > pool) {
    warn(`jobs: ${n} lowered to ${pool}, the libuv thread pool's size (set UV_THREADPOOL_SIZE to raise it)`);
    n = pool;
  }
  const peak = jobs.reduce((m, j) => Math.max(m, j.memoryEstimateBytes), 0); // no spread: a plan can be large
  if (peak * n > limit) {
    const fit = Math.max(1, Math.floor(limit / peak));
    if (requested !== undefined) {
      const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
      throw new ConfigError('jobs', `${n} runs at once need about ${gb(peak * n)} but ${gb(limit)} are available: use --jobs ${fit}`);
    }
    n = fit;
  }
  return n;
}

/**
 * Runs a sweep spec (see SweepSpec). Checks the spec and resolves every run at once, throwing a
 * ConfigError naming the part at fault before anything runs; iterating runs the engine runs and yields
 * each finished run's record. Aborting `signal` (or breaking out of the loop) stops the runs in flight;
 * the records already yielded are in `out`.
 */
export function sweep(spec: unknown, options: SweepOptions = {}): SweepRun {
  const warn: Warn = options.onWarning ?? ((m) => process.emitWarning(m, 'GiantstepSweep'));
  const limit = options.memoryLimitBytes ?? Math.floor(totalmem() * 0.8);
  const plan = planSweep(spec, limit);
  const shard = typeof options.shard === 'string' ? parseShard(options.shard) : options.shard;
  const dealt = shard ? shardJobs(plan.jobs, shard) : plan.jobs;
  const mine = options.jobKeys ? dealt.filter((j) => options.jobKeys?.has(jobKey(j))) : dealt;
  // Refuses (ConfigError naming --out) a file that is not a results file, before anything runs.
  const known = options.out ? new Set(readResultsForAppend(options.out, warn).map((r) => r.key)) : new Set<string>();
  // A file another sweep is appending to is refused here too, before anything is printed or run (the lock is taken when the runs start).
  if (options.out) checkNotLocked(options.out);
  const todo = mine.filter((j) => missing(j, known).length > 0);
  const total = todo.reduce((s, j) => s + missing(j, known).length, 0);
  const skipped = mine.reduce((s, j) => s + j.members.length, 0) - total;
  const jobs = chooseJobs(options.jobs, todo, limit, warn);

  const channel = new Channel<SweepRecord>();
  const controller = new AbortController();
  let started: Promise<void> | undefined;

  const start = (): Promise<void> => {
    const onAbort = () => controller.abort();
    if (options.signal?.aborted) controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Re-read under the appender (it also cuts a torn last line), silently: warnings were given above.
    const store = options.out ? ResultsFile.open(options.out, () => {}) : undefined;
    const keys = store?.keys ?? new Set<string>();
    // Engine calls: the runs that share a baseline pass together (one engine call, one after another inside).
    const queue = groupJobs(todo.filter((j) => missing(j, keys).length > 0));
    const remainingCost = { value: queue.flat().reduce((s, j) => s + jobCost(j), 0), done: 0 };
    const running = new Set<SweepJob>();
    const t0 = Date.now();
    const counts = { done: 0, failed: 0 };
    let failure: unknown;
    const report = () => {
      const elapsedSeconds = (Date.now() - t0) / 1000;
      const etaSeconds = remainingCost.done > 0 ? (elapsedSeconds * remainingCost.value) / remainingCost.done : null;
      options.onProgress?.({ ...counts, total, skipped, running: [...running].map(describeJob), elapsedSeconds, etaSeconds });
    };
    const emit = (record: SweepRecord) => {
      store?.append(record);
      channel.push(record);
      counts.done++;
      if (record.error) counts.failed++;
    };
    const emitResult = (job: SweepJob, result: Result, now: Date) => {
      if (canonicalJson(result.config) !== canonicalJson(job.config)) {
        throw new Error(`internal error: the engine ran ${JSON.stringify(result.config)}, not the planned ${JSON.stringify(job.config)}`);
      }
      for (const point of missing(job, keys)) emit(recordOf(point, job, result, now));
    };
    const finishJob = async (job: SweepJob) => {
      let result: Result;
      try {
        result = await run(job.input, { signal: controller.signal, memoryLimitBytes: limit });
      } catch (e) {
        // A run the engine refuses as it runs (e.g. eta overflows) would fail again: record it and go on.
        if (!(e instanceof ConfigError)) throw e;
        const now = new Date();
        const engineVersion = native().engineVersion();
        for (const point of missing(job, keys)) emit(errorRecordOf(point, version, engineVersion, { field: e.field, message: e.message }, now));
        return;
      }
      // Outside the try: a failure to write the result (a full disk) ends the sweep; it is no failed run.
      emitResult(job, result, new Date());
    };
    /** Jobs sharing a baseline run as one engine call; if the engine refuses one member, each runs alone. */
    const finishGroup = async (group: SweepJob[]) => {
      if (group.length === 1) return finishJob(group[0]);
      let results: Result[];
      try {
        results = await runGroup(
          group.map((j) => j.input),
          { signal: controller.signal, memoryLimitBytes: limit },
        );
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        for (const job of group) await finishJob(job);
        return;
      }
      const now = new Date();
      for (const [i, job] of group.entries()) emitResult(job, results[i], now);
    };
    const worker = async () => {
      while (queue.length > 0 && failure === undefined) {
        const group = queue.shift() as SweepJob[];
        for (const job of group) running.add(job);
        report();
        try {
          await finishGroup(group);
          for (const job of group) {
            remainingCost.value -= jobCost(job);
            remainingCost.done += jobCost(job);
          }
        } catch (e) {
          failure ??= e;
          controller.abort(); // stop the other runs in flight
        } finally {
          for (const job of group) running.delete(job);
          report();
        }
      }
    };
    return Promise.allSettled(Array.from({ length: Math.min(jobs, Math.max(queue.length, 1)) }, worker)).then(() => {
      store?.close();
      options.signal?.removeEventListener('abort', onAbort);
      channel.close(failure);
    });
  };

  const iterator: SweepRun = {
    plan,
    total,
    skipped,
    todo,
    jobs,
    next() {
      // An error opening the file ends the iteration like any other failure.
      started ??= Promise.resolve()
        .then(start)
        .catch((e) => channel.close(e));
      return channel.next();
    },
    async return() {
      controller.abort();
      if (started) await started;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}
