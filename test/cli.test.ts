import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { giantstep } from './helpers/cli';

describe('giantstep CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'giantstep-cli-'));

  it('run writes a valid JSON result with the resolved config', async () => {
    const out = join(dir, 'r.json');
    const { code, stderr } = await giantstep(
      'run',
      '--d',
      '64',
      '--p',
      '40',
      '--n',
      '1500',
      '--steps',
      '2',
      '--target',
      'T-C',
      '--n-test',
      '1000',
      '--seed',
      '3',
      '--out',
      out,
    );
    expect(code).toBe(0);
    expect(stderr).toContain('test error');
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.config).toMatchObject({ d: 64, p: 40, n: 1500, steps: 2, seed: 3, target: 'T-C' });
    expect(typeof r.version).toBe('string');
    expect(r.steps).toHaveLength(2);
    expect(typeof r.testError).toBe('number');
    expect(typeof r.baselines.randomFeatures.testError).toBe('number');
    expect(typeof r.baselines.linearKernel.testError).toBe('number');
    expect(typeof r.timing.seconds).toBe('number');
  });

  it('layers preset < config file < flags, and prints JSON to stdout without --out', async () => {
    const file = join(dir, 'exp.json');
    writeFileSync(file, JSON.stringify({ preset: 'notebook-single-step', d: 64, p: 32, nTest: 500 }));
    const { code, stdout } = await giantstep('run', '--config', file, '--kappa', '1.5', '--quiet');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.config).toMatchObject({ d: 64, p: 32, n: Math.round(64 ** 1.5), preprocess: 'notebook', nTest: 500 });
  });

  it.each([
    [['run', '--d', '-3'], 'd: must be >= 1'],
    [['run', '--d', 'abc'], 'd: must be an integer, not a string ("abc")'],
    [['run', '--target', 'T-Z'], "target: unknown target 'T-Z'"],
    [['run', '--preprocess', 'magic'], 'preprocess: must be one of none, train, hermite, notebook'],
    [['run', '--bogus', '1'], "unknown option '--bogus'"],
    [['run', '--d', '100000', '--p', '100000', '--n', '10'], 'p: this run needs about'],
    [['run', '--config', '/nonexistent.json'], 'config: cannot read'],
  ])('bad input %j exits 2 with a message naming the field', async (args, text) => {
    const { code, stderr } = await giantstep(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(text);
  });

  it('describe explains the staircase in plain words, and theory writes curves', async () => {
    const d = await giantstep('describe', 'u1 + u1*u2 + u1*u2*u3');
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('one direction is learned per step');
    expect(d.stdout).toContain('one step needs n = O(d³) to see all 3 directions');
    const j = JSON.parse((await giantstep('describe', 'T-E', '--json')).stdout);
    expect(j).toMatchObject({ leapIndex: 2, learnedDims: { oneStep: [1, 3, 3, 3] }, linearKernelError: 1 });
    for (const key of ['mean', 'variance', 'c1', 'c2', 'informationExponents']) expect(j).toHaveProperty(key);
    const a = await giantstep('describe', '--activation', 'erf', '--json');
    expect(JSON.parse(a.stdout).mu[1]).toBeCloseTo(2 / Math.sqrt(3 * Math.PI), 9);
    // A target and --activation together: refused, not the target silently ignored.
    const both = await giantstep('describe', 'T-B', '--activation', 'relu');
    expect([both.code, both.stderr.split('\n').filter(Boolean).length]).toEqual([2, 1]);
    expect(both.stderr).toMatch(/^giantstep: activation: describe takes a target or --activation, not both/);
    const out = join(dir, 'curve.json');
    expect((await giantstep('theory', 'one-step', '--alpha', '1,4', '--target', 'T-B', '--out', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).points).toHaveLength(2);
    const o = JSON.parse(
      (
        await giantstep(
          'theory',
          'overlaps',
          '--d',
          '300',
          '--p',
          '3',
          '--n',
          '300',
          '--steps',
          '2',
          '--target',
          'T-B',
          '--samples',
          '5000',
          '--preprocess',
          'none',
        )
      ).stdout,
    );
    expect(o.steps[1].overlap.meanAbsCos).toHaveLength(2);
    expect(o.models).toBe('overlap-recursion');
    expect(o.explanation).toContain('preprocess: none');
    // The run's default preprocess (train) is not what the recursion models: refused, not silently changed.
    const refused = await giantstep('theory', 'overlaps', '--d', '300', '--p', '3', '--n', '300', '--target', 'T-B');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^giantstep: preprocess: the overlap recursion models preprocess none or hermite only.*--preprocess hermite/);
    const bad = await giantstep('describe', 'u1 + * u2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('column 6');
  });

  it('has --help on every command', async () => {
    for (const args of [['--help'], ['run', '--help'], ['presets', '--help'], ['describe', '--help'], ['theory', 'one-step', '--help']]) {
      const { code, stdout } = await giantstep(...args);
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: giantstep');
    }
    const { stdout } = await giantstep('run', '--help');
    expect(stdout).toContain('--eta-rule');
    expect(stdout).toContain('(default: sqrt-np)');
  });
});

