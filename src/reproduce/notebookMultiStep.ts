// §9 second bullet: the multi-step notebook. T-C ("stuck on the spike") and T-B (staircase), n = d = 4096,
// p = 1024, η = 2p, 6 fresh-batch steps: the update cosines of the first 40 neurons per step, against
// the theory line of slope μ1(σ2*)/μ1(σ1*) = C1*[1]/C1*[0] (one-step drift along W*ᵀC1*).

import { parseField } from '../plot/metric-path';
import { measuredPoints } from '../plot/records';
import type { VegaLiteSpec } from '../plot/spec';
import { lineChart, scatterChart } from '../plot/spec';
import type { SampleStats } from '../plot/stats';
import { sampleStats } from '../plot/stats';
import type { SweepRecord } from '../sweep';
import type { Bound } from './analysis';
import { boundText, fmt, inequalities, measuredCell, verdictOfBounds } from './analysis';
import type { DetailedRecord } from './detailed';
import { isDetailed } from './detailed';
import type { Reproduction, Shown, Table } from './types';

const TARGETS = [
  { preset: 'notebook-multi-step-spike', target: 'T-C' },
  { preset: 'notebook-multi-step-staircase', target: 'T-B' },
];

const slopeOf = (r: SweepRecord) => (r.target ? r.target.c1[1] / r.target.c1[0] : NaN);

/** Mean over the tracked neurons of the distance of (cos(G,w*1), cos(G,w*2)) from the theory line. */
function offLine(r: DetailedRecord, step: number): number {
  const s = slopeOf(r);
  const cos = r.steps[step].updateCos;
  return cos.reduce((sum, [x, y]) => sum + Math.abs(y - s * x) / Math.hypot(1, s), 0) / cos.length;
}

function offLineStats(records: DetailedRecord[], target: string, step: number): SampleStats {
  return sampleStats(records.filter((r) => r.config.target === target).map((r) => offLine(r, step)));
}

/** Per seed, `value(T-B run, T-C run)`: the two targets of one seed share W₀ and the data seed. */
function perSeed(records: DetailedRecord[], value: (b: DetailedRecord, c: DetailedRecord) => number): SampleStats {
  const of = (target: string) => new Map(records.filter((r) => r.config.target === target).map((r) => [r.config.seed, r]));
  const [b, c] = [of('T-B'), of('T-C')];
  return sampleStats([...b].filter(([seed]) => c.has(seed)).map(([seed, rb]) => value(rb, c.get(seed) as DetailedRecord)));
}

/** The measured quantities, numbers only: per step and target, over seeds, and the per-seed ratios the test reads. */
export interface Measured {
  seeds: number;
  steps: number;
  /** Mean distance of the update cosines from the theory line, per step. */
  distance: Record<'T-B' | 'T-C', SampleStats[]>;
  /** σ₂ of the overlap, per step. */
  sigma2: Record<'T-B' | 'T-C', SampleStats[]>;
  /** Per seed: T-B step 2 / step 1 and T-B / T-C at step 2; T-C / T-B at every later step; σ₂ ratios after the last step. */
  ratios: { leavesOwn: SampleStats; leavesOther: SampleStats; stuck: SampleStats[]; spansOther: SampleStats; spansOwn: SampleStats };
}

export function measure(records: DetailedRecord[]): Measured {
  const steps = Math.min(...records.map((r) => r.steps.length));
  const sv = (r: DetailedRecord, t: number) => r.steps[t].overlap.singularValues[1];
  const last = steps - 1;
  const perStep = (f: (target: string, t: number) => SampleStats) => ({
    'T-B': Array.from({ length: steps }, (_, t) => f('T-B', t)),
    'T-C': Array.from({ length: steps }, (_, t) => f('T-C', t)),
  });
  return {
    seeds: new Set(records.map((r) => r.config.seed)).size,
    steps,
    distance: perStep((target, t) => offLineStats(records, target, t)),
    sigma2: perStep((target, t) => sampleStats(records.filter((r) => r.config.target === target).map((r) => sv(r, t)))),
    ratios: {
      leavesOwn: perSeed(records, (b) => offLine(b, 1) / offLine(b, 0)),
      leavesOther: perSeed(records, (b, c) => offLine(b, 1) / offLine(c, 1)),
      stuck: Array.from({ length: steps - 1 }, (_, i) => perSeed(records, (b, c) => offLine(c, i + 1) / offLine(b, i + 1))),
      spansOther: perSeed(records, (b, c) => sv(b, last) / sv(c, last)),
      spansOwn: perSeed(records, (b) => sv(b, last) / sv(b, 0)),
    },
  };
}

/**
 * The test, from the numbers alone: [leaves] T-B's distance from the theory line grows three-fold at step 2
 * and is twice T-C's; [stuck] T-C stays under half of T-B's at every later step; [spans] T-B's σ₂ after the
 * last step is twice T-C's and three times its own after step 1. Each ratio per seed, at 2 s.e.
 */
