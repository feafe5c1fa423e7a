// Theory before (and beside) simulation: a target's Hermite structure and learnability, an activation's
// Hermite facts, and theory curves that overlay run results (docs/model.md §2, §7).

import type { ConfigInput } from './config';
import type { ActivationDescription, TargetFacts, TheoryAnswer } from './generated/engine';

export type { ActivationDescription, Drawn, ErrorModels, ErrorPoint, HermiteTerm, LearnedDims, Solution, TargetFacts, TheoryAnswer } from './generated/engine';

import { ConfigError, prepareConfig } from './config';
import { engineCall } from './engine';
import { explainLearnability } from './explain';
import { checkMemoryLimit, defaultMemoryLimit } from './run';

/** A target's Hermite analysis and learnability (from the engine), with the prediction in plain words. */
export type TargetDescription = TargetFacts & {
  /** The learnability prediction in plain words (written by the facade from the fields above). */
  explanation: string[];
};

export type TheoryRequest =
  | { kind: 'one-step'; target: string; activation: string; noise?: number; alphas: number[]; c?: number }
  | { kind: 'drift'; target: string; activation: string; m: number[]; s: number; samples?: number; seed?: number }
  | { kind: 'overlaps'; config: ConfigInput; samples?: number; seed?: number }
  | { kind: 'phase-diagram'; target: string }
  | { kind: 'error'; config: ConfigInput; alphaReadout: number[] };

export const THEORY_KINDS = ['one-step', 'drift', 'overlaps', 'phase-diagram', 'error'] as const;

/** Hermite analysis and learnability prediction of a target (preset name or expression over u1..uk). */
export function describe(target: string): TargetDescription {
  const data = JSON.parse(engineCall((e) => e.describeTarget(target))) as TargetFacts;
  return { ...data, explanation: explainLearnability(data) };
}

/** μ_k up to order 12, E[σ'²] and the information exponent of an activation (name or expression in x). */
export function describeActivation(activation: string): ActivationDescription {
  return JSON.parse(engineCall((e) => e.describeActivation(activation)));
}

/** The answer to a request of kind K. */
export type TheoryAnswerOf<K extends TheoryRequest['kind']> = Extract<TheoryAnswer, { kind: K }>;

/** Options of `theory`: the memory its arrays may take (default 80% of the machine's, as `run`). */
export interface TheoryOptions {
  memoryLimitBytes?: number;
}

/**
 * A theory curve; `overlaps` takes a run config (presets allowed) and returns steps shaped like a run's. A
 * call whose arrays would need more than `memoryLimitBytes` (`error` at a large p·d, `overlaps` with many
 * samples) is refused with a ResourceError naming what to reduce, before it allocates.
 */
export function theory<R extends TheoryRequest>(request: R, options: TheoryOptions = {}): TheoryAnswerOf<R['kind']> {
  const limit = checkMemoryLimit(options?.memoryLimitBytes ?? defaultMemoryLimit());
  if (!THEORY_KINDS.includes(request.kind)) {
    throw new ConfigError('kind', `unknown theory kind '${request.kind}'; choose one of ${THEORY_KINDS.join(', ')}`);
  }
  const body = request.kind === 'overlaps' || request.kind === 'error' ? { ...request, config: prepareConfig(request.config) } : request;
  return JSON.parse(engineCall((e) => e.theory(JSON.stringify(body), limit)));
}
