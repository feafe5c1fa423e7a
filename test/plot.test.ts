import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIELDS } from '../src/config/fields';
import { RESULT_FIELD_DOCS } from '../src/docs-tables';
import { parseField } from '../src/plot/metric-path';
import { AXIS_TITLES, plotRecords } from '../src/plot/records';
import { renderSvg, svgToPng } from '../src/plot/render';
import { lineChart, mergeCoincidingBaselines, wrapCaption } from '../src/plot/spec';
import { sampleStats } from '../src/plot/stats';

const cli = join(__dirname, '..', 'dist', 'cli', 'main.js');
const exec = promisify(execFile);
const giantstep = (...args: string[]) => exec(process.execPath, [cli, ...args]);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const record = (kappa: number, steps: number, seed: number, testError: number) => ({
  key: `${kappa}-${steps}-${seed}`,
  config: { kappa, steps, seed, d: 64, target: 'T-B' },
  steps: Array.from({ length: steps }, (_, i) => ({
    step: i + 1,
    overlap: { singularValues: [0.5, 0.1 * (i + 1)] },
    updateCos: [
      [0.5, -0.1],
      [-0.7, 0.3],
    ],
  })),
  testError,
  baselines: { randomFeatures: { testError: 1.4 + seed / 10 }, linearKernel: { testError: 1 } },
});

describe('field paths', () => {
  const r = record(1.5, 2, 0, 0.7);
  it('reads dotted paths, negative indices and bare config fields', () => {
    expect(parseField('testError').get(r)).toBe(0.7);
    expect(parseField('kappa').get(r)).toBe(1.5); // found under config
    expect(parseField('steps').get(r)).toBe(2); // the config's step count, not the steps array
    expect(parseField('steps.-1.overlap.singularValues.1').get(r)).toBeCloseTo(0.2, 12);
    expect(parseField('baselines.randomFeatures.testError').get(r)).toBe(1.4);
    expect(parseField('nothing.here').get(r)).toBeUndefined();
  });
  it('reduces many values with a function around a path with *', () => {
    expect(parseField('meanAbs(steps.0.updateCos.*.0)').get(r)).toBeCloseTo(0.6, 12);
    expect(parseField('max(steps.0.updateCos.*.1)').get(r)).toBe(0.3);
    expect(parseField('count(steps.*.step)').get(r)).toBe(2);
    expect(() => parseField('median(testError)')).toThrow(/unknown function 'median'/);
    expect(() => parseField('a..b')).toThrow(/dotted path/);
  });
});

describe('plotRecords', () => {
  const records = [0, 1, 2].flatMap((seed) => [1, 2].flatMap((kappa) => [1, 2].map((steps) => record(kappa, steps, seed, kappa / steps + seed / 100))));

  it('averages the seeds of each point with std or s.e. bars, one series per value', () => {
    for (const error of ['std', 'sem'] as const) {
      const spec = plotRecords(records, { x: 'kappa', y: ['testError'], series: 'steps', error, baselines: true });
      const rows = (spec.data as { values: Record<string, unknown>[] }).values;
      const point = rows.find((v) => v.layer === 'measured' && v.series === 'steps = 2' && v.x === 2) as Record<string, number>;
      const s = sampleStats([0, 1, 2].map((seed) => 1 + seed / 100));
      expect(point.y).toBeCloseTo(s.mean, 12);
      expect(point.hi - point.y).toBeCloseTo(s[error], 12);
      expect(point.count).toBe(3);
      // Random features once per seed (from the runs with the fewest steps), not once per step count.
      expect(rows.find((v) => v.series === 'random features' && v.x === 1)).toMatchObject({ count: 3, y: 1.5 });
      // With pre-processing the baseline adds back the labels' linear part, and says so.
      const pre = records.map((r) => ({ ...r, config: { ...r.config, preprocess: 'train' } }));
      const preRows = (
        plotRecords(pre, { x: 'kappa', y: ['testError'], series: 'steps', error, baselines: true }).data as { values: Record<string, unknown>[] }
      ).values;
      expect(preRows.some((v) => v.series === 'random features + linear part')).toBe(true);
      expect(rows.find((v) => v.layer === 'baseline')).toMatchObject({ y: 1, series: 'linear kernel' });
      expect(JSON.stringify(spec)).toContain(error === 'std' ? 'mean ± std over seeds' : 'mean ± s.e. over seeds');
    }
  });

  it('overlays theory points and says what is wrong with bad fields', () => {
    const theory = [
      {
        curve: {
          points: [
            { kappa: 1, err: 0.9 },
            { kappa: 2, err: 0.4 },
          ],
        },
        x: 'kappa',
        y: 'err',
        label: 'theory',
      },
    ];
    const spec = plotRecords(records, { x: 'kappa', y: ['testError'], theory, pool: ['steps'] });
    const rows = (spec.data as { values: Record<string, unknown>[] }).values;
    expect(rows.filter((v) => v.layer === 'theory').map((v) => v.y)).toEqual([0.9, 0.4]);
    expect(() => plotRecords(records, { x: 'kappa', y: ['bogus'] })).toThrow(/^y: no record has a number at bogus$/);
    // The field at fault is named, with the nearest one the records have.
    expect(() => plotRecords(records, { x: 'kapa', y: ['testError'] })).toThrow(/^x: no record has a number at kapa; did you mean kappa\?$/);
    expect(() => plotRecords(records, { x: 'kappa', y: ['testEror'] })).toThrow(/^y: no record has a number at testEror; did you mean testError\?$/);
  });
});

