// The public API, re-exported from the modules that define it (nothing here imports back from this file).
export { run, resolveConfig, MemoryBudgetError, memoryInFlightBytes } from './run';
export type { RunOptions } from './run';
export { version } from './version';

export { ConfigError, NumericalError, ResourceError, mergeConfigs, prepareConfig, PRESETS, PRESET_NAMES, FIELDS } from './config';
export type { Config, ConfigInput, Errors, Overlap, Progress, Result, StepRecord } from './config';
export { describe, describeActivation, theory, THEORY_KINDS } from './theory';
export type { ActivationDescription, HermiteTerm, TargetDescription, TheoryRequest } from './theory';
export { sweep, summarize, mergeResults, readResults, planSweep, slurmScript } from './sweep';
export type { StepSummary, Summary, SummaryGroup, SummarizeOptions, SweepJob, SweepOptions, SweepPlan, SweepPoint, SweepProgress, SweepRecord, SweepRun, SweepSpec } from './sweep';
export { plotRecords, lineChart, scatterChart, heatmap, renderSvg, svgToPng, writeFigure } from './plot';
export type { ErrorKind, FigureFormat, RecordPlotOptions, TheoryCurve, VegaLiteSpec } from './plot';
export { reproduce, REPRODUCTIONS, FIGURE_NAMES } from './reproduce';
export type { Analysis, FigureResult, Reproduction, ReproduceOptions, ReproductionSummary, Shown, Table, Verdict } from './reproduce';
export { writeReport } from './report';
export { exportResults, flatTable, toCsv, toParquet } from './export';
export type { Cell, Column, ColumnType, ExportFormat, FlatTable, TableOptions } from './export';
