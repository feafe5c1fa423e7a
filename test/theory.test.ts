import { expect, describe as group, it } from 'vitest';
import type { Result } from '../src/index';
import { describe, describeActivation, MODEL_TEXT, regionText, run, theory, theorySync } from '../src/index';
import { native } from '../src/native';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

group('describe', () => {
  it('predicts the staircase and its one-step sample complexity', () => {
    const t = describe('u1 + u1*u2 + u1*u2*u3');
    expect(t.k).toBe(3);
    expect(t.method).toBe('exact');
    expect(t.learnedDims.oneStep).toEqual([1, 2, 3, 3]);
    expect(t.learnedDims.multiStep).toEqual([1, 2, 3, 3, 3, 3]);
    expect(t.informationExponents).toEqual([1, 2, 3]);
    expect(t.leapIndex).toBe(1);
    expect(t.explanation.join(' ')).toContain('one direction is learned per step');
    expect(t.explanation.join(' ')).toContain('one step needs n = O(d³) to see all 3 directions');
    const hard = describe('u1 + u2*u3');
    expect(hard.learnedDims.oneStep).toEqual([1, 3, 3, 3]);
    expect(hard.learnedDims.multiStep).toEqual([1, 1, 1, 1, 1, 1]);
    expect(hard.leapIndex).toBe(2);
  });

  it("explains learnability in words written by the facade from the engine's numbers", () => {
    const staircase = describe('u1 + u1*u2 + u1*u2*u3').explanation.join(' ');
    expect(staircase).toContain('one direction is learned per step: 1 after step 1, 2 after step 2, 3 after step 3');
    expect(staircase).toContain('Leap index 1: every direction can be reached by a chain of linear connections.');
    expect(describe('T-C').explanation.join(' ')).toContain('The link is weak at step 2 (linking coefficient 0.235 against ‖C1*‖ = 2.062)');
    expect(describe('T-B').explanation.join(' ')).not.toContain('weak');
    const a = describe('T-A').explanation.join(' ');
    expect(a).toContain('the first step learns 1 direction (the span of C1*), and more steps add nothing');
    expect(a).toContain(
      'Leap index 2: some direction can only be reached by a jump of Hermite degree 2 beyond the learned ones, which needs batches of n = O(d²).',
    );
    expect(describe('leap-3').explanation[0]).toContain('The other 3 directions are not linearly connected to the learned ones');
    expect(describe('He2(u1)').explanation[0]).toContain('nothing is learned: C1* = 0');
    // The engine returns data only: no English crosses the binding.
    expect(Object.keys(JSON.parse(native().describeTarget('T-B')))).not.toContain('explanation');
  });

  it('theory answers carry tags from the engine and words from the facade', () => {
    const engine = JSON.parse(native().theory(JSON.stringify({ kind: 'phase-diagram', target: 'u1 + u1*u2 + u1*u2*u3' }), 2 ** 30));
    expect(Object.keys(engine.rows[0])).toEqual(['ell', 'learnedDims']);
    const phase = theorySync({ kind: 'phase-diagram', target: 'u1 + u1*u2 + u1*u2*u3' });
    expect(phase.rows.map((r) => r.region)).toEqual(['one direction', '2 of 3 directions', 'all 3 directions', 'all 3 directions']);
    expect(theorySync({ kind: 'phase-diagram', target: 'He2(u1)' }).rows[0].region).toBe('no direction');
    expect(regionText(2, 3)).toBe('2 of 3 directions');
    expect(Object.keys(MODEL_TEXT).sort()).toEqual(['drawn-network', 'one-step-ridge', 'overlap-recursion', 'random-features', 'spiked-random-features']);
  });

  it('gives the protocol table values', () => {
    const a = describe('T-A');
    expect(a.variance).toBeCloseTo(0.7708333333, 9);
    expect(a.linearKernelError).toBeCloseTo(0.2708333333, 9);
    expect(a.c1[0]).toBeCloseTo(0.5, 12);
    const relu = describeActivation('relu');
    expect(relu.mu[1]).toBeCloseTo(0.5, 9);
    expect(relu.mu[4]).toBeCloseTo(-1 / Math.sqrt(2 * Math.PI), 8);
    expect(relu.sigmaPrimeSq).toBeCloseTo(0.5, 9);
    expect(describeActivation('tanh(x) - 0.5*x').name).toBe('tanh(x) - 0.5*x');
    expect(() => describe('u1 +')).toThrow(/target: cannot parse.*column 5/s);
  });
});

