// The results-file line of one run, built from an engine result. When one engine run serves several step
// counts, the line for T is cut from it: the steps up to T and the readout after step T.
import type { Result, StepRecord } from '../config';
import type { SweepJob, SweepPoint } from './plan';

/**
 * Per-step record kept in results files: the engine's step record without the per-neuron arrays
 * (updateCos, inPlane stay in `giantstep run`), its fields typed as the engine's.
 */
export type StepSummary = Pick<StepRecord, 'step' | 'overlap' | 'meanUpdateNorm' | 'testError' | 'trainError'>;

/** One line of a results file. The fields copied from the run's result have the result's types. */
export interface SweepRecord {
  key: string;
  /** The run's axis values as the spec gave them, and its seed. */
  params: Record<string, unknown>;
  /** The resolved config, seed included. */
  config: Result['config'];
  version: Result['version'];
  engineVersion: Result['engineVersion'];
  target?: Result['target'];
  /** Overlaps of W0. */
  initial?: Result['initial'];
  /** The steps up to the line's step count. */
  steps?: StepSummary[];
  /** Readout after the line's last step: the run's own, or the one after step T of the run it was cut from. */
  testError?: Result['testError'];
  trainError?: Result['trainError'];
  baselines?: Result['baselines'];
  memoryEstimateBytes: Result['memoryEstimateBytes'];
  timing: {
    /** Seconds of the engine run (shared by the lines cut from one run). */
    seconds: Result['timing']['seconds'];
    /** Seconds per kind of pass (`Result['timing']['stages']`); loose, as files of 0.2.0 hold only the kinds that ran. */
    stages?: Record<string, number>;
    finishedAt: string;
    /** Set when this line was cut from a run of more steps (with a readout after every step). */
    derivedFrom?: { steps: number };
  };
  /** A run the engine refused as it ran (e.g. a learning rate that overflows): deterministic, so kept. */
  error?: { field: string; message: string };
}

function stepSummary(s: StepRecord, keepErrors: boolean): StepSummary {
  return {
    step: s.step,
    overlap: s.overlap,
    meanUpdateNorm: s.meanUpdateNorm,
    testError: keepErrors ? s.testError : null,
    trainError: keepErrors ? s.trainError : null,
  };
}

/**
 * The line of `point` from the engine result of its job. Intermediate readouts are kept only when the
 * point's own config asks for them, so a cut line reads as a run of `point.config.steps` would.
 * The random-features baseline is the one fitted on the readout batch of the point's own step count.
 */
export function recordOf(point: SweepPoint, job: SweepJob, result: Result, finishedAt: Date): SweepRecord {
  const T = point.config.steps;
  const last = T > 0 ? result.steps[T - 1] : undefined;
  const derived = T < job.config.steps;
  return {
    key: point.key,
    params: point.params,
    config: point.config,
    version: result.version,
    engineVersion: result.engineVersion,
    target: result.target,
    initial: result.initial,
    steps: result.steps.slice(0, T).map((s, i) => stepSummary(s, i === T - 1 || point.config.readoutEveryStep)),
    testError: last ? last.testError : result.testError,
    trainError: last ? (last.trainError as number) : result.trainError,
    // With readoutBatch "same" each step count has its own batch and the engine fits the baseline on it.
    baselines: last?.randomFeatures ? { ...result.baselines, randomFeatures: last.randomFeatures } : result.baselines,
    memoryEstimateBytes: result.memoryEstimateBytes,
    timing: {
      seconds: result.timing.seconds,
      stages: result.timing.stages,
      finishedAt: finishedAt.toISOString(),
      ...(derived ? { derivedFrom: { steps: job.config.steps } } : {}),
    },
  };
}

/** The line of a run the engine refused (a ConfigError raised while running). */
export function errorRecordOf(
  point: SweepPoint,
  version: string,
  engineVersion: string,
  error: { field: string; message: string },
  finishedAt: Date,
): SweepRecord {
  return {
    key: point.key,
    params: point.params,
    config: point.config,
    version,
    engineVersion,
    memoryEstimateBytes: point.memoryEstimateBytes,
    timing: { seconds: 0, finishedAt: finishedAt.toISOString() },
    error,
  };
}
