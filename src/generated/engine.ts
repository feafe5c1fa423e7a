// Generated from crates/core by `npm run contract`; do not edit (CI checks it is current).
import type { ConfigInput } from '../config/types';

/**
 * Every option of a run, each with its row of the field table (kind, range, paper symbol, docs; from
 * which docs/config.md and `--help` are generated); its default is `Config::default()`. Field names are
 * the JSON/TS names (camelCase); the CLI flags are their kebab-case forms.
 */
export type ConfigFields = { 
/**
 * input dimension
 */
d: number, 
/**
 * width (hidden neurons)
 */
p: number, 
/**
 * batch size per step (or give kappa, or alpha with ell)
 */
n: number | null, 
/**
 * n = round(d^kappa); 1.65 when neither n nor alpha is given
 */
kappa: number | null, 
/**
 * n = round(alpha * d^ell)
 */
alpha: number | null, 
/**
 * exponent with alpha; also the l of etaRule p-d
 */
ell: number | null, 
/**
 * number of giant steps T on the first layer
 */
steps: number, 
/**
 * preset name (T-A..T-G, staircase-K, leap-2, ...) or an expression over u1..uk
 */
target: string, 
/**
 * label noise variance
 */
noise: number, 
/**
 * relu, tanh, erf, sigmoid, softplus, gelu, He1..He12 (any case), or an expression in x such as x*tanh(x)
 */
activation: string, 
/**
 * learning rate, or its coefficient c under etaRule
 */
eta: number, 
/**
 * raw: eta; p-d: eta*p*d^((l-1)/2); sqrt-np: eta*sqrt(n*p)
 */
etaRule: EtaRule, learningRate: number | null, 
/**
 * ridge penalty of the readout
 */
lambda: number, 
/**
 * fresh test samples (0: no test error)
 */
nTest: number, 
/**
 * a fresh batch per step, or one batch reused
 */
batches: Batches, 
/**
 * fit the readout on the last step's batch or a fresh one
 */
readoutBatch: ReadoutBatch, 
/**
 * label pre-processing (docs/model.md §4.4)
 */
preprocess: Preprocess, 
/**
 * readout samples per dimension: n_readout = round(alphaReadout*d) (readoutBatch fresh; default n)
 */
alphaReadout: number | null, 
/**
 * working precision of the streamed passes
 */
precision: Precision, 
/**
 * data seed
 */
seed: number, 
/**
 * seed of W*, W0, a0 (null: use seed, redrawn per seed)
 */
initSeed: number | null, 
/**
 * first layer init: N(0, I/d) rows or unit sphere
 */
initW: InitW, 
/**
 * second layer: N(0,1/p), +-1/sqrt(p), 20 +, 20 -, rest random, or all +1/sqrt(p)
 */
initA: InitA, 
/**
 * paired neurons with opposite a (network output 0 at init)
 */
symmetric: boolean, 
/**
 * gradient residual y - f, or y alone
 */
residual: Residual, 
/**
 * row normalization after each step
 */
normalize: Normalize, 
/**
 * neurons whose update cosines are recorded (the first K)
 */
trackNeurons: number, 
/**
 * |cos| threshold for fracAbove
 */
cosThreshold: number, 
/**
 * fit the readout and test after every step
 */
readoutEveryStep: boolean, 
/**
 * also fit the random-features baseline (readout on W0)
 */
baselines: boolean, 
/**
 * rows generated and consumed at once (multiple of 256)
 */
chunk: number, 
/**
 * batches in R^d, or exactly in span(W, W*) (fresh batches only); auto picks
 */
sampler: Sampler, };

export type EtaRule = "raw" | "p-d" | "sqrt-np";

export type Batches = "fresh" | "reuse";

export type ReadoutBatch = "same" | "fresh";

export type Preprocess = "none" | "train" | "hermite" | "notebook";

export type Precision = "f64" | "f32";

export type InitW = "gaussian" | "sphere";

export type InitA = "gaussian" | "signs" | "notebook" | "ones";

export type Residual = "full" | "labels";

export type Normalize = "none" | "project" | "spherical";

export type Sampler = "auto" | "full" | "projected";

