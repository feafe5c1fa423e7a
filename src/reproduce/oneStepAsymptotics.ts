// Beyond §9: the test error of the readout after one giant step against the readout's sample count, simulated
// and predicted (`giantstep theory error`): the network's deterministic equivalent on each seed's own drawn W₁
// (paired), beside the exact curve of the spiked random-features surrogate (Cui et al. 2024) and random features.

import { parseField } from '../plot/metric-path';
import { measuredPoints } from '../plot/records';
import type { CurvePoint, VegaLiteSpec } from '../plot/spec';
import { lineChart } from '../plot/spec';
import type { SampleStats } from '../plot/stats';
import { sampleStats } from '../plot/stats';
import type { SweepRecord } from '../sweep';
import type { ErrorPoint } from '../theory';
import { theory } from '../theory';
import type { Bound } from './analysis';
import { boundText, fmt, inequalities, measuredCell, pairedStats, statsOf, testBound, valuesOf } from './analysis';
import type { Reproduction, Shown, Table } from './types';

/**
 * The agreement the claim asserts: the paired relative gap (simulation − prediction)/prediction lies within
 * ±TOLERANCE at 2 s.e. The prediction is measured within about 1% of simulation at d ≥ 1000; a curve 2% off
 * is refused in at least 95% of draws (test/verdicts.test.ts).
 */
export const TOLERANCE = 0.02;

export type Agreement = 'agrees' | 'disagrees' | 'inconclusive';

/**
 * An equivalence test on paired relative gaps: agrees when |mean| + 2 s.e. ≤ tolerance, disagrees when
 * |mean| − 2 s.e. > tolerance, inconclusive otherwise (including fewer than two pairs).
 */
export function agreement(gaps: SampleStats, tolerance = TOLERANCE): Agreement {
  if (gaps.count < 2) return 'inconclusive';
  if (Math.abs(gaps.mean) + 2 * gaps.sem <= tolerance) return 'agrees';
  if (Math.abs(gaps.mean) - 2 * gaps.sem > tolerance) return 'disagrees';
  return 'inconclusive';
}

/** The inequality `agreement` tested, with its numbers. */
export function agreementText(gaps: SampleStats, tolerance = TOLERANCE): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return `|${pct(gaps.mean)}| + 2·${pct(gaps.sem)} = ${pct(Math.abs(gaps.mean) + 2 * gaps.sem)} ≤ ${pct(tolerance)}: ${agreement(gaps, tolerance)}`;
}

const ALPHAS = [0.2, 0.6, 1.0, 1.4, 1.8, 2.2, 2.6, 3.0];
// --quick reads out at α = 3 only, where the paired gap's per-run spread is about 0.7% at d = 1000, so 4 seeds decide.
const QUICK_ALPHAS = [3.0];
const SEEDS = 32;
const QUICK_SEEDS = 4;

// n_test = 20000 keeps each run's test-error noise near 1%, so that 2% is decidable with these seeds. --quick
// redraws W₀ with each seed; the full run keeps the preset's W₀ (initSeed 58) and draws a step per seed.
const base = (quick: boolean) =>
  quick ? { preset: 'osa-one-step', d: 1000, p: 1000, initSeed: null, nTest: 20000 } : { preset: 'osa-one-step', nTest: 20000 };

const CLAIM =
  "A deterministic equivalent evaluated on each seed's own drawn W₁ predicts the trained network's test error after one giant step within 2% at every readout size (paired: the same W₀ and step data), and the step lowers the error below random features once the readout has enough samples. The exact curve of the spiked random-features surrogate (Cui et al. 2024) is drawn beside it; it is a surrogate, not the network.";

/** Each seed's prediction, from `theory error` on that seed's config (off the main thread, one at a time). */
async function predictions(records: SweepRecord[], quick: boolean, alphas: number[], signal?: AbortSignal): Promise<Map<number, ErrorPoint[]>> {
  const seeds = [...new Set(records.map((r) => r.config.seed))].sort((a, b) => a - b);
  const bySeed = new Map<number, ErrorPoint[]>();
  for (const seed of seeds) bySeed.set(seed, (await theory({ kind: 'error', config: { ...base(quick), seed }, alphaReadout: alphas }, { signal })).points);
  return bySeed;
}

