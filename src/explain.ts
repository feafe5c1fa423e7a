// The engine's data in words: what a target's Hermite analysis means (the presentation of `describe`),
// a run's stage, and what a theory answer's numbers are. The engine returns numbers and tagged values;
// the sentences are written here.
import type { ErrorModels, PhaseRow, Stage, TheoryAnswer, TheoryModel } from './generated/engine';

/** A run's stage as the CLI's progress bar shows it: "step 2/6", "readout after step 1". */
export function stageText(stage: Stage): string {
  switch (stage.kind) {
    case 'step':
      return `step ${stage.step}/${stage.of}`;
    case 'readout':
      return `readout after step ${stage.after}`;
    case 'test':
      return `test error after step ${stage.after}`;
    case 'preprocess':
      return "estimating the labels' mean and linear part";
    default:
      return stage.kind;
  }
}

/** The analysis fields the explanation reads (a subset of TargetDescription). */
export interface LearnabilityData {
  k: number;
  maxOrder: number;
  c1: number[];
  leapIndex: number | null;
  learnedDims: { oneStep: number[]; oneStepByOrder: number[]; multiStep: number[]; linkStrength: number[] };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const SUPERSCRIPT: Record<number, string> = { 2: '²', 3: '³', 4: '⁴' };
const batch = (l: number) => (l === 1 ? 'n = O(d)' : SUPERSCRIPT[l] ? `n = O(d${SUPERSCRIPT[l]})` : `n = O(d^${l})`);

/** Several steps of n = Θ(d): which directions join at which step, and where the links are weak. */
function multiStep(a: LearnabilityData): string {
  const ms = a.learnedDims.multiStep;
  if (ms[0] === 0) {
    return 'With n = O(d) per step nothing is learned: C1* = 0 (no linear part), so a step at that size has no signal along the target.';
  }
  const reached = ms.indexOf(ms[5]) + 1;
  const staircase = ms.slice(0, reached).every((d, t) => t === 0 || d === ms[t - 1] + 1);
  const path = ms
    .slice(0, reached)
    .map((d, t) => `${d} after step ${t + 1}`)
    .join(', ');
  let s: string;
  if (staircase && reached > 1 && ms[0] === 1) {
    s = `With n = O(d) per step, one direction is learned per step: ${path} (a staircase: each new direction is linearly connected, in the Hermite basis, to those already learned).`;
  } else if (reached === 1) {
    s = `With n = O(d) per step, the first step learns ${plural(ms[0], 'direction', 'directions')} (the span of C1*), and more steps add nothing.`;
  } else {
    s = `With n = O(d) per step: ${path} (directions linearly connected to those already learned join at the next step).`;
  }
  const c1Norm = Math.hypot(...a.c1);
  const weak = [1, 2, 3, 4, 5]
    .filter((t) => ms[t] > ms[t - 1] && a.learnedDims.linkStrength[t] < 0.3 * c1Norm)
    .map((t) => `step ${t + 1} (linking coefficient ${a.learnedDims.linkStrength[t].toFixed(3)} against ‖C1*‖ = ${c1Norm.toFixed(3)})`);
  if (weak.length) {
    s += ` The link is weak at ${weak.join(', ')}: at finite d the new direction grows slowly and the neurons stay close to the first one for several steps.`;
  }
  const left = a.k - ms[5];
  if (left > 0) {
    s += ` The other ${left === 1 ? 'direction is' : `${left} directions are`} not linearly connected to the learned ones, so more steps at n = O(d) do not reach ${left === 1 ? 'it' : 'them'}.`;
  }
  return s;
}

/** One step of n = Θ(d^ℓ): the union over orders ≤ ℓ, and the order-ℓ part alone. */
function oneStep(a: LearnabilityData): string {
  const { oneStep: one, oneStepByOrder: byOrder } = a.learnedDims;
  const seen = one.map((d, i) => `${batch(i + 1)} sees ${d} (${byOrder[i]} from order ${i + 1} alone)`).join(', ');
  const all = one.indexOf(a.k);
  const needs =
    all >= 0
      ? `one step needs ${batch(all + 1)} to see all ${plural(a.k, 'direction', 'directions')}`
      : `one step with up to n = O(d⁴) sees at most ${one[3]} of ${a.k}`;
  return (
    'In one step, counting every direction that some Hermite order up to ℓ makes visible (the union of range(C1*)…range(Cℓ*); ' +
    'a network whose labels have their lower orders removed aligns only with the order-ℓ part, the others coming back through ' +
    `the re-added linear part or a step on the raw labels): ${seen}; ${needs}.`
  );
}

function leap(a: LearnabilityData): string {
  if (a.leapIndex === 1) return 'Leap index 1: every direction can be reached by a chain of linear connections.';
  if (a.leapIndex !== null) {
    return `Leap index ${a.leapIndex}: some direction can only be reached by a jump of Hermite degree ${a.leapIndex} beyond the learned ones, which needs batches of ${batch(a.leapIndex)}.`;
  }
  return `Some direction never appears in the Hermite expansion up to order ${a.maxOrder}.`;
}

/** Three sentences: several steps of n = O(d), one step of n = O(d^ℓ), the leap index. */
export function explainLearnability(a: LearnabilityData): string[] {
  return [multiStep(a), oneStep(a), leap(a)];
}

/** What each theory model is (a theory answer's `models` names them). */
export const MODEL_TEXT: Record<TheoryModel, string> = {
  'overlap-recursion':
    'the deterministic (M, Q) overlap recursion: fresh batches every step (batches: fresh), labels with nothing removed (preprocess: none) or with their exact C0* + <C1*, W*z> removed (preprocess: hermite), no row normalization (normalize: none), residual as configured, second layer frozen at a0, fixed p as d -> infinity with n = alpha d^ell; it has no readout, so readoutBatch, lambda, nTest and baselines do not enter',
  'one-step-ridge':
    "one giant step (steps: 1) on a fresh batch of n0 = alpha0 d samples with learning rate eta~ p (eta~ = learningRate / p), second layer a_i = 1/sqrt(p) (initA: ones), rows of W0 on the unit sphere (initW: sphere), a single-index target g*(u1), any width ratio p/d, the residual y alone (residual: labels; residual full only with an odd activation), labels with nothing removed (preprocess: none), no row normalization, then a ridge readout (lambda, the notebooks' normalization) on a fresh batch of n = alphaReadout d samples (readoutBatch: fresh)",
  'drawn-network':
    "the trained network: a deterministic equivalent of its readout evaluated on one drawn W1 (the config's initSeed and seed, the step exactly as run takes it), with W1's own bulk spectrum, the loadings of the spike's and the target's directions on it and the spread of its row norms; conditional Gaussian equivalence given the spike direction, first order in the per-neuron deviations. Measured against paired simulation on three settings: no detectable bias; within 1% at 2 s.e. at every readout size at d = 1000 (200 seeds per setting); at d = 2000 (16-144 seeds) in 5 of 12 setting x readout-size cells, the others undecided at 1%, none refuted (docs/targets-and-theory.md)",
  'spiked-random-features':
    'the spiked random-features surrogate W1 = c_W W0 + r 1 v^T (isotropic Marchenko-Pastur bulk, equal row norms) of Cui et al. 2024: exact as n0, n, d, p -> infinity for that surrogate, not for the network, which it misses by a few % at every d',
  'random-features': 'random features: the same readout on W0 (no step), exact as n, d, p -> infinity',
};

/** How many of a target's k directions a phase-diagram row learns, in words. */
export function regionText(learnedDims: number, k: number): string {
  if (learnedDims === 0) return 'no direction';
  if (learnedDims === 1) return 'one direction';
  return learnedDims === k ? `all ${k} directions` : `${learnedDims} of ${k} directions`;
}

/** A theory answer with its words: what its models are, and each phase-diagram row's region. */
export type Worded<A> = A extends { kind: 'error' }
  ? A & { explanation: Record<keyof ErrorModels, string> }
  : A extends { kind: 'overlaps' }
    ? A & { explanation: string }
    : A extends { kind: 'phase-diagram' }
      ? Omit<A, 'rows'> & { rows: (PhaseRow & { region: string })[] }
      : A;

/** The engine's theory answer with the words of `MODEL_TEXT` and `regionText` added beside its tags. */
export function wordTheory<A extends TheoryAnswer>(answer: A): Worded<A> {
  const a = answer as TheoryAnswer;
  switch (a.kind) {
    case 'error': {
      // Each number's model in words, key for key.
      const explanation = Object.fromEntries(Object.entries(a.models).map(([number, model]) => [number, MODEL_TEXT[model]]));
      return { ...a, explanation } as Worded<A>;
    }
    case 'overlaps':
      return { ...a, explanation: MODEL_TEXT[a.models] } as Worded<A>;
    case 'phase-diagram':
      return { ...a, rows: a.rows.map((r) => ({ ...r, region: regionText(r.learnedDims, a.k) })) } as Worded<A>;
    default:
      return answer as Worded<A>;
  }
}
