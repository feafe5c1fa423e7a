// §9 first bullet: the single-step notebook's learning curve (T-A, d = 512, p = 1024, κ = 1.3, 1.65, 2).

import { parseField } from '../plot/metric-path';
import { measuredPoints } from '../plot/records';
import type { MeasuredPoint, VegaLiteSpec } from '../plot/spec';
import { lineChart } from '../plot/spec';
import type { SampleStats } from '../plot/stats';
import type { SweepRecord } from '../sweep';
import type { Bound } from './analysis';
import { boundText, fmt, inequalities, measuredCell, numberAt, pairedStats, seedDifference, statsOf, valuesOf, verdictOfBounds } from './analysis';
import type { Reproduction, Shown, Table } from './types';

const KAPPAS = [1.3, 1.65, 2.0];

/** Mean ± std over 10 seeds printed in the authors' notebook (docs/reproducing.md, "Does it reproduce the notebook?"). */
const NOTEBOOK: Record<number, { mean: number; std: number }> = {
  1.3: { mean: 0.336, std: 0.006 },
  1.65: { mean: 0.207, std: 0.006 },
  2: { mean: 0.077, std: 0.002 },
};

const CLAIM =
  "One giant step with n = d^κ learns features: the test error falls as κ grows and beats random features and the linear kernel at κ = 2 (the authors' notebook: 0.336, 0.207, 0.077 at κ = 1.3, 1.65, 2).";

/** The measured quantities, numbers only: per κ the network's and random features' error over seeds, and the gaps the test reads. */
interface Measured {
  quick: boolean;
  kappas: number[];
  n: (number | null)[];
  seeds: number;
  error: (SampleStats | undefined)[];
  randomFeatures: (SampleStats | undefined)[];
  linearKernel: number;
  /** Per seed, error at each κ minus at the next. */
  drops: SampleStats[];
  /** Per run at the largest κ, random features' error minus the network's. */
  gainOverRandomFeatures: SampleStats;
  /** Full size only: |giantstep − notebook| over the combined std, per κ. */
  notebookGaps: number[];
}

function measure(records: SweepRecord[], quick: boolean): Measured {
  const kappas = valuesOf(records, 'kappa');
  const at = (k: number) => (r: SweepRecord) => r.config.kappa === k;
  const error = kappas.map((k) => statsOf(records, at(k), 'testError'));
  const last = kappas[kappas.length - 1];
  return {
    quick,
    kappas,
    n: kappas.map((k) => records.find(at(k))?.config.n ?? null),
    seeds: new Set(records.map((r) => r.config.seed)).size,
    error,
    randomFeatures: kappas.map((k) => statsOf(records, at(k), 'baselines.randomFeatures.testError')),
    linearKernel: numberAt(records[0], 'baselines.linearKernel.testError') ?? NaN,
    drops: kappas.slice(1).map((k, i) => seedDifference(records, at(kappas[i]), at(k), 'testError') as SampleStats),
    gainOverRandomFeatures: pairedStats(records, at(last), 'baselines.randomFeatures.testError', 'testError', (rf, net) => rf - net) as SampleStats,
    notebookGaps: quick
      ? []
      : kappas.map((k, i) => Math.abs((error[i]?.mean ?? NaN) - (NOTEBOOK[k]?.mean ?? NaN)) / Math.hypot(error[i]?.std ?? 0, NOTEBOOK[k]?.std ?? 0)),
  };
}

/** The test, from the numbers alone: each inequality at 2 s.e. in its own direction, then the verdict. */
function verdictOf(m: Measured): { bounds: Bound[]; drops: Bound[]; beats: Bound[]; matches: boolean; shown: Shown } {
  const last = m.kappas.length - 1;
  const drops: Bound[] = m.drops.map((stats, i) => ({ what: `error at κ = ${m.kappas[i]} − at κ = ${m.kappas[i + 1]}`, stats, bound: 0, above: true }));
  const beats: Bound[] = [
    // Random features and the network share each run's data and W₀, so their difference is taken per run.
    { what: `κ = ${m.kappas[last]}: random features − one step`, stats: m.gainOverRandomFeatures, bound: 0, above: true },
    {
      what: `κ = ${m.kappas[last]}: one step (linear kernel ${m.linearKernel.toFixed(4)})`,
      stats: m.error[last] as SampleStats,
      bound: m.linearKernel,
      above: false,
    },
  ];
  const matches = m.notebookGaps.every((g) => g <= 2);
  const core = verdictOfBounds([...drops, ...beats]);
  return { bounds: [...drops, ...beats], drops, beats, matches, shown: core === 'yes' ? (matches ? 'yes' : 'partly') : core };
}

