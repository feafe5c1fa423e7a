// The public API's types, as a TypeScript user of `giantstep` sees them (checked by tsc, never run).
import { describe, expectTypeOf, it } from 'vitest';
import type {
  Config,
  ConfigInput,
  FlatTable,
  Overlap,
  Progress,
  Result,
  Stage,
  StepRecord,
  StepSummary,
  Summary,
  SweepPlan,
  SweepRecord,
  TargetDescription,
  TheoryAnswerOf,
} from '../src/index';
import * as giantstep from '../src/index';

describe('public API types', () => {
  it('run and resolveConfig', () => {
    expectTypeOf(giantstep.run).parameter(0).toEqualTypeOf<ConfigInput>();
    expectTypeOf(giantstep.run).returns.resolves.toEqualTypeOf<Result>();
    expectTypeOf(giantstep.resolveConfig).returns.toEqualTypeOf<giantstep.ResolvedConfig>();
    expectTypeOf<giantstep.ResolvedConfig>().toExtend<Config & { memoryEstimateBytes: number; workFlops: number }>();
    expectTypeOf<Config & { memoryEstimateBytes: number; workFlops: number }>().toExtend<giantstep.ResolvedConfig>();
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

  it('every progress callback takes one object with a fraction', () => {
    expectTypeOf<Parameters<NonNullable<giantstep.RunOptions['onProgress']>>>().toEqualTypeOf<[giantstep.RunProgress]>();
    expectTypeOf<Parameters<NonNullable<giantstep.SweepOptions['onProgress']>>>().toEqualTypeOf<[giantstep.SweepProgress]>();
    expectTypeOf<Parameters<NonNullable<giantstep.ReproduceOptions['onProgress']>>>().toEqualTypeOf<[giantstep.ReproduceProgress]>();
    expectTypeOf<giantstep.RunProgress>().toEqualTypeOf<Progress>();
    expectTypeOf<giantstep.RunProgress>().toEqualTypeOf<{ fraction: number; stage: Stage }>();
    expectTypeOf<giantstep.SweepProgress['fraction']>().toEqualTypeOf<number>();
    expectTypeOf<giantstep.ReproduceProgress>().toEqualTypeOf<{ fraction: number; figure: string; runSet: string; done: number; total: number }>();
  });

  it("a sweep record's fields copied from the result have the result's types", () => {
    expectTypeOf<SweepRecord['config']>().toEqualTypeOf<Result['config']>();
    expectTypeOf<Pick<SweepRecord, 'version' | 'engineVersion' | 'memoryEstimateBytes'>>().toEqualTypeOf<
      Pick<Result, 'version' | 'engineVersion' | 'memoryEstimateBytes'>
    >();
    expectTypeOf<Pick<SweepRecord, 'target' | 'initial' | 'testError' | 'trainError' | 'baselines'>>().toEqualTypeOf<
      Partial<Pick<Result, 'target' | 'initial' | 'testError' | 'trainError' | 'baselines'>>
    >();
    expectTypeOf<SweepRecord['timing']['seconds']>().toEqualTypeOf<Result['timing']['seconds']>();
    expectTypeOf<StepSummary>().toEqualTypeOf<Pick<StepRecord, 'step' | 'overlap' | 'meanUpdateNorm' | 'testError' | 'trainError'>>();
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

  it('config input types come from the field table: nullable only where the engine takes null', () => {
    expectTypeOf<ConfigInput['initSeed']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<ConfigInput['kappa']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ConfigInput['etaRule']>().toEqualTypeOf<'raw' | 'p-d' | 'sqrt-np' | undefined>();
    expectTypeOf<ConfigInput['symmetric']>().toEqualTypeOf<boolean | undefined>();
  });

  it('TheoryRequest covers exactly the kinds the engine answers (THEORY_KINDS, generated from the Rust)', () => {
    expectTypeOf<giantstep.TheoryRequest['kind']>().toEqualTypeOf<(typeof giantstep.THEORY_KINDS)[number]>();
  });

  it('theory answers are narrowed by the request kind; progress stages are typed', () => {
    expectTypeOf(giantstep.theory({ kind: 'error', config: { preset: 'osa-one-step' }, alphaReadout: [1] })).toEqualTypeOf<Promise<TheoryAnswerOf<'error'>>>();
    const phase = giantstep.theorySync({ kind: 'phase-diagram', target: 'T-A' });
    expectTypeOf(phase).toEqualTypeOf<TheoryAnswerOf<'phase-diagram'>>();
    expectTypeOf(phase.rows[0].learnedDims).toEqualTypeOf<number>();
    const drift = giantstep.theorySync({ kind: 'drift', target: 'T-A', activation: 'relu', m: [0.1, 0], s: 1 });
    expectTypeOf(drift.drift.standardError).toEqualTypeOf<number[]>();
    expectTypeOf<Progress['stage']>().toEqualTypeOf<Stage>();
    expectTypeOf<{ kind: 'step'; step: 1; of: 3 }>().toExtend<Stage>();
    expectTypeOf<{ kind: 'step' }>().not.toExtend<Stage>();
    expectTypeOf<'step 1/3'>().not.toExtend<Stage>();
  });
});
