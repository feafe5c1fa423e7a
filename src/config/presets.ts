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
    description: 'single-step learning curve of the notebook: T-A, d=512, p=1024, n=d^kappa (kappa 2 by default), eta=10 sqrt(np)',
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
    description: 'multi-step notebook, T-C ("stuck on the spike"): n=d=4096, p=1024, eta=2p, 6 fresh-batch steps',
    config: multiStep('T-C'),
  },
  'notebook-multi-step-staircase': {
    description: 'multi-step notebook, T-B (staircase): n=d=4096, p=1024, eta=2p, 6 fresh-batch steps',
    config: multiStep('T-B'),
  },
  'osa-one-step': {
    description:
      'one-step asymptotics (Cui et al. 2024): tanh target and student, d=p=2000, one step on n0=0.5d with eta~=1 (eta=p), readout on n=alphaReadout*d fresh samples, lambda=0.01',
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
