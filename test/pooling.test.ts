// Analysis never averages silently (src/pooling.ts): plot and summarize refuse to average runs that differ
// in a field nobody named, name it with its values and the fixes, and name what they pool when told to.
// The records are the new user's case: a sweep over kappa × steps × preprocess, 3 seeds, where the two
// preprocessings give different errors (1.020 and 1.108).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config';
import { plotRecords } from '../src/plot/records';
import type { SweepRecord } from '../src/sweep';
import { summarize } from '../src/sweep';
import { giantstep } from './helpers/cli';

function records(): SweepRecord[] {
  const out: SweepRecord[] = [];
  for (const kappa of [1.5, 2])
    for (const steps of [1, 2])
      for (const preprocess of ['train', 'hermite'])
        for (const seed of [0, 1, 2]) {
          const testError = (preprocess === 'train' ? 1.02 : 1.108) - 0.1 * (steps - 1) + 0.001 * seed;
          out.push({
            key: `${kappa}/${steps}/${preprocess}/${seed}`,
            params: { kappa, steps, preprocess, seed },
            config: { d: 256, p: 128, kappa, steps, preprocess, seed, initSeed: null, target: 'u1 + u1*u2' },
            version: '0',
            engineVersion: '0',
            testError,
            memoryEstimateBytes: 0,
            timing: { seconds: 1, stages: {} },
          } as unknown as SweepRecord);
        }
  return out;
}

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('not refused');
};

