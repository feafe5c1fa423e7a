// §9 first bullet: the single-step notebook's learning curve (T-A, d = 512, p = 1024, κ = 1.3, 1.65, 2).

import { parseField } from '../plot/fields';
import { measuredPoints } from '../plot/records';
import type { MeasuredPoint } from '../plot/spec';
import { lineChart } from '../plot/spec';
import type { SweepRecord } from '../sweep';
import { clearlyBelow, clearlyBelowText, fmt, numberAt, statsOf, valuesOf } from './analysis';
import type { Reproduction, Shown } from './types';

const KAPPAS = [1.3, 1.65, 2.0];

/** Mean ± std over 10 seeds printed in the authors' notebook (docs/reproducing.md, "Does it reproduce the notebook?"). */
const NOTEBOOK: Record<number, { mean: number; std: number }> = {
  1.3: { mean: 0.336, std: 0.006 },
  1.65: { mean: 0.207, std: 0.006 },
  2: { mean: 0.077, std: 0.002 },
};

const CLAIM =
  "One giant step with n = d^κ learns features: the test error falls as κ grows and beats random features and the linear kernel at κ = 2 (the authors' notebook: 0.336, 0.207, 0.077 at κ = 1.3, 1.65, 2).";

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
    const kappas = valuesOf(records, 'kappa');
    const at = (k: number) => (r: SweepRecord) => r.config.kappa === k;
    const error = kappas.map((k) => statsOf(records, at(k), 'testError'));
    const rf = kappas.map((k) => statsOf(records, at(k), 'baselines.randomFeatures.testError'));
    const lk = numberAt(records[0], 'baselines.linearKernel.testError') ?? NaN;
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
    if (!quick) {
      for (const k of KAPPAS)
        measured.push({
          x: k,
          y: NOTEBOOK[k].mean,
          lo: NOTEBOOK[k].mean - NOTEBOOK[k].std,
          hi: NOTEBOOK[k].mean + NOTEBOOK[k].std,
          count: 10,
          series: "authors' notebook (printed)",
        });
    }
    const c = records[0].config;
    const seeds = new Set(records.map((r) => r.config.seed)).size;
    const spec = lineChart({
      title: 'One giant step: test error against batch size (T-A)',
      caption: [
        `T-A, ReLU, d = ${c.d}, p = ${c.p}, n = d^κ, η = 10√(np), λ = ${c.lambda}, n_test = ${c.nTest}, notebook pre-processing, readout on the step's batch.`,
        `Mean ± std over ${seeds} data seeds (W0, a0 drawn once).${quick ? ' Quick version (smaller d, p).' : ''}`,
      ],
      x: { title: 'κ = log n / log d' },
      y: { title: 'test error (mean squared error)' },
      seriesTitle: 'model',
      error: 'std',
      measured,
      baselines: [{ y: lk, series: 'linear kernel (population)' }],
    });
    const last = error.length - 1;
    const falls = error.every((s, i) => i === 0 || (s && error[i - 1] && s.mean < (error[i - 1]?.mean ?? Infinity)));
    const beats = Boolean(error[last] && rf[last] && clearlyBelow(error[last]!, rf[last]!) && error[last]!.mean < lk);
    const gaps = quick
      ? []
      : kappas.map((k, i) => Math.abs((error[i]?.mean ?? NaN) - (NOTEBOOK[k]?.mean ?? NaN)) / Math.hypot(error[i]?.std ?? 0, NOTEBOOK[k]?.std ?? 0));
    const matches = gaps.every((g) => g <= 2);
    const shown: Shown = falls && beats ? (matches ? 'yes' : 'partly') : 'no';
    const test =
      `[falls] test error decreases with κ: ${error.map((s) => fmt(s)).join(' > ')}: ${falls}; ` +
      `[beats] at κ = ${kappas[last]}: ${error[last] && rf[last] ? clearlyBelowText('one step', error[last]!, 'random features', rf[last]!) : 'n/a'}, and one step ${fmt(error[last])} < linear kernel ${lk.toFixed(4)}: ${Boolean(error[last] && error[last]!.mean < lk)}; ` +
      (quick
        ? "[matches the notebook] not tested (--quick sizes differ from the notebook's)"
        : `[matches the notebook] every |giantstep − notebook| ≤ 2 combined std: ${gaps.map((g) => g.toFixed(2)).join(', ')}: ${matches}`) +
      `. Shown: falls and beats (and matches, else partly).`;
    const perKappa = kappas.map((k, i) => `κ = ${k}: ${fmt(error[i])} (random features + linear part ${fmt(rf[i])})`).join('; ');
    const evidence =
      `Test error (mean ± std, ${seeds} seeds): ${perKappa}; linear kernel ${lk.toFixed(3)}.` +
      (quick
        ? ' (Quick version: smaller d and p than the notebook, so its numbers differ.)'
        : ` Largest gap to the notebook: ${Math.max(...gaps).toFixed(1)} combined std.`);
    return {
      figures: [{ name: 'notebook-single-step', spec, verdict: { claim: CLAIM, shown, evidence, test } }],
      tables: [
        {
          title: 'Test error after one step (mean ± std over seeds)',
          columns: ['κ', 'n', 'giantstep', 'random features + linear part', 'linear kernel', ...(quick ? [] : ["authors' notebook"])],
          rows: kappas.map((k, i) => [
            k,
            records.find(at(k))?.config.n ?? null,
            fmt(error[i], 'std', 4),
            fmt(rf[i], 'std', 4),
            lk.toFixed(4),
            ...(quick ? [] : [NOTEBOOK[k] ? `${NOTEBOOK[k].mean.toFixed(3)} ± ${NOTEBOOK[k].std.toFixed(3)}` : 'n/a']),
          ]),
        },
      ],
    };
  },
};
