// §9 fourth bullet: test error against width p for 1 and 2 steps against random features; d = 256,
// α = n/d ∈ {4, 8, 16}, p from 1 to 6αd (30 values), η = 5p, λ = 1e-6, n_test = 5·10⁴, 4 seeds, readout on
// a fresh batch of n, targets T-D…T-G.
import { lineChart } from '../plot/spec';
import type { MeasuredPoint } from '../plot/spec';
import { measuredPoints } from '../plot/records';
import { parseField } from '../plot/fields';
import { describe } from '../theory';
import type { SweepRecord } from '../sweep';
import { clearlyBelow, fmt, numberAt, oneDirectionError, statsOf, valuesOf } from './analysis';
import type { SampleStats } from '../plot/stats';
import type { Reproduction, RunSet, Shown } from './types';

const TARGETS = ['T-D', 'T-E', 'T-F', 'T-G'];

/** `count` distinct integers spaced evenly in log from 1 to `max`. */
export function widths(max: number, count: number): number[] {
  const values = Array.from({ length: count }, (_, i) => Math.round(Math.exp((Math.log(max) * i) / (count - 1))));
  return [...new Set(values)];
}

function setup(quick: boolean) {
  return quick
    ? { d: 64, alphas: [4], count: 8, seeds: 2, nTest: 5000, targets: TARGETS }
    : { d: 256, alphas: [4, 8, 16], count: 30, seeds: 4, nTest: 50000, targets: TARGETS };
}

const CLAIM =
  'Learned features beat random features with far fewer neurons (the best error over widths after one step is below random features\' best at any width), and a second step learns a new direction — an error below what the first direction alone allows — exactly for the targets whose extra directions are linearly connected to the first (T-D, T-F, T-G; not T-E, leap 2).';

/** Whether a second step with n = O(d) learns more directions than the first, from the theory. */
const secondStepLearns = (target: string) => {
  const dims = describe(target).learnedDims.multiStep;
  return dims[1] > dims[0];
};

