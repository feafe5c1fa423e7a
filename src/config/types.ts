// Public types of configs and results. Field meanings: docs/config.md and docs/model.md.

/** A fully resolved config, as the engine ran it (every field present). */
export interface Config {
  /** Input dimension. */
  d: number;
  /** Width. */
  p: number;
  /** Batch size per step (resolved from kappa or alpha/ell when those are given). */
  n: number;
  kappa: number | null;
  alpha: number | null;
  ell: number | null;
  /** Number of giant steps T. */
  steps: number;
  /** Preset name or expression over u1..uk. */
  target: string;
  noise: number;
  activation: string;
  eta: number;
  etaRule: 'raw' | 'p-d' | 'sqrt-np';
  /** The learning rate actually used. */
  learningRate: number;
  lambda: number;
  nTest: number;
  batches: 'fresh' | 'reuse';
  readoutBatch: 'same' | 'fresh';
  preprocess: 'none' | 'train' | 'hermite' | 'notebook';
  precision: 'f64' | 'f32';
  seed: number;
  initSeed: number | null;
  initW: 'gaussian' | 'sphere';
  initA: 'gaussian' | 'signs' | 'notebook';
  symmetric: boolean;
  residual: 'full' | 'labels';
  normalize: 'none' | 'project' | 'spherical';
  trackNeurons: number;
  cosThreshold: number;
  readoutEveryStep: boolean;
  baselines: boolean;
  chunk: number;
  /** As resolved: `auto` becomes `full` or `projected` before the run. */
  sampler: 'full' | 'projected';
}

// What a caller may set: every field but the derived ones; the sampler may also be left to the engine.
type Settable = Omit<Config, 'n' | 'learningRate' | 'sampler'> & { n: number; sampler: Config['sampler'] | 'auto' };

/** What a caller gives: any subset of the fields, and optionally a preset to start from. */
export type ConfigInput = Partial<{ [K in keyof Settable]: Settable[K] | (null extends Settable[K] ? null : never) }> & {
  preset?: string;
};

export interface Overlap {
  /** max over neurons of |cos(w_i, w*_j)|, one number per target direction j. */
  maxAbsCos: number[];
  /** mean over neurons of |cos(w_i, w*_j)|. */
  meanAbsCos: number[];
  /** fraction of neurons with |cos| above cosThreshold. */
  fracAbove: number[];
  /** singular values of (1/sqrt p) W_normalized W*^T, largest first. */
  singularValues: number[];
  meanNorm: number;
  /** cos(w_i, w*_j) of the first `trackNeurons` neurons: one row per neuron, one entry per direction j. */
  neuronCos: number[][];
}

export interface StepRecord {
  /** 1 for the first step. */
  step: number;
  /** Overlaps of the weights after this step. */
  overlap: Overlap;
  /** cos(G_i, w*_j) for the first trackNeurons neurons. */
  updateCos: number[][];
  /** In-plane update directions dM_i/|dM_i|. */
  inPlane: number[][];
  meanUpdateNorm: number;
  testError: number | null;
  trainError: number | null;
  /** Random-features baseline on this step's batch (readoutEveryStep with readoutBatch "same"). */
  randomFeatures: Errors | null;
}

export interface Errors {
  testError: number | null;
  trainError: number;
}

export interface Result {
  config: Config;
  /** giantstep package version. */
  version: string;
  engineVersion: string;
  target: { name: string; expression: string; k: number; mean: number; variance: number; c1: number[] };
  initial: Overlap;
  steps: StepRecord[];
  testError: number | null;
  trainError: number;
  baselines: { randomFeatures: Errors | null; linearKernel: { testError: number } };
  timing: { seconds: number; stages: Record<string, number> };
  memoryEstimateBytes: number;
}

export interface Progress {
  stage: string;
  /** Fraction of the run's planned work done, 0..1. */
  fraction: number;
}