export function boundsOf(m: Measured): { leaves: Bound[]; stuck: Bound[]; spans: Bound[] } {
  const { ratios, steps } = m;
  return {
    leaves: [
      { what: 'T-B step 2 / T-B step 1', stats: ratios.leavesOwn, bound: 3, above: true },
      { what: 'T-B step 2 / T-C step 2', stats: ratios.leavesOther, bound: 2, above: true },
    ],
    stuck: ratios.stuck.map((stats, i) => ({ what: `T-C step ${i + 2} / T-B step ${i + 2}`, stats, bound: 0.5, above: false })),
    spans: [
      { what: `σ₂ T-B step ${steps} / T-C step ${steps}`, stats: ratios.spansOther, bound: 2, above: true },
      { what: `σ₂ T-B step ${steps} / T-B step 1`, stats: ratios.spansOwn, bound: 3, above: true },
    ],
  };
}

/** The verdicts' inequalities of a set of runs (measure, then boundsOf). */
export const multiStepBounds = (records: DetailedRecord[]) => boundsOf(measure(records));

/** The two verdicts: T-B leaving the line is the scatter claim's core, T-C staying on it the rest. */
function verdictsOf(b: ReturnType<typeof boundsOf>): { scatter: Shown; stuck: Shown; overlap: Shown } {
  const stuck = verdictOfBounds(b.stuck);
  const leaves = verdictOfBounds(b.leaves);
  // Partly when T-B leaves but T-C staying on the line is refuted or undecided.
  return { scatter: leaves === 'yes' ? (stuck === 'yes' ? 'yes' : 'partly') : leaves, stuck, overlap: verdictOfBounds(b.spans) };
}

/** The verdicts' English: the numbers behind each, and the test with every inequality. */
function words(m: Measured, b: ReturnType<typeof boundsOf>, v: ReturnType<typeof verdictsOf>) {
  const pick = (xs: SampleStats[]) => [xs[0], xs[1], xs[m.steps - 1]].map((s) => fmt(s, 'sem')).join(', ');
  const partly =
    v.scatter === 'partly'
      ? ` T-B leaves the line at step 2, but T-C drifts off it too over the later steps, ${v.stuck === 'no' ? 'at some step to more than' : 'at some step to about'} half of T-B's distance (its second direction is weakly linked to the first; see the overlap figure).`
      : '';
  const [svB, svC] = [m.sigma2['T-B'], m.sigma2['T-C']];
  return {
    scatter: {
      evidence: `Mean distance of the 40 neurons' update cosines from the theory line (mean ± s.e. over ${m.seeds} seeds), steps 1, 2, ${m.steps}: T-B ${pick(m.distance['T-B'])}; T-C ${pick(m.distance['T-C'])}.${partly}`,
      test:
        `Per seed (T-B and T-C share a seed's W₀), each ratio at 2 s.e. in its own direction. [leaves] ${b.leaves.map((x) => boundText(x, 3)).join('; ')}; ` +
        `[stuck] ${b.stuck.map((x) => boundText(x, 3)).join('; ')}. Shown: leaves and stuck hold; partly: leaves holds, stuck fails or is undecided; not shown: leaves fails; else inconclusive.`,
    },
    overlap: {
      evidence: `Second singular value after steps 1 and 6: T-B ${fmt(svB[0], 'sem')} → ${fmt(svB[5], 'sem')}; T-C ${fmt(svC[0], 'sem')} → ${fmt(svC[5], 'sem')}.`,
      test: `Per seed, at 2 s.e. in its own direction: ${b.spans.map((x) => boundText(x, 3)).join('; ')}. Shown if both hold, not shown if one fails, else inconclusive.`,
    },
  };
}

function tables(m: Measured): Table[] {
  const columns = ['target', ...Array.from({ length: m.steps }, (_, t) => `step ${t + 1}`)];
  return [
    {
      title: 'Distance of the update cosines from the theory line (mean over 40 neurons; mean ± s.e. over seeds)',
      columns,
      rows: TARGETS.map(({ target }) => [target, ...m.distance[target as 'T-B' | 'T-C'].map((s) => measuredCell(s))]),
    },
    {
      title: 'Second singular value of the overlap (mean ± s.e. over seeds)',
      columns,
      rows: TARGETS.map(({ target }) => [target, ...m.sigma2[target as 'T-B' | 'T-C'].map((s) => measuredCell(s))]),
    },
  ];
}

const CLAIM_SCATTER =
  "T-C is stuck on the spike: at every step its neurons' update cosines stay on the theory line of slope μ1(σ2*)/μ1(σ1*), while T-B's leave the line from step 2 on, split by the sign of a_i (its second direction).";
const CLAIM_OVERLAP = "Over 6 steps with n = d, T-B's neurons come to span its second direction while T-C's barely do.";

