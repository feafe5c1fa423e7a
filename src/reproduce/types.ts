// What a reproduction is: sweeps to run, and an analysis of their records into figures, tables and
// verdicts (the paper's claim, and whether the data show it).

import type { VegaLiteSpec } from '../plot/spec';
import type { SweepRecord, SweepSpec } from '../sweep';

/** Whether the reproduction shows a claim: yes, no, or in part (the evidence says which part). */
/** A verdict: 'inconclusive' where the data cannot decide at 2 s.e. */
export type Shown = 'yes' | 'no' | 'partly' | 'inconclusive';

export interface Verdict {
  /** The paper's claim, one sentence. */
  claim: string;
  shown: Shown;
  /** The numbers behind the verdict, e.g. "2 steps: 0.21 ± 0.01 vs 1 step: 0.48 ± 0.02". */
  evidence: string;
  /** The exact test applied — each inequality with its numbers and outcome — so a reader can disagree. */
  test: string;
  /** The same inequalities as numbers (summary.json), for pandas and polars: every one the verdict rests on. */
  inequalities?: Inequality[];
}

/** One inequality of a verdict, tested at 2 s.e. in its own direction (docs/verdicts.md). */
export interface Inequality {
  /** What is measured: "T-B step 2 / T-B step 1", "σ₂ after step 2 / at init (per run)". */
  what: string;
  /** Mean, standard error and count (seeds or runs) of the measured quantity. */
  mean: number;
  sem: number;
  count: number;
  /** `>` (a lower bound: holds when mean − 2 s.e. > bound) or `<` (an upper bound: mean + 2 s.e. < bound). */
  direction: '>' | '<';
  bound: number;
  outcome: 'holds' | 'fails' | 'inconclusive';
}

/** A measured table cell: its numbers over seeds, and how a reader sees it (mean ± `spread`, `digits` places). */
export interface MeasuredCell {
  mean: number;
  sem: number;
  std: number;
  count: number;
  spread: 'sem' | 'std';
  digits: number;
}

/** A table of summary.json: numbers stay numbers (a measured cell keeps mean, s.e., std and count). */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number | null | MeasuredCell)[][];
}

export interface FigureResult {
  /** File name without extension: <name>.svg, <name>.png, <name>.vl.json. */
  name: string;
  spec: VegaLiteSpec;
  verdict: Verdict;
}

export interface Analysis {
  figures: FigureResult[];
  tables: Table[];
  /** Anything else worth keeping in summary.json (numbers the verdicts use). */
  data?: Record<string, unknown>;
}

/** A batch of runs: a sweep spec; `detail` keeps each run's per-neuron arrays (updateCos, inPlane). */
export interface RunSet {
  label: string;
  spec: SweepSpec;
  detail?: boolean;
}

export interface Reproduction {
  name: string;
  title: string;
  /** What it runs, in one or two sentences (the paper's §, the parameters chosen and why). */
  description: string;
  runSets(quick: boolean): RunSet[];
  /**
   * Numbers first, in one shape for every reproduction: `measure` the records into a typed object of the
   * measured quantities (SampleStats over seeds, per-seed gaps and ratios); the test, a pure function of those
   * numbers, gives the Bounds and the verdict; the English (evidence, test) and the charts and tables are
   * their own functions; analyze() only composes them.
   */
  /** Numbers, verdicts, tables and charts of the runs; async where it needs the engine (a theory curve), abortable. */
  analyze(records: SweepRecord[], quick: boolean, signal?: AbortSignal): Analysis | Promise<Analysis>;
}
