// Expands a spec into runs (one per grid point and seed, each with its key) and engine runs: the runs
// that differ only in their step count share one engine run with a readout after every step.

import type { Config, ConfigInput } from '../config';
import { ConfigError, mergeConfigs } from '../config';
import { resolveConfig } from '../run';
import { planRun } from './cost';
import { seededHasher } from './key';
import type { SweepAxis } from './spec';
import { normalizeSpec, reasonOf } from './spec';

/** One run of the sweep: one line of the results file. */
export interface SweepPoint {
  /** Hash of the resolved config (seed included): the run's identity in results files. */
  key: string;
  /** This run's axis values as the spec gave them, and its seed. */
  params: Record<string, unknown>;
  /** The partial config `run()` takes. */
  input: ConfigInput;
  /** The resolved config: defaults filled, n and the learning rate derived, the seed set. */
  config: Config;
  memoryEstimateBytes: number;
}

/** One engine run, producing the runs of `members` (same config but for `steps`, ascending). */
export interface SweepJob {
  members: SweepPoint[];
  /** The config run: the largest step count, with a readout after every step when it serves several. */
  input: ConfigInput;
  /** The resolved config that engine run must report. */
  config: Config;
  flops: number;
  memoryEstimateBytes: number;
  /**
   * Engine runs with the same `baselineGroup` differ only in their target and run as one engine call that
   * fits their random-features baseline in one shared pass (`runGroup`); absent when the run has no
   * baseline to share.
   */
  baselineGroup?: string;
}

export interface SweepPlan {
  /** Grid axis names, in spec order. */
  axes: string[];
  points: SweepPoint[];
  jobs: SweepJob[];
}

function product(axes: SweepAxis[]): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const axis of axes) {
    combos = combos.flatMap((c) => axis.rows.map((row) => ({ ...c, ...Object.fromEntries(axis.names.map((n, i) => [n, row[i]])) })));
  }
  return combos;
}

export function describeParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** "kappa=1.2 steps=1..3 seed=0": the job's axis values, its step counts as a range. */
export function describeJob(job: SweepJob): string {
  const first = job.members[0].params;
  const steps = job.members.map((m) => m.config.steps);
  const params = { ...first };
  if ('steps' in params && steps.length > 1) params.steps = `${steps[0]}..${steps.at(-1)}`;
  return describeParams(params);
}

function resolvePoint(input: ConfigInput, values: Record<string, unknown>, memoryLimitBytes?: number) {
  try {
    // The config alone (its key and what the engine runs): the estimates resolveConfig adds are not fields.
    const { memoryEstimateBytes, workFlops: _flops, ...config } = resolveConfig(input, memoryLimitBytes);
    return { config: config as Config, memoryEstimateBytes };
  } catch (e) {
    if (!(e instanceof ConfigError) || Object.keys(values).length === 0) throw e;
    throw new ConfigError(e.field, `${reasonOf(e)} (at grid point ${describeParams(values)})`);
  }
}

function pointsOf(spec: unknown, memoryLimitBytes?: number): { axes: string[]; points: SweepPoint[]; groups: Map<string, string> } {
  const { base, axes, seeds } = normalizeSpec(spec);
  const byKey = new Map<string, SweepPoint>();
  /** Run key → the key of its engine run: the config but for steps (see jobsOf). */
  const groups = new Map<string, string>();
  for (const values of product(axes)) {
    const input = mergeConfigs(base, values as ConfigInput);
    // Resolution does not depend on the seed: resolve once per grid point.
    const resolved = resolvePoint({ ...input, seed: seeds[0] }, values, memoryLimitBytes);
    const keyOf = seededHasher(resolved.config);
    const { steps, readoutEveryStep: _r, ...rest } = resolved.config;
    // Step 0 (the random-features readout) has no step to read out after: it runs on its own.
    const groupOf = steps === 0 ? undefined : seededHasher(rest);
    for (const seed of seeds) {
      const key = keyOf(seed);
      // Two grid points can resolve to the same run (e.g. int ranges that round alike): run it once.
      if (byKey.has(key)) continue;
      byKey.set(key, {
        key,
        params: { ...values, seed },
        input: { ...input, seed },
        config: { ...resolved.config, seed },
        memoryEstimateBytes: resolved.memoryEstimateBytes,
      });
      groups.set(key, groupOf ? groupOf(seed) : key);
    }
  }
  return { axes: axes.flatMap((a) => a.names), points: [...byKey.values()], groups };
}

function jobsOf(points: SweepPoint[], groupOf: Map<string, string>): SweepJob[] {
  const groups = new Map<string, SweepPoint[]>();
  for (const point of points) {
    const group = groupOf.get(point.key) ?? point.key;
    const members = groups.get(group);
    if (members) members.push(point);
    else groups.set(group, [point]);
  }
  return [...groups.values()].map((members) => {
    members.sort((a, b) => a.config.steps - b.config.steps);
    const last = members[members.length - 1];
    const readoutEveryStep = members.length > 1 || last.config.readoutEveryStep;
    const config = { ...last.config, readoutEveryStep };
    return {
      members,
      input: { ...last.input, readoutEveryStep },
      config,
      ...planRun(config),
      memoryEstimateBytes: members.reduce((m, p) => Math.max(m, p.memoryEstimateBytes), 0),
    };
  });
}

/**
 * The engine runs as they run: those that share a baseline pass (the same `baselineGroup`) together, each
 * group where its first member is in `jobs`; every other job alone.
 */
export function groupJobs(jobs: SweepJob[]): SweepJob[][] {
  const groups = new Map<string, SweepJob[]>();
  jobs.forEach((job, i) => {
    const key = job.baselineGroup ?? `#${i}`;
    const group = groups.get(key);
    if (group) group.push(job);
    else groups.set(key, [job]);
  });
  return [...groups.values()];
}

/**
 * Checks a spec and expands it, resolving every run (so a bad value or a run too large for
 * `memoryLimitBytes` fails here, before anything runs).
 */
export function planSweep(spec: unknown, memoryLimitBytes?: number): SweepPlan {
  const { axes, points, groups } = pointsOf(spec, memoryLimitBytes);
  return { axes, points, jobs: jobsOf(points, groups) };
}
