// Runs a reproduction into a folder: results.jsonl (sweep lines; re-running resumes), summary.json
// (verdicts, tables, specs, timings) and every figure as SVG, PNG and its vega-lite spec.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigInput } from '../config';
import { writeFigure } from '../plot/render';
import type { SweepPlan, SweepRecord } from '../sweep';
import { jobKey, mergeResults, planSweep, ResultsFile, readResults, sweep } from '../sweep';
import { version } from '../version';
import { runDetailed } from './detailed';
import type { Reproduction, RunSet, Table, Verdict } from './types';

export const RESULTS_FILE = 'results.jsonl';
export const SUMMARY_FILE = 'summary.json';
/** Where `reproduce --shard i/N` writes its runs (shards/shard-<i>.jsonl), for the analysis to fold in. */
export const SHARDS_DIR = 'shards';

export interface ReproduceOptions {
  quick?: boolean;
  /** PNG size relative to the SVG (default 2). */
  pngScale?: number;
  /** false: run nothing, only analyze the runs already in results.jsonl (e.g. of an interrupted run). */
  run?: boolean;
  signal?: AbortSignal;
  /** Called with one `ReproduceProgress` object as runs finish, and as each run set ends. */
  onProgress?: (progress: ReproduceProgress) => void;
  onWarning?: (message: string) => void;
}

/** What `reproduce`'s `onProgress` gets. */
export interface ReproduceProgress {
  /**
   * The share of the reproduction's runs (result lines of every run set; a shard's only) in its results
   * file, 0..1: runs already there count as done, so a resumed reproduction starts above 0; 1 when done.
   */
  fraction: number;
  /** The reproduction's name (`Reproduction.name`, as `giantstep reproduce` takes it). */
  figure: string;
  /** The label of the run set in progress (one of `runSets`). */
  runSet: string;
  /** That run set's runs in the results file (those already there included), and its planned runs. */
  done: number;
  total: number;
}

/** summary.json: what the report shows. */
export interface ReproductionSummary {
  figure: string;
  title: string;
  description: string;
  quick: boolean;
  command: string;
  version: string;
  generatedAt: string;
  /** Wall-clock seconds of this invocation (runs already in results.jsonl cost nothing). */
  wallSeconds: number;
  /** Seconds the engine spent on the runs in results.jsonl (one engine run may serve several lines). */
  engineSeconds: number;
  runs: number;
  /** Runs the reproduction plans; fewer in `runs` when it was analyzed before finishing (--no-run). */
  plannedRuns: number;
  results: string;
  runSets: { label: string; spec: unknown; runs: number; exampleConfig: unknown }[];
  figures: { name: string; svg: string; png: string; spec: string; title: string; caption: string[]; verdict: Verdict }[];
  tables: Table[];
  data?: Record<string, unknown>;
}

function titleOf(spec: Record<string, unknown>): { title: string; caption: string[] } {
  const t = spec.title as { text?: string; subtitle?: string[] } | undefined;
  return { title: t?.text ?? '', caption: t?.subtitle ?? [] };
}

/**
 * Fields every reproduction fixes although the engine has a default: the engine's automatic choice may
 * change between versions (it picks a batch sampler by a measured cost model), which would change both the
 * run keys (so a results file would no longer resume) and the random numbers. A reproduction that names
 * its sampler (fig1-*, phase-diagram: `projected`, exact there) keeps its choice.
 */
export const PINNED: ConfigInput = { sampler: 'full' };

function pinned(set: RunSet): RunSet {
  return { ...set, spec: { ...set.spec, base: { ...PINNED, ...set.spec.base } } };
}

/** Engine seconds of the records: a line cut from a longer run (derivedFrom) shares that run's time. */
function engineSeconds(records: SweepRecord[]): number {
  return records.filter((r) => !r.timing.derivedFrom).reduce((s, r) => s + r.timing.seconds, 0);
}

/** A --quick verdict says it ran at smaller sizes than the paper and was not compared with its numbers. */
export function quickVerdict(v: Verdict): Verdict {
  return { ...v, evidence: `${v.evidence} (--quick: smaller sizes than the paper's; not compared with the paper's numbers.)` };
}

/** A reproduction's run sets (with the fields every reproduction pins) and their sweep plans. */
export function planReproduction(figure: Reproduction, quick: boolean): { set: RunSet; plan: SweepPlan }[] {
  return figure
    .runSets(quick)
    .map(pinned)
    .map((set) => ({ set, plan: planSweep(set.spec) }));
}

