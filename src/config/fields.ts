// The config fields: one table drives validation (zod), the CLI flags and their help. Defaults live in
// the engine (it resolves every run); the CLI asks it for them when printing help.
import { z } from 'zod';

export type FieldKind =
  | { kind: 'int'; min: number; max?: number }
  | { kind: 'number'; min?: number; max?: number; exclusiveMin?: boolean }
  | { kind: 'enum'; choices: readonly string[] }
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'seed' };

export type FieldSpec = FieldKind & { doc: string; nullable?: boolean };

/** Every config field, in the order docs/config.md and --help list them. */
export const FIELDS = {
  d: { kind: 'int', min: 1, max: 2 ** 32, doc: 'input dimension' },
  p: { kind: 'int', min: 1, max: 2 ** 32, doc: 'width (hidden neurons)' },
  n: { kind: 'int', min: 1, doc: 'batch size per step (or give kappa, or alpha with ell)' },
  kappa: { kind: 'number', min: 0, max: 6, doc: 'n = round(d^kappa)' },
  alpha: { kind: 'number', min: 0, exclusiveMin: true, doc: 'n = round(alpha * d^ell)' },
  ell: { kind: 'number', min: 0, max: 6, doc: 'exponent with alpha; also the l of etaRule p-d' },
  steps: { kind: 'int', min: 0, max: 1000, doc: 'number of giant steps T on the first layer' },
  target: { kind: 'string', doc: 'preset name (T-A..T-G, staircase-K, leap-2, ...) or an expression over u1..uk' },
  noise: { kind: 'number', min: 0, doc: 'label noise variance' },
  activation: { kind: 'string', doc: 'relu, tanh, erf, sigmoid, softplus, gelu, He1..He12' },
  eta: { kind: 'number', doc: 'learning rate, or its coefficient c under etaRule' },
  etaRule: { kind: 'enum', choices: ['raw', 'p-d', 'sqrt-np'], doc: 'raw: eta; p-d: eta*p*d^((l-1)/2); sqrt-np: eta*sqrt(n*p)' },
  lambda: { kind: 'number', min: 0, exclusiveMin: true, doc: 'ridge penalty of the readout' },
  nTest: { kind: 'int', min: 0, max: 1e12, doc: 'fresh test samples (0: no test error)' },
  batches: { kind: 'enum', choices: ['fresh', 'reuse'], doc: 'a fresh batch per step, or one batch reused' },
  readoutBatch: { kind: 'enum', choices: ['same', 'fresh'], doc: "fit the readout on the last step's batch or a fresh one" },
  preprocess: { kind: 'enum', choices: ['none', 'train', 'hermite', 'notebook'], doc: 'label pre-processing (docs/model.md §4.4)' },
  precision: { kind: 'enum', choices: ['f64', 'f32'], doc: 'working precision of the streamed passes' },
  seed: { kind: 'seed', doc: 'data seed' },
  initSeed: { kind: 'seed', nullable: true, doc: 'seed of W*, W0, a0 (null: use seed, redrawn per seed)' },
  initW: { kind: 'enum', choices: ['gaussian', 'sphere'], doc: 'first layer init: N(0, I/d) rows or unit sphere' },
  initA: { kind: 'enum', choices: ['gaussian', 'signs', 'notebook'], doc: 'second layer: N(0,1/p), +-1/sqrt(p), or 20 +, 20 -, rest random' },
  symmetric: { kind: 'bool', doc: 'paired neurons with opposite a (network output 0 at init)' },
  residual: { kind: 'enum', choices: ['full', 'labels'], doc: 'gradient residual y - f, or y alone' },
  normalize: { kind: 'enum', choices: ['none', 'project', 'spherical'], doc: 'row normalization after each step' },
  trackNeurons: { kind: 'int', min: 0, doc: 'neurons whose update cosines are recorded (the first K)' },
  cosThreshold: { kind: 'number', min: 0, max: 1, doc: '|cos| threshold for fracAbove' },
  readoutEveryStep: { kind: 'bool', doc: 'fit the readout and test after every step' },
  baselines: { kind: 'bool', doc: 'also fit the random-features baseline (readout on W0)' },
  chunk: { kind: 'int', min: 256, max: 2 ** 32, doc: 'rows generated and consumed at once (multiple of 256)' },
  sampler: { kind: 'enum', choices: ['auto', 'full', 'projected'], doc: 'batches in R^d, or exactly in span(W, W*) (fresh batches only); auto picks' },
} as const satisfies Record<string, FieldSpec>;

export type FieldName = keyof typeof FIELDS;

export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/** kebab-case flag of a field: nTest -> n-test. */
export function flagOf(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function schemaOf(spec: FieldSpec): z.ZodType {
  let s: z.ZodType;
  switch (spec.kind) {
    case 'int': {
      let n = z.number({ error: 'must be a number' }).int('must be an integer').min(spec.min, `must be >= ${spec.min}`);
      if (spec.max !== undefined) n = n.max(spec.max, `must be <= ${spec.max}`);
      s = n;
      break;
    }
    case 'number': {
      let n = z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be finite');
      if (spec.min !== undefined) {
        const min = spec.min;
        n = spec.exclusiveMin ? n.refine((v) => v > min, `must be > ${min}`) : n.refine((v) => v >= min, `must be >= ${min}`);
      }
      if (spec.max !== undefined) {
        const max = spec.max;
        n = n.refine((v) => v <= max, `must be <= ${max}`);
      }
      s = n;
      break;
    }
    case 'enum':
      s = z.enum(spec.choices as unknown as [string, ...string[]], { error: `must be one of ${spec.choices.join(', ')}` });
      break;
    case 'string':
      s = z.string({ error: 'must be a string' }).min(1, 'must not be empty');
      break;
    case 'bool':
      s = z.boolean({ error: 'must be true or false' });
      break;
    case 'seed':
      s = z.number({ error: 'must be an integer' }).int('must be an integer').min(0, 'must be >= 0').max(Number.MAX_SAFE_INTEGER);
      break;
  }
  return spec.nullable ? s.nullable() : s;
}

/** Partial config: every field optional, unknown keys refused. `preset` names a base protocol. */
export const configSchema = z
  .object({
    preset: z.string().optional(),
    ...Object.fromEntries(FIELD_NAMES.map((name) => [name, schemaOf(FIELDS[name]).optional()])),
  })
  .strict();
