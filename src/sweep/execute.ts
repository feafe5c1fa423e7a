// `sweep()`: runs a spec's engine runs on a small pool, appends each finished run to the results file
// (if any) and yields it. Runs already in the file are skipped, so re-running resumes.
import type { Result } from '../config';
import { ConfigError } from '../config';
import { native } from '../native';
import { defaultMemoryLimit, run, runGroup } from '../run';
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
  /** Called with one `SweepProgress` object as engine runs start and end. */
  onProgress?: (progress: SweepProgress) => void;
  /** Torn or unreadable lines in `out`, lowered --jobs (default: process.emitWarning). */
  onWarning?: Warn;
  /** Largest memory all concurrent runs together may need (default: 80% of this machine's memory). */
  memoryLimitBytes?: number;
}

/**
 * What `sweep`'s `onProgress` gets, each time an engine run starts or ends (once, with fraction 1, when there
 * is nothing to do): a sweep that finishes ends on `done === total`, fraction 1.
 */
export interface SweepProgress {
  /** `done / total`, 0..1: the share of this call's runs finished (1 when `total` is 0). */
  fraction: number;
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

/** What a sweep is about to do: its plan, the engine runs this call does and how many at once. */
interface SweepWork {
  plan: SweepPlan;
  todo: SweepJob[];
  total: number;
  skipped: number;
  jobs: number;
  limit: number;
}

/** Plans the spec and finds the engine runs left to do, refusing before anything runs. */
function sweepWork(spec: unknown, options: SweepOptions, warn: Warn): SweepWork {
  const limit = options.memoryLimitBytes ?? defaultMemoryLimit();
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
  return { plan, todo, total, skipped, jobs: chooseJobs(options.jobs, todo, limit, warn), limit };
}

/**
 * One sweep's runs in progress: a pool of workers takes engine calls off a queue, appends each finished
 * run to the results file and pushes its record to the channel. The first failure that is not a refused
 * run stops the others.
 */
class SweepExecution {
  private readonly controller = new AbortController();
  private readonly running = new Set<SweepJob>();
  private readonly counts = { done: 0, failed: 0 };
  private readonly t0 = Date.now();
  private store: ResultsFile | undefined;
  private keys = new Set<string>();
  private queue: SweepJob[][] = [];
  private cost = { left: 0, done: 0 };
  private failure: unknown;
  /** Whether onProgress was called: a sweep with nothing to do reports once, at its end. */
  private reported = false;

  constructor(
    private readonly work: SweepWork,
    private readonly options: SweepOptions,
    private readonly channel: Channel<SweepRecord>,
  ) {}

  /** Stops the runs in flight. */
  abort(): void {
    this.controller.abort();
  }

  async run(): Promise<void> {
    const onAbort = () => this.abort();
    if (this.options.signal?.aborted) this.abort();
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Re-read under the appender (it also cuts a torn last line), silently: warnings were given above.
      this.store = this.options.out ? ResultsFile.open(this.options.out, () => {}) : undefined;
      this.keys = this.store?.keys ?? new Set<string>();
      // Engine calls: the runs that share a baseline pass together (one engine call, one after another inside).
      this.queue = groupJobs(this.work.todo.filter((j) => missing(j, this.keys).length > 0));
      this.cost.left = this.queue.flat().reduce((s, j) => s + jobCost(j), 0);
      const workers = Math.min(this.work.jobs, Math.max(this.queue.length, 1));
      await Promise.allSettled(Array.from({ length: workers }, () => this.worker()));
      if (!this.reported && this.failure === undefined && !this.controller.signal.aborted) this.report();
    } finally {
      this.store?.close();
      this.options.signal?.removeEventListener('abort', onAbort);
    }
    this.channel.close(this.failure);
  }

