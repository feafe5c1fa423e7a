// Sweeps: grids of runs over any config field and many seeds, resumable results files, summaries,
// merging and Slurm job arrays.
export { sweep } from './run';
export type { SweepOptions, SweepProgress, SweepRun } from './run';
export { normalizeSpec, parseGridFlag, parseSeedsFlag, readSpecFile } from './spec';
export type { NormalizedSpec, SweepAxis, SweepSpec } from './spec';
export type { AxisValues, Range } from './values';
export { describeJob, planSweep } from './plan';
export type { SweepJob, SweepPlan, SweepPoint } from './plan';
export type { StepSummary, SweepRecord } from './record';
export { readResults, readResultsForAppend, ResultsFile } from './store';
export { mergeResults, resultOf } from './merge';
export type { MergeReport } from './merge';
export { summarize, valueAt } from './summarize';
export type { Summary, SummaryGroup, SummarizeOptions } from './summarize';
export { parseShard, shardJobs } from './shard';
export type { Shard } from './shard';
export { slurmScript, shellQuote } from './slurm';
export type { SlurmOptions } from './slurm';
export { defaultJobs, jobCost, measureThroughput, runFlops, SMALL_RUN_WIDTH } from './cost';
