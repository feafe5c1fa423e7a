// `theory error` against giantstep's own simulation at d = 1000, paired: for each seed the prediction is
// evaluated on that seed's own drawn W₁ (the same W₀ and step data the run trains), 5 seeds, 3 readout sizes,
// four settings. Tolerance: the paired relative gap's |mean| ≤ 2 s.e. + 1.5%
// (docs/targets-and-theory.md has the measured gaps). Negative control: on sin/tanh the spiked
// random-features surrogate, which over-predicts the network's error by 2–4%, is refused at 2 s.e.
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../src/index';
import { ConfigError, run, theory } from '../src/index';
import type { SampleStats } from '../src/plot/stats';
import { sampleStats } from '../src/plot/stats';

const ALPHAS = [0.6, 1.6, 3];
const SEEDS = 5;
const TOLERANCE = 0.015;

const within = (g: SampleStats) => Math.abs(g.mean) <= 2 * g.sem + TOLERANCE;

async function compare(config: ConfigInput) {
  const gaps = ALPHAS.map(() => ({ network: [] as number[], surrogate: [] as number[] }));
  let converged = true;
  for (let seed = 0; seed < SEEDS; seed++) {
    const answer = await theory({ kind: 'error', config: { ...config, seed }, alphaReadout: ALPHAS });
    converged &&= answer.points.every((p) => p.network.converged && p.spikedRandomFeatures.converged);
    for (const [i, alphaReadout] of ALPHAS.entries()) {
      const simulated = (await run({ ...config, alphaReadout, seed, baselines: false })).testError as number;
      gaps[i].network.push(simulated / answer.points[i].testError - 1);
      gaps[i].surrogate.push(simulated / answer.points[i].spikedRandomFeaturesError - 1);
    }
  }
  // Each seed's gap averaged over α (the α of one seed share its W₁, so seeds are the independent units).
  const perSeed = (model: 'network' | 'surrogate') =>
    sampleStats(Array.from({ length: SEEDS }, (_, seed) => gaps.reduce((sum, g) => sum + g[model][seed], 0) / gaps.length));
  return {
    converged,
    rows: gaps.map((g, i) => ({ alphaReadout: ALPHAS[i], network: sampleStats(g.network), surrogate: sampleStats(g.surrogate) })),
    pooled: { network: perSeed('network'), surrogate: perSeed('surrogate') },
  };
}

const pct = (g: SampleStats) => `${(100 * g.mean).toFixed(2)} ± ${(100 * g.sem).toFixed(2)}%`;
const table = (rows: Awaited<ReturnType<typeof compare>>['rows']) =>
  rows.map((r) => `α ${r.alphaReadout}: network prediction gap ${pct(r.network)}, sRF surrogate gap ${pct(r.surrogate)}`).join('\n');

const osa = { preset: 'osa-one-step', d: 1000, p: 1000, initSeed: null, nTest: 20000 } as const;
const sinTanh = { ...osa, target: 'sin(u1)', alpha: 20, eta: 3, lambda: 0.1 } as const;