export type RunResult = { 
/**
 * The fully resolved config (with `n`, `learningRate` and `seed`).
 */
config: Config, engineVersion: string, target: TargetInfo, 
/**
 * Overlaps of W0.
 */
initial: Overlap, 
/**
 * One entry per gradient step: `steps[0]` is the first step and the weights after it.
 */
steps: Array<StepRecord>, 
/**
 * Readout on the final weights.
 */
testError: number | null, trainError: number, baselines: Baselines, timing: Timing, memoryEstimateBytes: number, };

/**
 * A resolved config with what a planner reads beside it. For TypeScript, ts-rs types the estimates
 * (`PlannerEstimates`) and the contract joins them to `Config` as `ResolvedConfig`, so that no field of
 * `Config` is declared twice.
 */
export type PlannerEstimates = { 
/**
 * Bytes the run will hold (`Config::memory_estimate`).
 */
memoryEstimateBytes: number, 
/**
 * The run's planned floating-point operations (`planned_flops`).
 */
workFlops: number, };

export type TargetInfo = { name: string, expression: string, k: number, mean: number, variance: number, c1: Array<number>, };

export type StepRecord = { step: number, overlap: Overlap, 
/**
 * cos(G_i, w*_j) for each tracked neuron i (rows) and direction j.
 */
updateCos: Array<Array<number>>, 
/**
 * ΔM_i / ‖ΔM_i‖ for each tracked neuron.
 */
inPlane: Array<Array<number>>, 
/**
 * Mean ‖η G_i‖ over neurons: the size of the step.
 */
meanUpdateNorm: number, 
/**
 * Readout errors after this step (with `readoutEveryStep`, and always for the last step).
 */
testError: number | null, trainError: number | null, 
/**
 * The random-features baseline fitted on this step's batch (with `readoutEveryStep`, `baselines` and
 * `readoutBatch: same`, where each step count reads out on its own batch).
 */
randomFeatures: Errors | null, };

export type Errors = { testError: number | null, trainError: number, };

export type Baselines = { 
/**
 * The same readout on σ(Z W0ᵀ) (T = 0), on the same data.
 */
randomFeatures: Errors | null, 
/**
 * Population error of the best linear predictor: Var(y) − ‖C_1*‖² (+ noise).
 */
linearKernel: LinearKernel, };

export type LinearKernel = { testError: number, };

export type Timing = { seconds: number, stages: StageSeconds, };

/**
 * Seconds spent in each kind of pass (0 for a kind the run did not have).
 */
export type StageSeconds = { 
/**
 * Estimating the labels' shift (`preprocess train` or `notebook`).
 */
preprocess: number, 
/**
 * The gradient steps.
 */
steps: number, 
/**
 * Fitting the readouts (the network's and the baselines').
 */
readout: number, 
/**
 * The test passes.
 */
test: number, };

export type Overlap = { 
/**
 * max_i |cos(w_i, w*_j)| for each target direction j.
 */
maxAbsCos: Array<number>, 
/**
 * mean_i |cos(w_i, w*_j)|.
 */
meanAbsCos: Array<number>, 
/**
 * Fraction of neurons with |cos(w_i, w*_j)| above the threshold.
 */
fracAbove: Array<number>, 
/**
 * Singular values of (1/√p) Ŵ W*ᵀ (rows of W normalized), largest first: how many target
 * directions the neurons span (each in [0, 1]; their squares sum to the mean squared cosine).
 */
singularValues: Array<number>, 
/**
 * Mean row norm ‖w_i‖.
 */
meanNorm: number, 
/**
 * cos(w_i, w*_j) for the first `trackNeurons` neurons (rows) and each direction.
 */
neuronCos: Array<Array<number>>, };

/**
 * What a run reports as it goes: its stage and the fraction of its planned work done, 0..1 (the facade
 * builds it from the binding's handle; this type gives it its TypeScript shape).
 */
export type Progress = { stage: Stage, fraction: number, };

/**
 * The kinds of error the engine reports; the facade maps each to its error class (src/engine.ts).
 */
export type EngineErrorKind = "config" | "numerical" | "resource" | "cancelled" | "internal";

/**
 * An engine error as data: what the binding sends as the JS error's message (JSON).
 */
export type EngineErrorBody = { kind: EngineErrorKind, 
/**
 * The field or option at fault, or null.
 */
field: string | null, message: string, };

