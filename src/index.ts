// The public API: run one experiment off the main thread, with progress and abort.
import { totalmem } from 'node:os';
import { prepareConfig } from './config';
import type { Config, ConfigInput, Progress, Result } from './config';
import { native } from './native';
import { abortError, engineCall, fromEngine } from './engine';

export { ConfigError, mergeConfigs, prepareConfig, PRESETS, PRESET_NAMES, FIELDS } from './config';
export type { Config, ConfigInput, Errors, Overlap, Progress, Result, StepRecord } from './config';
export { describe, describeActivation, theory, THEORY_KINDS } from './theory';
export type { ActivationDescription, HermiteTerm, TargetDescription, TheoryRequest } from './theory';
export { sweep, summarize, mergeResults, readResults, planSweep, slurmScript } from './sweep';
export type { Summary, SummaryGroup, SummarizeOptions, SweepOptions, SweepProgress, SweepRecord, SweepRun, SweepSpec } from './sweep';
export { plotRecords, lineChart, scatterChart, heatmap, renderSvg, svgToPng, writeFigure } from './plot';
export type { RecordPlotOptions, VegaLiteSpec } from './plot';
export { reproduce, REPRODUCTIONS, FIGURE_NAMES } from './reproduce';
export type { ReproduceOptions, ReproductionSummary, Verdict } from './reproduce';
export { writeReport } from './report';

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

/** Validates, fills defaults and derived values (n, learning rate) without running. */
export function resolveConfig(input: ConfigInput, memoryLimitBytes = defaultMemoryLimit()): Config & { memoryEstimateBytes: number } {
  const prepared = prepareConfig(input);
  return JSON.parse(engineCall((e) => e.resolveConfig(JSON.stringify(prepared), memoryLimitBytes)));
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
