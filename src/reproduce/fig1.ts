// Figure 1, top panels: test error against log n / log d for 1..6 giant steps, with random features and
// the linear kernel; left T-A (leap 2), right T-B (staircase). The paper does not state d, p, η, λ;
// the choice is explained in FIG1_CHOICE (and docs/reproducing.md).

import type { ConfigInput } from '../config';
import { parseField } from '../plot/metric-path';
import { measuredPoints } from '../plot/records';
import type { MeasuredPoint } from '../plot/spec';
import { lineChart } from '../plot/spec';
import type { SampleStats } from '../plot/stats';
import type { AxisValues, SweepRecord } from '../sweep';
import type { Bound } from './analysis';
import {
  boundText,
  fmt,
  inequalities,
  measuredCell,
  nearest,
  numberAt,
  oneDirectionError,
  pairedStats,
  seedDifference,
  statsOf,
  testBound,
  valuesOf,
  verdictOfBounds,
} from './analysis';
import type { Reproduction, Shown, Verdict } from './types';

export const STEPS = [1, 2, 3, 4, 5, 6];

/** The network and step of Figure 1 (both panels and the in-plane directions). */
export function fig1Base(quick: boolean, target: string): ConfigInput {
  const d = quick ? 128 : 256;
  const p = quick ? 42 : 86; // ≈ d/3, even for the symmetric initialization
  return {
    d,
    p,
    target,
    activation: 'relu',
    eta: 2 * p,
    etaRule: 'raw', // η = 2p, the multi-step notebook's rate
    lambda: 1,
    nTest: quick ? 5000 : 10000,
    initW: 'gaussian',
    initA: 'notebook',
    symmetric: true,
    initSeed: null,
    preprocess: 'none',
    batches: 'fresh',
    readoutBatch: 'fresh',
    // Exact here (fresh batches, no pre-processing) and about half the full sampler's time at the large κ
    // that dominate (docs/performance.md); since 0.2.0 (CHANGELOG.md).
    sampler: 'projected',
    trackNeurons: 0,
  };
}

export const FIG1_CHOICE =
  "d = 256, p = 86 ≈ d/3, η = 2p (the multi-step notebook's rate; with η ∝ p·d^((κ−1)/2) the later steps diverge at κ > 1.5), λ = 1 in the notebooks' sum form " +
  "(negligible once n ≫ p, and it keeps the interpolation peak at n ≈ p bounded), a = ±1/√p in the multi-step notebook's pattern with symmetric pairs (the network starts at 0), W0 redrawn per seed, " +
  'fresh batches, readout on a fresh batch of n, no pre-processing (it would remove the first-order signal the staircase builds on).';

const kappaGrid = (quick: boolean): AxisValues => (quick ? { linspace: [0.5, 2, 7] } : { linspace: [0.25, 2.25, 81] });

const stepLabel = (t: number) => `${t} step${t === 1 ? '' : 's'}`;

interface Panel {
  side: 'left' | 'right';
  target: string;
  claim: string;
  directionClaim: string;
}

const PANELS: Panel[] = [
  {
    side: 'left',
    target: 'T-A',
    claim:
      'T-A has leap index 2: with n = d^κ per step and κ < 2, extra steps learn no second direction (that needs n = Θ(d²) in one step), so more steps bring no gain beyond the first direction.',
    directionClaim:
      "With n = d^κ, κ < 2, no number of steps learns T-A's second direction: the second singular value of the overlap stays at its initial level.",
  },
  {
    side: 'right',
    target: 'T-B',
    claim:
      'T-B is a staircase: once one step learns its first direction (κ ≳ 1), a second step with the same n learns the second one, so 2 steps beat 1 step and more steps keep improving.',
    directionClaim: "T-B's second direction appears from step 2 on (the staircase): the second singular value of the overlap grows at step 2, not at step 1.",
  },
];

function caption(records: SweepRecord[], quick: boolean): string[] {
  const c = records[0].config;
  const seeds = new Set(records.map((r) => r.config.seed)).size;
  return [
    `${c.target}, ReLU, d = ${c.d}, p = ${c.p}, n = d^κ per step (fresh batches), η = ${c.learningRate} (= 2p), λ = ${c.lambda}, a = ±1/√p symmetric, no pre-processing, readout on a fresh batch, n_test = ${c.nTest}.`,
    `Mean ± s.e. over ${seeds} seeds.${quick ? ' Quick version (smaller d, p, fewer κ).' : ''}`,
  ];
}