/** One readout size: the simulation and random features over seeds, the predictions, and the paired gaps. */
interface Row {
  a: number;
  step: SampleStats | undefined;
  rf: SampleStats | undefined;
  predicted: SampleStats;
  gaps: SampleStats;
  surrogate: number;
  randomFeatures: number;
}

/** The measured quantities, numbers only: each seed's prediction, a row per readout size, and the gain over random features at the largest. */
interface Measured {
  seeds: number;
  bySeed: Map<number, ErrorPoint[]>;
  rows: Row[];
  converged: boolean;
  /** Per run at the largest readout size: random features' error minus the network's. */
  gain: SampleStats | undefined;
}

function measure(records: SweepRecord[], alphas: number[], bySeed: Map<number, ErrorPoint[]>): Measured {
  const first = [...bySeed.values()][0];
  const at = (a: number) => (r: SweepRecord) => r.config.alphaReadout === a;
  const rows = alphas.map((a, i) => {
    const runs = records.filter(at(a)).filter((r) => typeof r.testError === 'number');
    const predicted = runs.map((r) => bySeed.get(r.config.seed)![i].testError);
    return {
      a,
      step: statsOf(records, at(a), 'testError'),
      rf: statsOf(records, at(a), 'baselines.randomFeatures.testError'),
      predicted: sampleStats(predicted),
      gaps: sampleStats(runs.map((r, j) => (r.testError as number) / predicted[j] - 1)),
      surrogate: first[i].spikedRandomFeaturesError,
      randomFeatures: first[i].randomFeaturesError,
    };
  });
  const converged = [...bySeed.values()].every((points) =>
    points.every((p) => p.network.converged && p.spikedRandomFeatures.converged && p.randomFeatures.converged),
  );
  // Random features and the network share each run's data and W₀: their gap is taken per run.
  const gain = pairedStats(records, at(alphas[alphas.length - 1]), 'baselines.randomFeatures.testError', 'testError', (rf, net) => rf - net);
  return { seeds: bySeed.size, bySeed, rows, converged, gain };
}

/** The test, from the numbers alone: every readout size agrees within the tolerance, every fixed point converged, and the step beats random features. */
function testOf(m: Measured): { bounds: Bound[]; helps: Bound | undefined; shown: Shown } {
  const last = m.rows[m.rows.length - 1];
  const helps: Bound | undefined = m.gain && { what: `α = ${last.a}: random features − one step (per run)`, stats: m.gain, bound: 0, above: true };
  // The agreement test as bounds: |gap| ≤ tolerance is the gap below +tolerance and above −tolerance.
  const gapBounds: Bound[] = m.rows.flatMap((r) => [
    { what: `α = ${r.a}: relative gap (simulated − predicted)/predicted`, stats: r.gaps, bound: TOLERANCE, above: false },
    { what: `α = ${r.a}: relative gap (simulated − predicted)/predicted`, stats: r.gaps, bound: -TOLERANCE, above: true },
  ]);
  const count = (a: Agreement) => m.rows.filter((r) => agreement(r.gaps) === a).length;
  const helped = helps !== undefined && testBound(helps) === 'holds';
  const shown: Shown = !m.converged || !helped || count('disagrees') > 0 ? 'no' : count('agrees') === m.rows.length ? 'yes' : 'inconclusive';
  return { bounds: [...gapBounds, ...(helps ? [helps] : [])], helps, shown };
}

/** The verdict's English: the numbers behind it and the test with every inequality. */
function words(m: Measured, t: ReturnType<typeof testOf>): { evidence: string; test: string } {
  return {
    test:
      `[agrees] at each α, the paired relative gap (simulated − predicted)/predicted over seeds, |mean| + 2 s.e. ≤ ${TOLERANCE * 100}% (disagrees when |mean| − 2 s.e. > ${TOLERANCE * 100}%): ` +
      m.rows.map((r) => `α = ${r.a}: ${agreementText(r.gaps)}`).join('; ') +
      `; [converged] every fixed point converged: ${m.converged}; ` +
      `[helps] ${t.helps ? boundText(t.helps, 4) : 'n/a'}. ` +
      'Shown: all three; not shown: any α disagrees, or a fixed point did not converge, or no gain; inconclusive otherwise.',
    evidence: m.rows
      .map(
        (r) =>
          `α = ${r.a}: simulated ${fmt(r.step, 'sem', 4)}, predicted ${r.predicted.mean.toFixed(4)} (gap ${(100 * r.gaps.mean).toFixed(2)} ± ${(100 * r.gaps.sem).toFixed(2)}%), sRF surrogate ${r.surrogate.toFixed(4)}`,
      )
      .join('; '),
  };
}

