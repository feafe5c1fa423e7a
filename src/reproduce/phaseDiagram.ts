// The learnability phase diagram (docs/model.md §7, §9 last bullet): from the theory, how many directions one
// step with n = Θ(d^ℓ) learns; measured, one step at n = d^κ for targets whose last direction first appears
// at Hermite order 2, 2 and 3 (their one-step order; the leap index is a multi-step notion and differs: T-D
// has leap 1), coloured by how many target directions the neurons align with.
import type { PhaseRow } from '../generated/engine';
import type { VegaLiteSpec } from '../plot/spec';
import { heatmap } from '../plot/spec';
import type { SampleStats } from '../plot/stats';
import { sampleStats } from '../plot/stats';
import type { SweepRecord } from '../sweep';
import { describeTargetSync, theorySync } from '../theory';
import type { Bound } from './analysis';
import { boundText, inequalities, measuredCell, valuesOf, verdictOfBounds, verdictOfCells } from './analysis';
import type { Reproduction, Table } from './types';

const TARGETS = ['T-D', 'T-E', 'leap-3'];

/** The least ℓ at which one step with n = Θ(d^ℓ) sees every direction of the target (null: none up to 4). */
export function oneStepOrder(target: string): number | null {
  const t = describeTargetSync(target);
  const l = t.learnedDims.oneStep.indexOf(t.k);
  return l < 0 ? null : l + 1;
}

/**
 * ReLU has μ3 = 0, so no single step sees an order-3 term at any n; this activation keeps ReLU's μ1, μ2
 * and adds μ3 = 1, so the leap-3 target's hard directions can appear (at n = Θ(d³)).
 */
export const PHASE_ACTIVATION = 'relu(x) + He3(x)/6';

const rowLabel = (target: string) => `${target} (one-step order ${oneStepOrder(target) ?? '> 4'})`;

/** A direction counts as learned when the neurons' mean |cos| with it exceeds twice a random neuron's. */
export const alignmentThreshold = (d: number) => 2 * Math.sqrt(2 / (Math.PI * d));

/**
 * Directions learned at one (target, κ, seed): those the neurons align with after one step on the raw
 * labels, or on the labels with their first Hermite order removed (what the single-step notebook's
 * pre-processing does, so order-2 and order-3 directions are not drowned by the first-order one).
 */
function learnedCount(runs: SweepRecord[]): number {
  const learned = new Set<number>();
  for (const r of runs) {
    const tau = alignmentThreshold(r.config.d);
    (r.steps?.[0]?.overlap.meanAbsCos ?? []).forEach((m, j) => {
      if (m > tau) learned.add(j);
    });
  }
  return learned.size;
}

/** Theory: directions learned by one step at n = d^κ (none below κ = 1; the regime of ⌊κ⌋ above). */
function theoryCount(rows: PhaseRow[], kappa: number): number {
  if (kappa < 1) return 0;
  const ell = Math.min(Math.floor(kappa + 1e-9), rows.length);
  return rows.find((r) => r.ell === ell)?.learnedDims ?? 0;
}

/** A cell's count within half a direction of the theory's: two bounds, each at 2 s.e. in its own direction. */
function cellBounds(m: { target: string; kappa: number; stats: SampleStats; theory: number }): Bound[] {
  const what = `${m.target} κ = ${m.kappa} count`;
  return [
    { what, stats: m.stats, bound: m.theory - 0.5, above: true },
    { what, stats: m.stats, bound: m.theory + 0.5, above: false },
  ];
}

const CLAIM_THEORY =
  "One giant step with n = Θ(d^ℓ) learns no direction when n = o(d), only the first (span C1*) at n = Θ(d), and a direction first visible at Hermite order ℓ only from n = Θ(d^ℓ): T-D's and T-E's second directions need n = Θ(d²), the leap-3 target's hard directions n = Θ(d³).";
const SUPERSCRIPT = ['⁰', '¹', '²', '³', '⁴'];
const regime = (ell: number) => (ell === 0 ? 'n = o(d)' : `Θ(d${ell === 1 ? '' : SUPERSCRIPT[ell]})`);
const CLAIM_MEASURED =
  'Measured one step at n = d^κ learns what the diagram says at integer κ = 1, 2, 3: one direction at κ = 1, and all directions of a target at κ = its one-step order L (the Hermite order at which its last direction first appears). Where between integers the count changes is not claimed: at finite d it changes early.';

/** One (target, κ) cell: the count of learned directions over seeds, and the theory's. */
interface Cell {
  target: string;
  kappa: number;
  stats: SampleStats;
  mean: number;
  theory: number;
  k: number;
}

/** The measured quantities, numbers only: the theory's rows per target and every (target, κ) cell. */
interface Measured {
  theories: ReturnType<typeof phaseTheory>[];
  kappas: number[];
  seeds: number;
  cells: Cell[];
}