/**
 * The stages of a run, in order (a run with `readoutEveryStep` repeats readout and test after each step).
 * Data, not text: the facade words them (src/explain.ts).
 */
export type Stage = { "kind": "queued" } | { "kind": "start" } | { "kind": "preprocess" } | { "kind": "step", step: number, of: number, } | { "kind": "readout", after: number, } | { "kind": "test", after: number, } | { "kind": "done" };

/**
 * What `giantstep describe` shows about a target, as data (the facade puts it into words).
 */
export type TargetFacts = { name: string, expression: string, k: number, method: Method, 
/**
 * Highest Hermite order analysed.
 */
maxOrder: number, mcError: number | null, 
/**
 * The target's mean and variance: exact (quadrature of g itself) from `describe`; from the analysed
 * Hermite table otherwise.
 */
mean: number, variance: number, 
/**
 * Σ b_α² α! over the analysed (truncated) Hermite table, and its share of `variance`.
 */
expansionVariance: number, capturedFraction: number, c1: Array<number>, c2: Array<Array<number>>, 
/**
 * Lowest order at which each coordinate axis u_j appears (None: never, up to maxOrder). Per axis, so
 * not rotation invariant: T-A has (1, 1) though its direction (u1 − u2)/√2 first appears at order 2.
 */
informationExponents: Array<number | null>, 
/**
 * Rotation-invariant exponents, ascending: one entry per direction of the target space that some Hermite
 * order makes visible, the lowest order ℓ at which it enters the union of range(C_1*)…range(C_ℓ*).
 */
directionExponents: Array<number>, leapIndex: number | null, linearKernelError: number, learnedDims: LearnedDims, terms: Array<HermiteTerm>, };

/**
 * How the coefficients were obtained.
 */
export type Method = "exact" | "quadrature" | "monte-carlo";

export type HermiteTerm = { 
/**
 * Multi-index α: the term is b_α Π_j He_{α_j}(u_j).
 */
alpha: Array<number>, order: number, 
/**
 * b_α (so E[g* He_α] = b_α α!).
 */
coefficient: number, };

export type LearnedDims = { 
/**
 * Dimension of the union of range(C_1*) … range(C_ℓ*), ℓ = 1..4: every direction some order ≤ ℓ makes
 * visible to one step with n = Θ(d^ℓ). One network whose labels have their lower orders removed aligns
 * only with range(C_ℓ*) (`one_step_by_order`); the union counts the lower orders' directions too, which
 * come back through the re-added linear part or a step on the raw labels.
 */
oneStep: Array<number>, 
/**
 * Dimension of range(C_ℓ*) alone, ℓ = 1..4.
 */
oneStepByOrder: Array<number>, 
/**
 * Dimension learned after t steps with n = Θ(d) each, t = 1..6.
 */
multiStep: Array<number>, 
/**
 * For each step t = 1..6, the size of the largest Hermite coefficient that brings a new direction in
 * (‖C1*‖ at step 1; 0 when nothing is added): small values mean the direction is learned slowly.
 */
linkStrength: Array<number>, };

/**
 * The Hermite facts of an activation (docs/model.md §2).
 */
export type ActivationDescription = { name: string, 
/**
 * μ_0..μ_12, μ_k = E[σ(ξ) He_k(ξ)].
 */
mu: Array<number>, 
/**
 * E[σ'(ξ)²].
 */
sigmaPrimeSq: number, 
/**
 * Lowest k ≥ 1 with μ_k ≠ 0 (up to 12).
 */
informationExponent: number | null, };

/**
 * A theory answer, tagged with its request's kind (JSON `{"kind": ..., ...}`).
 */