export const widthSweep: Reproduction = {
  name: 'width-sweep',
  title: 'Test error against width for 1 and 2 steps, against random features (T-D…T-G)',
  description:
    'd = 256, n = αd with α ∈ {4, 8, 16}, p from 1 to 6αd (30 values, log-spaced), η = 5p, λ = 10⁻⁶, n_test = 5·10⁴, 4 seeds, a = ±1/√p, W0 redrawn per seed, readout on a fresh batch of n, no pre-processing, targets T-D, T-E, T-F, T-G; one run per point serves 1 and 2 steps. ' +
    '--quick: d = 64, α = 4, 8 widths from 1 to 1536, 2 seeds, n_test = 5000.',
  runSets(quick) {
    const s = setup(quick);
    return s.alphas.map(
      (alpha): RunSet => ({
        label: `α = ${alpha}`,
        spec: {
          base: {
            d: s.d, alpha, ell: 1, activation: 'relu', eta: 5, etaRule: 'p-d', lambda: 1e-6, nTest: s.nTest,
            initW: 'gaussian', initA: 'signs', initSeed: null, preprocess: 'none', batches: 'fresh', readoutBatch: 'fresh', trackNeurons: 0,
          },
          grid: { target: s.targets, p: widths(6 * alpha * s.d, s.count), steps: [1, 2] },
          seeds: s.seeds,
        },
      }),
    );
  },
  analyze(all, quick) {
    // An α whose runs are not all in (an interrupted full run) is left out: a partial width range
    // would misstate its best error.
    const s = setup(quick);
    const planned = (alpha: number) => s.targets.length * widths(6 * alpha * s.d, s.count).length * 2 * s.seeds;
    const runsAt = (alpha: number) => all.filter((r) => r.config.alpha === alpha).length;
    const alphas = valuesOf(all, 'alpha').filter((a) => runsAt(a) === planned(a));
    const partial = s.alphas.filter((a) => !alphas.includes(a)).map((a) => `α = ${a}: ${runsAt(a)} of ${planned(a)} runs`);
    const records = all.filter((r) => alphas.includes(r.config.alpha ?? NaN));
    if (records.length === 0) throw new Error(`width-sweep: no α has all its runs yet (${partial.join('; ')})`);
    const x = parseField('config.p');
    const facet = (r: SweepRecord) => ({ target: r.config.target, alpha: `α = n/d = ${r.config.alpha}` });
    const measured: MeasuredPoint[] = [];
    for (const target of TARGETS) {
      for (const alpha of alphas) {
        const here = records.filter((r) => r.config.target === target && r.config.alpha === alpha);
        if (!here.length) continue;
        const tag = (points: MeasuredPoint[]) => points.map((p) => ({ ...p, ...facet(here[0]) }));
        for (const t of [1, 2]) measured.push(...tag(measuredPoints(here.filter((r) => r.config.steps === t), x, parseField('testError'), () => `${t} step${t > 1 ? 's' : ''}`, 'sem')));
        measured.push(...tag(measuredPoints(here.filter((r) => r.config.steps === 1), x, parseField('baselines.randomFeatures.testError'), () => 'random features', 'sem')));
      }
    }
    const baselines = TARGETS.flatMap((target) => {
      const r = records.find((rr) => rr.config.target === target);
      if (!r) return [];
      return alphas.flatMap((alpha) => [
        { y: numberAt(r, 'baselines.linearKernel.testError') ?? NaN, series: 'linear kernel (population)', target, alpha: `α = n/d = ${alpha}` },
        { y: oneDirectionError(target), series: 'best function of the first direction alone', target, alpha: `α = n/d = ${alpha}` },
      ]);
    });
    const c = records[0].config;
    const seeds = new Set(records.map((r) => r.config.seed)).size;
    const spec = lineChart({
      title: 'Test error against width: 1 and 2 giant steps against random features',
      caption: [
        `ReLU, d = ${c.d}, n = αd per step, η = 5p, λ = ${c.lambda.toExponential(0)}, n_test = ${c.nTest}, a = ±1/√p, readout on a fresh batch of n; mean ± s.e. over ${seeds} seeds.${quick ? ' Quick version.' : ''}`,
        'Errors above 5 (the interpolation peak at p = n) are cut off; the tables have them.',
        ...(partial.length ? [`Not shown, not finished: ${partial.join('; ')}.`] : []),
      ],
      x: { title: 'width p', log: true },
      // The interpolation peak at p = n (λ = 1e-6) reaches ~100: cut it so the rest stays readable.
      y: { title: 'test error', log: true, domain: [0.2, 5] },
      seriesTitle: 'model',
      error: 'sem',
      measured,
      baselines,
      facets: { column: { field: 'target', title: 'target' }, row: { field: 'alpha', title: '', sort: [...alphas].sort((a, b) => a - b).map((a) => `α = n/d = ${a}`) } },
      width: 200,
      height: 180,
    });
    // Verdict on the best error over widths of each model (the interpolation peak at p = n, λ = 1e-6,
    // makes any single width a poor witness), at every α run.
    const best = (here: SweepRecord[], path: string, steps: number) => {
      const stats = valuesOf(here, 'p')
        .map((p) => ({ p, s: statsOf(here, (r) => r.config.p === p && r.config.steps === steps, path) }))
        .filter((x): x is { p: number; s: SampleStats } => x.s !== undefined);
      return stats.reduce((a, b) => (b.s.mean < a.s.mean ? b : a));
    };
    const checks = alphas.flatMap((alpha) =>
      TARGETS.filter((target) => records.some((r) => r.config.target === target && r.config.alpha === alpha)).map((target) => {
        const here = records.filter((r) => r.config.target === target && r.config.alpha === alpha);
        const [rf, one, two] = [best(here, 'baselines.randomFeatures.testError', 1), best(here, 'testError', 1), best(here, 'testError', 2)];
        const expectGain = secondStepLearns(target);
        // A new direction shows as an error below what the first direction alone allows (more steps
        // also sharpen the first direction, which lowers the error down to that floor only).
        const floor = oneDirectionError(target);
        const learnsMore = two.s.mean + 2 * two.s.sem < floor;
        const ok = clearlyBelow(one.s, rf.s) && learnsMore === expectGain;
        return { alpha, target, rf, one, two, floor, expectGain, ok };
      }),
    );
    const okCount = checks.filter((c) => c.ok).length;
    const shown: Shown = okCount === checks.length ? 'yes' : okCount === 0 ? 'no' : 'partly';
    const at = (b: { p: number; s: SampleStats }) => `${fmt(b.s, 'sem')} (p = ${b.p})`;
    const alpha = Math.max(...alphas);
    const evidence =
      `Best test error over widths at α = ${alpha} (mean ± s.e.): ` +
      checks
        .filter((c) => c.alpha === alpha)
        .map((c) => `${c.target} random features ${at(c.rf)}, 1 step ${at(c.one)}, 2 steps ${at(c.two)}, first direction alone ${c.floor.toFixed(3)} (theory: the second step ${c.expectGain ? 'adds a' : 'adds no'} direction)`)
        .join('; ') +
      `. As expected in ${okCount} of ${checks.length} (target, α) pairs${alphas.length > 1 ? ` (α = ${alphas.join(', ')})` : ''}` +
      checks
        .filter((c) => !c.ok)
        .map((c) => `; not ${c.target} at α = ${c.alpha} (random features ${fmt(c.rf.s, 'sem')}, 1 step ${fmt(c.one.s, 'sem')}, 2 steps ${fmt(c.two.s, 'sem')} against ${c.floor.toFixed(3)} for the first direction alone)`)
        .join('') +
      '.' +
      (partial.length ? ` Not run to the end, so left out: ${partial.join('; ')}.` : '');
    const ps = valuesOf(records, 'p');
    return {
      figures: [{ name: 'width-sweep', spec, verdict: { claim: CLAIM, shown, evidence } }],
      tables: alphas.map((a) => ({
        title: `Test error at α = ${a} (mean ± s.e. over seeds): random features / 1 step / 2 steps`,
        columns: ['p', ...TARGETS],
        rows: ps
          .filter((p) => records.some((r) => r.config.alpha === a && r.config.p === p))
          .map((p) => [
            p,
            ...TARGETS.map((target) => {
              const at = (t: number) => (r: SweepRecord) => r.config.alpha === a && r.config.p === p && r.config.target === target && r.config.steps === t;
              return `${fmt(statsOf(records, at(1), 'baselines.randomFeatures.testError'), 'sem')} / ${fmt(statsOf(records, at(1), 'testError'), 'sem')} / ${fmt(statsOf(records, at(2), 'testError'), 'sem')}`;
            }),
          ]),
      })),
    };
  },
};
