// The public API's types, as a TypeScript user of `giantstep` sees them (checked by tsc, never run).
import { describe, expectTypeOf, it } from 'vitest';
import type { Config, ConfigInput, FlatTable, Overlap, Result, StepSummary, Summary, SweepPlan, SweepRecord, TargetDescription } from '../src/index';
import * as giantstep from '../src/index';

describe('public API types', () => {
  it('run and resolveConfig', () => {
    expectTypeOf(giantstep.run).parameter(0).toEqualTypeOf<ConfigInput>();
    expectTypeOf(giantstep.run).returns.resolves.toEqualTypeOf<Result>();
    expectTypeOf(giantstep.resolveConfig).returns.toEqualTypeOf<Config & { memoryEstimateBytes: number; workFlops: number }>();
    expectTypeOf<ConfigInput['sampler']>().toEqualTypeOf<'auto' | 'full' | 'projected' | undefined>();
    expectTypeOf<Config['sampler']>().toEqualTypeOf<'full' | 'projected'>();
    expectTypeOf<ConfigInput>().not.toHaveProperty('learningRate');
  });

  it('results: per-step overlaps with neuronCos, errors nullable where a step had no readout', () => {
    expectTypeOf<Result['steps'][number]['overlap']>().toEqualTypeOf<Overlap>();
    expectTypeOf<Overlap['neuronCos']>().toEqualTypeOf<number[][]>();
    expectTypeOf<StepSummary['testError']>().toEqualTypeOf<number | null>();
    expectTypeOf<SweepRecord['config']>().toEqualTypeOf<Config>();
  });

  it('errors carry their kind and field', () => {
    expectTypeOf<giantstep.ConfigError['field']>().toEqualTypeOf<string>();
    expectTypeOf<giantstep.ConfigError['kind']>().toEqualTypeOf<'config' | 'numerical' | 'resource'>();
    expectTypeOf<giantstep.NumericalError['kind']>().toEqualTypeOf<'numerical'>();
    expectTypeOf<giantstep.ResourceError['kind']>().toEqualTypeOf<'resource'>();
  });

  it('describe, sweeps, summaries and export return their named types', () => {
    expectTypeOf(giantstep.describe).returns.toEqualTypeOf<TargetDescription>();
    expectTypeOf<TargetDescription['learnedDims']['linkStrength']>().toEqualTypeOf<number[]>();
    expectTypeOf(giantstep.planSweep).returns.toEqualTypeOf<SweepPlan>();
    expectTypeOf(giantstep.summarize).returns.toEqualTypeOf<Summary>();
    expectTypeOf(giantstep.flatTable).returns.toEqualTypeOf<FlatTable>();
  });
});
