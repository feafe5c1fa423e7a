// §9 fourth bullet: test error against width p for 1 and 2 steps against random features; d = 256,
// α = n/d ∈ {4, 8, 16}, p from 1 to 6αd (30 values), η = 5p, λ = 1e-6, n_test = 5·10⁴, 4 seeds, readout on
// a fresh batch of n, targets T-D…T-G.

import { parseField } from '../plot/metric-path';
import { measuredPoints } from '../plot/records';
import type { MeasuredPoint, VegaLiteSpec } from '../plot/spec';
import { lineChart } from '../plot/spec';
import type { SampleStats } from '../plot/stats';
import { sampleStats } from '../plot/stats';
import type { SweepRecord } from '../sweep';
import { describeTargetSync } from '../theory';
import type { Bound } from './analysis';
import { boundText, fmt, inequalities, measuredCell, numberAt, pairedStats, statsOf, testBound, valuesOf, verdictOfBounds, verdictOfCells } from './analysis';
import type { Reproduction, RunSet, Shown, Table } from './types';

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
  "Learned features beat random features with far fewer neurons (the best error over widths after one step is below random features' best at any width), and a second step learns a new direction — the neurons' overlap with a second target direction grows and two steps beat one — exactly for the targets whose extra directions are linearly connected to the first (T-D, T-F, T-G; not T-E, leap 2).";

/** Whether a second step with n = O(d) learns more directions than the first, from the theory. */
const secondStepLearns = (target: string) => {
  const dims = describeTargetSync(target).learnedDims.multiStep;
  return dims[1] > dims[0];
};

type Best = { p: number; s: SampleStats };

/** The model's best mean error over widths (the interpolation peak at p = n makes one width a poor witness). */
function best(here: SweepRecord[], path: string, steps: number): Best | undefined {
  const stats = valuesOf(here, 'p')
    .map((p) => ({ p, s: statsOf(here, (r) => r.config.p === p && r.config.steps === steps, path) }))
    .filter((x): x is Best => x.s !== undefined);
  return stats.length ? stats.reduce((a, b) => (b.s.mean < a.s.mean ? b : a)) : undefined;
}

/** Second singular values of the overlap need at least this many neurons per target direction. */
const NEURONS_PER_DIRECTION = 4;

/**
 * Second singular value of (1/√p) Ŵ W*ᵀ at init, after step 1 and after step 2, over the two-step runs
 * wide enough to span several directions (all widths and seeds pooled).
 */
/** A two-step run wide enough to span several target directions: the runs whose σ₂ is read. */
const wide = (r: SweepRecord) => r.config.steps === 2 && r.config.p >= NEURONS_PER_DIRECTION * (r.target?.k ?? 1);

function secondSingularValues(here: SweepRecord[]) {
  const at = (path: string) => statsOf(here, wide, path);
  return { init: at('initial.singularValues.1'), one: at('steps.0.overlap.singularValues.1'), two: at('steps.1.overlap.singularValues.1') };
}

export interface WidthCheck {
  alpha: number;
  target: string;
  rf: Best;
  one: Best;
  two: Best;
  sv: { init: SampleStats; one: SampleStats; two: SampleStats };
  expectGain: boolean;
  /** The inequalities tested, each at 2 s.e. in its own direction. */
  bounds: { beatsRandom: Bound; grewFromStep1: Bound; grewFromInit: Bound; twoBeatOne: Bound };
  /** The bounds the outcome rests on (all four, or two where the theory expects no new direction). */
  tested: Bound[];
  beatsRandom: boolean;
  newDirection: boolean;
  learnsMore: boolean;
  /** As the theory expects ('yes'), refuted ('no'), or not decidable at 2 s.e. */
  outcome: Shown;
  ok: boolean;
  test: string;
}

/** Per seed, the best (least) value at `path` over widths, among the runs with `steps` steps. */
function bestPerSeed(here: SweepRecord[], path: string, steps: number): Map<number, number> {
  const best = new Map<number, number>();
  for (const r of here) {
    const v = numberAt(r, path);
    if (r.config.steps !== steps || v === undefined) continue;
    best.set(r.config.seed, Math.min(best.get(r.config.seed) ?? Infinity, v));
  }
  return best;
}

/** Over seeds, `a(seed) − b(seed)` for the seeds both have. */
function seedGap(a: Map<number, number>, b: Map<number, number>): SampleStats | undefined {
  const gaps = [...a].filter(([seed]) => b.has(seed)).map(([seed, x]) => x - (b.get(seed) as number));
  return gaps.length ? sampleStats(gaps) : undefined;
}