  private async worker(): Promise<void> {
    while (this.queue.length > 0 && this.failure === undefined) {
      const group = this.queue.shift() as SweepJob[];
      for (const job of group) this.running.add(job);
      this.report();
      try {
        await this.finishGroup(group);
        const cost = group.reduce((s, j) => s + jobCost(j), 0);
        this.cost.left -= cost;
        this.cost.done += cost;
      } catch (e) {
        this.failure ??= e;
        this.abort(); // stop the other runs in flight
      } finally {
        for (const job of group) this.running.delete(job);
        this.report();
      }
    }
  }

  private report(): void {
    this.reported = true;
    const elapsedSeconds = (Date.now() - this.t0) / 1000;
    const etaSeconds = this.cost.done > 0 ? (elapsedSeconds * this.cost.left) / this.cost.done : null;
    const { total, skipped } = this.work;
    const fraction = total === 0 ? 1 : Math.min(this.counts.done / total, 1);
    this.options.onProgress?.({ fraction, ...this.counts, total, skipped, running: [...this.running].map(describeJob), elapsedSeconds, etaSeconds });
  }

  private emit(record: SweepRecord): void {
    this.store?.append(record);
    this.channel.push(record);
    this.counts.done++;
    if (record.error) this.counts.failed++;
  }

  private emitResult(job: SweepJob, result: Result, now: Date): void {
    if (canonicalJson(result.config) !== canonicalJson(job.config)) {
      throw new Error(`internal error: the engine ran ${JSON.stringify(result.config)}, not the planned ${JSON.stringify(job.config)}`);
    }
    for (const point of missing(job, this.keys)) this.emit(recordOf(point, job, result, now));
  }

  private get runOptions() {
    return { signal: this.controller.signal, memoryLimitBytes: this.work.limit };
  }

  private async finishJob(job: SweepJob): Promise<void> {
    let result: Result;
    try {
      result = await run(job.input, this.runOptions);
    } catch (e) {
      // A run the engine refuses as it runs (e.g. eta overflows) would fail again: record it and go on.
      if (!(e instanceof ConfigError)) throw e;
      const now = new Date();
      const engineVersion = native().engineVersion();
      for (const point of missing(job, this.keys)) this.emit(errorRecordOf(point, version, engineVersion, { field: e.field, message: e.message }, now));
      return;
    }
    // Outside the try: a failure to write the result (a full disk) ends the sweep; it is no failed run.
    this.emitResult(job, result, new Date());
  }

  /** Jobs sharing a baseline run as one engine call; if the engine refuses one member, each runs alone. */
  private async finishGroup(group: SweepJob[]): Promise<void> {
    if (group.length === 1) return this.finishJob(group[0]);
    let results: Result[];
    try {
      results = await runGroup(
        group.map((j) => j.input),
        this.runOptions,
      );
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const job of group) await this.finishJob(job);
      return;
    }
    const now = new Date();
    for (const [i, job] of group.entries()) this.emitResult(job, results[i], now);
  }
}

/**
 * Runs a sweep spec (see SweepSpec). Checks the spec and resolves every run at once, throwing a
 * ConfigError naming the part at fault before anything runs; iterating runs the engine runs and yields
 * each finished run's record. Aborting `signal` (or breaking out of the loop) stops the runs in flight;
 * the records already yielded are in `out`.
 */
export function sweep(spec: unknown, options: SweepOptions = {}): SweepRun {
  const warn: Warn = options.onWarning ?? ((m) => process.emitWarning(m, 'GiantstepSweep'));
  const work = sweepWork(spec, options, warn);
  const channel = new Channel<SweepRecord>();
  const execution = new SweepExecution(work, options, channel);
  let started: Promise<void> | undefined;
  const { plan, total, skipped, todo, jobs } = work;
  return {
    plan,
    total,
    skipped,
    todo,
    jobs,
    next() {
      // An error opening the file ends the iteration like any other failure.
      started ??= execution.run().catch((e) => channel.close(e));
      return channel.next();
    },
    async return() {
      execution.abort();
      if (started) await started;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
