// run and resolveConfig: one experiment off the main thread, with progress, abort and a memory budget
// shared by the runs in flight in this process.
import { totalmem } from 'node:os';
import type { ConfigInput, Progress, Result, Stage } from './config';
import { ConfigError, configJson, expandPreset } from './config';
import type { TaskWatch } from './engine';
import { abortError, engineCall, engineTask } from './engine';
import { GiantstepError } from './errors';
import type { ResolvedConfig } from './generated/engine';
import type { NativeRunHandle } from './native';
import { safeText, thrownText } from './text';
import { version } from './version';

/**
 * What `run`'s `onProgress` gets: `fraction`, the share of the run's planned work done (0..1, 1 when it
 * finishes), and `stage`, the stage as data (`stageText` words it). Every progress callback of the API
 * takes one such object with a `fraction` (`SweepProgress`, `ReproduceProgress`).
 */
export type RunProgress = Progress;

export interface RunOptions {
  /**
   * Called with the fraction done and the stage at most every `progressIntervalMs` while they change; the
   * last call, when the run has finished, has fraction 1. If it throws (or returns a promise that rejects), the run is stopped and
   * `run` rejects with an Error whose `cause` is what it threw.
   */
  onProgress?: (progress: RunProgress) => void;
  /** Aborting stops the run within a chunk and rejects with an AbortError whose `cause` is `signal.reason`. */
  signal?: AbortSignal;
  /**
   * Largest memory the run may need (default: 80% of this machine's memory), counting the runs already in
   * flight in this process: a run that does not fit beside them is refused with a MemoryBudgetError.
   */
  memoryLimitBytes?: number;
  progressIntervalMs?: number;
}

/**
 * A run refused because the runs already in flight in this process hold too much of `memoryLimitBytes`
 * (it would fit alone). Not a ConfigError: the same run succeeds once the others have finished.
 */
export class MemoryBudgetError extends GiantstepError {
  declare readonly field: 'memoryLimitBytes';
  constructor(message: string) {
    super('budget', 'memoryLimitBytes', message);
    this.name = 'MemoryBudgetError';
  }
}

export function defaultMemoryLimit(): number {
  return Math.floor(totalmem() * 0.8);
}

/** The memory estimates of the runs in flight in this process, together (released when each settles). */
let inFlightBytes = 0;
let inFlightRuns = 0;

/** Bytes the runs in flight in this process are estimated to hold (0 when none is running). */
export function memoryInFlightBytes(): number {
  return inFlightBytes;
}

/** Two byte counts in GB, with as many decimals as it takes to tell them apart (up to whole bytes). */
function formatBytesPair(a: number, b: number): [string, string] {
  for (let digits = 1; digits <= 9; digits++) {
    const [x, y] = [(a / 1e9).toFixed(digits), (b / 1e9).toFixed(digits)];
    if (x !== y || a === b) return [`${x} GB`, `${y} GB`];
  }
  return [`${a} bytes`, `${b} bytes`];
}

export function checkMemoryLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError('memoryLimitBytes', `must be a finite number of bytes > 0, such as 8e9, not ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}

/** Validates, fills defaults and derived values (n, learning rate) without running. */
export function resolveConfig(input: ConfigInput, memoryLimitBytes: number = defaultMemoryLimit()): ResolvedConfig {
  const limit = checkMemoryLimit(memoryLimitBytes);
  return JSON.parse(engineCall((e) => e.resolveConfig(configJson(expandPreset(input)), limit)));
}

function checkRunOptions(options: unknown): Required<Omit<RunOptions, 'onProgress' | 'signal'>> & Pick<RunOptions, 'onProgress' | 'signal'> {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new ConfigError('options', `must be an object such as { signal, onProgress }, not a ${typeof options}`);
  const { onProgress, signal, memoryLimitBytes, progressIntervalMs } = options as RunOptions;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ConfigError('onProgress', `must be a function (progress) => void, not ${onProgress === null ? 'null' : `a ${typeof onProgress}`}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new ConfigError('signal', 'must be an AbortSignal (from an AbortController or AbortSignal.timeout)');
  const interval = progressIntervalMs ?? 100;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 0) {
    throw new ConfigError('progressIntervalMs', 'must be a finite number of milliseconds >= 0');
  }
  return { onProgress, signal, memoryLimitBytes: checkMemoryLimit(memoryLimitBytes ?? defaultMemoryLimit()), progressIntervalMs: interval };
}