/**
 * The checks of one (target, α), each at 2 s.e. in its own direction: one step beats random features (per
 * seed, best over widths); the second step learns a new direction — σ₂ after step 2 over σ₂ after step 1 and
 * over σ₂ at init, per run (the two-step runs wide enough to span several directions), both above 2 — and two
 * steps beat one (per seed, best over widths). Lower error alone is no evidence: with p ≳ d a ridge readout
 * on one-step features already fits part of u1·u2 (T-D) with no overlap on u2. Where the theory expects no
 * new direction (T-E), σ₂'s growth from step 1 must be shown below 2.
 */
export function widthCheck(here: SweepRecord[], target: string, alpha: number): WidthCheck | undefined {
  const m = measureCell(here);
  return m && checkOf(m, target, alpha);
}

/** The measured quantities of one (target, α), numbers only: best errors over widths, σ₂, and the per-seed and per-run gaps and ratios the test reads. */
interface CellNumbers {
  rf: Best;
  one: Best;
  two: Best;
  sv: { init: SampleStats; one: SampleStats; two: SampleStats };
  fromStep1: SampleStats;
  fromInit: SampleStats;
  rfGap: SampleStats;
  stepGap: SampleStats;
}

function measureCell(here: SweepRecord[]): CellNumbers | undefined {
  const [rf, one, two] = [best(here, 'baselines.randomFeatures.testError', 1), best(here, 'testError', 1), best(here, 'testError', 2)];
  const sv = secondSingularValues(here);
  const ratio = (a: number, b: number) => a / b;
  const fromStep1 = pairedStats(here, wide, 'steps.1.overlap.singularValues.1', 'steps.0.overlap.singularValues.1', ratio);
  const fromInit = pairedStats(here, wide, 'steps.1.overlap.singularValues.1', 'initial.singularValues.1', ratio);
  const rfGap = seedGap(bestPerSeed(here, 'baselines.randomFeatures.testError', 1), bestPerSeed(here, 'testError', 1));
  const stepGap = seedGap(bestPerSeed(here, 'testError', 1), bestPerSeed(here, 'testError', 2));
  if (!rf || !one || !two || !sv.init || !sv.one || !sv.two || !fromStep1 || !fromInit || !rfGap || !stepGap) return undefined;
  return { rf, one, two, sv: { init: sv.init, one: sv.one, two: sv.two }, fromStep1, fromInit, rfGap, stepGap };
}

/** The test of one (target, α), from its numbers alone. */
function checkOf(m: CellNumbers, target: string, alpha: number): WidthCheck {
  const { rf, one, two, fromStep1, fromInit, rfGap, stepGap } = m;
  const expectGain = secondStepLearns(target);
  const bounds = {
    beatsRandom: { what: 'best random features − best 1 step (per seed)', stats: rfGap, bound: 0, above: true },
    grewFromStep1: { what: 'σ₂ after step 2 / after step 1 (per run)', stats: fromStep1, bound: 2, above: expectGain },
    grewFromInit: { what: 'σ₂ after step 2 / at init (per run)', stats: fromInit, bound: 2, above: true },
    twoBeatOne: { what: 'best 1 step − best 2 steps (per seed)', stats: stepGap, bound: 0, above: true },
  };
  const holds = (b: Bound) => testBound(b) === 'holds';
  const beatsRandom = holds(bounds.beatsRandom);
  const newDirection = expectGain
    ? holds(bounds.grewFromStep1) && holds(bounds.grewFromInit)
    : testBound(bounds.grewFromStep1) === 'fails' && holds(bounds.grewFromInit);
  const learnsMore = newDirection && holds(bounds.twoBeatOne);
  // Expected gain: all four hold. Expected none: one step beats random features and σ₂'s growth from step 1 stays below 2.
  const tested = expectGain ? Object.values(bounds) : [bounds.beatsRandom, bounds.grewFromStep1];
  const outcome = verdictOfBounds(tested);
  const test =
    `${target}, α = ${alpha} (theory: the second step ${expectGain ? 'adds a' : 'adds no'} direction): ` +
    tested.map((b) => boundText(b, 4)).join('; ') +
    ` → ${outcome === 'yes' ? 'as expected' : outcome === 'no' ? 'not as expected' : 'undecided'}`;
  return { alpha, target, rf, one, two, sv: m.sv, expectGain, bounds, tested, beatsRandom, newDirection, learnsMore, outcome, ok: outcome === 'yes', test };
}

