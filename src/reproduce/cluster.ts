// Whole reproductions on a cluster: shard i/N of one reproduction or of all of them (their engine runs
// dealt by cost across every run set, as `sweep --shard` deals one sweep), the Slurm job array that runs
// the shards and the job that analyses them once all succeeded, and the plan `--dry-run` prints.
import { join } from 'node:path';
import type { Shard, SlurmOptions, SweepJob, SweepPlan } from '../sweep';
import { dealJobs, defaultJobs, jobCost, jobKey, measureThroughput, sbatchLines, shardJobs, shellQuote } from '../sweep';
import { planReproduction, SHARDS_DIR } from './runner';
import type { Reproduction, RunSet } from './types';

/** One reproduction to run: its folder and its run sets' plans. */
export interface PlannedReproduction {
  figure: Reproduction;
  outDir: string;
  planned: { set: RunSet; plan: SweepPlan }[];
}

export function planReproductions(figures: { figure: Reproduction; outDir: string }[], quick: boolean): PlannedReproduction[] {
  return figures.map(({ figure, outDir }) => ({ figure, outDir, planned: planReproduction(figure, quick) }));
}

export const jobsOf = (r: PlannedReproduction): SweepJob[] => r.planned.flatMap(({ plan }) => plan.jobs);

/** Each reproduction's engine runs (by `jobKey`) in shard i/N, dealt by cost across all of them. */
export function dealShard(reproductions: PlannedReproduction[], shard: Shard): Map<string, Set<string>> {
  const owner = new Map<SweepJob, string>();
  for (const r of reproductions) for (const job of jobsOf(r)) owner.set(job, r.figure.name);
  const mine = new Map(reproductions.map((r) => [r.figure.name, new Set<string>()]));
  for (const job of shardJobs([...owner.keys()], shard)) mine.get(owner.get(job) ?? '')?.add(jobKey(job));
  return mine;
}

/** What `--dry-run` prints: the work, each shard's planned seconds and the makespan of N tasks. */
export interface ClusterPlan {
  runs: number;
  engineRuns: number;
  flops: number;
  /** Planned seconds of each engine run at the rate measured here for its run set's shapes. */
  seconds: number;
  /** Per shard (1..N): engine runs and planned seconds; the makespan is the largest. */
  shards: { engineRuns: number; seconds: number }[];
  makespanSeconds: number;
  /** The makespan at other task counts, for comparison. */
  makespanAt: { tasks: number; seconds: number }[];
}

/**
 * Engine seconds of each job: its cost at the throughput measured here for its shapes (d, p, the
 * concurrent runs of its set): small widths run far below the machine's peak, so one rate for a set that
 * spans p = 64 to 24576 would misjudge both ends. Each distinct shape is measured once.
 */
export async function plannedSeconds(reproductions: PlannedReproduction[]): Promise<Map<SweepJob, number>> {
  const rates = new Map<string, number>();
  const seconds = new Map<SweepJob, number>();
  for (const r of reproductions) {
    for (const { plan } of r.planned) {
      const jobs = defaultJobs(plan.jobs.map((j) => j.config));
      for (const job of plan.jobs) {
        const shape = `${job.config.d}x${job.config.p}x${job.config.precision}x${jobs}`;
        if (!rates.has(shape)) rates.set(shape, await measureThroughput(job.config, jobs));
        seconds.set(job, jobCost(job) / (rates.get(shape) ?? 1));
      }
    }
  }
  return seconds;
}

/** The plan of N tasks from each job's planned seconds (dealt exactly as the tasks will deal them). */
export function clusterPlan(reproductions: PlannedReproduction[], seconds: Map<SweepJob, number>, tasks: number): ClusterPlan {
  const all = reproductions.flatMap(jobsOf);
  const makespan = (shards: { seconds: number }[]) => shards.reduce((m, s) => Math.max(m, s.seconds), 0);
  const shards = shardsOf(all, seconds, tasks);
  return {
    runs: reproductions.reduce((s, r) => s + r.planned.reduce((t, { plan }) => t + plan.points.length, 0), 0),
    engineRuns: all.length,
    flops: all.reduce((s, j) => s + j.flops, 0),
    seconds: all.reduce((s, j) => s + (seconds.get(j) ?? 0), 0),
    shards,
    makespanSeconds: makespan(shards),
    makespanAt: [8, 32, 128].map((n) => ({ tasks: n, seconds: makespan(shardsOf(all, seconds, n)) })),
  };
}