/** A line chart with plain titles, for tests about its data. */
const minimalChart = (input: Pick<Parameters<typeof lineChart>[0], 'measured'> & Partial<Parameters<typeof lineChart>[0]>) =>
  lineChart({ title: 't', caption: [], x: { title: 'p' }, y: { title: 'test error' }, seriesTitle: 'steps', error: 'sem', ...input });

describe('rendering', () => {
  const spec = lineChart({
    title: 'A test figure',
    caption: ['d = 64, p = 32; the caption carries the parameters of the runs'],
    x: { title: 'κ = log n / log d' },
    y: { title: 'test error', log: true },
    seriesTitle: 'steps',
    error: 'sem',
    measured: [1, 2, 3].map((x) => ({ x, y: 1 / x, lo: 0.9 / x, hi: 1.1 / x, count: 3, series: '1 step' })),
    theory: [1, 3].map((x) => ({ x, y: 1.2 / x, series: 'theory' })),
    baselines: [{ y: 0.5, series: 'linear kernel' }],
  });

  it('renders SVG with the titles, legend and caption', async () => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['A test figure', 'κ = log n / log d', 'test error', 'linear kernel', 'the caption carries the parameters', 'mean ± s.e. over seeds'])
      expect(svg).toContain(text);
  });

  it('renders PNG at twice the SVG size', async () => {
    const svg = await renderSvg(spec);
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    const size = pngSize(svgToPng(svg));
    expect(size.width).toBe(2 * width);
    expect(size.height).toBeGreaterThan(300);
  });

  it('orders facet panels as asked (numbers as numbers, not as strings)', async () => {
    const rows = ['α = 4', 'α = 8', 'α = 16'];
    const faceted = minimalChart({
      measured: rows.map((alpha, i) => ({ x: 1, y: i + 1, lo: i + 1, hi: i + 1, count: 1, series: '1 step', alpha })),
      facets: { row: { field: 'alpha', title: '', sort: rows } },
    });
    expect((faceted.facet as { row: { sort: string[] } }).row.sort).toEqual(rows);
    const svg = await renderSvg(faceted);
    const at = rows.map((r) => svg.indexOf(`>${r}<`));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('draws baselines at one height in one panel as one line naming both (fig1-right: 1.0 and 1.0)', () => {
    const merged = mergeCoincidingBaselines([
      { y: 1, series: 'linear kernel (population)' },
      { y: 1 + 1e-12, series: 'best function of the first direction alone' },
      { y: 1.0001, series: 'random features' },
      { y: 1, series: 'linear kernel (population)', alpha: 'α = 8' },
    ]);
    expect(merged.map((b) => b.series)).toEqual([
      'linear kernel (population) = best function of the first direction alone',
      'random features',
      'linear kernel (population)',
    ]);
    const chart = minimalChart({
      measured: [{ x: 1, y: 1, lo: 1, hi: 1, count: 1, series: 'a' }],
      baselines: merged.slice(0, 2).concat([{ y: 1, series: 'best function of the first direction alone' }]),
    });
    expect(JSON.stringify(chart)).not.toContain('"series":"best function of the first direction alone"');
  });

  it('wraps long captions so the figure keeps its width', () => {
    const lines = wrapCaption(['word '.repeat(60).trim()], 40);
    expect(lines.length).toBeGreaterThan(5);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(40);
  });
});