describe('theory: one set of defaults with run', () => {
  it('`theory` alone lists its kinds (exit 0); an unknown kind names them (exit 2)', async () => {
    const alone = await giantstep('theory');
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout).toMatch(/one-step[\s\S]*drift[\s\S]*overlaps[\s\S]*error[\s\S]*phase-diagram/);
    const wrong = await giantstep('theory', 'onestep');
    expect([wrong.code, wrong.stderr.trim()]).toEqual([2, expect.stringMatching(/unknown theory kind 'onestep'; choose one of one-step, drift/)]);
  });

  it('one-step, drift and phase-diagram default to the target and activation that run defaults to', async () => {
    const run = await giantstep('run', '--help');
    const runTarget = /--target <text>[\s\S]*?\(default: ([^)]+)\)/.exec(run.stdout)?.[1];
    expect(runTarget).toBe('T-A');
    for (const args of [['one-step', '--alpha', '1'], ['drift', '--m', '0.5,0', '--s', '1', '--samples', '1000'], ['phase-diagram']]) {
      const r = await giantstep('theory', ...args);
      expect(r.code, r.stderr).toBe(0);
      const answer = JSON.parse(r.stdout);
      expect(answer.target, args[0]).toBe(runTarget);
      if (args[0] !== 'phase-diagram') expect(answer.activation, args[0]).toBe('relu');
    }
  });
});

describe('one reading of field text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'giantstep-field-text-'));
  it.each([
    ['d', '1.5', 'must be an integer, not a number (1.5)'],
    ['d', 'abc', 'must be an integer, not a string ("abc")'],
    ['d', '0x10', 'must be an integer, not a string ("0x10")'],
    ['symmetric', 'maybe', 'must be true or false, not a string ("maybe")'],
    ['preprocess', 'x', 'must be one of none, train, hermite, notebook, not a string ("x")'],
  ])('%s = %s: the same message as a flag, a grid value, a config file entry and an API field', async (field, text, message) => {
    const flag = `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const reason = (stderr: string) => stderr.trim().replace(/^giantstep: [^:]+: /, '');
    const asFlag = await giantstep('run', flag, text);
    const asGrid = await giantstep('sweep', '--grid', `${field}=${text}`, '--dry-run');
    const file = join(dir, `${field}.json`);
    const value = field === 'd' && text === '1.5' ? 1.5 : text;
    writeFileSync(file, JSON.stringify({ [field]: value }));
    const asFile = await giantstep('run', '--config', file);
    for (const r of [asFlag, asGrid, asFile]) expect([r.code, reason(r.stderr)]).toEqual([2, message]);
    const { resolveConfig } = await import('../src/index');
    expect(() => resolveConfig({ [field]: value } as never)).toThrow(`${field}: ${message}`);
  });

  it('a bad value in a config file is refused even where a flag overrides it', async () => {
    const file = join(dir, 'overridden.json');
    writeFileSync(file, JSON.stringify({ preset: 'osa-one-step', d: -3 }));
    const r = await giantstep('run', '--config', file, '--d', '64', '--quiet');
    expect([r.code, r.stderr.trim()]).toEqual([2, 'giantstep: d: must be >= 1, got -3']);
  });

  it('a flag and a grid value read yes/no, 1/0 and none alike', async () => {
    const flag = await giantstep('sweep', '--d', '8', '--p', '8', '--symmetric', 'yes', '--init-seed', 'none', '--dry-run');
    const grid = await giantstep('sweep', '--d', '8', '--p', '8', '--grid', 'symmetric=yes,no', '--grid', 'initSeed=none', '--dry-run');
    expect([flag.code, grid.code], flag.stderr + grid.stderr).toEqual([0, 0]);
  });
});
