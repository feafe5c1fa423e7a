// Theory before (and beside) simulation: a target's Hermite structure and learnability, an activation's
// Hermite facts, and theory curves that overlay run results (docs/model.md §2, §7).

import type { ActivationDescription, TargetFacts, TheoryAnswer, TheoryRequest } from './generated/engine';

// A request is generated from the engine's request types: its kind and that kind's fields.
export type {
  ActivationDescription,
  Drawn,
  DriftRequest,
  ErrorModels,
  ErrorPoint,
  ErrorRequest,
  HermiteTerm,
  LearnedDims,
  OneStepRequest,
  OverlapsRequest,
  PhaseDiagramRequest,
  Solution,
  TargetFacts,
  TheoryAnswer,
  TheoryModel,
  TheoryRequest,
} from './generated/engine';

import { ConfigError, prepareConfig } from './config';
import { abortError, engineCall, engineTask } from './engine';
import { explainLearnability, type Worded, wordTheory } from './explain';
import { THEORY_KINDS } from './generated/fields';
import { checkMemoryLimit, defaultMemoryLimit } from './run';

/** A target's Hermite analysis and learnability (from the engine), with the prediction in plain words. */
export type TargetDescription = TargetFacts & {
  /** The learnability prediction in plain words (written by the facade from the fields above). */
  explanation: string[];
};

/**
 * The kinds and analyses that take milliseconds check no cancel flag: an abort while they ran still rejects,
 * as the caller asked to stop.
 */
function rejectIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal.reason);
}

/** The kinds the engine answers (generated from its Rust, in the order its messages list them). */
export { THEORY_KINDS };

/** Options of the calls that run off the main thread: aborting `signal` stops the engine's work. */
export interface AbortOptions {
  signal?: AbortSignal;
}

/**
 * Hermite analysis and learnability prediction of a target (preset name or expression over u1..uk), off
 * the main thread: a target of several directions takes a moment quadrature of up to a second.
 */
export async function describeTarget(target: string, options: AbortOptions = {}): Promise<TargetDescription> {
  const data = JSON.parse(await engineTask((e, handle) => e.describeTargetAsync(target, handle), options?.signal)) as TargetFacts;
  rejectIfAborted(options?.signal);
  return { ...data, explanation: explainLearnability(data) };
}

/** `describeTarget` on the calling thread, for scripts: it blocks until the analysis is done. */
export function describeTargetSync(target: string): TargetDescription {
  const data = JSON.parse(engineCall((e) => e.describeTarget(target))) as TargetFacts;
  return { ...data, explanation: explainLearnability(data) };
}

/** @deprecated Renamed `describeTargetSync` (this name clashed with test runners' `describe`); removed in 0.4. */
export const describe = describeTargetSync;

/** μ_k up to order 12, E[σ'²] and the information exponent of an activation (name or expression in x). */
export function describeActivation(activation: string): ActivationDescription {
  return JSON.parse(engineCall((e) => e.describeActivation(activation)));
}

/**
 * The answer to a request of kind K: the engine's numbers and tags, with their words beside them
 * (`explanation` for what the models are, `region` for each phase-diagram row).
 */
export type TheoryAnswerOf<K extends TheoryRequest['kind']> = Worded<Extract<TheoryAnswer, { kind: K }>>;

/** Options of `theory`: the memory its arrays may take (default 80% of the machine's, as `run`), and an abort signal. */
export interface TheoryOptions extends AbortOptions {
  memoryLimitBytes?: number;
}

/** The kinds that take milliseconds, which `theorySync` answers on the calling thread. */
export const INSTANT_THEORY_KINDS = ['one-step', 'drift', 'phase-diagram'] as const;
type InstantTheoryRequest = Extract<TheoryRequest, { kind: (typeof INSTANT_THEORY_KINDS)[number] }>;

function theoryBody(request: TheoryRequest): unknown {
  if (request === null || typeof request !== 'object' || !THEORY_KINDS.includes(request.kind)) {
    throw new ConfigError('kind', `unknown theory kind '${(request as { kind?: unknown })?.kind}'; choose one of ${THEORY_KINDS.join(', ')}`);
  }
  return request.kind === 'overlaps' || request.kind === 'error' ? { ...request, config: prepareConfig(request.config) } : request;
}

/**
 * A theory curve, computed off the main thread; `overlaps` takes a run config (presets allowed) and
 * returns steps shaped like a run's. A call whose arrays would need more than `memoryLimitBytes` (`error`
 * at a large p·d, `overlaps` with many samples) is refused with a ResourceError naming what to reduce,
 * before it allocates. Aborting `signal` rejects with an AbortError; it stops the work of `error` inside its
 * step and between its stages, and of `overlaps` between steps.
 */
export async function theory<R extends TheoryRequest>(request: R, options: TheoryOptions = {}): Promise<TheoryAnswerOf<R['kind']>> {
  const limit = checkMemoryLimit(options?.memoryLimitBytes ?? defaultMemoryLimit());
  const body = JSON.stringify(theoryBody(request));
  const answer = JSON.parse(await engineTask((e, handle) => e.theoryAsync(body, limit, handle), options?.signal));
  rejectIfAborted(options?.signal);
  return wordTheory(answer);
}

/**
 * `theory` on the calling thread, for the kinds that take milliseconds (one-step, drift, phase-diagram);
 * `error` and `overlaps` take seconds and are refused here: await `theory` for them.
 */
export function theorySync<R extends InstantTheoryRequest>(request: R): TheoryAnswerOf<R['kind']> {
  const kind = (request as { kind?: string })?.kind;
  if (!(INSTANT_THEORY_KINDS as readonly string[]).includes(kind as string) && THEORY_KINDS.includes(kind as TheoryRequest['kind'])) {
    throw new ConfigError('kind', `theory kind '${kind}' takes seconds: await theory(request) instead of theorySync`);
  }
  const body = JSON.stringify(theoryBody(request));
  return wordTheory(JSON.parse(engineCall((e) => e.theory(body, defaultMemoryLimit()))));
}
