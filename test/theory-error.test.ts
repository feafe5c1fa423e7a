// `theory error` (the readout's test error after one step, d → ∞) against giantstep's own simulation at
// d = 1000: 5 seeds, 6 readout sizes, two (target, activation) pairs and a second width ratio, with and
// without the step. Tolerance:
// |simulated mean − theory| ≤ 2 s.e. + FINITE_D_ALLOWANCE (4%) of the theory (docs/targets-and-theory.md).
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../src/index';
import { ConfigError, run, theory } from '../src/index';
import { sampleStats } from '../src/plot/stats';
import { agrees, FINITE_D_ALLOWANCE } from '../src/reproduce/oneStepAsymptotics';

const ALPHAS = [0.2, 0.6, 1.2, 1.6, 2.2, 3];
const SEEDS = 5;

async function compare(config: ConfigInput) {
  const answer = theory({ kind: 'error', config, alphaReadout: ALPHAS });
  const rows = [];
  for (const [i, alphaReadout] of ALPHAS.entries()) {
    const step: number[] = [];
    const rf: number[] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const r = await run({ ...config, alphaReadout, seed });
      step.push(r.testError as number);
      rf.push(r.baselines.randomFeatures?.testError as number);
    }
    rows.push({ alphaReadout, step: sampleStats(step), rf: sampleStats(rf), theory: answer.points[i] });
  }
  return { answer, rows };
}

const table = (rows: Awaited<ReturnType<typeof compare>>['rows']) =>
  rows
    .map(
      (r) =>
        `α ${r.alphaReadout}: step ${r.step.mean.toFixed(4)} ± ${r.step.sem.toFixed(4)} (theory ${r.theory.testError.toFixed(4)}), ` +
        `rf ${r.rf.mean.toFixed(4)} ± ${r.rf.sem.toFixed(4)} (theory ${r.theory.randomFeaturesError.toFixed(4)})`,
    )
    .join('\n');

describe('theory error against simulation (d = 1000, 5 seeds, 6 readout sizes)', () => {
  const pairs: [string, ConfigInput][] = [
    ['tanh target, tanh student (the preset, residual full)', { preset: 'osa-one-step', d: 1000, p: 1000, initSeed: null }],
    ['tanh target, ReLU student (residual labels)', { preset: 'osa-one-step', d: 1000, p: 1000, initSeed: null, activation: 'relu', residual: 'labels' }],
    ['tanh target, tanh student, half as many neurons as dimensions (p/d = 0.5)', { preset: 'osa-one-step', d: 1000, p: 500, initSeed: null }],
  ];
  for (const [name, config] of pairs) {
    it(`${name}: every point within 2 s.e. + ${FINITE_D_ALLOWANCE * 100}%, with and without the step`, async () => {
      const { answer, rows } = await compare(config);
      console.log(`${name}\n${table(rows)}`);
      expect(answer.points.every((p) => p.converged && p.randomFeaturesConverged)).toBe(true);
      for (const r of rows) {
        expect(agrees(r.step, r.theory.testError), `step at α = ${r.alphaReadout}\n${table(rows)}`).toBe(true);
        expect(agrees(r.rf, r.theory.randomFeaturesError), `random features at α = ${r.alphaReadout}\n${table(rows)}`).toBe(true);
      }
      // Negative control: the same test tells the two curves apart where they differ, so it could fail.
      const late = rows.filter((r) => r.alphaReadout >= 1.6);
      expect(late.some((r) => !agrees(r.step, r.theory.randomFeaturesError) || !agrees(r.rf, r.theory.testError))).toBe(true);
    }, 600_000);
  }

  it('refuses settings the equations do not model, naming the field', () => {
    const refused: [ConfigInput, string][] = [
      [{ preset: 'osa-one-step', steps: 2 }, 'steps'],
      [{ preset: 'osa-one-step', target: 'T-B' }, 'target'],
      [{ preset: 'osa-one-step', initA: 'signs' }, 'initA'],
      [{ preset: 'osa-one-step', normalize: 'project' }, 'normalize'],
      [{ preset: 'osa-one-step', activation: 'relu' }, 'residual'],
      [{ preset: 'osa-one-step', readoutBatch: 'same' }, 'alphaReadout'],
      [{ preset: 'osa-one-step', preprocess: 'train' }, 'preprocess'],
    ];
    for (const [config, field] of refused) {
      let error: unknown;
      try {
        theory({ kind: 'error', config, alphaReadout: [1] });
      } catch (e) {
        error = e;
      }
      expect(error, field).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field, JSON.stringify(config)).toBe(field);
    }
    expect(() => theory({ kind: 'error', config: { preset: 'osa-one-step' }, alphaReadout: [] })).toThrow(/^alphaReadout: /);
  });
});
