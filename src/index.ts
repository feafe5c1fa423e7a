// The public API: run one experiment off the main thread, with progress and abort.
import { totalmem } from 'node:os';
import { ConfigError, prepareConfig } from './config';
import type { Config, ConfigInput, Progress, Result } from './config';
import { native } from './native';

export { ConfigError, mergeConfigs, prepareConfig, PRESETS, PRESET_NAMES, FIELDS } from './config';
export type { Config, ConfigInput, Errors, Overlap, Progress, Result, StepRecord } from './config';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const version: string = require('../package.json').version;

export interface RunOptions {
  /** Called with the stage and the fraction done, at most every `progressIntervalMs`. */
  onProgress?: (progress: Progress) => void;
  /** Aborting stops the run within a chunk and rejects with an AbortError. */
  signal?: AbortSignal;
  /** Largest memory the run may need (default: 80% of this machine's memory). */
  memoryLimitBytes?: number;
  progressIntervalMs?: number;
}

function defaultMemoryLimit(): number {
  return Math.floor(totalmem() * 0.8);
}

/** Error from the engine: field-named ones become ConfigError, a cancellation an AbortError. */
function fromEngine(e: unknown): Error {
  const err = e as Error & { code?: string };
  if (err.code === 'Cancelled') {
    const abort = new Error('The run was aborted');
    abort.name = 'AbortError';
    return abort;
  }
  const match = /^([A-Za-z][\w.]*): ([\s\S]*)$/.exec(err.message ?? '');
  if (match && (err.code === 'InvalidArg' || err.code === 'GenericFailure') && !err.message.startsWith('internal error')) {
    return new ConfigError(match[1], match[2]);
  }
  return err instanceof Error ? err : new Error(String(e));
}

function abortError(): Error {
  const abort = new Error('The run was aborted');
  abort.name = 'AbortError';
  return abort;
}

/** Validates, fills defaults and derived values (n, learning rate) without running. */
export function resolveConfig(input: ConfigInput, memoryLimitBytes = defaultMemoryLimit()): Config & { memoryEstimateBytes: number } {
  const prepared = prepareConfig(input);
  try {
    return JSON.parse(native().resolveConfig(JSON.stringify(prepared), memoryLimitBytes));
  } catch (e) {
    throw fromEngine(e);
  }
}

/** Runs one experiment (protocol.md §4) on the libuv thread pool. */
export async function run(input: ConfigInput, options: RunOptions = {}): Promise<Result> {
  const { onProgress, signal, memoryLimitBytes = defaultMemoryLimit(), progressIntervalMs = 100 } = options;
  if (signal?.aborted) throw abortError();
  const prepared = prepareConfig(input);
  const engine = native();
  const handle = new engine.RunHandle();
  const cancel = () => handle.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  let last = '';
  const report = () => {
    if (!onProgress) return;
    const progress = { stage: handle.stage, fraction: handle.fraction };
    const key = `${progress.stage}:${progress.fraction.toFixed(4)}`;
    if (key !== last) {
      last = key;
      onProgress(progress);
    }
  };
  const timer = onProgress ? setInterval(report, progressIntervalMs) : undefined;
  try {
    const json = await engine.runExperiment(JSON.stringify(prepared), memoryLimitBytes, handle);
    report();
    const result = JSON.parse(json) as Omit<Result, 'version'>;
    return { version, ...result };
  } catch (e) {
    throw fromEngine(e);
  } finally {
    if (timer) clearInterval(timer);
    signal?.removeEventListener('abort', cancel);
  }
}
