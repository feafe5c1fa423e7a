// Named protocols (docs/model.md §9). A preset is a partial config; flags and files override it.
import type { ConfigInput } from './types';

export interface Preset {
  description: string;
  config: ConfigInput;
}

const multiStep = (target: string): ConfigInput => ({
  d: 4096,
  p: 1024,
  alpha: 1,
  ell: 1,
  steps: 6,
  target,
  activation: 'relu',
  eta: 2,
  etaRule: 'p-d',
  initA: 'notebook',
  initW: 'gaussian',
  initSeed: 0,
  preprocess: 'none',
  batches: 'fresh',
  readoutBatch: 'fresh',
  lambda: 1,
  nTest: 20000,
  trackNeurons: 40,
});

export const PRESETS: Record<string, Preset> = {
  'notebook-single-step': {
    description:
      "single-step learning curve of the notebook (model.md §9, first bullet): T-A, ReLU, d=512, p=1024, n=d^kappa (kappa 2 by default: pick the point with --kappa), eta=10 sqrt(np), W0 and a0 drawn once (initSeed 0), readout on the step's batch",
    config: {
      d: 512,
      p: 1024,
      kappa: 2,
      steps: 1,
      target: 'T-A',
      activation: 'relu',
      eta: 10,
      etaRule: 'sqrt-np',
      lambda: 1,
      nTest: 100000,
      preprocess: 'notebook',
      readoutBatch: 'same',
      batches: 'fresh',
      initW: 'gaussian',
      initA: 'gaussian',
      initSeed: 0,
    },
  },
  'notebook-multi-step-spike': {
    description:
      'multi-step notebook (model.md §9, second bullet), T-C ("stuck on the spike"): n=d=4096, p=1024, eta=2p, 6 fresh-batch steps, second layer +-1/sqrt(p) in the notebook\'s pattern, readout on a fresh batch',
    config: multiStep('T-C'),
  },
  'notebook-multi-step-staircase': {
    description:
      "multi-step notebook (model.md §9, second bullet), T-B (staircase): n=d=4096, p=1024, eta=2p, 6 fresh-batch steps, second layer +-1/sqrt(p) in the notebook's pattern, readout on a fresh batch",
    config: multiStep('T-B'),
  },
  'osa-one-step': {
    description:
      'one-step asymptotics (Cui et al. 2024), what `theory error` predicts: tanh target and student, d=p=2000, one step on n0=0.5d with eta~=1 (eta=p), W0 on the sphere drawn once, readout on n=alphaReadout*d fresh samples, lambda=0.01',
    config: {
      d: 2000,
      p: 2000,
      alpha: 0.5,
      ell: 1,
      steps: 1,
      target: 'tanh(u1)',
      activation: 'tanh',
      eta: 1,
      etaRule: 'p-d',
      lambda: 0.01,
      initW: 'sphere',
      initA: 'ones',
      initSeed: 58,
      residual: 'full',
      preprocess: 'none',
      batches: 'fresh',
      readoutBatch: 'fresh',
      alphaReadout: 1,
      nTest: 5000,
      trackNeurons: 0,
    },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