function shardsOf(jobs: SweepJob[], seconds: Map<SweepJob, number>, count: number): { engineRuns: number; seconds: number }[] {
  return dealJobs(jobs, count).map((mine) => ({ engineRuns: mine.length, seconds: mine.reduce((s, j) => s + (seconds.get(j) ?? 0), 0) }));
}

/** The job's settings as `giantstep slurm` takes them, for the reproduction named. */
export interface ReproduceSlurmOptions extends Omit<SlurmOptions, 'resultsDir' | 'sweepArgs'> {
  /** The figure's name, or all. */
  name: string;
  quick: boolean;
  /** The folder `reproduce --out` gets (absolute): the scripts and logs go to its slurm/ folder. */
  out: string;
  /** PNG size relative to the SVG, for the analysis job's figures (as `reproduce --png-scale`). */
  pngScale?: number;
}

/**
 * Three files for slurm/: runs.sbatch (the job array: task i runs shard i/N), analyze.sbatch (merges the
 * shards, writes the figures, summary.json and the verdicts) and submit.sh (submits both, the second
 * with --dependency=afterok on the first, so it runs only when every task succeeded).
 */
export function reproduceSlurmScripts(o: ReproduceSlurmOptions): { 'runs.sbatch': string; 'analyze.sbatch': string; 'submit.sh': string } {
  const slurmDir = join(o.out, 'slurm');
  const jobName = o.jobName ?? `giantstep-${o.name}`;
  const common = { resultsDir: slurmDir, partition: o.partition, time: o.time, cpusPerTask: o.cpusPerTask, mem: o.mem };
  const base = [...o.command.map(shellQuote), 'reproduce', shellQuote(o.name), ...(o.quick ? ['--quick'] : []), '--out', shellQuote(o.out)];
  const runs = [
    '#!/bin/bash',
    ...sbatchLines({ ...common, jobName, array: o.array }, 'runs-%A_%a.out'),
    ...(o.comment ?? []).map((c) => `# ${c}`),
    `# Task i runs shard i/${o.array} of the engine runs into ${join(o.out, '<figure>', SHARDS_DIR)}/shard-i.jsonl (or ${join(o.out, SHARDS_DIR)}); resubmitting resumes.`,
    'set -euo pipefail',
    `${base.join(' ')} --shard "\${SLURM_ARRAY_TASK_ID}/${o.array}" --quiet`,
    '',
  ];
  const analyze = [
    '#!/bin/bash',
    ...sbatchLines({ ...common, jobName: `${jobName}-analyze` }, 'analyze-%j.out'),
    '# Folds every shard into results.jsonl and writes the figures, summary.json and the verdicts; runs nothing.',
    'set -euo pipefail',
    `${base.join(' ')} --no-run${o.pngScale !== undefined ? ` --png-scale ${o.pngScale}` : ''}`,
    '',
  ];
  const submit = [
    '#!/bin/bash',
    '# Submits the job array, then the analysis to run once every task has succeeded.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    'runs=$(sbatch --parsable runs.sbatch)',
    // sbatch --parsable prints "jobid[;cluster]": the id alone.
    'runs=$(cut -d ";" -f 1 <<<"$runs")',
    // Cancelled, not left pending for ever, when a task fails (its dependency can never be met).
    'analyze=$(sbatch --parsable --dependency=afterok:"$runs" --kill-on-invalid-dep=yes analyze.sbatch)',
    `echo "submitted job array $runs (${o.array} tasks) and analysis \${analyze%%;*} (after every task succeeds)"`,
    '',
  ];
  return { 'runs.sbatch': runs.join('\n'), 'analyze.sbatch': analyze.join('\n'), 'submit.sh': submit.join('\n') };
}