function errorFigure(panel: Panel, records: SweepRecord[], quick: boolean) {
  const x = parseField('config.kappa');
  const measured: MeasuredPoint[] = [
    ...STEPS.flatMap((t) =>
      measuredPoints(
        records.filter((r) => r.config.steps === t),
        x,
        parseField('testError'),
        () => stepLabel(t),
        'sem',
      ),
    ),
    ...measuredPoints(
      records.filter((r) => r.config.steps === 1),
      x,
      parseField('baselines.randomFeatures.testError'),
      () => 'random features',
      'sem',
    ),
  ];
  const lk = numberAt(records[0], 'baselines.linearKernel.testError') ?? NaN;
  const oneDir = oneDirectionError(panel.target);
  // Below κ = 1 the later steps, taken on fewer samples than dimensions, blow the weights up and the
  // error far above Var(y): cut the axis at 2·Var(y) so the interesting range stays readable.
  const variance = records[0].target?.variance ?? 1;
  const lowest = Math.min(...measured.map((p) => p.lo).filter((v) => v > 0), oneDir);
  return lineChart({
    title: `Figure 1 ${panel.side}: test error against batch size, ${panel.target}`,
    caption: [...caption(records, quick), `Errors above 2·Var(y) = ${(2 * variance).toFixed(2)} (more steps at n < d) are cut off; the table has them.`],
    x: { title: 'κ = log n / log d' },
    y: { title: 'test error (mean squared error)', log: true, domain: [0.9 * lowest, 2 * variance] },
    seriesTitle: 'giant steps T',
    error: 'sem',
    measured,
    baselines: [
      { y: lk, series: 'linear kernel (population)' },
      { y: oneDir, series: 'best function of the first direction alone' },
    ],
  });
}

function overlapFigure(panel: Panel, records: SweepRecord[], quick: boolean) {
  const x = parseField('config.kappa');
  const measured = STEPS.flatMap((t) =>
    measuredPoints(
      records.filter((r) => r.config.steps === t),
      x,
      parseField('steps.-1.overlap.singularValues.1'),
      () => stepLabel(t),
      'sem',
    ),
  );
  const init = statsOf(records, () => true, 'initial.singularValues.1');
  return lineChart({
    title: `Figure 1 ${panel.side}: the second direction, ${panel.target}`,
    caption: [
      ...caption(records, quick),
      'Second singular value of (1/√p) Ŵ W*ᵀ (rows of W normalized): how strongly the neurons span a second target direction.',
    ],
    x: { title: 'κ = log n / log d' },
    y: { title: 'second singular value of the overlap' },
    seriesTitle: 'giant steps T',
    error: 'sem',
    measured,
    baselines: init ? [{ y: init.mean, series: 'at initialization' }] : [],
  });
}

/** The measured quantities of a panel, numbers only: at κ ≈ 1.5 the errors and σ₂ by steps, and the per-seed gaps and ratios its test reads. */
interface Measured {
  k: number;
  p: number;
  d: number;
  oneDir: number;
  error: Record<1 | 2 | 6, SampleStats | undefined>;
  sigma2: Record<1 | 2 | 6, SampleStats | undefined>;
  init: SampleStats | undefined;
  randomFeatures: SampleStats | undefined;
  /** Right: per seed, error drops (1 → 2, 2 → 6 steps) and σ₂ ratios (step 2 / step 1, step 1 / init). */
  right?: { drop12: SampleStats; drop26: SampleStats; grew2: SampleStats; grew1: SampleStats };
  /** Left: per κ in [1, 2), σ₂ after 6 steps / at init and the error after 6 steps; the gain of 6 steps over 1 at κ ≈ 1.5. */
  left?: { flat: { kappa: number; stats: SampleStats }[]; floors: { kappa: number; stats: SampleStats }[]; gain: SampleStats };
}

function measure(panel: Panel, records: SweepRecord[]): Measured {
  const kappas = valuesOf(records, 'kappa');
  const k = nearest(kappas, 1.5);
  const at =
    (t: number, kappa = k) =>
    (r: SweepRecord) =>
      r.config.steps === t && r.config.kappa === kappa;
  const err = (t: number, kappa = k) => statsOf(records, at(t, kappa), 'testError');
  const sv2 = (t: number) => statsOf(records, at(t), 'steps.-1.overlap.singularValues.1');
  const sv = (step: number) => `steps.${step}.overlap.singularValues.1`;
  const ratio = (t: number, num: string, den: string, kappa = k) => pairedStats(records, at(t, kappa), num, den, (x, y) => x / y)!;
  const m: Measured = {
    k,
    p: records[0].config.p,
    d: records[0].config.d,
    oneDir: oneDirectionError(panel.target),
    error: { 1: err(1), 2: err(2), 6: err(6) },
    sigma2: { 1: sv2(1), 2: sv2(2), 6: sv2(6) },
    init: statsOf(records, () => true, 'initial.singularValues.1'),
    randomFeatures: statsOf(records, at(1), 'baselines.randomFeatures.testError'),
  };
  if (!complete(m)) return m;
  // Each seed's runs share W₀ and the steps, so differences and ratios are taken per seed.
  if (panel.side === 'right') {
    m.right = {
      drop12: seedDifference(records, at(1), at(2), 'testError')!,
      drop26: seedDifference(records, at(2), at(6), 'testError')!,
      grew2: ratio(2, sv(1), sv(0)),
      grew1: ratio(1, sv(0), 'initial.singularValues.1'),
    };
  } else {
    // No new direction for 1 ≤ κ < 2 (where one step learns the first); below κ ≈ 1 (n < d) more steps only
    // add noise, errors reach tens with heavy tails.
    const below2 = kappas.filter((kk) => kk >= 1 && kk < 2);
    m.left = {
      flat: below2.map((kappa) => ({ kappa, stats: ratio(6, sv(5), 'initial.singularValues.1', kappa) })),
      floors: below2.filter((kappa) => err(6, kappa)).map((kappa) => ({ kappa, stats: err(6, kappa)! })),
      gain: seedDifference(records, at(1), at(6), 'testError', (e1, e6) => (e1 - e6) / e1)!,
    };
  }
  return m;
}

