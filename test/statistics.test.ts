import { describe, expect, it } from 'vitest';
import { run } from '../src/index';

// One step at n = 4d on T-C (protocol.md §7): each neuron's update G_i points along v* = W*ᵀC1*/‖C1*‖
// with cos(G_i, v*) ≈ μ1‖C1*‖ / sqrt(μ1²‖C1*‖² + (μ2 E[y])² + E[y²] E[σ'²]/α).
// The (μ2 E[y])² term is the update's radial part, E[y σ''(w·z)] w, which the leading-order formula
// leaves out; T-C has E[y] = 1/2, so it matters at the 1% level.
// ReLU: μ1 = 1/2, μ2 = 1/√(2π), E[σ'²] = 1/2. T-C: C1* = (2, 1/2), E[y] = 1/2, E[y²] = 4.75 + 1/4 = 5.
describe('one step at n = 4d aligns neurons as the theory predicts', () => {
  it('mean |cos(G_i, v*)| over 8 seeds is within 3 standard errors of the formula', async () => {
    const alpha = 4;
    const c1 = [2, 0.5];
    const norm = Math.hypot(...c1);
    const mu1 = 0.5;
    const mu2 = 1 / Math.sqrt(2 * Math.PI);
    const predicted = (mu1 * norm) / Math.sqrt(mu1 ** 2 * norm ** 2 + (mu2 * 0.5) ** 2 + (5 * 0.5) / alpha);
    const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
    const perSeed: number[] = [];
    for (const seed of seeds) {
      const r = await run({
        d: 1000, p: 80, alpha, ell: 1, steps: 1, target: 'T-C', seed,
        initW: 'sphere', initA: 'signs', symmetric: true, preprocess: 'none',
        eta: 1, etaRule: 'raw', nTest: 0, baselines: false, trackNeurons: 80,
      });
      const cosines = r.steps[0].updateCos.map((row) => Math.abs(row.reduce((s, x, j) => s + (x * c1[j]) / norm, 0)));
      perSeed.push(cosines.reduce((a, b) => a + b, 0) / cosines.length);
    }
    const mean = perSeed.reduce((a, b) => a + b, 0) / perSeed.length;
    const sd = Math.sqrt(perSeed.reduce((s, x) => s + (x - mean) ** 2, 0) / (perSeed.length - 1));
    const se = sd / Math.sqrt(perSeed.length);
    expect(se).toBeGreaterThan(0);
    expect(Math.abs(mean - predicted)).toBeLessThan(3 * se);
    // And the leading-order formula without the radial term is visibly off (a check that the test can fail).
    const leading = (mu1 * norm) / Math.sqrt(mu1 ** 2 * norm ** 2 + (5 * 0.5) / alpha);
    expect(Math.abs(mean - leading)).toBeGreaterThan(3 * se);
  });
});
