// The public API, re-exported from the modules that define it (nothing here imports back from this file).

export type {
  Baselines,
  Config,
  ConfigFields,
  ConfigInput,
  EngineErrorBody,
  EngineErrorKind,
  Errors,
  LinearKernel,
  Overlap,
  Progress,
  ResolvedConfig,
  Result,
  Stage,
  StageSeconds,
  StepRecord,
  TargetInfo,
  Timing,
} from './config';
export { FIELDS, mergeConfigs, PRESET_NAMES, PRESETS, prepareConfig } from './config';
export type { GiantstepErrorKind } from './errors';
export { AbortError, ConfigError, EngineError, GiantstepError, IOError, NumericalError, ResourceError } from './errors';
export { MODEL_TEXT, regionText, stageText } from './explain';
export type { Cell, Column, ColumnType, ExportFormat, FlatTable, TableOptions } from './export';
export { exportResults, flatTable, toCsv, toParquet } from './export';
export type { ErrorKind, FigureFormat, RecordPlotOptions, TheoryCurve, VegaLiteSpec } from './plot';
export { heatmap, lineChart, plotRecords, renderSvg, scatterChart, svgToPng, writeFigure } from './plot';
export { writeReport } from './report';
export type { Analysis, FigureResult, ReproduceOptions, ReproduceProgress, Reproduction, ReproductionSummary, Shown, Table, Verdict } from './reproduce';
export { FIGURE_NAMES, REPRODUCTIONS, reproduce } from './reproduce';
export type { RunOptions, RunProgress } from './run';
export { MemoryBudgetError, memoryInFlightBytes, resolveConfig, run } from './run';
export type {
  StepSummary,
  SummarizeOptions,
  Summary,
  SummaryGroup,
  SweepJob,
  SweepOptions,
  SweepPlan,
  SweepPoint,
  SweepProgress,
  SweepRecord,
  SweepRun,
  SweepSpec,
} from './sweep';
export { mergeResults, planSweep, readResults, slurmScript, summarize, sweep } from './sweep';
export type {
  AbortOptions,
  ActivationDescription,
  HermiteTerm,
  LearnedDims,
  TargetDescription,
  TargetFacts,
  TheoryAnswer,
  TheoryAnswerOf,
  TheoryModel,
  TheoryOptions,
  TheoryRequest,
} from './theory';
export { describe, describeActivation, describeTarget, describeTargetSync, INSTANT_THEORY_KINDS, THEORY_KINDS, theory, theorySync } from './theory';
export { version } from './version';
