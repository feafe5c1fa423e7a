// The network's prediction (`theory error`) against giantstep's simulation, paired per seed, for the closing
// tables of docs/targets-and-theory.md: mean ± s.e. over seeds (each seed its own W₀ and step), the sRF
// surrogate and the prediction. Usage: node bench/osa-reference/measure.mjs SETTING D SEEDS ALPHAS [FIRST]
//   SETTING: osa | sin | relu, or osa-rf | relu-rf (no step: the prediction's accuracy on random features);
//   e.g. node bench/osa-reference/measure.mjs sin 2000 12 0.5,1,2,3
// Seeds run from FIRST (default 0); each seed's numbers go to stderr as one JSON line, so that runs over
// disjoint seed ranges can be pooled (pool.mjs).
import { run, theory } from '../../dist/index.js';
import { table } from './table.mjs';

const [setting, dArg, seedsArg, alphasArg, firstArg = '0'] = process.argv.slice(2);
const d = Number(dArg);
const osa = { preset: 'osa-one-step', d, p: d, initSeed: null, nTest: 20000 };
const configs = {
  osa,
  sin: { ...osa, target: 'sin(u1)', alpha: 20, eta: 3, lambda: 0.1 },
  relu: { ...osa, activation: 'relu', residual: 'labels' },
  // Controls without a step (η̃ = 1e-6 leaves W₁ = W₀ to 1e-6): the deterministic equivalent's own accuracy
  // on random features, with the simulation on the same drawn W.
  'relu-rf': { ...osa, activation: 'relu', residual: 'labels', eta: 1e-6 },
  'osa-rf': { ...osa, eta: 1e-6 },
};
const config = configs[setting];
if (!config || !(d > 0)) throw new Error(`usage: measure.mjs ${Object.keys(configs).join('|')} D SEEDS ALPHAS [FIRST]`);
const alphas = alphasArg.split(',').map(Number);
const seeds = Number(seedsArg);
const first = Number(firstArg);
const lines = [];
const start = Date.now();
for (let seed = first; seed < first + seeds; seed++) {
  const answer = await theory({ kind: 'error', config: { ...config, seed }, alphaReadout: alphas });
  const line = { setting, d, seed, alphas, sim: [], net: [], rfSim: [], srf: [], rf: [] };
  for (const [i, alphaReadout] of alphas.entries()) {
    const r = await run({ ...config, alphaReadout, seed });
    const p = answer.points[i];
    line.sim.push(r.testError);
    line.rfSim.push(r.baselines.randomFeatures.testError);
    line.net.push(p.testError);
    line.srf.push(p.spikedRandomFeaturesError);
    line.rf.push(p.randomFeaturesError);
  }
  lines.push(line);
  process.stderr.write(`${JSON.stringify({ ...line, s: (Date.now() - start) / 1000 })}\n`);
}
console.log(table(lines).join('\n'));
