// Deterministic sharding: the engine runs, ordered by cost (largest first, ties in spec order), are dealt
// round-robin, so every shard gets a similar share of the work and the same spec always splits the same way;
// runs that share a baseline pass go to the same shard.
import { ConfigError, quoted } from '../config';
import type { SweepJob } from './plan';
import { groupJobs } from './plan';

export interface Shard {
  /** 1-based, as Slurm's --array=1-N task ids. */
  index: number;
  count: number;
}

/** `i/N` with 1 <= i <= N. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new ConfigError('shard', `${quoted(text)} is not i/N with 1 <= i <= N (e.g. 2/8)`);
  return { index, count };
}

/** An engine run's identity across plans of the same spec: its first run's key. */
export function jobKey(job: SweepJob): string {
  return job.members[0].key;
}

/** Every shard of `count` at once (shard i at index i − 1), each in `jobs`' order. */
export function dealJobs(jobs: SweepJob[], count: number): SweepJob[][] {
  // Engine runs that share a baseline pass (differ only in target) are dealt as one unit, so they stay together.
  const units = groupJobs(jobs).map((group, first) => ({ group, first, flops: group.reduce((s, j) => s + j.flops, 0) }));
  const order = units.sort((a, b) => b.flops - a.flops || a.first - b.first);
  const shardOf = new Map<SweepJob, number>();
  order.forEach((unit, rank) => {
    for (const job of unit.group) shardOf.set(job, rank % count);
  });
  const shards: SweepJob[][] = Array.from({ length: count }, () => []);
  for (const job of jobs) shards[shardOf.get(job) ?? 0].push(job);
  return shards;
}

export function shardJobs(jobs: SweepJob[], shard: Shard): SweepJob[] {
  return dealJobs(jobs, shard.count)[shard.index - 1];
}