/** The scatter of update cosines per step (seed `first`), with the theory lines. */
function cosinesFigure(records: DetailedRecord[], quick: boolean): VegaLiteSpec {
  const first = Math.min(...records.map((r) => r.config.seed));
  const shown = records.filter((r) => r.config.seed === first);
  const c = records[0].config;
  const points = shown.flatMap((r) =>
    r.steps.flatMap((s, t) => s.updateCos.map(([x, y], i) => ({ x, y, group: i < 20 ? 'a_i > 0' : 'a_i < 0', target: r.config.target, step: t + 1 }))),
  );
  const lines = shown.flatMap((r) =>
    r.steps.flatMap((_, t) => {
      const s = slopeOf(r);
      const end = Math.min(1, 1 / Math.abs(s));
      return [-end, end].map((x) => ({ x, y: s * x, line: `slope C1*[1]/C1*[0]`, target: r.config.target, step: t + 1 }));
    }),
  );
  const caption = [
    `ReLU, d = ${c.d}, p = ${c.p}, n = d, η = 2p, 6 fresh-batch steps, a = ±1/√p (notebook pattern), no pre-processing; first 40 neurons, seed ${first}.`,
    `Line: the one-step theory direction W*ᵀC1*, slope C1*[1]/C1*[0] (1/4 for T-C, 1 for T-B).${quick ? ' Quick version (smaller d, p).' : ''}`,
  ];
  // Square axes just wide enough for every point, so the clusters are not specks.
  const reach = Math.min(1, Math.ceil(11.5 * Math.max(...points.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y))))) / 10);
  return scatterChart({
    title: 'Update cosines per step: T-C stays on the line, T-B leaves it',
    caption,
    x: { title: 'cos(G_i, w*_1)', domain: [-reach, reach] },
    y: { title: 'cos(G_i, w*_2)', domain: [-reach, reach] },
    colorTitle: 'second layer',
    points,
    lines,
    facets: { row: { field: 'target', title: 'target' }, column: { field: 'step', title: 'step' } },
    size: 130,
  });
}

/** σ₂ of the overlap over the steps, mean ± s.e. over seeds. */
function overlapFigure(records: DetailedRecord[]): VegaLiteSpec {
  const c = records[0].config;
  const seeds = new Set(records.map((r) => r.config.seed)).size;
  return lineChart({
    title: 'Second direction over the steps: T-B against T-C',
    caption: [
      `ReLU, d = ${c.d}, p = ${c.p}, n = d, η = 2p, 6 fresh-batch steps; mean ± s.e. over ${seeds} data seeds.`,
      'Second singular value of (1/√p) Ŵ W*ᵀ (rows of W normalized).',
    ],
    x: { title: 'step' },
    y: { title: 'second singular value of the overlap' },
    seriesTitle: 'target',
    error: 'sem',
    measured: TARGETS.flatMap(({ target }) =>
      measuredPoints(
        records
          .filter((r) => r.config.target === target)
          .flatMap((r) => r.steps.map((s) => ({ step: s.step, sv: s.overlap.singularValues[1], seed: r.config.seed }))),
        parseField('step'),
        parseField('sv'),
        () => target,
        'sem',
      ),
    ),
  });
}

export const notebookMultiStep: Reproduction = {
  name: 'notebook-multi-step',
  title: 'Multi-step notebook: update cosines of the first 40 neurons, T-C against T-B',
  description:
    "The presets notebook-multi-step-spike (T-C) and notebook-multi-step-staircase (T-B): ReLU, n = d = 4096, p = 1024, η = 2p, 6 fresh-batch steps, a = ±1/√p in the notebook's pattern (first 20 neurons +, next 20 −), (W0, a0) drawn once; 3 data seeds (the scatter shows seed 0). " +
    '--quick: d = 1024, p = 256, n_test = 2000, 2 seeds.',
  runSets: (quick) =>
    TARGETS.map(({ preset, target }) => ({
      label: `${target}, 6 steps`,
      detail: true,
      spec: { base: quick ? { preset, d: 1024, p: 256, nTest: 2000 } : { preset }, seeds: quick ? 4 : 6 },
    })),
  analyze(all, quick) {
    const records = all.filter(isDetailed);
    const [scatter, overlap] = [cosinesFigure(records, quick), overlapFigure(records)];
    const m = measure(records);
    const bounds = boundsOf(m);
    const v = verdictsOf(bounds);
    const text = words(m, bounds, v);
    return {
      figures: [
        {
          name: 'notebook-multi-step',
          spec: scatter,
          verdict: { claim: CLAIM_SCATTER, shown: v.scatter, ...text.scatter, inequalities: inequalities([...bounds.leaves, ...bounds.stuck]) },
        },
        {
          name: 'notebook-multi-step-overlap',
          spec: overlap,
          verdict: { claim: CLAIM_OVERLAP, shown: v.overlap, ...text.overlap, inequalities: inequalities(bounds.spans) },
        },
      ],
      tables: tables(m),
    };
  },
};