const phaseTheory = (target: string) => theorySync({ kind: 'phase-diagram', target });

function measure(records: SweepRecord[]): Measured {
  const theories = TARGETS.map(phaseTheory);
  const kappas = valuesOf(records, 'kappa');
  const seeds = valuesOf(records, 'seed');
  const cells = TARGETS.flatMap((t, i) =>
    kappas.map((kappa) => {
      const counts = seeds.map((seed) => learnedCount(records.filter((r) => r.config.target === t && r.config.kappa === kappa && r.config.seed === seed)));
      const stats = sampleStats(counts);
      return { target: t, kappa, stats, mean: stats.mean, theory: theoryCount(theories[i].rows, kappa), k: theories[i].k };
    }),
  );
  return { theories, kappas, seeds: seeds.length, cells };
}

/** The test, from the numbers alone: each integer-κ cell within half a direction of the theory's, at 2 s.e. */
function testOf(m: Measured) {
  const integer = m.cells.filter((c) => [1, 2, 3].includes(c.kappa));
  const cells = integer.map((c) => ({ cell: c, bounds: cellBounds(c), shown: verdictOfBounds(cellBounds(c)) }));
  return { integer, cells, shown: verdictOfCells(cells.map((c) => c.shown)) };
}

const countText = (c: Cell) => (Number.isInteger(c.mean) ? String(c.mean) : c.mean.toFixed(1));

/** The verdicts' English: the numbers behind them and the test with every inequality. */
function words(m: Measured, t: ReturnType<typeof testOf>) {
  const agree = t.cells.filter((c) => c.shown === 'yes').length;
  const refuted = t.cells.filter((c) => c.shown === 'no').length;
  const overall = m.cells.filter((c) => Math.round(c.mean) === c.theory).length;
  const at = (target: string) =>
    t.integer
      .filter((c) => c.target === target)
      .map((c) => `κ = ${c.kappa}: ${countText(c)} (theory ${c.theory})`)
      .join(', ');
  const integerCounts = (target: string) =>
    t.integer
      .filter((c) => c.target === target)
      .map(countText)
      .join(', ');
  const theoryRows = (i: number) =>
    m.theories[i].rows
      .slice(0, 3)
      .map((r) => r.learnedDims)
      .join(', ');
  return {
    evidence: `Directions learned: ${TARGETS.map((target) => `${target} ${at(target)}`).join('; ')}. Rounded measured counts equal the theory in ${overall} of ${m.cells.length} cells (${agree} of ${t.integer.length} integer-κ cells within half a direction at 2 s.e.). Between integers the count is not tested: at this d it changes up to half a unit of κ early (the table has every κ).`,
    theoryEvidence: `Theory (directions at n = Θ(d), Θ(d²), Θ(d³)): ${TARGETS.map((target, i) => `${target} ${theoryRows(i)}`).join('; ')}. Measured at κ = 1, 2, 3: ${TARGETS.map((target) => `${target} ${integerCounts(target)}`).join('; ')}.`,
    test:
      `At each integer κ ∈ {1, 2, 3} and target, the count over ${m.seeds} seeds within half a direction of the theory's, each side at 2 s.e.: ` +
      t.cells.map((c) => c.bounds.map((b) => boundText(b, 2)).join(', ')).join('; ') +
      `. ${agree} of ${t.integer.length} cells hold, ${refuted} refuted → shown if all hold; partly if some are refuted but at least half hold; not shown if fewer; else inconclusive.`,
  };
}

function theoryFigure(m: Measured): VegaLiteSpec {
  const cells = TARGETS.flatMap((t, i) => {
    const { rows, k } = m.theories[i];
    return [{ ell: 0, learnedDims: 0 }, ...rows].map((r) => ({ x: regime(r.ell), y: rowLabel(t), value: r.learnedDims, label: `${r.learnedDims} of ${k}` }));
  });
  return heatmap({
    title: 'Theory: target directions one giant step learns with n = Θ(d^ℓ)',
    caption: [
      'From `giantstep theory phase-diagram` (docs/model.md §7): every direction some Hermite order ≤ ℓ makes visible (the union of range(C1*)…range(Cℓ*)); a network whose labels lose their lower orders aligns only with range(Cℓ*), the rest coming from a step on the raw labels, as measured below.',
    ],
    x: { title: 'batch size n' },
    y: { title: '' },
    colorTitle: 'directions',
    cells,
    rowOrder: TARGETS.map(rowLabel),
    colorDomain: [0, 4],
    cellWidth: 64,
  });
}