const complete = (m: Measured) => Boolean(m.error[1] && m.error[2] && m.error[6] && m.sigma2[1] && m.sigma2[2] && m.sigma2[6] && m.init);

/** Right panel's test, from the numbers alone: the drops, the floor, and σ₂'s growth at step 2, each at 2 s.e. */
function rightBounds(m: Measured, r: NonNullable<Measured['right']>) {
  return {
    drops: [
      { what: 'error after 1 step − after 2 steps', stats: r.drop12, bound: 0, above: true },
      { what: 'error after 2 steps − after 6 steps', stats: r.drop26, bound: 0, above: true },
    ] as Bound[],
    // p ≈ d/3 < d here, so the first-direction floor bounds what one learned direction can give.
    floor: { what: `error after 2 steps (first-direction floor, p = ${m.p} < d = ${m.d})`, stats: m.error[2]!, bound: m.oneDir, above: false } as Bound,
    second: [
      { what: 'σ₂ after 2 steps / σ₂ after 1 step', stats: r.grew2, bound: 2, above: true },
      { what: 'σ₂ after 1 step / σ₂ at init', stats: r.grew1, bound: 2, above: false },
    ] as Bound[],
  };
}

/** Left panel's test, from the numbers alone: σ₂ flat and the error above the floor at every κ in [1, 2), and the gain of more steps. */
function leftBounds(m: Measured, l: NonNullable<Measured['left']>) {
  return {
    flat: l.flat.map(({ kappa, stats }) => ({ what: `κ = ${kappa}: σ₂ after 6 steps / σ₂ at init`, stats, bound: 2, above: false })) as Bound[],
    floors: l.floors.map(({ kappa, stats }) => ({ what: `κ = ${kappa}: error after 6 steps`, stats, bound: m.oneDir, above: true })) as Bound[],
    gain: { what: `κ = ${m.k}: gain of 6 steps over 1, (e₁ − e₆)/e₁ per seed`, stats: l.gain, bound: 0.1, above: false } as Bound,
  };
}

