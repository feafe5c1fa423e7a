// Theory before (and beside) simulation: a target's Hermite structure and learnability, an activation's
// Hermite facts, and theory curves that overlay run results (docs/model.md §2, §7).

import type { ConfigInput } from './config';
import { ConfigError, prepareConfig } from './config';
import { engineCall } from './engine';
import { explainLearnability } from './explain';

export interface HermiteTerm {
  /** Multi-index α: the term is coefficient · Π_j He_{α_j}(u_j). */
  alpha: number[];
  order: number;
  coefficient: number;
}

export interface TargetDescription {
  name: string;
  /** The expression evaluated (a preset's definition). */
  expression: string;
  k: number;
  /** exact (polynomial), quadrature (k ≤ 4) or monte-carlo. */
  method: 'exact' | 'quadrature' | 'monte-carlo';
  maxOrder: number;
  mcError: number | null;
  mean: number;
  variance: number;
  c1: number[];
  c2: number[][];
  /** Per coordinate axis u_j (not rotation invariant). */
  informationExponents: (number | null)[];
  /** Rotation invariant: one entry per visible direction, the lowest Hermite order at which it appears. */
  directionExponents: number[];
  leapIndex: number | null;
  linearKernelError: number;
  learnedDims: {
    /** ℓ = 1..4: dimension of the union of range(C1*)…range(Cℓ*) (every direction some order ≤ ℓ shows). */
    oneStep: number[];
    /** ℓ = 1..4: dimension of range(Cℓ*) alone (what a step on labels with lower orders removed aligns with). */
    oneStepByOrder: number[];
    /** t = 1..6 steps of n = Θ(d). */
    multiStep: number[];
    /** t = 1..6: size of the largest coefficient bringing a new direction in (0: none). */
    linkStrength: number[];
  };
  terms: HermiteTerm[];
  /** The learnability prediction in plain words (written by the facade from the fields above). */
  explanation: string[];
}

export interface ActivationDescription {
  name: string;
  /** μ_0..μ_12. */
  mu: number[];
  sigmaPrimeSq: number;
  informationExponent: number | null;
}

export type TheoryRequest =
  | { kind: 'one-step'; target: string; activation: string; noise?: number; alphas: number[]; c?: number }
  | { kind: 'drift'; target: string; activation: string; m: number[]; s: number; samples?: number; seed?: number }
  | { kind: 'overlaps'; config: ConfigInput; samples?: number; seed?: number }
  | { kind: 'phase-diagram'; target: string };

export const THEORY_KINDS = ['one-step', 'drift', 'overlaps', 'phase-diagram'] as const;

/** Hermite analysis and learnability prediction of a target (preset name or expression over u1..uk). */
export function describe(target: string): TargetDescription {
  const data = JSON.parse(engineCall((e) => e.describeTarget(target))) as Omit<TargetDescription, 'explanation'>;
  return { ...data, explanation: explainLearnability(data) };
}

/** μ_k up to order 12, E[σ'²] and the information exponent of an activation (name or expression in x). */
export function describeActivation(activation: string): ActivationDescription {
  return JSON.parse(engineCall((e) => e.describeActivation(activation)));
}

/** A theory curve; `overlaps` takes a run config (presets allowed) and returns steps shaped like a run's. */
export function theory(request: TheoryRequest): Record<string, unknown> & { kind: string } {
  if (!THEORY_KINDS.includes(request.kind)) {
    throw new ConfigError('kind', `unknown theory kind '${request.kind}'; choose one of ${THEORY_KINDS.join(', ')}`);
  }
  const body = request.kind === 'overlaps' ? { ...request, config: prepareConfig(request.config) } : request;
  return JSON.parse(engineCall((e) => e.theory(JSON.stringify(body))));
}