group('simulation against theory', () => {
  it.each([1, 4, 16])('one step at n = %i·d on T-C: mean update cosine within 3 standard errors over 8 seeds', async (alpha) => {
    // docs/model.md §7's formula plus the update's radial term μ2 E[y] (T-C has E[y] = 1/2); see
    // crates/core/src/theory/one_step.rs.
    const predicted = theorySync({ kind: 'one-step', target: 'T-C', activation: 'relu', alphas: [alpha] }) as unknown as {
      points: { updateCos: number; updateCosLeading: number }[];
    };
    const c1 = [2, 0.5];
    const norm = Math.hypot(...c1);
    const perSeed: number[] = [];
    for (let seed = 0; seed < 8; seed++) {
      const r = await run({
        d: 1000,
        p: 80,
        alpha,
        ell: 1,
        steps: 1,
        target: 'T-C',
        seed,
        initW: 'sphere',
        initA: 'signs',
        symmetric: true,
        preprocess: 'none',
        eta: 1,
        etaRule: 'raw',
        nTest: 0,
        baselines: false,
        trackNeurons: 80,
      });
      perSeed.push(mean(r.steps[0].updateCos.map((row) => Math.abs(row.reduce((s, x, j) => s + (x * c1[j]) / norm, 0)))));
    }
    const se = sd(perSeed) / Math.sqrt(perSeed.length);
    const gap = Math.abs(mean(perSeed) - predicted.points[0].updateCos);
    console.log(`alpha=${alpha}: simulated ${mean(perSeed).toFixed(4)} ± ${se.toFixed(4)} (se), theory ${predicted.points[0].updateCos.toFixed(4)}`);
    expect(gap).toBeLessThan(3 * se);
    // The leading-order formula alone is rejected where the radial term matters (so the test can fail).
    if (alpha >= 4) expect(Math.abs(mean(perSeed) - predicted.points[0].updateCosLeading)).toBeGreaterThan(3 * se);
  });

  it('the (M, Q) recursion follows the simulation at d = 2000, p = 4, 3 steps on staircase-3', async () => {
    const config = {
      d: 2000,
      p: 4,
      alpha: 1,
      ell: 1,
      steps: 3,
      target: 'staircase-3',
      eta: 1,
      etaRule: 'p-d' as const,
      initA: 'signs' as const,
      initSeed: 7,
      preprocess: 'none' as const,
      nTest: 0,
      baselines: false,
      trackNeurons: 4,
    };
    const th = (await theory({ kind: 'overlaps', config, samples: 400000 })) as unknown as { steps: { overlap: { neuronCos: number[][] } }[] };
    const sims: Result[] = [];
    for (let seed = 0; seed < 10; seed++) sims.push(await run({ ...config, seed }));
    for (let t = 0; t < 3; t++) {
      const gaps: number[] = [];
      const ses: number[] = [];
      for (const [j, row] of th.steps[t].overlap.neuronCos.entries()) {
        for (const [r, predicted] of row.entries()) {
          const values = sims.map((s) => s.steps[t].overlap.neuronCos[j][r]);
          gaps.push(Math.abs(mean(values) - predicted));
          ses.push(sd(values) / Math.sqrt(values.length));
        }
      }
      console.log(`step ${t + 1}: mean |recursion − simulation| ${mean(gaps).toFixed(4)}, mean standard error ${mean(ses).toFixed(4)}`);
      expect(mean(gaps)).toBeLessThan(3 * mean(ses));
    }
  });

  it('the recursion runs from symmetric pairs (a singular start) and follows their simulation, paired per seed', async () => {
    // Neuron i + p/2 starts as a copy of neuron i: 0.2.0 refused this with "lower eta". Each seed's recursion
    // starts from that seed's W0, so the gap is taken per seed; tolerance 3 s.e. + 0.01 (the recursion's
    // finite-d gap along the first direction, see the test above and docs).
    const config = {
      d: 1000,
      p: 8,
      n: 4000,
      steps: 2,
      target: 'T-B',
      eta: 1,
      etaRule: 'p-d' as const,
      initA: 'signs' as const,
      symmetric: true,
      preprocess: 'none' as const,
      nTest: 0,
      baselines: false,
      trackNeurons: 8,
    };
    const gaps: number[][][] = [];
    for (let seed = 0; seed < 8; seed++) {
      const sim = await run({ ...config, seed });
      const th = (await theory({ kind: 'overlaps', config: { ...config, seed }, samples: 200000 })) as unknown as {
        steps: { overlap: { meanAbsCos: number[] } }[];
      };
      gaps.push(sim.steps.map((s, t) => s.overlap.meanAbsCos.map((v, j) => v - th.steps[t].overlap.meanAbsCos[j])));
    }
    for (let t = 0; t < 2; t++)
      for (let j = 0; j < 2; j++) {
        const g = gaps.map((x) => x[t][j]);
        const se = sd(g) / Math.sqrt(g.length);
        expect(Math.abs(mean(g)), `step ${t + 1}, direction ${j + 1}: ${mean(g)} ± ${se}`).toBeLessThan(3 * se + 0.01);
      }
  });

  it('the recursion models hermite removal, and refuses the pre-processing it does not model', async () => {
    // T-C = (4u1 + u1² + u2)/2: with C0* + <C1*, W*z> removed only u1²/2 drives the steps, which at n = d moves
    // nothing; with the raw labels the neurons move to |cos| ≈ 0.8. The old recursion ignored preprocess.
    const config = {
      d: 2000,
      p: 4,
      alpha: 1,
      ell: 1,
      steps: 2,
      target: 'T-C',
      eta: 1,
      etaRule: 'p-d' as const,
      initA: 'signs' as const,
      initSeed: 7,
      preprocess: 'hermite' as const,
      nTest: 0,
      baselines: false,
      trackNeurons: 4,
    };
    const th = (await theory({ kind: 'overlaps', config, samples: 400000 })) as unknown as {
      explanation: string;
      steps: { overlap: { neuronCos: number[][] } }[];
    };
    const raw = (await theory({ kind: 'overlaps', config: { ...config, preprocess: 'none' }, samples: 400000 })) as unknown as typeof th;
    expect(th.explanation).toMatch(/preprocess: hermite/);
    const sims: Result[] = [];
    for (let seed = 0; seed < 8; seed++) sims.push(await run({ ...config, seed }));
    const last = config.steps - 1;
    const gaps = (predicted: typeof th) =>
      predicted.steps[last].overlap.neuronCos.flatMap((row, j) =>
        row.map((c, r) => Math.abs(mean(sims.map((s) => s.steps[last].overlap.neuronCos[j][r])) - c)),
      );
    const ses = th.steps[last].overlap.neuronCos.flatMap((row, j) =>
      row.map((_, r) => sd(sims.map((s) => s.steps[last].overlap.neuronCos[j][r])) / Math.sqrt(sims.length)),
    );
    console.log(
      `hermite: mean |recursion − simulation| ${mean(gaps(th)).toFixed(4)} (raw-label recursion ${mean(gaps(raw)).toFixed(4)}), mean standard error ${mean(ses).toFixed(4)}`,
    );
    expect(mean(gaps(th))).toBeLessThan(3 * mean(ses));
    expect(mean(gaps(raw))).toBeGreaterThan(10 * mean(ses));
    for (const [field, extra] of [
      ['preprocess', { preprocess: 'train' }],
      ['preprocess', { preprocess: 'notebook' }],
      ['batches', { batches: 'reuse' }],
      ['normalize', { normalize: 'project' }],
    ] as const) {
      await expect(theory({ kind: 'overlaps', config: { ...config, ...extra } })).rejects.toThrow(new RegExp(`^${field}: the overlap recursion models`));
    }
  });
});