/** Runs a reproduction's run sets into `out` (only `jobKeys`' engine runs when given); re-running resumes. */
async function runSets(
  figure: Reproduction,
  planned: { set: RunSet; plan: SweepPlan }[],
  out: string,
  options: ReproduceOptions,
  jobKeys?: ReadonlySet<string>,
): Promise<void> {
  // Each set's runs in scope (result lines of the engine runs this call does), as sweep and runDetailed count them.
  const totals = planned.map(({ plan }) => (jobKeys ? plan.jobs.filter((j) => jobKeys.has(jobKey(j))) : plan.jobs).reduce((s, j) => s + j.members.length, 0));
  const all = totals.reduce((s, n) => s + n, 0);
  let before = 0;
  for (const [i, { set }] of planned.entries()) {
    const total = totals[i];
    let last: number | undefined;
    const report = (done: number) => {
      if (done === last) return; // the set's end, already reported by its sweep
      last = done;
      options.onProgress?.({ fraction: all === 0 ? 1 : Math.min((before + done) / all, 1), figure: figure.name, runSet: set.label, done, total });
    };
    const common = { signal: options.signal, onWarning: options.onWarning, jobKeys };
    if (set.detail) {
      await runDetailed(set.spec, out, { ...common, onProgress: (p) => report(p.done) });
    } else {
      const runs = sweep(set.spec, { ...common, out, onProgress: (p) => report(p.done + p.skipped) });
      for await (const _record of runs) {
        // each finished run is already in the results file
      }
    }
    report(total);
    before += total;
  }
}

/**
 * Folds the runs of `reproduce --shard` (shards/shard-*.jsonl, merged as `giantstep merge` does) into
 * results.jsonl: the ones it lacks, appended under its lock, so the analysis (and a local re-run) sees
 * every run the cluster finished.
 */
function absorbShards(outDir: string, out: string, warn: (m: string) => void): void {
  const dir = join(outDir, SHARDS_DIR);
  if (!existsSync(dir)) return;
  const files = readdirSync(dir).filter((f) => /^shard-\d+\.jsonl$/.test(f));
  if (files.length === 0) return;
  const store = ResultsFile.open(out, warn);
  try {
    const shards = files.sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0])).map((f) => join(dir, f));
    for (const record of mergeResults(shards, warn).records) if (!store.keys.has(record.key)) store.append(record);
  } finally {
    store.close();
  }
}

/**
 * The reproduction's runs in plan order, whatever order they finished in (several at once, or on a
 * cluster's shards): the analysis, its tables and its figures do not depend on it.
 */
function recordsInPlanOrder(records: SweepRecord[], planned: { plan: SweepPlan }[]): SweepRecord[] {
  const byKey = new Map(records.map((r) => [r.key, r]));
  const keys = [...new Set(planned.flatMap(({ plan }) => plan.points.map((p) => p.key)))];
  return keys.flatMap((k) => byKey.get(k) ?? []);
}

/**
 * Runs one shard's engine runs (`jobKeys`, dealt by cluster.ts) of a reproduction into
 * shards/shard-<index>.jsonl; re-running resumes; `reproduce` folds every shard in when it analyses.
 */
export async function runReproductionShard(
  figure: Reproduction,
  outDir: string,
  index: number,
  jobKeys: ReadonlySet<string>,
  options: ReproduceOptions = {},
): Promise<string> {
  mkdirSync(join(outDir, SHARDS_DIR), { recursive: true });
  const file = join(outDir, SHARDS_DIR, `shard-${index}.jsonl`);
  await runSets(figure, planReproduction(figure, options.quick ?? false), file, options, jobKeys);
  return file;
}

export async function reproduce(figure: Reproduction, outDir: string, options: ReproduceOptions = {}): Promise<ReproductionSummary> {
  const quick = options.quick ?? false;
  const t0 = Date.now();
  const warn = options.onWarning ?? (() => {});
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, RESULTS_FILE);
  const planned = planReproduction(figure, quick);
  absorbShards(outDir, out, warn);
  if (options.run !== false) await runSets(figure, planned, out, options);
  // Only this reproduction's runs (the folder may also hold those of the other mode, quick or full).
  const keys = new Set(planned.flatMap(({ plan }) => plan.points.map((p) => p.key)));
  const records = existsSync(out) ? recordsInPlanOrder(readResults(out, warn), planned) : [];
  if (records.length === 0) throw new Error(`${out} holds none of this reproduction's runs`);
  const analysis = await figure.analyze(records, quick, options.signal);
  const figures: ReproductionSummary['figures'] = [];
  for (const f of analysis.figures) {
    await writeFigure(f.spec, join(outDir, f.name), ['svg', 'png'], options.pngScale);
    figures.push({
      name: f.name,
      svg: `${f.name}.svg`,
      png: `${f.name}.png`,
      spec: `${f.name}.vl.json`,
      ...titleOf(f.spec),
      verdict: quick ? quickVerdict(f.verdict) : f.verdict,
    });
  }
  const summary: ReproductionSummary = {
    figure: figure.name,
    title: figure.title,
    description: figure.description,
    quick,
    command: `giantstep reproduce ${figure.name}${quick ? ' --quick' : ''} --out ${outDir}`,
    version,
    generatedAt: new Date().toISOString(),
    wallSeconds: (Date.now() - t0) / 1000,
    engineSeconds: engineSeconds(records),
    runs: records.length,
    plannedRuns: keys.size,
    results: RESULTS_FILE,
    runSets: planned.map(({ set, plan }) => ({ label: set.label, spec: set.spec, runs: plan.points.length, exampleConfig: plan.points[0]?.config })),
    figures,
    tables: analysis.tables,
    data: analysis.data,
  };
  writeFileSync(join(outDir, SUMMARY_FILE), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}