describe('theory error against paired simulation (d = 1000, 5 seeds, 3 readout sizes)', () => {
  const settings: [string, ConfigInput][] = [
    ['tanh target, tanh student (osa-one-step, residual full)', osa],
    ['sin target, tanh student (alpha0 = 20, eta~ = 3, lambda = 0.1)', sinTanh],
    ['tanh target, ReLU student (residual labels)', { ...osa, activation: 'relu', residual: 'labels' }],
    ['tanh target, tanh student, half as many neurons as dimensions (p/d = 0.5)', { ...osa, p: 500 }],
  ];
  for (const [name, config] of settings) {
    it(`${name}: the network prediction within 2 s.e. + ${TOLERANCE * 100}% at every readout size`, async () => {
      const { converged, rows, pooled } = await compare(config);
      console.log(`${name}\n${table(rows)}\npooled over α: network ${pct(pooled.network)}, surrogate ${pct(pooled.surrogate)}`);
      expect(converged).toBe(true);
      for (const r of rows) expect(within(r.network), `α = ${r.alphaReadout}\n${table(rows)}`).toBe(true);
      if (config === sinTanh) {
        // Negative control: the surrogate over-predicts this network's error by 2–4%, and the seeds say so at
        // 2 s.e. (one-sided, pooled over α), while the network's prediction is not refused the same way.
        expect(pooled.surrogate.mean + 2 * pooled.surrogate.sem, pct(pooled.surrogate)).toBeLessThan(0);
        expect(Math.abs(pooled.network.mean), pct(pooled.network)).toBeLessThanOrEqual(2 * pooled.network.sem + TOLERANCE);
      }
    }, 600_000);
  }

  it('refuses settings the equations do not model, naming the field', async () => {
    const refused: [ConfigInput, string][] = [
      [{ preset: 'osa-one-step', steps: 2 }, 'steps'],
      [{ preset: 'osa-one-step', target: 'T-B' }, 'target'],
      [{ preset: 'osa-one-step', initA: 'signs' }, 'initA'],
      [{ preset: 'osa-one-step', normalize: 'project' }, 'normalize'],
      [{ preset: 'osa-one-step', activation: 'relu' }, 'residual'],
      [{ preset: 'osa-one-step', readoutBatch: 'same' }, 'alphaReadout'],
      [{ preset: 'osa-one-step', preprocess: 'train' }, 'preprocess'],
      [{ preset: 'osa-one-step', initW: 'gaussian' }, 'initW'],
      [{ preset: 'osa-one-step', p: 9000 }, 'p'],
      // Three p × d matrices of 2^28 entries at most: a huge d is refused by name, not an aborted allocation.
      [{ preset: 'osa-one-step', d: 200000, p: 2000 }, 'd'],
      // As run refuses it: the step itself overflows (0.2.0 answered testError null, exit 0).
      [{ preset: 'osa-one-step', d: 200, p: 200, eta: 1e300 }, 'eta'],
    ];
    for (const [config, field] of refused) {
      let error: unknown;
      try {
        await theory({ kind: 'error', config, alphaReadout: [1] });
      } catch (e) {
        error = e;
      }
      expect(error, field).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field, JSON.stringify(config)).toBe(field);
    }
    await expect(theory({ kind: 'error', config: { preset: 'osa-one-step' }, alphaReadout: [] })).rejects.toThrow(/^alphaReadout: /);
  });

  it('names the model of each number: a tag from the engine, its words from the facade', async () => {
    const answer = await theory({ kind: 'error', config: { preset: 'osa-one-step', d: 64, p: 64 }, alphaReadout: [1] });
    expect(answer.models).toEqual({
      covers: 'one-step-ridge',
      testError: 'drawn-network',
      spikedRandomFeaturesError: 'spiked-random-features',
      randomFeaturesError: 'random-features',
    });
    expect(answer.explanation.covers).toContain('initW: sphere');
    expect(answer.explanation.testError).toContain('deterministic equivalent of its readout evaluated on one drawn W1');
    expect(answer.explanation.spikedRandomFeaturesError).toContain('surrogate');
  });
});

describe('theory calls within the memory limit', () => {
  it('refuses, naming what to reduce, a call whose arrays exceed memoryLimitBytes; refuses a bad limit', async () => {
    const refusal = async (f: () => unknown): Promise<ConfigError> => {
      try {
        await f();
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('not refused');
    };
    const big = await refusal(() => theory({ kind: 'error', config: { preset: 'osa-one-step' }, alphaReadout: [1] }, { memoryLimitBytes: 2e8 }));
    expect(big).toBeInstanceOf(ConfigError);
    expect([big.kind, big.field]).toEqual(['resource', 'p']);
    expect(big.message).toMatch(/needs about \d+\.\d+ GB, above the memory limit of 0\.20 GB: reduce p or d, or raise memoryLimitBytes/);
    const many = await refusal(() =>
      theory({ kind: 'overlaps', config: { d: 64, p: 128, n: 256, preprocess: 'none' }, samples: 200000 }, { memoryLimitBytes: 1e8 }),
    );
    expect([many.kind, many.field]).toEqual(['resource', 'samples']);
    expect((await refusal(() => theory({ kind: 'phase-diagram', target: 'T-A' }, { memoryLimitBytes: Number.NaN }))).field).toBe('memoryLimitBytes');
  });
});