/** Runs one experiment (docs/model.md §4) on the libuv thread pool. */
export async function run(input: ConfigInput, options: RunOptions = {}): Promise<Result> {
  const [result] = await runOnEngine([input], false, options);
  return result;
}

/**
 * Runs experiments that differ only in their target as one engine call that fits and tests their
 * random-features baseline in one shared pass (the same W0 on the same data; only the labels differ).
 * Each result equals what `run` gives for its input; the shared seconds are split evenly among them.
 * Needs baselines, steps >= 1, sampler full and no per-step baseline (`readoutEveryStep` with
 * `readoutBatch: same`); the engine refuses other groups, naming the field that keeps them apart.
 */
export async function runGroup(inputs: ConfigInput[], options: RunOptions = {}): Promise<Result[]> {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new ConfigError('configs', 'must be a non-empty array of configs that differ only in their target');
  }
  return runOnEngine(inputs, true, options);
}

async function runOnEngine(inputs: ConfigInput[], group: boolean, options: RunOptions): Promise<Result[]> {
  const { onProgress, signal, memoryLimitBytes, progressIntervalMs } = checkRunOptions(options);
  if (signal?.aborted) throw abortError(signal.reason);
  // One engine call checks, resolves and sizes the run (alone against the limit), to count it with the
  // runs in flight before it starts; the target is analysed by the run itself, off the main thread and
  // cancellably.
  const configs = inputs.map((input) => configJson(expandPreset(input)));
  const prepared = engineCall((e) => new e.PreparedRun(group ? `[${configs.join(',')}]` : configs[0], group, memoryLimitBytes));
  const need = prepared.memoryBytes;
  const available = memoryLimitBytes - inFlightBytes;
  if (need > available) {
    const [needs, left] = formatBytesPair(need, available);
    const [held, limit] = formatBytesPair(inFlightBytes, memoryLimitBytes);
    throw new MemoryBudgetError(
      `this run needs about ${needs} but the ${inFlightRuns} run${inFlightRuns === 1 ? '' : 's'} in flight in this process hold about ${held} of the ${limit} limit, leaving ${left}: await them first (run fewer at once) or raise memoryLimitBytes`,
    );
  }
  // Reserved synchronously (no await since the check), so two runs started together cannot both pass it.
  inFlightBytes += need;
  inFlightRuns++;
  try {
    const watch = onProgress ? (handle: NativeRunHandle) => watchProgress(handle, onProgress, progressIntervalMs) : undefined;
    const json = await engineTask((_, handle) => prepared.start(handle), signal, watch);
    const results = (group ? JSON.parse(json) : [JSON.parse(json)]) as Omit<Result, 'version'>[];
    return results.map((result) => ({ version, ...result }));
  } finally {
    inFlightBytes -= need;
    inFlightRuns--;
  }
}

/**
 * Calls `onProgress` with the run's stage and fraction every `intervalMs` while it changes, and once more
 * when it finishes. A throwing (or rejecting) callback must not escape into the timer, where it would kill the
 * process: it cancels the run, which then rejects with it.
 */
function watchProgress(handle: NativeRunHandle, onProgress: (progress: RunProgress) => void, intervalMs: number): TaskWatch {
  let failure: { error: unknown } | undefined;
  const failed = (error: unknown) => {
    if (failure) return;
    failure = { error };
    clearInterval(timer);
    handle.cancel();
  };
  let last = '';
  const report = () => {
    if (failure) return;
    // The engine writes the stage as the JSON of its Stage enum, whose shape the generated type gives.
    const stage = handle.stage;
    const fraction = handle.fraction;
    const key = `${stage}:${fraction.toFixed(4)}`;
    if (key === last) return;
    last = key;
    const progress: RunProgress = { stage: JSON.parse(stage) as Stage, fraction };
    try {
      const returned: unknown = onProgress(progress);
      if (returned !== null && typeof returned === 'object' && typeof (returned as PromiseLike<unknown>).then === 'function') {
        (returned as PromiseLike<unknown>).then(undefined, failed);
      }
    } catch (e) {
      failed(e);
    }
  };
  const timer = setInterval(report, intervalMs);
  return {
    stop(succeeded) {
      clearInterval(timer);
      // A run that finished reports its end; one that failed does not call the callback again, so a
      // callback that throws cannot hide the run's own error.
      if (succeeded) report();
      if (!failure) return undefined;
      const e = failure.error;
      return new Error(`onProgress threw, so the run was stopped: ${safeText(thrownText(e).split('\n')[0])}`, { cause: e });
    },
  };
}
