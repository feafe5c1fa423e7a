import { describe, expect, it } from 'vitest';
import type { Progress } from '../src/index';
import { ConfigError, NumericalError, ResourceError, resolveConfig, run, stageText, version } from '../src/index';

const small = { d: 60, p: 50, n: 2000, steps: 2, target: 'T-B', nTest: 2000, readoutEveryStep: true } as const;

describe('run', () => {
  it('round-trips a config into a full result', async () => {
    const progress: Progress[] = [];
    const r = await run(small, { onProgress: (p) => progress.push(p), progressIntervalMs: 1 });
    expect(r.version).toBe(version);
    expect(r.config).toMatchObject({ d: 60, p: 50, n: 2000, steps: 2, seed: 0, target: 'T-B', etaRule: 'sqrt-np' });
    expect(r.config.learningRate).toBeCloseTo(10 * Math.sqrt(2000 * 50), 6);
    expect(r.steps).toHaveLength(2);
    expect(r.steps[0].step).toBe(1);
    expect(r.steps[0].overlap.maxAbsCos).toHaveLength(2);
    expect(r.steps[0].updateCos).toHaveLength(40);
    expect(r.steps[1].testError).toBe(r.testError);
    expect(r.testError).toBeGreaterThan(0);
    expect(r.baselines.linearKernel.testError).toBeCloseTo(1.0, 12);
    expect(r.baselines.randomFeatures?.testError).toBeGreaterThan(0);
    expect(r.timing.seconds).toBeGreaterThan(0);
    // One object per call: the fraction done runs from 0 to 1 and ends at 1.
    expect(progress.every((p) => p.fraction >= 0 && p.fraction <= 1)).toBe(true);
    expect(progress.at(-1)?.fraction).toBe(1);
    // Stages are data, in order, worded by stageText.
    expect(progress.at(-1)?.stage).toEqual({ kind: 'done' });
    const steps = progress.filter((p) => p.stage.kind === 'step').map((p) => stageText(p.stage));
    expect([...new Set(steps)]).toEqual(['step 1/2', 'step 2/2']);
    expect(progress.some((p) => p.stage.kind === 'test' && p.stage.after === 2)).toBe(true);
    expect(stageText({ kind: 'readout', after: 1 })).toBe('readout after step 1');
  });

  it('alphaReadout sizes the fresh readout batch: fewer samples than neurons interpolate, more do not', async () => {
    const base = { d: 64, p: 128, n: 256, nTest: 512, readoutBatch: 'fresh', lambda: 1e-8, baselines: false } as const;
    const few = await run({ ...base, alphaReadout: 0.5 }); // 32 readout samples < p
    const many = await run({ ...base, alphaReadout: 8 }); // 512 > p
    expect(few.trainError).toBeLessThan(1e-6);
    expect(many.trainError).toBeGreaterThan(1e-3);
    expect(few.config).toMatchObject({ n: 256, alphaReadout: 0.5 });
    expect(() => resolveConfig({ d: 64, alphaReadout: 2 })).toThrow(/^alphaReadout: .*readoutBatch fresh/);
  });

  it('is reproducible: same config and seed, same numbers; another seed, other numbers', async () => {
    const [a, b, c] = await Promise.all([run(small), run(small), run({ ...small, seed: 1 })]);
    expect(a.testError).toBe(b.testError);
    expect(a.steps[1].overlap).toEqual(b.steps[1].overlap);
    expect(c.testError).not.toBe(a.testError);
  });

  it('aborts a running experiment within a second with an AbortError', async () => {
    const controller = new AbortController();
    const started = run({ d: 512, p: 1024, kappa: 2, nTest: 100000 }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    controller.abort();
    await expect(started).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - t0).toBeLessThan(1000);
    // An already-aborted signal never starts the run.
    await expect(run(small, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it.each([
    [{ d: -3 }, 'd', 'must be >= 1'],
    [{ d: 2.5 }, 'd', 'integer'],
    [{ p: 'wide' }, 'p', 'must be an integer, not a string ("wide")'],
    [{ target: 'T-Z' }, 'target', "unknown target 'T-Z'"],
    [{ target: 'u1 + * u2' }, 'target', 'column 6'],
    [{ activation: 'swish' }, 'activation', 'unknown activation'],
    [{ etaRule: 'fast' }, 'etaRule', 'must be one of raw, p-d, sqrt-np'],
    [{ bogus: 1 }, 'bogus', 'unknown config field'],
    [{ n: 10, kappa: 1 }, 'n', 'only one of'],
    [{ d: 100000, p: 100000, n: 10 }, 'p', 'GB'],
    [{ preset: 'nope' }, 'preset', 'unknown preset'],
  ])('rejects %j naming the field', async (config, field, text) => {
    const err = await run(config as never).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.field).toBe(field);
    expect(err.message).toContain(text);
  });

  it('refuses a step that diverges with a NumericalError naming eta (a ConfigError too, refused the same way)', async () => {
    const err = await run({ d: 30, p: 20, n: 500, eta: 1e308, etaRule: 'raw', activation: 'tanh', nTest: 100 }).catch((e) => e);
    expect(err).toBeInstanceOf(NumericalError);
    expect(err).toBeInstanceOf(ConfigError);
    expect([err.name, err.kind, err.field]).toEqual(['NumericalError', 'numerical', 'eta']);
    expect(err.message).toMatch(/^eta: /);
  });

  it('a failing run keeps its own error when onProgress would throw at the end; a run that finished is not undone by a late abort', async () => {
    const diverging = { d: 30, p: 20, n: 500, eta: 1e308, etaRule: 'raw', activation: 'tanh', nTest: 100 } as const;
    let calls = 0;
    const onProgress = () => {
      calls++;
      if (calls > 1) throw new Error('callback failed');
    };
    const err = await run(diverging, { onProgress, progressIntervalMs: 1e6 }).catch((e) => e);
    expect([err.name, err.field]).toEqual(['NumericalError', 'eta']);
    const controller = new AbortController();
    // Only the final report (the interval never fires): it aborts after the engine has finished.
    const options = { signal: controller.signal, onProgress: () => controller.abort(), progressIntervalMs: 1e6 };
    const result = await run({ ...small, readoutEveryStep: false }, options);
    expect(controller.signal.aborted).toBe(true);
    expect(result.testError).toBeGreaterThan(0);
  });

  it('null is a value only where a field takes it: a preset keeps its batch size', async () => {
    const err = (() => {
      try {
        resolveConfig({ preset: 'osa-one-step', alpha: null } as never);
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect([err?.field, err?.message]).toEqual(['alpha', 'alpha: must be a finite number, not null']);
    expect(resolveConfig({ initSeed: null }).initSeed).toBeNull();
  });

  it('values JSON cannot carry are named in one short line', () => {
    const reason = (input: object) => {
      try {
        resolveConfig(input as never);
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(reason({ d: {} })).toBe('d: must be an integer, not an object');
    expect(reason({ d: 10n ** 80n })).toBe(`d: must be an integer, not a bigint (${'1'.padEnd(40, '0')}…)`);
    expect(reason({ eta: Number.NaN })).toBe('eta: must be a finite number, not a number (NaN)');
  });

  it('engine errors arrive structured: config, resource, cancelled, each its own kind, the message unchanged', async () => {
    const bad = (() => {
      try {
        resolveConfig({ d: 0 });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect([bad?.name, bad?.kind, bad?.field]).toEqual(['ConfigError', 'config', 'd']);
    const big = (() => {
      try {
        resolveConfig({ d: 2 ** 31, p: 8, n: 1000 }, 8e9);
      } catch (e) {
        return e as ResourceError;
      }
    })();
    expect(big).toBeInstanceOf(ResourceError);
    expect([big?.kind, big?.field]).toEqual(['resource', 'p']);
    expect(big?.message).toMatch(/^p: this run needs about [\d.]+ GB but 8\.0 GB are available/);
    const controller = new AbortController();
    const pending = run({ d: 200, p: 200, n: 400000, nTest: 1000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const aborted = await pending.catch((e) => e);
    expect(aborted.name).toBe('AbortError');
  });

  it('resolves presets and lets fields override them', () => {
    const c = resolveConfig({ preset: 'notebook-single-step', kappa: 1.3 });
    expect(c).toMatchObject({ d: 512, p: 1024, n: 3327, preprocess: 'notebook', readoutBatch: 'same', initSeed: 0 });
    const m = resolveConfig({ preset: 'notebook-multi-step-staircase' });
    expect(m).toMatchObject({ d: 4096, n: 4096, steps: 6, target: 'T-B', learningRate: 2048, initA: 'notebook' });
    expect(resolveConfig({ preset: 'notebook-single-step', n: 1000 }).n).toBe(1000);
    expect(c.memoryEstimateBytes).toBeLessThan(500e6);
  });
});