function measuredFigure(records: SweepRecord[], m: Measured, quick: boolean): VegaLiteSpec {
  const cells = m.cells.flatMap((c) => [
    { x: c.kappa, y: `${rowLabel(c.target)}: theory`, value: c.theory, label: String(c.theory) },
    { x: c.kappa, y: `${rowLabel(c.target)}: measured`, value: c.mean, label: countText(c) },
  ]);
  const d = records[0].config.d;
  return heatmap({
    title: 'Measured: target directions learned by one step at n = d^κ',
    caption: [
      `d = ${d}, p = ${records[0].config.p}, η = p·d^((κ−1)/2), σ = ${PHASE_ACTIVATION}; each cell: directions with mean |cos(w_i, w*_j)| > ${alignmentThreshold(d).toFixed(2)} after one step on the raw labels or the labels without their first Hermite order, mean over ${m.seeds} seed${m.seeds > 1 ? 's' : ''}.`,
      `Theory rows: the learned dimension of ⌊κ⌋ (0 for κ < 1).${quick ? ' Quick version.' : ''}`,
    ],
    x: { title: 'κ = log n / log d' },
    y: { title: '' },
    colorTitle: 'directions',
    cells,
    rowOrder: TARGETS.flatMap((t) => [`${rowLabel(t)}: theory`, `${rowLabel(t)}: measured`]),
    colorDomain: [0, 4],
  });
}

function table(m: Measured): Table {
  return {
    title: 'Directions learned: measured (mean ± s.e. over seeds) and the theory, per κ',
    columns: ['target', 'row', ...m.kappas.map((k) => `κ = ${k}`)],
    rows: TARGETS.flatMap((t) => {
      const here = m.cells.filter((c) => c.target === t);
      return [
        [rowLabel(t), 'measured', ...here.map((c) => measuredCell(c.stats, 'sem', 1))],
        [rowLabel(t), 'theory', ...here.map((c) => c.theory)],
      ];
    }),
  };
}

export const phaseDiagram: Reproduction = {
  name: 'phase-diagram',
  title: 'Phase diagram: directions one step learns against n = Θ(d^ℓ), by one-step Hermite order, from the theory and measured',
  description:
    `Theory: \`giantstep theory phase-diagram\` for T-D and T-E (one-step order 2: their second directions first appear at Hermite order 2; T-D has leap index 1, T-E 2) and leap-3 (one-step order 3). Measured: one step with n = d^κ, d = 128, p = 64, η = p·d^((κ−1)/2), σ = ${PHASE_ACTIVATION} (ReLU's μ3 = 0 would hide order 3), a = ±1/√p symmetric, ` +
    "κ from 0.5 to 3.25 (12 values), 3 seeds, each on the raw labels and on the labels without their first Hermite order (the readout, which the analysis does not use, on d fresh samples); a direction counts as learned when the neurons' mean |cos| with it exceeds twice a random neuron's, 2√(2/(πd)). " +
    '--quick: d = 64, p = 96, κ ∈ {0.5, 1, 1.5, 2, 2.5, 3}, 2 seeds.',
  runSets: (quick) => [
    {
      label: 'one step per κ, raw and pre-processed labels',
      spec: {
        base: {
          d: quick ? 64 : 128,
          p: quick ? 96 : 64,
          steps: 1,
          activation: PHASE_ACTIVATION,
          eta: 1,
          etaRule: 'p-d',
          lambda: 1,
          nTest: 0,
          baselines: false,
          initW: 'gaussian',
          initA: 'signs',
          symmetric: true,
          initSeed: null,
          batches: 'fresh',
          trackNeurons: 0,
          // The analysis reads overlaps only: a token readout on d fresh samples, instead of re-streaming the
          // step's n = d^κ samples, leaves every overlap bit-identical and saves about 30% of each run.
          readoutBatch: 'fresh',
          alphaReadout: 1,
          // Exact here (fresh batches, pre-processing none or hermite); 0.7–0.8 of the full sampler's time
          // at the large κ that dominate (docs/performance.md); since 0.2.0 (CHANGELOG.md).
          sampler: 'projected',
        },
        grid: { target: TARGETS, kappa: quick ? [0.5, 1, 1.5, 2, 2.5, 3] : { linspace: [0.5, 3.25, 12] }, preprocess: ['none', 'hermite'] },
        seeds: quick ? 2 : 3,
      },
    },
  ],
  analyze(records, quick) {
    const m = measure(records);
    const t = testOf(m);
    const text = words(m, t);
    const inequalitiesOfCells = inequalities(t.cells.flatMap((c) => c.bounds));
    return {
      figures: [
        {
          name: 'phase-diagram-theory',
          spec: theoryFigure(m),
          verdict: { claim: CLAIM_THEORY, shown: t.shown, evidence: text.theoryEvidence, test: text.test, inequalities: inequalitiesOfCells },
        },
        {
          name: 'phase-diagram',
          spec: measuredFigure(records, m, quick),
          verdict: { claim: CLAIM_MEASURED, shown: t.shown, evidence: text.evidence, test: text.test, inequalities: inequalitiesOfCells },
        },
      ],
      tables: [table(m)],
    };
  },
};
