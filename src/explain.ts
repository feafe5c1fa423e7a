// The engine's data in words: what a target's Hermite analysis means (the presentation of `describe`)
// and a run's stage. The engine returns numbers and tagged values; the sentences are written here.
import type { Stage } from './generated/engine';

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
