// Public types of configs and results: generated from the engine (src/generated/engine.ts), so they
// cannot drift from what it returns. Field meanings: docs/config.md and docs/model.md.
import type { RunResult } from '../generated/engine';
import type { FieldName, FieldValue } from './fields';

export type {
  Baselines,
  Config,
  ConfigFields,
  EngineErrorBody,
  EngineErrorKind,
  Errors,
  LinearKernel,
  Overlap,
  Progress,
  ResolvedConfig,
  Stage,
  StageSeconds,
  StepRecord,
  TargetInfo,
  Timing,
} from '../generated/engine';

/** What a caller gives: any subset of the fields (from the field table), and optionally a preset to start from. */
export type ConfigInput = { [K in FieldName]?: FieldValue<K> } & { preset?: string };

/** A run's result: the engine's, with the giantstep package version that ran it. */
export type Result = RunResult & {
  /** giantstep package version. */
  version: string;
};