/** The panel's two verdicts: its numbers (measure), their test (rightBounds / leftBounds) and the English. */
function verdicts(panel: Panel, records: SweepRecord[]): { error: Verdict; overlap: Verdict } {
  const m = measure(panel, records);
  const { k } = m;
  const errors = `at κ = ${k}: 1 step ${fmt(m.error[1], 'sem')}, 2 steps ${fmt(m.error[2], 'sem')}, 6 steps ${fmt(m.error[6], 'sem')} (mean ± s.e.); random features ${fmt(m.randomFeatures, 'sem')}; best function of the first direction alone ${m.oneDir.toFixed(3)}`;
  const overlaps = `second singular value at κ = ${k}: initial ${fmt(m.init, 'sem')}, after 1 step ${fmt(m.sigma2[1], 'sem')}, 2 steps ${fmt(m.sigma2[2], 'sem')}, 6 steps ${fmt(m.sigma2[6], 'sem')}`;
  if (!complete(m)) {
    const missing = {
      claim: panel.claim,
      shown: 'no' as Shown,
      evidence: 'not enough runs at κ ≈ 1.5',
      test: 'needs 1, 2 and 6 steps at κ ≈ 1.5 and the initial overlap: missing, so not shown',
    };
    return { error: missing, overlap: { ...missing, claim: panel.directionClaim } };
  }
  const bounds = (list: Bound[]) => list.map((b) => boundText(b, 4)).join('; ');
  if (m.right) {
    const { drops, floor, second } = rightBounds(m, m.right);
    const staircase = verdictOfBounds(drops);
    const errorShown: Shown = staircase === 'yes' ? (testBound(floor) === 'holds' ? 'yes' : 'partly') : staircase;
    const errorTest = `At κ = ${k}, per seed, each at 2 s.e. in its own direction: ${bounds([...drops, floor])}. Shown: both drops and below the floor (drops only: partly; a drop refuted: not shown; else inconclusive).`;
    const overlapTest = `At κ = ${k}, per seed, each at 2 s.e. in its own direction: ${bounds(second)}. Shown if both hold; not shown if one fails; else inconclusive.`;
    return {
      error: { claim: panel.claim, shown: errorShown, evidence: `Test error ${errors}.`, test: errorTest, inequalities: inequalities([...drops, floor]) },
      overlap: {
        claim: panel.directionClaim,
        shown: verdictOfBounds(second),
        evidence: `The ${overlaps}.`,
        test: overlapTest,
        inequalities: inequalities(second),
      },
    };
  }
  const { flat, floors, gain } = leftBounds(m, m.left!);
  const noSecond = verdictOfBounds(flat);
  const main = verdictOfBounds([...flat, ...floors]);
  const shown: Shown = main === 'yes' ? (testBound(gain) === 'holds' ? 'yes' : 'partly') : main;
  const worst = Math.max(...flat.map((b) => b.stats.mean));
  const why =
    testBound(gain) === 'holds'
      ? ''
      : ` More steps still sharpen the first direction (error ${(100 * gain.stats.mean).toFixed(0)}% lower after 6 steps than after 1) but never reach the error of the best function of the first direction alone.`;
  const overlapTest = `For every κ in [1, 2) (${flat.length} values), per seed, at 2 s.e.: ${bounds(flat)}. Shown if all hold; not shown if one fails; else inconclusive.`;
  const errorTest = `${overlapTest} For every κ in [1, 2), at 2 s.e.: ${bounds(floors)}. ${boundText(gain, 3)}. Shown: no second direction, above the floor and a gain below 10% (a larger gain: partly).`;
  return {
    error: { claim: panel.claim, shown, evidence: `Test error ${errors}.${why}`, test: errorTest, inequalities: inequalities([...flat, ...floors, gain]) },
    overlap: {
      claim: panel.directionClaim,
      shown: noSecond,
      evidence: `The ${overlaps}; for 1 ≤ κ < 2 the second singular value after 6 steps is on average at most ${worst.toFixed(2)}× its initial value.`,
      test: overlapTest,
      inequalities: inequalities(flat),
    },
  };
}

function panelReproduction(panel: Panel): Reproduction {
  const name = `fig1-${panel.side}`;
  return {
    name,
    title: `Figure 1 ${panel.side}: ${panel.target}, test error against log n / log d for 1–6 steps`,
    description:
      `${panel.target}, one run per (κ, seed) with a readout after every step (T = 1..6), κ from 0.25 to 2.25 (81 values), 10 seeds. Parameters: ${FIG1_CHOICE} ` +
      '--quick: d = 128, p = 42, 7 values of κ from 0.5 to 2, 12 seeds.',
    runSets: (quick) => [
      {
        label: `${panel.target}, T = 1..6 steps`,
        spec: { base: fig1Base(quick, panel.target), grid: { kappa: kappaGrid(quick), steps: STEPS }, seeds: quick ? 12 : 10 },
      },
    ],
    analyze(records, quick) {
      const v = verdicts(panel, records);
      const kappas = valuesOf(records, 'kappa');
      const row = (k: number) => [
        k,
        records.find((r) => r.config.kappa === k)?.config.n ?? null,
        ...STEPS.map((t) => measuredCell(statsOf(records, (r) => r.config.kappa === k && r.config.steps === t, 'testError'))),
        measuredCell(statsOf(records, (r) => r.config.kappa === k && r.config.steps === 1, 'baselines.randomFeatures.testError')),
      ];
      const shownKappas = kappas.filter((_, i) => kappas.length <= 12 || i % Math.ceil(kappas.length / 12) === 0 || i === kappas.length - 1);
      return {
        figures: [
          { name, spec: errorFigure(panel, records, quick), verdict: v.error },
          { name: `${name}-overlap`, spec: overlapFigure(panel, records, quick), verdict: v.overlap },
        ],
        tables: [
          {
            title: `Test error (mean ± s.e. over seeds)${shownKappas.length < kappas.length ? `, every ${Math.ceil(kappas.length / 12)}th κ` : ''}`,
            columns: ['κ', 'n', ...STEPS.map(stepLabel), 'random features'],
            rows: shownKappas.map(row),
          },
        ],
        data: { oneDirectionError: oneDirectionError(panel.target), linearKernelError: numberAt(records[0], 'baselines.linearKernel.testError') },
      };
    },
  };
}

export const fig1Left = panelReproduction(PANELS[0]);
export const fig1Right = panelReproduction(PANELS[1]);
