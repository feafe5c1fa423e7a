// `giantstep describe`: what the theory says about a target (or an activation) before any simulation.
import { Command } from 'commander';
import { ConfigError } from '../config';
import type { ActivationDescription, TargetDescription } from '../theory';
import { describeActivation, describeTarget } from '../theory';
import { withInterrupt } from './interrupt';

const fmt = (x: number) => (Math.abs(x) < 1e-12 ? '0' : Number(x.toPrecision(6)).toString());
const vec = (v: number[]) => `[${v.map(fmt).join(', ')}]`;

function termText(alpha: number[]): string {
  const parts = alpha.flatMap((a, j) => (a === 0 ? [] : [a === 1 ? `u${j + 1}` : `He${a}(u${j + 1})`]));
  return parts.length ? parts.join('·') : '1';
}

export function targetReport(t: TargetDescription): string {
  const lines = [
    `target ${t.name}${t.name !== t.expression ? ` = ${t.expression}` : ''}`,
    `  k = ${t.k} directions; Hermite expansion: ${t.method}${t.mcError !== null ? ` (largest standard error ${fmt(t.mcError)})` : ''}, up to order ${t.maxOrder}`,
    `  mean ${fmt(t.mean)}   variance ${fmt(t.variance)}   linear-kernel error ${fmt(t.linearKernelError)}   (exact moments of g)`,
    `  the Hermite expansion up to order ${t.maxOrder} holds ${(100 * t.capturedFraction).toPrecision(4)}% of the variance (${fmt(t.expansionVariance)})`,
    `  C1* = ${vec(t.c1)}`,
    `  C2* = [${t.c2.map(vec).join(', ')}]`,
    '',
    '  axis       information exponent (per coordinate axis)',
    ...t.informationExponents.map((e, j) => `  u${String(j + 1).padEnd(9)} ${e ?? 'none'}`),
    `  direction exponents (rotation invariant, one per visible direction): ${t.directionExponents.join(', ') || 'none'}`,
    '',
    '  Hermite terms  g* = Σ b_α Π He_{α_j}(u_j)',
    ...t.terms.filter((x) => x.order > 0).map((x) => `    order ${x.order}  ${fmt(x.coefficient).padStart(10)}  ${termText(x.alpha)}`),
    '',
    `  leap index ${t.leapIndex ?? 'none'}`,
    `  learned directions, one step with n = Θ(d^ℓ), ℓ = 1..4:   ${t.learnedDims.oneStep.join(', ')}  (union over orders ≤ ℓ)`,
    `  range of the order-ℓ coefficient alone, ℓ = 1..4:        ${t.learnedDims.oneStepByOrder.join(', ')}`,
    `  learned directions after t steps of n = Θ(d), t = 1..6:  ${t.learnedDims.multiStep.join(', ')}`,
    '',
    ...t.explanation.map((s) => `  ${s}`),
  ];
  return lines.join('\n') + '\n';
}

export function activationReport(a: ActivationDescription): string {
  return (
    [
      `activation ${a.name}`,
      `  E[σ'(ξ)²] = ${fmt(a.sigmaPrimeSq)}   information exponent ${a.informationExponent ?? 'none (up to 12)'}`,
      '  k   μ_k = E[σ(ξ) He_k(ξ)]',
      ...a.mu.map((m, k) => `  ${String(k).padEnd(3)} ${fmt(m)}`),
    ].join('\n') + '\n'
  );
}

export function describeCommand(): Command {
  return new Command('describe')
    .description('Hermite coefficients, information exponents, leap index and learnability of a target (or an activation)')
    .argument('[target]', 'preset name or expression over u1..uk, e.g. "u1 + u1*u2"')
    .option(
      '--activation <name>',
      'describe an activation instead of a target: a name (relu, tanh, erf, sigmoid, softplus, gelu, He1..He12) or an expression in x such as "x*tanh(x)"',
    )
    .option('--json', 'print JSON')
    .action(async (target: string | undefined, opts: { activation?: string; json?: boolean }) => {
      if (opts.activation !== undefined) {
        if (target !== undefined) {
          throw new ConfigError(
            'activation',
            `describe takes a target or --activation, not both: run \`giantstep describe ${JSON.stringify(target.slice(0, 60))}\` and \`giantstep describe --activation ${opts.activation.slice(0, 60)}\` apart`,
          );
        }
        const a = describeActivation(opts.activation);
        process.stdout.write(opts.json ? JSON.stringify(a, null, 2) + '\n' : activationReport(a));
        return;
      }
      if (target === undefined || target.trim() === '') {
        throw new ConfigError('target', 'describe needs a target: a preset name or an expression over u1..uk such as "u1 + u1*u2" (or --activation NAME)');
      }
      const t = await withInterrupt((signal) => describeTarget(target, { signal }));
      process.stdout.write(opts.json ? JSON.stringify(t, null, 2) + '\n' : targetReport(t));
    });
}
