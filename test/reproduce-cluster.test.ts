// src/reproduce/cluster.ts: a reproduction split into shards (`reproduce --shard i/N`, what each Slurm task
// runs) and analysed afterwards gives the local run's summary and figures; the deal covers every engine
// run exactly once; the Slurm scripts chain the analysis after the array. test/slurm/run.sh runs the same
// path on a real one-node Slurm.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPRODUCTIONS, reproductionNamed } from '../src/reproduce';
import { clusterPlan, dealShard, planReproductions, reproduceSlurmScripts } from '../src/reproduce/cluster';
import { jobKey } from '../src/sweep';
import { cli, giantstep } from './helpers/cli';

const TIMING = ['generatedAt', 'wallSeconds', 'engineSeconds', 'command'];
const summaryWithoutTiming = (dir: string) => {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  for (const k of TIMING) delete s[k];
  return s;
};

describe('reproduce --shard i/N, then --no-run', () => {
  it('three shards run by hand and analysed equal the local run: summary.json and every figure file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'giantstep-shards-'));
    const [sharded, local] = [join(root, 'sharded'), join(root, 'local')];
    for (const i of [3, 1, 2]) {
      const r = await giantstep('reproduce', 'fig1-right', '--quick', '--shard', `${i}/3`, '--out', sharded);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`fig1-right: shard ${i}/3:`);
    }
    expect(existsSync(join(sharded, 'summary.json'))).toBe(false); // a shard analyses nothing
    expect(readdirSync(join(sharded, 'shards')).sort()).toEqual(['shard-1.jsonl', 'shard-2.jsonl', 'shard-3.jsonl']);
    const analysed = await giantstep('reproduce', 'fig1-right', '--quick', '--no-run', '--out', sharded, '--quiet');
    expect(analysed.code, analysed.stderr).toBe(0);
    const ran = await giantstep('reproduce', 'fig1-right', '--quick', '--out', local, '--quiet');
    expect(ran.code, ran.stderr).toBe(0);
    expect(summaryWithoutTiming(sharded)).toEqual(summaryWithoutTiming(local));
    const figures = readdirSync(local).filter((f) => /\.(vl\.json|svg)$/.test(f));
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) expect(readFileSync(join(sharded, f)).equals(readFileSync(join(local, f))), f).toBe(true);
    // A shard run again resumes: nothing left to run, nothing appended.
    const before = readFileSync(join(sharded, 'shards', 'shard-2.jsonl'), 'utf8');
    await giantstep('reproduce', 'fig1-right', '--quick', '--shard', '2/3', '--out', sharded, '--quiet');
    expect(readFileSync(join(sharded, 'shards', 'shard-2.jsonl'), 'utf8')).toBe(before);
  });

  it('--slurm for one figure without --out: the tasks write where a local run of it would (reproduce-quick/<figure>)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'giantstep-slurm-out-'));
    const r = spawnSync(process.execPath, [cli, 'reproduce', 'fig1-right', '--quick', '--slurm', '--array', '2', '--png-scale', '3'], {
      cwd,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const folder = join(cwd, 'reproduce-quick', 'fig1-right');
    const runs = readFileSync(join(folder, 'slurm', 'runs.sbatch'), 'utf8');
    expect(runs).toContain(`reproduce fig1-right --quick --out ${folder} --shard`);
    expect(readFileSync(join(folder, 'slurm', 'analyze.sbatch'), 'utf8')).toContain('--no-run --png-scale 3');
  });

  it('refuses a bad shard or two modes at once, naming the option (exit 2)', async () => {
    const bad = await giantstep('reproduce', 'fig1-right', '--quick', '--shard', '4/3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("shard: '4/3' is not i/N");
    const both = await giantstep('reproduce', 'fig1-right', '--quick', '--shard', '1/3', '--slurm');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one');
  });
});

describe('dealing and planning', () => {
  const plan = planReproductions(
    REPRODUCTIONS.map((figure) => ({ figure, outDir: `/x/${figure.name}` })),
    true,
  );
  const all = plan.flatMap((r) => r.planned.flatMap(({ plan: p }) => p.jobs.map((j) => `${r.figure.name} ${jobKey(j)}`)));

  it.each([1, 2, 7, 32])('%i shards hold every engine run of every figure exactly once', (count) => {
    const dealt: string[] = [];
    for (let index = 1; index <= count; index++) {
      for (const [figure, keys] of dealShard(plan, { index, count })) for (const k of keys) dealt.push(`${figure} ${k}`);
    }
    expect(dealt.sort()).toEqual([...new Set(all)].sort());
  });

  it('the makespan is the largest shard, never below the largest engine run nor the total over the tasks', () => {
    const jobs = plan.flatMap((r) => r.planned.flatMap(({ plan: p }) => p.jobs));
    const seconds = new Map(jobs.map((j) => [j, j.flops / 1e9]));
    for (const tasks of [1, 4, 32]) {
      const c = clusterPlan(plan, seconds, tasks);
      expect(c.makespanSeconds).toBe(Math.max(...c.shards.map((s) => s.seconds)));
      expect(c.makespanSeconds).toBeGreaterThanOrEqual(Math.max(...seconds.values()) - 1e-9);
      expect(c.makespanSeconds).toBeGreaterThanOrEqual(c.seconds / tasks - 1e-9);
      expect(c.shards.reduce((s, x) => s + x.engineRuns, 0)).toBe(c.engineRuns);
    }
    expect(clusterPlan(plan, seconds, 1).makespanSeconds).toBeCloseTo(clusterPlan(plan, seconds, 1).seconds, 9);
  });
});

describe('reproduceSlurmScripts', () => {
  const scripts = reproduceSlurmScripts({
    name: 'all',
    quick: false,
    out: "/scratch/it's here",
    array: 32,
    command: ['/usr/bin/node', '/opt/giantstep/dist/cli/main.js'],
    partition: 'gpu',
    time: '30',
  });

  it('an array of shards, and an analysis that runs only after every task succeeded', () => {
    expect(scripts['runs.sbatch']).toContain('#SBATCH --array=1-32');
    expect(scripts['runs.sbatch']).toContain(`reproduce all --out '/scratch/it'\\''s here' --shard "\${SLURM_ARRAY_TASK_ID}/32" --quiet`);
    expect(scripts['analyze.sbatch']).not.toContain('--array');
    expect(scripts['analyze.sbatch']).toContain(`reproduce all --out '/scratch/it'\\''s here' --no-run`);
    // A failed task cancels the analysis (its dependency can never be met) instead of leaving it pending.
    expect(scripts['submit.sh']).toContain('--dependency=afterok:"$runs" --kill-on-invalid-dep=yes analyze.sbatch');
    for (const s of [scripts['runs.sbatch'], scripts['analyze.sbatch']]) expect(s).toContain('#SBATCH --partition=gpu');
  });

  it('refuses what would break a script, naming the field', () => {
    expect(() => reproduceSlurmScripts({ name: 'all', quick: true, out: '/x', array: 2, command: ['node'], time: '30 minutes' })).toThrow(/time:/);
    expect(reproductionNamed('fig1-right')).toBeDefined();
  });
});