/** Why a (target, α) is not as expected, from the first bound that did not hold. */
function whyNot(c: WidthCheck): string {
  const { beatsRandom, grewFromStep1, grewFromInit, twoBeatOne } = c.bounds;
  if (testBound(beatsRandom) !== 'holds') return 'one step does not beat random features by 2 s.e.';
  if (!c.expectGain) return "σ₂'s growth at step 2 is not shown below 2: the second step may learn a direction the theory does not expect at this size";
  if (testBound(grewFromStep1) !== 'holds' || testBound(grewFromInit) !== 'holds') return 'σ₂ is not shown to grow two-fold at step 2';
  return testBound(twoBeatOne) === 'fails' ? 'the overlap grew but two steps do not beat one' : 'the overlap grew; two steps beating one is undecided';
}

/**
 * The α whose runs are all in: an interrupted full run leaves an α out (a partial width range would misstate
 * its best error), and says which.
 */
function completeAlphas(all: SweepRecord[], quick: boolean): { alphas: number[]; partial: string[]; records: SweepRecord[] } {
  const s = setup(quick);
  const planned = (alpha: number) => s.targets.length * widths(6 * alpha * s.d, s.count).length * 2 * s.seeds;
  const runsAt = (alpha: number) => all.filter((r) => r.config.alpha === alpha).length;
  const alphas = valuesOf(all, 'alpha').filter((a) => runsAt(a) === planned(a));
  const partial = s.alphas.filter((a) => !alphas.includes(a)).map((a) => `α = ${a}: ${runsAt(a)} of ${planned(a)} runs`);
  const records = all.filter((r) => alphas.includes(r.config.alpha ?? NaN));
  if (records.length === 0) throw new Error(`width-sweep: no α has all its runs yet (${partial.join('; ')})`);
  return { alphas, partial, records };
}

/** The verdict's English: the numbers at the largest α, which cells are not as expected and why, and every cell's test. */
function words(checks: WidthCheck[], alphas: number[], partial: string[]): { evidence: string; test: string } {
  const okCount = checks.filter((c) => c.ok).length;
  const at = (b: Best) => `${fmt(b.s, 'sem')} (p = ${b.p})`;
  const alpha = Math.max(...alphas);
  const evidence =
    `Best test error over widths at α = ${alpha} (mean ± s.e.): ` +
    checks
      .filter((c) => c.alpha === alpha)
      .map(
        (c) =>
          `${c.target} random features ${at(c.rf)}, 1 step ${at(c.one)}, 2 steps ${at(c.two)}, second singular value init / step 1 / step 2 ${c.sv.init.mean.toFixed(3)} / ${c.sv.one.mean.toFixed(3)} / ${c.sv.two.mean.toFixed(3)} (theory: the second step ${c.expectGain ? 'adds a' : 'adds no'} direction)`,
      )
      .join('; ') +
    `. As expected in ${okCount} of ${checks.length} (target, α) pairs${alphas.length > 1 ? ` (α = ${alphas.join(', ')})` : ''}` +
    checks
      .filter((c) => !c.ok)
      .map((c) => `; ${c.outcome === 'no' ? 'not' : 'undecided:'} ${c.target} at α = ${c.alpha} (${whyNot(c)})`)
      .join('') +
    '.' +
    (partial.length ? ` Not run to the end, so left out: ${partial.join('; ')}.` : '');
  return { evidence, test: checks.map((c) => c.test).join('\n') };
}

/** Per α, the test error at every width: random features, 1 step and 2 steps, mean ± s.e. over seeds. */
function tables(records: SweepRecord[], alphas: number[]): Table[] {
  const ps = valuesOf(records, 'p');
  return alphas.map((a) => ({
    title: `Test error at α = ${a} (mean ± s.e. over seeds)`,
    columns: ['target', 'p', 'random features', '1 step', '2 steps'],
    rows: TARGETS.flatMap((target) =>
      ps
        .filter((p) => records.some((r) => r.config.alpha === a && r.config.p === p && r.config.target === target))
        .map((p) => {
          const at = (t: number) => (r: SweepRecord) => r.config.alpha === a && r.config.p === p && r.config.target === target && r.config.steps === t;
          return [
            target,
            p,
            measuredCell(statsOf(records, at(1), 'baselines.randomFeatures.testError')),
            measuredCell(statsOf(records, at(1), 'testError')),
            measuredCell(statsOf(records, at(2), 'testError')),
          ];
        }),
    ),
  }));
}

