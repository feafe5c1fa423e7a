// Sweep specs: parsing, ranges, zips, seeds, expansion into runs and engine runs, keys, shards, and the
// errors that must come before any run starts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../src/config/input-file';
import { ConfigError, prepareConfig, resolveConfig } from '../src/index';
import { normalizeSpec, parseGridFlag, parseSeedsFlag, parseShard, planSweep, readSpecFile, shardJobs, slurmScript } from '../src/sweep';
import { hashOf } from '../src/sweep/key';

const base = { d: 40, p: 30, nTest: 500 };

function errorOf(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('sweep spec', () => {
  it('expands ranges: linspace with tidy values, logspace geometric, int fields rounded without repeats', () => {
    const spec = normalizeSpec({ grid: { kappa: { linspace: [1.2, 2.0, 9] }, eta: { logspace: [0.01, 100, 5] }, p: { logspace: [1, 8, 10] } } });
    expect(spec.axes.map((a) => a.rows.map((r) => r[0]))).toEqual([
      [1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0],
      [0.01, 0.1, 1, 10, 100],
      [1, 2, 3, 4, 5, 6, 8],
    ]);
    expect(normalizeSpec({ grid: { kappa: { linspace: [1.5, 1.5, 1] } } }).axes[0].rows).toEqual([[1.5]]);
  });

  it('crosses axes (last fastest, seeds innermost) and zips paired axes', () => {
    const crossed = planSweep({ base, grid: { kappa: [1.2, 1.4], target: ['T-A', 'T-B'] }, seeds: 2 });
    expect(crossed.points.map((p) => p.params)).toEqual([
      { kappa: 1.2, target: 'T-A', seed: 0 },
      { kappa: 1.2, target: 'T-A', seed: 1 },
      { kappa: 1.2, target: 'T-B', seed: 0 },
      { kappa: 1.2, target: 'T-B', seed: 1 },
      { kappa: 1.4, target: 'T-A', seed: 0 },
      { kappa: 1.4, target: 'T-A', seed: 1 },
      { kappa: 1.4, target: 'T-B', seed: 0 },
      { kappa: 1.4, target: 'T-B', seed: 1 },
    ]);
    const zipped = planSweep({ base, grid: { kappa: [1.2, 1.4], eta: [1, 2], target: ['T-A', 'T-B'] }, zip: [['kappa', 'eta']], seeds: [7] });
    expect(zipped.points.map((p) => [p.params.kappa, p.params.eta, p.params.target])).toEqual([
      [1.2, 1, 'T-A'],
      [1.2, 1, 'T-B'],
      [1.4, 2, 'T-A'],
      [1.4, 2, 'T-B'],
    ]);
    expect(zipped.points.every((p) => p.config.seed === 7)).toBe(true);
  });

  it('keeps the axis values as given next to the derived ones, and keys runs by their resolved config', () => {
    const plan = planSweep({ base: { ...base, preset: 'notebook-single-step' }, grid: { kappa: [1.5] }, seeds: [3] });
    const [point] = plan.points;
    expect(point.config).toMatchObject({ kappa: 1.5, n: Math.round(40 ** 1.5), d: 40, p: 30, preprocess: 'notebook', seed: 3 });
    const { memoryEstimateBytes: _m, workFlops: _w, ...resolved } = resolveConfig({ preset: 'notebook-single-step', ...base, kappa: 1.5, seed: 3 });
    expect(point.config).toEqual(resolved);
    expect(point.key).toBe(hashOf(resolved));
    expect(point.key).toMatch(/^[0-9a-f]{16}$/);
    // The same run written another way has the same key; another seed has another.
    const again = planSweep({ base: { preset: 'notebook-single-step', kappa: 1.5, ...base, seed: 3 } });
    expect(again.points[0].key).toBe(point.key);
    expect(planSweep({ base: { ...base, preset: 'notebook-single-step', kappa: 1.5 }, seeds: [4] }).points[0].key).not.toBe(point.key);
  });

  it('lets an axis set the batch size another way than the base (n over a preset kappa)', () => {
    const plan = planSweep({ base: { preset: 'notebook-single-step', ...base }, grid: { n: [100, 200] } });
    expect(plan.points.map((p) => [p.config.n, p.config.kappa])).toEqual([
      [100, null],
      [200, null],
    ]);
  });

  it('serves every step count of a grid point with one engine run reading out after each step', () => {
    const plan = planSweep({ base, grid: { kappa: [1.2, 1.5], steps: [1, 2, 3] }, seeds: 2 });
    expect(plan.points).toHaveLength(12);
    expect(plan.jobs).toHaveLength(4);
    for (const job of plan.jobs) {
      expect(job.members.map((m) => m.config.steps)).toEqual([1, 2, 3]);
      expect(job.input).toMatchObject({ steps: 3, readoutEveryStep: true });
      expect(job.config).toMatchObject({ steps: 3, readoutEveryStep: true });
      expect(job.members.every((m) => m.config.readoutEveryStep === false)).toBe(true);
    }
    // Step 0 (random features alone) and a single step count run as they are.
    const single = planSweep({ base, grid: { steps: [0, 2] } });
    expect(single.jobs.map((j) => [j.members.length, j.input.steps, j.input.readoutEveryStep])).toEqual([
      [1, 0, false],
      [1, 2, false],
    ]);
  });

  it('reads YAML and JSON spec files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'giantstep-spec-'));
    writeFileSync(join(dir, 's.yaml'), 'base:\n  d: 40\ngrid:\n  kappa: {linspace: [1, 2, 3]}\nseeds: 2\n');
    writeFileSync(join(dir, 's.json'), JSON.stringify({ base: { d: 40 }, grid: { kappa: { linspace: [1, 2, 3] } }, seeds: 2 }));
    expect(readSpecFile(join(dir, 's.yaml'))).toEqual(readSpecFile(join(dir, 's.json')));
    writeFileSync(join(dir, 'bad.json'), '{"base": ');
    expect(errorOf(() => readSpecFile(join(dir, 'bad.json'))).message).toContain('spec: ');
  });

  it('parses --grid and --seeds flags', () => {
    expect(parseGridFlag('kappa=1.2:2.0:9')).toEqual(['kappa', { linspace: [1.2, 2, 9] }]);
    expect(parseGridFlag('p=log:16:1024:7')).toEqual(['p', { logspace: [16, 1024, 7] }]);
    expect(parseGridFlag('steps=1,2,3')).toEqual(['steps', [1, 2, 3]]);
    expect(parseGridFlag('target=T-A,u1 + u1*u2')).toEqual(['target', ['T-A', 'u1 + u1*u2']]);
    expect(parseGridFlag('symmetric=true,false')).toEqual(['symmetric', [true, false]]);
    expect(parseGridFlag('initSeed=null,3')).toEqual(['initSeed', [null, 3]]);
    expect(parseSeedsFlag('10')).toBe(10);
    expect(parseSeedsFlag('0,3,7')).toEqual([0, 3, 7]);
    // 1e9 is no count written in digits: say so, instead of "must be a whole number >= 1".
    expect(() => parseSeedsFlag('1e9')).toThrow(/^seeds: give a count in digits \(--seeds 10\) or seeds separated by commas .* got "1e9"$/);
  });

  it('reads spec and config files that start with a UTF-8 byte-order mark', () => {
    const dir = mkdtempSync(join(tmpdir(), 'giantstep-bom-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, `\uFEFF${JSON.stringify({ base: { d: 16 }, grid: { kappa: [1, 2] } })}`);
    expect(readSpecFile(spec)).toEqual({ base: { d: 16 }, grid: { kappa: [1, 2] } });
    const yaml = join(dir, 'spec.yaml');
    writeFileSync(yaml, '\uFEFFbase:\n  d: 16\ngrid:\n  kappa: [1, 2]\n');
    expect(readSpecFile(yaml)).toEqual({ base: { d: 16 }, grid: { kappa: [1, 2] } });
    const config = join(dir, 'config.json');
    writeFileSync(config, `\uFEFF${JSON.stringify({ d: 16, p: 8, n: 32 })}`);
    expect(readConfigFile(config)).toEqual({ d: 16, p: 8, n: 32 });
  });

  it.each([
    [{ grid: { kapa: [1] } }, 'grid.kapa', 'unknown config field'],
    [{ grid: { seed: [1, 2] } }, 'grid.seed', 'give "seeds"'],
    [{ grid: { kappa: [] } }, 'grid.kappa', 'has no values'],
    [{ grid: { kappa: [1.2, 'x'] } }, 'grid.kappa[1]', 'must be a finite number, not a string ("x")'],
    [{ grid: { d: [10, 2.5] } }, 'grid.d[1]', 'integer'],
    [{ grid: { etaRule: ['raw', 'fast'] } }, 'grid.etaRule[1]', 'must be one of'],
    [{ grid: { kappa: { linspace: [1, 2] } } }, 'grid.kappa', 'linspace takes'],
    [{ grid: { kappa: { logspace: [0, 2, 3] } } }, 'grid.kappa', 'logspace needs'],
    [{ grid: { target: { linspace: [1, 2, 3] } } }, 'grid.target', 'numeric field'],
    [{ grid: { kappa: 1.5 } }, 'grid.kappa', 'must be a list'],
    [{ grid: { kappa: [1], eta: [1, 2] }, zip: [['kappa', 'eta']] }, 'zip[0]', 'as many values'],
    [{ grid: { kappa: [1] }, zip: [['kappa', 'p']] }, 'zip[0]', "'p' is not an axis"],
    [{ seeds: 0 }, 'seeds', '>= 1'],
    [{ seeds: [1, 1] }, 'seeds', 'twice'],
    [{ seeds: [1, -2] }, 'seeds[1]', 'must be an integer from 0 to 9007199254740991'],
    [{ base: { seed: 1 }, seeds: 3 }, 'seeds', 'not both'],
    [{ base: { d: -3 } }, 'base.d', '>= 1'],
    [{ base: { preset: 'nope' } }, 'base.preset', 'unknown preset'],
    [{ grids: {} }, 'grids', 'unknown spec key'],
    [[1, 2], 'spec', 'must be an object'],
  ])('refuses %j naming %s', (spec, field, text) => {
    const err = errorOf(() => normalizeSpec(spec));
    expect(err.field).toBe(field);
    expect(err.message).toContain(text);
  });

  it("refuses an unknown axis and a bad seed with the engine's message for that config field", () => {
    const configError = (config: Record<string, unknown>) => errorOf(() => prepareConfig(config));
    for (const name of ['kapa', 'n_test', 'a b', '__proto__', 'toString']) {
      const e = errorOf(() => normalizeSpec({ grid: Object.defineProperty({}, name, { value: [1], enumerable: true }) }));
      expect(e.field).toBe(`grid.${name}`);
      expect(e.reason).toBe(configError(Object.defineProperty({}, name, { value: 1, enumerable: true })).reason);
    }
    expect(errorOf(() => normalizeSpec({ grid: { kapa: [1] } })).message).toMatch(
      /^grid\.kapa: unknown config field 'kapa' \(flag --kapa\); known fields: d, p, /,
    );
    for (const bad of [-2, 1.5, 2 ** 53, '3', null, [4]]) {
      const e = errorOf(() => normalizeSpec({ seeds: [1, bad] }));
      expect(e.field).toBe('seeds[1]');
      expect(e.reason).toBe(configError({ seed: bad }).reason);
    }
    expect(normalizeSpec({ seeds: [0, 2 ** 53 - 1] }).seeds).toEqual([0, 2 ** 53 - 1]);
  });

  it('checks every run against the engine and the memory limit before running, naming the field and the point', () => {
    const unknown = errorOf(() => planSweep({ base, grid: { target: ['T-A', 'T-Z'] } }));
    expect(unknown.field).toBe('target');
    expect(unknown.message).toContain('target=T-Z');
    const tooBig = errorOf(() => planSweep({ base: { d: 2000, n: 100 }, grid: { p: [100, 100000] } }));
    expect(tooBig.field).toBe('p');
    expect(tooBig.message).toMatch(/needs about .* GB .* \(at grid point p=100000\)/);
  });

  it('splits engine runs into deterministic, disjoint, balanced shards', () => {
    const plan = planSweep({ base, grid: { kappa: { linspace: [1, 2, 7] }, steps: [1, 2] }, seeds: 3 });
    const shards = [1, 2, 3].map((i) => shardJobs(plan.jobs, { index: i, count: 3 }));
    expect(shards.map((s) => s.length)).toEqual([7, 7, 7]);
    const all = shards.flat().map((j) => j.members[0].key);
    expect(new Set(all).size).toBe(plan.jobs.length);
    expect(
      shardJobs(planSweep({ base, grid: { kappa: { linspace: [1, 2, 7] }, steps: [1, 2] }, seeds: 3 }).jobs, { index: 2, count: 3 }).map(
        (j) => j.members[0].key,
      ),
    ).toEqual(shards[1].map((j) => j.members[0].key));
    const cost = (s: (typeof shards)[0]) => s.reduce((t, j) => t + j.flops, 0);
    expect(Math.max(...shards.map(cost)) / Math.min(...shards.map(cost))).toBeLessThan(1.5);
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/3', '4/3', '1', 'a/b']) expect(errorOf(() => parseShard(bad)).field).toBe('shard');
  });

  it('writes a job-array script that runs shard $SLURM_ARRAY_TASK_ID of the embedded spec', () => {
    const spec = { base, grid: { kappa: [1.2, 1.4] }, seeds: 2 };
    const script = slurmScript(spec, {
      array: 3,
      resultsDir: '/data/out dir',
      command: ['/usr/bin/node', '/opt/gs/main.js'],
      partition: 'debug',
      time: '0:30:00',
      cpusPerTask: 2,
    });
    expect(script).toContain('#SBATCH --array=1-3\n');
    expect(script).toContain('#SBATCH --partition=debug\n');
    expect(script).toContain('#SBATCH --time=0:30:00\n');
    expect(script).toContain('#SBATCH --cpus-per-task=2\n');
    expect(script).toContain(
      `/usr/bin/node /opt/gs/main.js sweep - --shard "\${SLURM_ARRAY_TASK_ID}/3" --out '/data/out dir'/"shard-\${SLURM_ARRAY_TASK_ID}.jsonl"`,
    );
    const embedded = script.slice(script.indexOf("<<'GIANTSTEP_SPEC'\n") + 18, script.lastIndexOf('GIANTSTEP_SPEC'));
    expect(JSON.parse(embedded)).toEqual(spec);
    expect(errorOf(() => slurmScript(spec, { array: 0, resultsDir: '/x', command: ['node'] })).field).toBe('array');
    expect(errorOf(() => slurmScript(spec, { array: 2, resultsDir: '/x', command: ['node'], time: '30min' })).field).toBe('time');
  });
});
