// `giantstep export`: the flat table's columns and types, CSV and Parquet, and real pandas and polars
// reading both (and the JSON Lines, with the docs' one-liners) in a venv the test creates from PyPI.
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flatTable, toCsv } from '../src/export';
import type { SweepRecord } from '../src/sweep';
import { giantstep } from './helpers/cli';
import { python } from './helpers/python';

const dir = mkdtempSync(join(tmpdir(), 'giantstep-export-'));
const root = join(__dirname, '..');

function record(key: string, kappa: number | null, testError: number, extra: Partial<SweepRecord> = {}): SweepRecord {
  return {
    key,
    params: { kappa },
    config: { d: 16, p: 8, n: 100, kappa, steps: 2, target: 'T-B', lambda: 1, symmetric: false, initSeed: null, seed: 0, learningRate: 3 } as never,
    version: '0.1.0',
    engineVersion: '0.1.0',
    steps: [
      {
        step: 1,
        overlap: { maxAbsCos: [0.5, 0.1], meanAbsCos: [0.4, 0.1], fracAbove: [0, 0], singularValues: [0.4, 0.05], meanNorm: 1, neuronCos: [] },
        meanUpdateNorm: 2,
        testError: null,
        trainError: null,
      },
      {
        step: 2,
        overlap: { maxAbsCos: [0.6, 0.3], meanAbsCos: [0.5, 0.2], fracAbove: [1, 0], singularValues: [0.5, 0.25], meanNorm: 1, neuronCos: [] },
        meanUpdateNorm: 2,
        testError,
        trainError: 0.5,
      },
    ],
    testError,
    trainError: 0.5,
    memoryEstimateBytes: 1000,
    timing: { seconds: 0.25, finishedAt: '2026-12-02T00:00:00Z' },
    ...extra,
  };
}

