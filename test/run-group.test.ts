// Runs that differ only in their target share one random-features baseline pass (runGroup, and sweeps
// that group such runs): every number equals what separate runs give.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, run } from '../src/index';
import { memoryInFlightBytes, runGroup } from '../src/run';
import type { SweepRecord } from '../src/sweep';
import { planSweep, shardJobs, sweep } from '../src/sweep';
import { giantstep } from './helpers/cli';

const base = { d: 40, nTest: 800, readoutBatch: 'fresh' as const, alphaReadout: 2, eta: 2, etaRule: 'p-d' as const, lambda: 0.01, noise: 0.05 };
const spec = { base, grid: { target: ['T-D', 'T-E', 'T-F'], p: [12, 120], steps: [1, 2] }, seeds: 2 };
const withoutTiming = ({ timing: _t, version: _v, ...rest }: { timing: unknown; version?: unknown }) => rest;

describe('shared baseline', () => {
  it('the plan groups the engine runs that differ only in their target, and only those', () => {
    const plan = planSweep(spec);
    expect(plan.jobs).toHaveLength(3 * 2 * 2);
    const groups = new Map<string, string[]>();
    for (const j of plan.jobs) {
      expect(j.baselineGroup).toBeDefined();
      const key = j.baselineGroup as string;
      groups.set(key, [...(groups.get(key) ?? []), `${j.config.target} p=${j.config.p} seed=${j.config.seed}`]);
    }
    expect(groups.size).toBe(4); // (p, seed) pairs
    for (const members of groups.values()) {
      expect(members.map((m) => m.split(' ')[0]).sort()).toEqual(['T-D', 'T-E', 'T-F']);
      expect(new Set(members.map((m) => m.split(' ').slice(1).join(' '))).size).toBe(1);
    }
    // Nothing to share without a baseline, with the projected sampler, or with one baseline per step's batch.
    const { alphaReadout: _a, ...onStepBatch } = base;
    for (const other of [
      planSweep({ ...spec, base: { ...base, baselines: false } }),
      planSweep({ ...spec, base: { ...base, sampler: 'projected', preprocess: 'none' } }),
      planSweep({ ...spec, base: { ...onStepBatch, readoutBatch: 'same', readoutEveryStep: true } }),
    ]) {
      expect(other.jobs.every((j) => j.baselineGroup === undefined)).toBe(true);
    }
  });

  it('shards keep the runs that share a baseline together and still cover every run once', () => {
    const plan = planSweep(spec);
    const shards = [1, 2, 3].map((index) => shardJobs(plan.jobs, { index, count: 3 }));
    expect(shards.flat().length).toBe(plan.jobs.length);
    expect(new Set(shards.flat()).size).toBe(plan.jobs.length);
    for (const shard of shards) {
      const groups = new Set(shard.map((j) => j.baselineGroup));
      // Every group in a shard is whole there: its three targets.
      expect(shard.length).toBe(3 * groups.size);
    }
  });

  it('runGroup gives each target exactly what run gives it (dual and primal readouts)', async () => {
    for (const p of [120, 12]) {
      const inputs = ['T-D', 'T-E', 'T-F'].map((target) => ({ ...base, target, p, steps: 2, readoutEveryStep: true, seed: 3 }));
      const grouped = await runGroup(inputs);
      const alone = await Promise.all(inputs.map((i) => run(i)));
      expect(grouped.map(withoutTiming)).toEqual(alone.map(withoutTiming));
      // Each target got its own labels' baseline.
      expect(new Set(grouped.map((r) => r.baselines.randomFeatures?.testError)).size).toBe(3);
    }
  });

  it('a sweep that groups runs writes the records separate runs would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'giantstep-shared-'));
    const records: SweepRecord[] = [];
    for await (const r of sweep(spec, { out: join(dir, 'r.jsonl'), onWarning: () => {} })) records.push(r);
    expect(records).toHaveLength(3 * 2 * 2 * 2);
    for (const r of records.filter((x) => x.params.seed === 1 && x.config.steps === 2)) {
      const alone = await run({ ...base, target: r.config.target, p: r.config.p, steps: 2, readoutEveryStep: true, seed: 1 });
      expect(r.testError).toBe(alone.testError);
      expect(r.baselines).toEqual(alone.baselines);
    }
  });

  it('sweep --dry-run says how many baseline passes the grouping saves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'giantstep-shared-'));
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    const { code, stdout } = await giantstep('sweep', file, '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toContain('baselines: 12 engine runs that differ only in target share 4 random-features baseline passes (8 saved)');
  });

  it('refuses a group whose runs differ in more than their target, naming the field', async () => {
    const inputs = [
      { ...base, target: 'T-D', p: 12 },
      { ...base, target: 'T-E', p: 13 },
    ];
    await expect(runGroup(inputs)).rejects.toThrow(ConfigError);
    await expect(runGroup(inputs)).rejects.toThrow(/^p: config 1 of the group has 13 where config 0 has 12: a group's runs differ only in target$/);
    for (const bad of [[], 'T-D', undefined]) {
      await expect(runGroup(bad as never)).rejects.toThrow(/^configs: must be a non-empty array/);
    }
    // Refused groups leave nothing reserved in the process's memory budget.
    expect(memoryInFlightBytes()).toBe(0);
  });

  it('a sweep group with one member the engine refuses records that member as refused and runs the others', async () => {
    // The huge target's step overflows; T-D's does not. The group fails as a whole, then each runs alone.
    const risky = { base: { ...base, eta: 1e60, p: 12 }, grid: { target: ['T-D', '1e100*u1'] }, seeds: 1 };
    const dir = mkdtempSync(join(tmpdir(), 'giantstep-shared-'));
    const records: SweepRecord[] = [];
    for await (const r of sweep(risky, { out: join(dir, 'r.jsonl'), onWarning: () => {} })) records.push(r);
    expect(records).toHaveLength(2);
    const byTarget = Object.fromEntries(records.map((r) => [r.config.target, r]));
    expect(byTarget['1e100*u1'].error).toMatchObject({ field: 'eta' });
    const alone = await run({ ...base, eta: 1e60, p: 12, target: 'T-D', seed: 0 });
    expect(byTarget['T-D'].error).toBeUndefined();
    expect(byTarget['T-D'].testError).toBe(alone.testError);
    expect(byTarget['T-D'].baselines).toEqual(alone.baselines);
    expect(memoryInFlightBytes()).toBe(0);
  });
});