/** The verdict's English: the numbers behind it and the test with every inequality. */
function words(m: Measured, t: ReturnType<typeof verdictOf>): { evidence: string; test: string } {
  const test =
    `[falls] the error decreases from each κ to the next, per seed: ${t.drops.map((b) => boundText(b, 4)).join('; ')}; ` +
    `[beats] ${t.beats.map((b) => boundText(b, 4)).join('; ')}; ` +
    (m.quick
      ? "[matches the notebook] not tested (--quick sizes differ from the notebook's)"
      : `[matches the notebook] every |giantstep − notebook| ≤ 2 combined std: ${m.notebookGaps.map((g) => g.toFixed(2)).join(', ')}: ${t.matches}`) +
    `. Each at 2 s.e. in its own direction. Shown: falls and beats (and matches, else partly); not shown if one is refuted; inconclusive otherwise.`;
  const perKappa = m.kappas.map((k, i) => `κ = ${k}: ${fmt(m.error[i])} (random features + linear part ${fmt(m.randomFeatures[i])})`).join('; ');
  const evidence =
    `Test error (mean ± std, ${m.seeds} seeds): ${perKappa}; linear kernel ${m.linearKernel.toFixed(3)}.` +
    (m.quick
      ? ' (Quick version: smaller d and p than the notebook, so its numbers differ.)'
      : ` Largest gap to the notebook: ${Math.max(...m.notebookGaps).toFixed(1)} combined std.`);
  return { evidence, test };
}

function chart(records: SweepRecord[], m: Measured): VegaLiteSpec {
  const measured: MeasuredPoint[] = [
    ...measuredPoints(records, parseField('config.kappa'), parseField('testError'), () => 'one giant step (giantstep)', 'std'),
    ...measuredPoints(
      records,
      parseField('config.kappa'),
      parseField('baselines.randomFeatures.testError'),
      () => 'random features + linear part (giantstep)',
      'std',
    ),
  ];
  if (!m.quick) {
    for (const k of KAPPAS) {
      const { mean, std } = NOTEBOOK[k];
      measured.push({ x: k, y: mean, lo: mean - std, hi: mean + std, count: 10, series: "authors' notebook (printed)" });
    }
  }
  const c = records[0].config;
  return lineChart({
    title: 'One giant step: test error against batch size (T-A)',
    caption: [
      `T-A, ReLU, d = ${c.d}, p = ${c.p}, n = d^κ, η = 10√(np), λ = ${c.lambda}, n_test = ${c.nTest}, notebook pre-processing, readout on the step's batch.`,
      `Mean ± std over ${m.seeds} data seeds (W0, a0 drawn once).${m.quick ? ' Quick version (smaller d, p).' : ''}`,
    ],
    x: { title: 'κ = log n / log d' },
    y: { title: 'test error (mean squared error)' },
    seriesTitle: 'model',
    error: 'std',
    measured,
    baselines: [{ y: m.linearKernel, series: 'linear kernel (population)' }],
  });
}

function table(m: Measured): Table {
  return {
    title: 'Test error after one step (mean ± std over seeds)',
    columns: [
      'κ',
      'n',
      'giantstep',
      'random features + linear part',
      'linear kernel',
      ...(m.quick ? [] : ["authors' notebook (mean)", "authors' notebook (std)"]),
    ],
    rows: m.kappas.map((k, i) => [
      k,
      m.n[i],
      measuredCell(m.error[i], 'std', 4),
      measuredCell(m.randomFeatures[i], 'std', 4),
      m.linearKernel,
      ...(m.quick ? [] : [NOTEBOOK[k]?.mean ?? null, NOTEBOOK[k]?.std ?? null]),
    ]),
  };
}

export const notebookSingleStep: Reproduction = {
  name: 'notebook-single-step',
  title: "Single-step learning curve (the authors' notebook)",
  description:
    "T-A, ReLU, d = 512, p = 1024, one step with n = d^κ for κ = 1.3, 1.65, 2, η = 10√(np), λ = 1, n_test = 10⁵, the notebook's pre-processing, readout on the step's batch; 10 data seeds, (W0, a0) drawn once. " +
    '--quick: d = 256, p = 512, n_test = 2·10⁴, 3 seeds.',
  runSets: (quick) => [
    {
      label: 'one step at three batch sizes',
      spec: {
        base: quick ? { preset: 'notebook-single-step', d: 256, p: 512, nTest: 20000 } : { preset: 'notebook-single-step' },
        grid: { kappa: KAPPAS },
        seeds: quick ? 3 : 10,
      },
    },
  ],
  analyze(records: SweepRecord[], quick: boolean) {
    const m = measure(records, quick);
    const t = verdictOf(m);
    return {
      figures: [
        {
          name: 'notebook-single-step',
          spec: chart(records, m),
          verdict: { claim: CLAIM, shown: t.shown, ...words(m, t), inequalities: inequalities(t.bounds) },
        },
      ],
      tables: [table(m)],
    };
  },
};