export type TheoryAnswer = { "kind": "one-step", target: string, activation: string, noise: number, c: number, points: Array<OneStepPoint>, } | { "kind": "drift", target: string, activation: string, drift: NeuronDrift, } | { "kind": "overlaps", 
/**
 * The model the answer comes from (always `overlap-recursion`; the facade words it).
 */
models: TheoryModel, 
/**
 * The resolved run config it was computed for.
 */
config: Config, samples: number, initial: Overlap, steps: Array<RecursionStep>, } | { "kind": "phase-diagram", target: string, k: number, leapIndex: number | null, rows: Array<PhaseRow>, 
/**
 * A direction first visible at Hermite order L is learned in one step iff n = Θ(d^ℓ) with ℓ ≥ L.
 */
generic: Array<GenericCell>, } | { "kind": "error", 
/**
 * What each number of the answer is, and the setting they cover.
 */
models: ErrorModels, 
/**
 * The resolved run config it was computed for.
 */
config: Config, 
/**
 * The surrogate's spike, from its formulas: strength, bulk scale and alignment.
 */
spike: Spike, 
/**
 * What the drawn W₁ (the config's seeds) measures; the network's prediction is evaluated on it.
 */
drawn: Drawn, points: Array<ErrorPoint>, };

export type OneStepPoint = { alpha: number, 
/**
 * cos(G_i, v*), v* = W*ᵀC1* / ‖C1*‖, with the radial term.
 */
updateCos: number, 
/**
 * The same without the radial term (docs/model.md §7 as written).
 */
updateCosLeading: number, 
/**
 * |cos(G_i, w*_j)| per direction: update_cos · |C1*_j| / ‖C1*‖.
 */
updateCosByDirection: Array<number>, 
/**
 * Mean over the two signs of a_i of |cos(w_i, v*)| after the step (needs the step size c).
 */
weightCos: number, weightCosByDirection: Array<number>, };

export type NeuronDrift = { m: Array<number>, s: number, 
/**
 * E[g*(u) σ'(⟨m,u⟩ + sξ) u] (network output taken as 0, e.g. symmetric init).
 */
drift: Array<number>, 
/**
 * Monte Carlo standard error of each component.
 */
standardError: Array<number>, samples: number, };

export type Recursion = { samples: number, initial: Overlap, steps: Array<RecursionStep>, };

export type RecursionStep = { step: number, overlap: Overlap, 
/**
 * E[(y − f)²] of the network (W, a0) from (M, Q): its population error before any readout.
 */
populationError: number, m: Array<Array<number>>, q: Array<Array<number>>, };

export type PhaseDiagram = { k: number, leapIndex: number | null, rows: Array<PhaseRow>, 
/**
 * A direction first visible at Hermite order L is learned in one step iff n = Θ(d^ℓ) with ℓ ≥ L.
 */
generic: Array<GenericCell>, };

export type PhaseRow = { ell: number, 
/**
 * How many of the target's k directions one step with n = Θ(d^ℓ) learns (the facade words it).
 */
learnedDims: number, };

export type GenericCell = { 
/**
 * The Hermite order at which a direction first appears (its one-step order; not the leap index,
 * which counts directions picked up at once over several steps).
 */
order: number, ell: number, learned: boolean, };

/**
 * What one step does to the first layer, to leading order (the sRF surrogate's formulas), or as measured
 * on a drawn W₁.
 */
export type Spike = { 
/**
 * r: the spike's size in every neuron's pre-activation, r = η̃ μ₁(σ) √(E[y²]/α₀ + μ₁(g*)²).
 */
strength: number, 
/**
 * c_W: the bulk's scale (its rows' root-mean-square norm), c_W² = 1 + η̃² E[y²] E[(σ' − μ₁)²] / α₀.
 */
bulk: number, 
/**
 * γ = cos(v̂, w*) = μ₁(g*) / √(μ₁(g*)² + E[y²]/α₀).
 */
alignment: number, };

/**
 * One readout size: the trained network's predicted error and the two surrogates'.
 */
export type ErrorPoint = { 
/**
 * Readout samples per dimension, n/d.
 */
alphaReadout: number, 
/**
 * The trained network's test error: the deterministic equivalent on the drawn W₁ (`network`).
 */
testError: number, 
/**
 * The spiked random-features surrogate's exact asymptotic error (`spikedRandomFeatures`).
 */
spikedRandomFeaturesError: number, 
/**
 * Random features, the same readout on W₀ (`randomFeatures`).
 */
randomFeaturesError: number, network: Solution, spikedRandomFeatures: Solution, randomFeatures: Solution, };

/**
 * The order parameters: the readout's overlaps with the bulk (q, V), with the per-neuron spike and norm
 * deviations (θ, θₛ), with the target's direction orthogonal to the spike (ψ), and with the mean mode (m).
 */
