// Sweeps: grids of runs over any config field and many seeds, resumable results files, summaries,
// merging and Slurm job arrays.

export { defaultJobs, jobCost, measureThroughput, runFlops, SMALL_RUN_WIDTH } from './cost';
export type { SweepOptions, SweepProgress, SweepRun } from './execute';
export { sweep } from './execute';
export type { MergeReport } from './merge';
export { mergeResults, resultOf } from './merge';
export type { SweepJob, SweepPlan, SweepPoint } from './plan';
export { describeJob, groupJobs, planSweep } from './plan';
export type { StepSummary, SweepRecord } from './record';
export type { Shard } from './shard';
export { dealJobs, jobKey, parseShard, shardJobs } from './shard';
export type { SlurmOptions } from './slurm';
export { MAX_ARRAY, MAX_CPUS, sbatchLines, shellQuote, slurmScript } from './slurm';
export type { NormalizedSpec, SweepAxis, SweepSpec } from './spec';
export { normalizeSpec, parseGridFlag, parseSeedsFlag, readSpecFile } from './spec';
export { ResultsFile, readResults, readResultsForAppend } from './store';
export type { SummarizeOptions, Summary, SummaryGroup } from './summarize';
export { summarize, valueAt } from './summarize';
export type { AxisValues, Range } from './values';