describe('never pool silently', () => {
  it('summarize --by kappa,steps refuses to average over preprocess, naming it, its values and the fixes', () => {
    const e = refusal(() => summarize(records(), { by: ['kappa', 'steps'] }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.field).toBe('preprocess');
    expect(e.message).toMatch(/differ in preprocess \(train, hermite\).*--by preprocess.*--where preprocess=train.*--pool preprocess/);
  });

  it('summarize groups by every sweep axis by default, and pools only what --pool names', () => {
    const byDefault = summarize(records());
    expect(byDefault.by).toEqual(['kappa', 'steps', 'preprocess']);
    expect(byDefault.groups).toHaveLength(8);
    expect(byDefault.groups.every((g) => g.count === 3)).toBe(true);
    const pooled = summarize(records(), { by: ['kappa', 'steps'], pool: ['preprocess'] });
    expect(pooled.pooled).toEqual([{ field: 'preprocess', values: ['train', 'hermite'] }]);
    expect(pooled.groups[0].count).toBe(6);
    const train = summarize(records(), { by: ['kappa', 'steps'], where: ['preprocess=train'] });
    expect(train.groups[0]).toMatchObject({ kappa: 1.5, steps: 1, count: 3 });
    expect(train.groups[0].mean).toBeCloseTo(1.021, 10);
    expect(() => summarize(records(), { where: ['preprocess=none'] })).toThrow(/^where: no run matches/);
    expect(() => summarize(records(), { by: ['kappa', 'steps'], pool: ['preprocessing'] })).toThrow(/^pool: no run has a config field 'preprocessing'/);
  });

  it('plot --x steps --series kappa refuses to average over preprocess; --pool names it in the caption; --where keeps one', () => {
    const base = { x: 'steps', y: ['testError'], series: 'kappa', error: 'sem' as const };
    const e = refusal(() => plotRecords(records(), base));
    expect(e.field).toBe('preprocess');
    expect(e.message).toMatch(/--series preprocess/);
    const pooled = plotRecords(records(), { ...base, pool: ['preprocess'] });
    const caption = JSON.stringify(pooled.title);
    expect(caption).toContain('error bars: s.e. over seeds and preprocess (train, hermite)');
    const train = plotRecords(records(), { ...base, where: ['preprocess=train'] });
    const values = (train.data as { values: { layer: string; x: number; y: number; series: string }[] }).values.filter((v) => v.layer === 'measured');
    expect(values.find((v) => v.x === 1 && v.series === 'kappa = 1.5')?.y).toBeCloseTo(1.021, 10);
    expect(JSON.stringify(train.title)).toContain('error bars: s.e. over seeds');
  });

  it('the CLI refuses with exit 2 and one line naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'giantstep-pooling-'));
    const file = join(dir, 'r.jsonl');
    writeFileSync(
      file,
      records()
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const s = await giantstep('summarize', file, '--by', 'kappa,steps');
    expect(s.code).toBe(2);
    expect(s.stderr.trim().split('\n')).toHaveLength(1);
    expect(s.stderr).toMatch(/preprocess: the runs averaged into one point differ in preprocess \(train, hermite\)/);
    const ok = await giantstep('summarize', file, '--by', 'kappa,steps', '--pool', 'preprocess');
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('each row averages over seeds and preprocess (train, hermite)');
    const p = await giantstep('plot', file, '--x', 'steps', '--y', 'testError', '--series', 'kappa', '--out', join(dir, 'f.svg'));
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/preprocess: .*--series preprocess/);
    const w = await giantstep(
      'plot',
      file,
      '--x',
      'steps',
      '--y',
      'testError',
      '--series',
      'kappa',
      '--where',
      'preprocess=train',
      '--out',
      join(dir, 'f.svg'),
    );
    expect(w.code).toBe(0);
    // export filters the same way (it averages nothing, so it needs no --pool).
    const e = await giantstep('export', file, '--where', 'preprocess=train', '--where', 'kappa=2', '--out', join(dir, 't.csv'), '--quiet');
    expect(e.code).toBe(0);
    expect(readFileSync(join(dir, 't.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 6);
    const none = await giantstep('export', file, '--where', 'preprocess=none', '--out', join(dir, 'n.csv'));
    expect([none.code, none.stderr.trim()]).toEqual([2, 'giantstep: where: no run matches preprocess=none']);
  });

  it("--baselines follows the series, and is flat against a steps axis (the issue's case)", () => {
    const data = records()
      .filter((r) => r.config.preprocess === 'train')
      .map((r) => ({
        ...r,
        baselines: { randomFeatures: { testError: r.config.kappa === 1.5 ? 1.032 : 1.004, trainError: 0 }, linearKernel: { testError: 1 } },
      }));
    const spec = plotRecords(data as SweepRecord[], { x: 'steps', y: ['testError'], series: 'kappa', baselines: true });
    const values = (spec.data as { values: { layer: string; x?: number; y: number; series: string }[] }).values;
    const rf = values.filter((v) => v.series.startsWith('random features'));
    // One flat line per kappa at its own value, no point pooled over kappa at x = 1.
    expect(new Set(rf.map((v) => `${v.series}: ${v.y}`))).toEqual(
      new Set(['random features + linear part, kappa = 1.5: 1.032', 'random features + linear part, kappa = 2: 1.004']),
    );
    expect(rf.every((v) => v.layer !== 'measured')).toBe(true);
  });

  it('a theory file computed for one config is drawn with its own series, not joined with the others', () => {
    const data = records().filter((r) => r.config.preprocess === 'train');
    const curve = (kappa: number, y: number) => ({ config: { kappa }, steps: [1, 2].map((step) => ({ step, testError: y - 0.1 * step })) });
    const theory = [curve(1.5, 1.1), curve(2, 1.0)].map((c) => ({ curve: c, x: 'step', y: 'testError', label: 'theory: testError' }));
    const spec = plotRecords(data as SweepRecord[], { x: 'steps', y: ['testError'], series: 'kappa', theory });
    const lines = (spec.data as { values: { layer: string; y: number; series: string }[] }).values.filter((v) => v.layer === 'theory');
    expect(lines.filter((v) => v.series === 'kappa = 1.5').map((v) => v.y)).toEqual([1.0, 0.9].map((v) => expect.closeTo(v, 12)));
    expect(lines.filter((v) => v.series === 'kappa = 2').map((v) => v.y)).toEqual([0.9, 0.8].map((v) => expect.closeTo(v, 12)));
  });

  it('one reader for every command: a run result is one record, a file with no result records is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'giantstep-reader-'));
    const run = join(dir, 'run.json');
    const made = await giantstep('run', '--d', '32', '--p', '16', '--n', '64', '--n-test', '200', '--out', run);
    expect(made.code).toBe(0);
    const s = await giantstep('summarize', run, '--json');
    expect([s.code, s.stderr]).toEqual([0, '']);
    expect(JSON.parse(s.stdout).groups).toEqual([expect.objectContaining({ count: 1 })]);
    const e = await giantstep('export', run, '--out', join(dir, 't.csv'), '--quiet');
    expect(e.code).toBe(0);
    expect(readFileSync(join(dir, 't.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
    const p = await giantstep('plot', run, '--x', 'd', '--y', 'testError', '--out', join(dir, 'f.svg'));
    expect(p.code).toBe(0);
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'not results\nat all\n');
    for (const args of [
      ['summarize', junk],
      ['export', junk, '--out', join(dir, 'j.csv')],
      ['plot', junk, '--x', 'kappa', '--y', 'testError', '--out', join(dir, 'j.svg')],
    ]) {
      const r = await giantstep(...args);
      expect([r.code, r.stderr.trim().split('\n').length], args[0]).toEqual([2, 1]);
      expect(r.stderr, args[0]).toContain(`files: ${junk} holds no result records`);
    }
  });

  it('an axis of whole numbers (steps) gets whole-number ticks', () => {
    const spec = plotRecords(records(), { x: 'steps', y: ['testError'], series: 'kappa', pool: ['preprocess'] });
    expect(JSON.stringify(spec)).toContain('"tickMinStep":1');
    const kappa = plotRecords(records(), { x: 'kappa', y: ['testError'], series: 'steps', pool: ['preprocess'] });
    expect(JSON.stringify(kappa)).not.toContain('tickMinStep');
  });
});