function chart(records: SweepRecord[], m: Measured, quick: boolean): VegaLiteSpec {
  const rows = m.rows;
  const curve: CurvePoint[] = rows.flatMap((r) => [
    { x: r.a, y: r.predicted.mean, series: 'one giant step' },
    { x: r.a, y: r.surrogate, series: 'spiked random-features surrogate' },
    { x: r.a, y: r.randomFeatures, series: 'random features (no step)' },
  ]);
  const measured = [
    ...measuredPoints(records, parseField('config.alphaReadout'), parseField('testError'), () => 'one giant step', 'sem'),
    ...measuredPoints(records, parseField('config.alphaReadout'), parseField('baselines.randomFeatures.testError'), () => 'random features (no step)', 'sem'),
  ];
  const c = records[0].config;
  return lineChart({
    title: 'One giant step: test error against readout size, simulation and prediction',
    caption: [
      `${c.target} target, ${c.activation} student, d = p = ${c.d}, one step on n₀ = ${c.n} = ${(c.n / c.d).toFixed(2)}d samples, η = ${(c.learningRate / c.p).toFixed(2)}·p, λ = ${c.lambda}, readout on n = αd fresh samples, n_test = ${c.nTest}.`,
      `Points: simulation, mean ± s.e. over ${m.seeds} seeds. Dashed: the network's prediction (a deterministic equivalent on each seed's drawn W₁, averaged over the same seeds), the spiked random-features surrogate's exact d → ∞ curve and random features'.${quick ? ' Quick version (smaller d).' : ''}`,
    ],
    x: { title: 'α = n / d (readout samples per dimension)' },
    y: { title: 'test error (mean squared error)' },
    seriesTitle: 'model',
    error: 'sem',
    measured,
    theory: curve,
  });
}

function table(m: Measured): Table {
  const rows = m.rows;
  return {
    title: 'Test error against readout size: simulation (mean ± s.e.), the network prediction (paired gap), and the surrogates',
    columns: [
      'α = n/d',
      'simulated',
      'predicted',
      'paired relative gap',
      'agreement',
      'sRF surrogate',
      'random features (simulated)',
      'random features (theory)',
    ],
    rows: rows.map((r) => [
      r.a,
      measuredCell(r.step, 'sem', 4),
      r.predicted.mean,
      measuredCell(r.gaps, 'sem', 4),
      agreement(r.gaps),
      r.surrogate,
      measuredCell(r.rf, 'sem', 4),
      r.randomFeatures,
    ]),
  };
}

export const oneStepAsymptotics: Reproduction = {
  name: 'one-step-asymptotics',
  title: 'Test error after one giant step against the readout size: simulation and its prediction',
  description:
    'The preset osa-one-step (the simulation notebook of Cui et al. 2024): tanh target and student, d = p = 2000, one step on n₀ = 0.5d samples with η = p (η̃ = 1), a = 1/√p, W₀ on the sphere (drawn once), ridge λ = 0.01 on a fresh batch of n = αd samples, α from 0.2 to 3 (8 values), 32 seeds, n_test = 20000; the prediction from `giantstep theory error` on each seed. ' +
    '--quick: d = p = 1000, W₀ redrawn per seed, α = 3, 4 seeds.',
  runSets: (quick) => [
    {
      label: 'one step, then a readout on αd fresh samples',
      spec: { base: base(quick), grid: { alphaReadout: quick ? QUICK_ALPHAS : ALPHAS }, seeds: quick ? QUICK_SEEDS : SEEDS },
    },
  ],
  async analyze(records: SweepRecord[], quick: boolean, signal?: AbortSignal) {
    const alphas = valuesOf(records, 'alphaReadout');
    const m = measure(records, alphas, await predictions(records, quick, alphas, signal));
    const t = testOf(m);
    return {
      figures: [
        {
          name: 'one-step-asymptotics',
          spec: chart(records, m, quick),
          verdict: { claim: CLAIM, shown: t.shown, ...words(m, t), inequalities: inequalities(t.bounds) },
        },
      ],
      tables: [table(m)],
      data: { predictions: Object.fromEntries(m.bySeed), gaps: m.rows.map((r) => ({ alphaReadout: r.a, ...r.gaps, agreement: agreement(r.gaps) })) },
    };
  },
};
