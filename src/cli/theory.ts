// `giantstep theory <kind>`: theory curves as JSON, with the field names of run results so they overlay.
import { Command } from 'commander';
import { quoted } from '../config';
import { FIELDS } from '../config/fields';
import { MODEL_TEXT } from '../explain';
import { THEORY_DEFAULT_SAMPLES } from '../generated/fields';
import type { TheoryRequest } from '../theory';
import { theory } from '../theory';
import { withInterrupt } from './interrupt';
import { checkOutPath, writeAtomic } from './io';
import { addConfigOptions, configFromCommand, numberArg, numberListArg } from './options';
import { say } from './say';

async function emit(request: TheoryRequest, out?: string): Promise<void> {
  if (out) checkOutPath(out); // refused before the computation, not after it
  const json = JSON.stringify(await withInterrupt((signal) => theory(request, { signal })), null, 2) + '\n';
  if (out) {
    writeAtomic(out, json);
    say(`wrote ${out}`);
  } else process.stdout.write(json);
}

// The same defaults as `run` (the field table's), so a theory curve and a run with no flags describe one setting.
const DEFAULT_TARGET = String(FIELDS.target.default);
const DEFAULT_ACTIVATION = String(FIELDS.activation.default);
const TARGET_HELP = 'target: a preset name (T-A..T-G, staircase-K, leap-2, ...) or an expression over u1..uk, as in `run`';
const ACTIVATION_HELP = 'activation, as in `run`: relu, tanh, erf, ..., He1..He12, or an expression in x';

export function theoryCommand(): Command {
  const cmd = new Command('theory').description('theory curves (docs/model.md §7) as JSON that overlays run results');
  // `giantstep theory` alone lists its kinds (exit 0), as `git remote` would; a wrong kind is still an error.
  cmd
    .usage('[options] [command]')
    .argument('[kind]')
    .action((kind?: string) => {
      if (kind === undefined) return cmd.outputHelp();
      const kinds = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
      cmd.error(`error: unknown theory kind ${quoted(kind)}; choose one of ${kinds.join(', ')}`);
    });
  cmd.addCommand(
    new Command('one-step')
      .description('one-step cosines cos(G_i, v*) and cos(w_i, v*) at n = alpha·d (|a_i| = 1/√p, ‖w_i‖ = 1, η = c·p)')
      .requiredOption('--alpha <list>', 'comma-separated α = n/d values', numberListArg)
      .option('--target <text>', TARGET_HELP, DEFAULT_TARGET)
      .option('--activation <text>', ACTIVATION_HELP, DEFAULT_ACTIVATION)
      .option('--noise <number>', 'label noise variance', numberArg, 0)
      .option('--c <number>', 'step size η = c·p (for cos(w_i, v*))', numberArg, 1)
      .option('--out <file>', 'write the JSON here (default: stdout)')
      .action((o) => emit({ kind: 'one-step', target: o.target, activation: o.activation, noise: o.noise, alphas: o.alpha, c: o.c }, o.out)),
  );
  cmd.addCommand(
    new Command('drift')
      .description("a neuron's population drift E[g*(u) σ'(⟨m,u⟩ + sξ) u] (Monte Carlo)")
      .requiredOption('--m <list>', 'overlap with each target direction', numberListArg)
      .requiredOption('--s <number>', 'norm of the part orthogonal to the target', numberArg)
      .option('--target <text>', TARGET_HELP, DEFAULT_TARGET)
      .option('--activation <text>', ACTIVATION_HELP, DEFAULT_ACTIVATION)
      .option('--samples <int>', 'Monte Carlo samples', numberArg, THEORY_DEFAULT_SAMPLES)
      .option('--theory-seed <int>', 'Monte Carlo seed', numberArg, 0)
      .option('--out <file>', 'write the JSON here (default: stdout)')
      .action((o) => emit({ kind: 'drift', target: o.target, activation: o.activation, m: o.m, s: o.s, samples: o.samples, seed: o.theorySeed }, o.out)),
  );
  const overlaps = new Command('overlaps')
    .description(
      `the deterministic (M, Q) recursion for a run config (the flags of \`run\`); steps shaped like run results. It models fresh batches, preprocess none or hermite, normalize none (refuses other settings; the answer's \`models\` names the model and \`explanation\` words it) and has no readout. p ≤ 512: the Monte Carlo holds samples × (p + 8) ≤ 2^25 numbers, so the default ${THEORY_DEFAULT_SAMPLES.toLocaleString('en-US')} samples fit p ≤ ${Math.floor(2 ** 25 / THEORY_DEFAULT_SAMPLES) - 8}; give fewer --samples beyond`,
    )
    .option('--config <file>', 'JSON config file')
    .option('--preset <name>', 'named protocol')
    .option('--samples <int>', 'Monte Carlo samples per step', numberArg, THEORY_DEFAULT_SAMPLES)
    .option('--theory-seed <int>', 'Monte Carlo seed', numberArg, 0)
    .option('--out <file>', 'write the JSON here (default: stdout)');
  addConfigOptions(overlaps);
  overlaps.action((o) => emit({ kind: 'overlaps', config: configFromCommand(o), samples: o.samples, seed: o.theorySeed }, o.out));
  cmd.addCommand(overlaps);
  const error = new Command('error')
    .description(
      `the ridge readout's test error after one step, over readout sizes n/d (--alpha-readout, a list here), for a run config (the flags of \`run\`, e.g. --preset osa-one-step): testError, the trained network's (a deterministic equivalent on the W₁ that the config's seeds draw), spikedRandomFeaturesError (the exact d → ∞ curve of the spiked random-features surrogate of Cui et al. 2024, not the network's) and randomFeaturesError. p ≤ 8192. It models ${MODEL_TEXT['one-step-ridge']}; it refuses other settings (the answer's \`models\` names each number's model and \`explanation\` words it)`,
    )
    .requiredOption('--alpha-readout <list>', 'comma-separated readout sizes n/d (alphaReadout) to compute the error at', numberListArg)
    .option('--config <file>', 'JSON config file')
    .option('--preset <name>', 'named protocol')
    .option('--out <file>', 'write the JSON here (default: stdout)');
  addConfigOptions(error, ['alphaReadout']);
  error.action((o) => {
    const { alphaReadout, ...flags } = o;
    return emit({ kind: 'error', config: configFromCommand(flags), alphaReadout }, o.out);
  });
  cmd.addCommand(error);
  cmd.addCommand(
    new Command('phase-diagram')
      .description("learned dimension against n = Θ(d^ℓ) for a target, and the generic diagram of a direction's one-step Hermite order against ℓ")
      .option('--target <text>', TARGET_HELP, DEFAULT_TARGET)
      .option('--out <file>', 'write the JSON here (default: stdout)')
      .action((o) => emit({ kind: 'phase-diagram', target: o.target }, o.out)),
  );
  return cmd;
}