describe('flatTable', () => {
  const records = [record('a', 1, 1), record('b', 1.5, 0.75), record('c', null, 2, { error: { field: 'eta', message: 'overflow' } })];

  it('types columns by the config field table, not by the values: 1 and 1.5 make one float column', () => {
    const t = flatTable(records);
    const col = (name: string) => t.columns.find((c) => c.name === name)!;
    expect(t.rows).toBe(3);
    expect([col('kappa').type, col('kappa').values]).toEqual(['float64', [1, 1.5, null]]);
    expect([col('d').type, col('initSeed').type, col('symmetric').type, col('target').type]).toEqual(['int64', 'int64', 'bool', 'utf8']);
    expect(col('testError').values).toEqual([1, 0.75, 2]);
    expect(col('error').values).toEqual([null, null, 'eta: overflow']);
    expect(col('memoryEstimateBytes').type).toBe('int64');
  });

  it('per step: one row per run and step, array fields one column per direction', () => {
    const t = flatTable(records.slice(0, 2), { perStep: true, metrics: ['sv2=overlap.singularValues.1'] });
    const col = (name: string) => t.columns.find((c) => c.name === name)!;
    expect(t.rows).toBe(4);
    expect(col('step').values).toEqual([1, 2, 1, 2]);
    expect(col('overlap.singularValues.1').values).toEqual([0.05, 0.25, 0.05, 0.25]);
    expect(col('sv2').values).toEqual(col('overlap.singularValues.1').values);
    expect(col('testError').values).toEqual([null, 1, null, 0.75]);
  });

  it('per step: runs that differ only in steps share their first steps, and each computed step is one row', () => {
    // A sweep over steps = 1, 2: one engine run cut into two lines. Step 1 comes from the 1-step line, whose
    // final readout gives its test error; step 2 from the 2-step line.
    const two = record('two', 1, 0.75);
    const one = record('one', 1, 0.9, { config: { ...two.config, steps: 1 } as never });
    one.steps = [{ ...two.steps![0], testError: 0.9 }];
    const t = flatTable([two, one], { perStep: true });
    const col = (name: string) => t.columns.find((c) => c.name === name)!;
    expect(t.rows).toBe(2);
    expect(col('step').values).toEqual([1, 2]);
    expect(col('key').values).toEqual(['one', 'two']);
    expect(col('testError').values).toEqual([0.9, 0.75]);
  });

  it('per step: a crafted array width is neither built nor trusted', () => {
    const fake = record('fake', 1, 1);
    (fake.steps![0].overlap as unknown as Record<string, unknown>).meanAbsCos = { length: 1e8 };
    const t0 = Date.now();
    const t = flatTable([fake], { perStep: true });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(t.columns.filter((c) => c.name.startsWith('overlap.meanAbsCos.')).length).toBe(2);
    const wide = record('wide', 1, 1);
    wide.steps![0].overlap.singularValues = Array.from({ length: 20_000 }, () => 0.1);
    expect(() => flatTable([wide], { perStep: true })).toThrow(/^files: a step's overlap.singularValues has 20000 entries/);
  });

  it('metrics: reducers and labels as in plot; a path no run has, or a duplicate name, is refused naming metric', () => {
    const t = flatTable(records, { metrics: ['meanAbs(steps.-1.overlap.meanAbsCos.*)'] });
    expect(t.columns.at(-1)).toMatchObject({ name: 'meanAbs(steps.-1.overlap.meanAbsCos.*)', type: 'float64', values: [0.35, 0.35, 0.35] });
    expect(() => flatTable(records, { metrics: ['steps.0.nope'] })).toThrow(/metric: steps\.0\.nope: no run has a value there/);
    expect(() => flatTable(records, { metrics: ['testError'] })).toThrow(/metric: column testError is already in the table/);
  });

  it('CSV: quoted text, empty nulls, whole floats with a decimal point', () => {
    const csv = toCsv({
      rows: 2,
      columns: [
        { name: 'x', type: 'float64', values: [1, 1.5] },
        { name: 'n', type: 'int64', values: [3, null] },
        { name: 'target', type: 'utf8', values: ['u1 + u1*u2', 'a, "b"\nc'] },
      ],
    });
    expect(csv).toBe('x,n,target\n1.0,3,u1 + u1*u2\n1.5,,"a, ""b""\nc"\n');
  });

  it('CSV: text cells and headers a spreadsheet would evaluate are neutralised; negative numbers stay numbers', () => {
    const cells = ['-2+3*u1', '+u1*u2', "=cmd|' /C calc'!A0", '=HYPERLINK("http://x")', '@SUM(1)', '\tu1', '\ru1', 'u1-2'];
    const csv = toCsv({
      rows: cells.length,
      columns: [
        { name: 'target', type: 'utf8', values: cells },
        { name: 'x', type: 'float64', values: cells.map((_, i) => -1.5 - i) },
        { name: '@SUM(1)=testError', type: 'float64', values: cells.map(() => -2) },
      ],
    });
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(`target,x,"'@SUM(1)=testError"`);
    expect(lines[1]).toBe(`"'-2+3*u1",-1.5,-2.0`);
    expect(lines[2]).toBe(`"'+u1*u2",-2.5,-2.0`);
    expect(lines[3]).toBe(`"'=cmd|' /C calc'!A0",-3.5,-2.0`);
    expect(lines[4]).toBe(`"'=HYPERLINK(""http://x"")",-4.5,-2.0`);
    expect(lines[5]).toBe(`"'@SUM(1)",-5.5,-2.0`);
    expect(lines[6]).toBe(`"'\tu1",-6.5,-2.0`);
    expect(csv).toContain(`"'\ru1",-7.5,-2.0`);
    expect(csv).toContain('u1-2,-8.5,-2.0');
  });
});

describe('giantstep export, read back by pandas and polars', () => {
  it('a sweep with kappa 1 and 1.5 exports to CSV and Parquet that both read with the right types and values', async () => {
    const results = join(dir, 'results.jsonl');
    const sweep = await giantstep(
      'sweep',
      '--d',
      '32',
      '--p',
      '16',
      '--n-test',
      '2000',
      '--target',
      'T-B',
      '--grid',
      'kappa=1,1.5',
      '--grid',
      'steps=1,2',
      '--seeds',
      '2',
      '--out',
      results,
      '--quiet',
    );
    expect(sweep.code, sweep.stderr).toBe(0);
    for (const [out, extra] of [
      ['runs.parquet', []],
      ['runs.csv', []],
      ['steps.parquet', ['--per-step']],
    ] as const) {
      const r = await giantstep('export', results, '--out', join(dir, out), ...extra);
      expect(r.code, r.stderr).toBe(0);
      // Per step, each computed step once: 2 kappa × 2 seeds × steps 1..2 (the 1-step lines share step 1).
      expect(r.stderr).toMatch(/export: 8 rows × \d+ columns/);
    }
    // What Python must find: every config number and the errors, straight from the JSON lines.
    const lines = readFileSync(results, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SweepRecord);
    const runs = lines.map((r) => ({
      key: r.key,
      values: {
        ...Object.fromEntries(
          ['d', 'p', 'n', 'steps', 'seed', 'kappa', 'lambda', 'eta', 'learningRate'].map((f) => [f, (r.config as unknown as Record<string, unknown>)[f]]),
        ),
        testError: r.testError,
        'baselines.randomFeatures.testError': r.baselines?.randomFeatures?.testError,
      },
    }));
    expect(runs.map((r) => (r.values as Record<string, unknown>).kappa)).toContain(1);
    writeFileSync(
      join(dir, 'expected.json'),
      JSON.stringify({ runs, stepRows: lines.filter((r) => r.config.steps === 2).reduce((s, r) => s + (r.steps?.length ?? 0), 0) }),
    );
    writeFileSync(join(dir, 'results.jsonl'), readFileSync(results));
    const out = execFileSync(python(), [join(root, 'test', 'python', 'readback.py'), dir], { encoding: 'utf8' });
    expect(out).toContain('readback: all checks passed');
  }, 600_000);

  it('refuses an unknown format naming the field, and writes nothing', async () => {
    const r = await giantstep('export', join(dir, 'results.jsonl'), '--out', join(dir, 'table.xlsx'));
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      `giantstep: out: ${join(dir, 'table.xlsx')}: export writes .csv or .parquet (name the file so, or pass --format csv|parquet)`,
    ]);
    expect(existsSync(join(dir, 'table.xlsx'))).toBe(false);
  });

  it('refuses to write over one of its inputs, directly or through a hard link, and leaves it as it was', async () => {
    const input = join(dir, 'results.jsonl');
    const before = readFileSync(input, 'utf8');
    const direct = await giantstep('export', input, '--out', input, '--format', 'csv');
    expect([direct.code, direct.stderr.trim()]).toEqual([2, `giantstep: out: ${input} is the input ${input} (the same file): give another --out`]);
    const link = join(dir, 'linked.csv');
    linkSync(input, link);
    const linked = await giantstep('export', input, '--out', link);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('(the same file)');
    expect(readFileSync(input, 'utf8')).toBe(before);
  });
});

describe('loading', () => {
  it('the API and the CLI load Arrow and parquet-wasm only when a Parquet file is written', () => {
    const root = join(__dirname, '..');
    const loaded = (code: string) =>
      execFileSync(process.execPath, ['-e', `${code}; console.log(Object.keys(require.cache).filter((k) => /apache-arrow|parquet-wasm/.test(k)).length)`], {
        cwd: root,
        encoding: 'utf8',
      }).trim();
    expect(loaded("require('./dist/index.js')")).toBe('0');
    expect(loaded("require('./dist/cli/main.js')")).toBe('0');
    expect(Number(loaded("require('./dist/export/parquet.js').toParquet({ rows: 0, columns: [] })"))).toBeGreaterThan(0);
  });
});
