// Runs whose figures need per-neuron arrays (update cosines, in-plane directions), which sweep lines
// leave out. They use the sweep's plan (keys), line format and results file, so a results file mixes
// both kinds and an interrupted reproduction resumes the same way.

import type { Result } from '../config';
import { run } from '../run';
import type { StepSummary, SweepRecord, SweepSpec } from '../sweep';
import { jobKey, planSweep, ResultsFile } from '../sweep';
import { recordOf } from '../sweep/record';

/** A sweep line with, per step, the first trackNeurons neurons' update cosines and in-plane directions. */
export type DetailedStep = StepSummary & { updateCos: number[][]; inPlane: number[][] };
export type DetailedRecord = Omit<SweepRecord, 'steps'> & { steps: DetailedStep[] };

export interface DetailedOptions {
  signal?: AbortSignal;
  /** Run only the engine runs with these keys (a reproduction's shard). */
  jobKeys?: ReadonlySet<string>;
  /** After each engine run: the spec's runs (result lines, of `jobKeys`' engine runs) in `out`, of all. */
  onProgress?: (progress: { fraction: number; done: number; total: number }) => void;
  onWarning?: (message: string) => void;
}

function withDetail(record: SweepRecord, result: Result): SweepRecord {
  const steps = (record.steps ?? []).map((s, i) => ({ ...s, updateCos: result.steps[i].updateCos, inPlane: result.steps[i].inPlane }));
  return { ...record, steps };
}

/** Runs the spec's runs missing from `out` one at a time (each uses every core), appending their lines. */
export async function runDetailed(spec: SweepSpec, out: string, options: DetailedOptions = {}): Promise<void> {
  const plan = planSweep(spec);
  const store = ResultsFile.open(out, options.onWarning ?? (() => {}));
  try {
    const mine = options.jobKeys ? plan.jobs.filter((job) => options.jobKeys?.has(jobKey(job))) : plan.jobs;
    const todo = mine.filter((job) => job.members.some((m) => !store.keys.has(m.key)));
    const total = mine.reduce((s, job) => s + job.members.length, 0);
    // Lines already in the file count as done; each engine run adds its missing ones.
    let done = mine.reduce((s, job) => s + job.members.filter((m) => store.keys.has(m.key)).length, 0);
    for (const job of todo) {
      const result = await run(job.input, { signal: options.signal });
      const missing = job.members.filter((m) => !store.keys.has(m.key));
      for (const member of missing) store.append(withDetail(recordOf(member, job, result, new Date()), result));
      done += missing.length;
      options.onProgress?.({ fraction: total === 0 ? 1 : done / total, done, total });
    }
  } finally {
    store.close();
  }
}

export function isDetailed(record: SweepRecord): record is DetailedRecord {
  return Array.isArray(record.steps) && record.steps.every((s) => Array.isArray((s as { updateCos?: unknown }).updateCos));
}