describe('giantstep plot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'giantstep-plot-'));

  it('plots a sweep file (SVG and PNG, with its vega-lite spec) and overlays a theory curve', async () => {
    const results = join(dir, 'results.jsonl');
    const spec = join(dir, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({
        base: {
          d: 100,
          p: 20,
          target: 'T-C',
          initW: 'sphere',
          initA: 'signs',
          symmetric: true,
          preprocess: 'none',
          eta: 1,
          etaRule: 'raw',
          nTest: 500,
          trackNeurons: 20,
        },
        grid: { alpha: [1, 4], ell: [1], steps: [1, 2] },
        seeds: 3,
      }),
    );
    await giantstep('sweep', spec, '--out', results, '--quiet');
    const lines = readFileSync(results, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12);

    const fig = join(dir, 'fig.svg');
    const { stderr } = await giantstep(
      'plot',
      results,
      '--x',
      'alpha',
      '--y',
      'testError',
      '--series',
      'steps',
      '--error',
      'sem',
      '--baselines',
      '--log-x',
      '--out',
      fig,
      '--out',
      join(dir, 'fig.png'),
    );
    expect(stderr).toContain('wrote');
    for (const f of ['fig.svg', 'fig.png', 'fig.vl.json']) expect(existsSync(join(dir, f))).toBe(true);
    const vl = JSON.parse(readFileSync(join(dir, 'fig.vl.json'), 'utf8'));
    const point = vl.data.values.find((v: Record<string, unknown>) => v.layer === 'measured' && v.series === 'steps = 2' && v.x === 4);
    const expected = sampleStats(lines.filter((l) => l.config.alpha === 4 && l.config.steps === 2).map((l) => l.testError));
    expect(point.y).toBeCloseTo(expected.mean, 12);
    expect(point.hi - point.y).toBeCloseTo(expected.sem, 12);
    expect(vl.layer.some((l: { encoding: { x?: { scale?: { type?: string } } } }) => l.encoding.x?.scale?.type === 'log')).toBe(true);
    expect(pngSize(readFileSync(join(dir, 'fig.png'))).width).toBeGreaterThan(600);

    const curve = join(dir, 'curve.json');
    await giantstep('theory', 'one-step', '--alpha', '1,2,4', '--target', 'T-C', '--out', curve);
    await giantstep(
      'plot',
      results,
      '--x',
      'alpha',
      '--y',
      'meanAbs(steps.0.overlap.neuronCos.*.0)',
      '--theory',
      curve,
      '--theory-y',
      'weightCosByDirection.0',
      '--where',
      'steps=1',
      '--out',
      join(dir, 'theory.svg'),
    );
    const tvl = JSON.parse(readFileSync(join(dir, 'theory.vl.json'), 'utf8'));
    expect(tvl.data.values.filter((v: Record<string, unknown>) => v.layer === 'theory')).toHaveLength(3);
  });

  it('fails with a clear message on a missing field or a bad output name', async () => {
    const results = join(dir, 'one.jsonl');
    writeFileSync(results, JSON.stringify(record(1, 1, 0, 0.5)) + '\n');
    await expect(giantstep('plot', results, '--x', 'kappa', '--y', 'bogus', '--out', join(dir, 'x.svg'))).rejects.toMatchObject({
      stderr: expect.stringContaining('y: no record has a number at bogus'),
    });
    await expect(giantstep('plot', results, '--x', 'kappa', '--y', 'testError', '--out', join(dir, 'x.pdf'))).rejects.toMatchObject({
      stderr: expect.stringContaining('.svg or .png'),
    });
  });
});

describe('axis titles', () => {
  it("title only config fields and the result's own paths, with the paper's symbols", () => {
    for (const name of Object.keys(AXIS_TITLES)) {
      const top = name.split('.')[0];
      expect(Object.hasOwn(FIELDS, name) || Object.hasOwn(RESULT_FIELD_DOCS, top), name).toBe(true);
    }
    expect([AXIS_TITLES.kappa, AXIS_TITLES.alpha, AXIS_TITLES.steps]).toEqual(['κ = log n / log d', 'α = n / d', 'giant steps T']);
  });
});
