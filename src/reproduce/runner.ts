// Runs a reproduction into a folder: results.jsonl (sweep lines; re-running resumes), summary.json
// (verdicts, tables, specs, timings) and every figure as SVG, PNG and its vega-lite spec.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigInput } from '../config';
import { writeFigure } from '../plot/render';
import type { SweepRecord } from '../sweep';
import { planSweep, readResults, sweep } from '../sweep';
import { version } from '../version';
import { runDetailed } from './detailed';
import type { Reproduction, RunSet, Table, Verdict } from './types';

export const RESULTS_FILE = 'results.jsonl';
export const SUMMARY_FILE = 'summary.json';

export interface ReproduceOptions {
  quick?: boolean;
  /** PNG size relative to the SVG (default 2). */
  pngScale?: number;
  /** false: run nothing, only analyze the runs already in results.jsonl (e.g. of an interrupted run). */
  run?: boolean;
  signal?: AbortSignal;
  /** A line of progress: which run set, runs done of total. */
  onProgress?: (label: string, done: number, total: number) => void;
  onWarning?: (message: string) => void;
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

export async function reproduce(figure: Reproduction, outDir: string, options: ReproduceOptions = {}): Promise<ReproductionSummary> {
  const quick = options.quick ?? false;
  const t0 = Date.now();
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, RESULTS_FILE);
  const runSets = figure.runSets(quick).map(pinned);
  const planned = runSets.map((set) => ({ set, plan: planSweep(set.spec) }));
  for (const { set, plan } of options.run === false ? [] : planned) {
    const total = plan.points.length;
    if (set.detail) {
      await runDetailed(set.spec, out, {
        signal: options.signal,
        onWarning: options.onWarning,
        onRunDone: (done, jobs) => options.onProgress?.(set.label, done, jobs),
      });
    } else {
      const runs = sweep(set.spec, {
        out,
        signal: options.signal,
        onWarning: options.onWarning,
        onProgress: (p) => options.onProgress?.(set.label, p.done + p.skipped, p.total + p.skipped),
      });
      for await (const _record of runs) {
        // each finished run is already in results.jsonl
      }
    }
    options.onProgress?.(set.label, total, total);
  }
  // Only this reproduction's runs (the folder may also hold those of the other mode, quick or full).
  const keys = new Set(planned.flatMap(({ plan }) => plan.points.map((p) => p.key)));
  const records = [
    ...new Map(
      readResults(out, options.onWarning ?? (() => {}))
        .filter((r) => keys.has(r.key))
        .map((r) => [r.key, r]),
    ).values(),
  ];
  if (records.length === 0) throw new Error(`${out} holds none of this reproduction's runs`);
  const analysis = figure.analyze(records, quick);
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