export type OrderParameters = { q1: number, q2: number, v1: number, v2: number, theta: number, thetaNorm: number, psi: number, m: number, };

/**
 * One model's solution at one readout size.
 */
export type Solution = { testError: number, converged: boolean, 
/**
 * Iterations of the damped fixed point.
 */
iterations: number, orderParameters: OrderParameters, };

/**
 * What `theory error`'s numbers are, stated in every answer.
 */
export type ErrorModels = { 
/**
 * The setting every number is for (other settings are refused).
 */
covers: TheoryModel, 
/**
 * points[i].testError.
 */
testError: TheoryModel, 
/**
 * points[i].spikedRandomFeaturesError.
 */
spikedRandomFeaturesError: TheoryModel, 
/**
 * points[i].randomFeaturesError.
 */
randomFeaturesError: TheoryModel, };

/**
 * The model a theory number comes from. The engine names it; the facade words it (src/explain.ts).
 */
export type TheoryModel = "overlap-recursion" | "one-step-ridge" | "drawn-network" | "spiked-random-features" | "random-features";

/**
 * What the drawn W₁ measures. The surrogate assumes an isotropic bulk, for which both loadings equal c².
 */
export type Drawn = { 
/**
 * r̄ = mean of W₁v̂, c = the bulk rows' root-mean-square norm, γ = ⟨v̂, w*⟩.
 */
spike: Spike, 
/**
 * (d/p)‖δr‖², δr = W₁v̂ − r̄: how strongly the spike's direction loads on the bulk.
 */
spikeLoading: number, 
/**
 * (d/p)‖W₁ζ̂‖², ζ̂ the target's direction orthogonal to v̂.
 */
targetLoading: number, 
/**
 * √d × the standard deviation of the bulk rows' norms.
 */
normSpread: number, };

/**
 * One-step cosines at n = αd for each α, step size η = c·p.
 */
export type OneStepRequest = { target: string, activation: string, 
/**
 * Label noise variance (default 0).
 */
noise?: number, alphas: Array<number>, 
/**
 * η = c·p (default 1).
 */
c?: number, };

/**
 * A neuron's population drift at overlap m and orthogonal norm s.
 */
export type DriftRequest = { target: string, activation: string, m: Array<number>, s: number, 
/**
 * Monte Carlo samples (default THEORY_DEFAULT_SAMPLES).
 */
samples?: number, 
/**
 * Monte Carlo seed (default 0).
 */
seed?: number, };

/**
 * The (M, Q) recursion for a run config.
 */
export type OverlapsRequest = { 
/**
 * A run's config, as `run` takes it (presets allowed).
 */
config: ConfigInput, 
/**
 * Monte Carlo samples per step (default THEORY_DEFAULT_SAMPLES).
 */
samples?: number, 
/**
 * Monte Carlo seed (default 0).
 */
seed?: number, };

/**
 * The learnability phase diagram of a target.
 */
export type PhaseDiagramRequest = { target: string, };

/**
 * The readout's test error after one step, over readout sizes, for a run config.
 */
export type ErrorRequest = { 
/**
 * A run's config, as `run` takes it (presets allowed).
 */
config: ConfigInput, 
/**
 * Readout samples per dimension, n/d.
 */
alphaReadout: Array<number>, };

/** A resolved config, as a run reports it: the fields, with the batch size, learning rate and sampler that `resolve` set. */
export type Config = Omit<ConfigFields, 'n' | 'learningRate' | 'sampler'> & {
  /** The batch size of each step. */
  n: number;
  /** The learning rate the step used (from eta and etaRule). */
  learningRate: number;
  /** The sampler `auto` resolved to. */
  sampler: Exclude<Sampler, 'auto'>;
};

/** A resolved config and the planner's estimates beside it, as `resolveConfig` returns them. */
export type ResolvedConfig = Config & PlannerEstimates;

/** A theory request: its kind and that kind's fields. */
export type TheoryRequest = ({ kind: "one-step" } & OneStepRequest) | ({ kind: "drift" } & DriftRequest) | ({ kind: "overlaps" } & OverlapsRequest) | ({ kind: "phase-diagram" } & PhaseDiagramRequest) | ({ kind: "error" } & ErrorRequest);