/** Test error against width, per target and α: 1 and 2 steps and random features, mean ± s.e. over seeds. */
function figure(records: SweepRecord[], alphas: number[], partial: string[], quick: boolean): VegaLiteSpec {
  const x = parseField('config.p');
  const facet = (r: SweepRecord) => ({ target: r.config.target, alpha: `α = n/d = ${r.config.alpha}` });
  const measured: MeasuredPoint[] = [];
  for (const target of TARGETS) {
    for (const alpha of alphas) {
      const here = records.filter((r) => r.config.target === target && r.config.alpha === alpha);
      if (!here.length) continue;
      const tag = (points: MeasuredPoint[]) => points.map((p) => ({ ...p, ...facet(here[0]) }));
      for (const t of [1, 2])
        measured.push(
          ...tag(
            measuredPoints(
              here.filter((r) => r.config.steps === t),
              x,
              parseField('testError'),
              () => `${t} step${t > 1 ? 's' : ''}`,
              'sem',
            ),
          ),
        );
      measured.push(
        ...tag(
          measuredPoints(
            here.filter((r) => r.config.steps === 1),
            x,
            parseField('baselines.randomFeatures.testError'),
            () => 'random features',
            'sem',
          ),
        ),
      );
    }
  }
  const baselines = TARGETS.flatMap((target) => {
    const r = records.find((rr) => rr.config.target === target);
    if (!r) return [];
    return alphas.flatMap((alpha) => [
      { y: numberAt(r, 'baselines.linearKernel.testError') ?? NaN, series: 'linear kernel (population)', target, alpha: `α = n/d = ${alpha}` },
    ]);
  });
  const c = records[0].config;
  const seeds = new Set(records.map((r) => r.config.seed)).size;
  return lineChart({
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
    facets: {
      column: { field: 'target', title: 'target' },
      row: { field: 'alpha', title: '', sort: [...alphas].sort((a, b) => a - b).map((a) => `α = n/d = ${a}`) },
    },
    width: 200,
    height: 180,
  });
}

export const widthSweep: Reproduction = {
  name: 'width-sweep',
  title: 'Test error against width for 1 and 2 steps, against random features (T-D…T-G)',
  description:
    'd = 256, n = αd with α ∈ {4, 8, 16}, p from 1 to 6αd (30 values, log-spaced), η = 5p, λ = 10⁻⁶, n_test = 5·10⁴, 4 seeds, a = ±1/√p, W0 redrawn per seed, readout on a fresh batch of n, no pre-processing, targets T-D, T-E, T-F, T-G; one run per point serves 1 and 2 steps. ' +
    "Differences from the authors' script (check_positive_cget.py): it draws a0 ~ N(0, 1/p) where this uses ±1/√p (as the multi-step notebook), spaces its 30 widths linearly where this spaces them in log (the small widths where one step beats random features get points), and its T-G constant lacks the Gaussian's 1/√(2π) (their target is the preset T-G-authors, whose C1* = (1, −1.52, 0) puts u2 in the first step's span). " +
    '--quick: d = 64, α = 4, 8 widths from 1 to 1536, 2 seeds, n_test = 5000.',
  runSets(quick) {
    const s = setup(quick);
    return s.alphas.map(
      (alpha): RunSet => ({
        label: `α = ${alpha}`,
        spec: {
          base: {
            d: s.d,
            alpha,
            ell: 1,
            activation: 'relu',
            eta: 5,
            etaRule: 'p-d',
            lambda: 1e-6,
            nTest: s.nTest,
            initW: 'gaussian',
            initA: 'signs',
            initSeed: null,
            preprocess: 'none',
            batches: 'fresh',
            readoutBatch: 'fresh',
            trackNeurons: 0,
          },
          grid: { target: s.targets, p: widths(6 * alpha * s.d, s.count), steps: [1, 2] },
          seeds: s.seeds,
        },
      }),
    );
  },
  analyze(all, quick) {
    const { alphas, partial, records } = completeAlphas(all, quick);
    const checks = alphas.flatMap((alpha) =>
      TARGETS.flatMap((target) => {
        const check = widthCheck(
          records.filter((r) => r.config.target === target && r.config.alpha === alpha),
          target,
          alpha,
        );
        return check ? [check] : [];
      }),
    );
    const shown = verdictOfCells(checks.map((c) => c.outcome));
    return {
      figures: [
        {
          name: 'width-sweep',
          spec: figure(records, alphas, partial, quick),
          verdict: { claim: CLAIM, shown, ...words(checks, alphas, partial), inequalities: checks.flatMap((c) => inequalities(c.tested)) },
        },
      ],
      tables: tables(records, alphas),
    };
  },
};
