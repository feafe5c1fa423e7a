// The network's prediction (`theory error`) against giantstep's simulation, paired per seed, for the closing
// tables of docs/targets-and-theory.md: mean ± s.e. over seeds (each seed its own W₀ and step), the sRF
// surrogate and the prediction. Usage: node bench/osa-reference/measure.mjs SETTING D SEEDS ALPHAS [FIRST]
//   SETTING: osa | sin | relu, or osa-rf | relu-rf (no step: the prediction's accuracy on random features);  e.g. node bench/osa-reference/measure.mjs sin 2000 12 0.5,1,2,3
// Seeds run from FIRST (default 0); each seed's numbers go to stderr as one JSON line, so that runs over
// disjoint seed ranges can be pooled.
import { run, theory } from '../../dist/index.js';

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
const stats = (xs) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
  return { mean: m, sem: sd / Math.sqrt(xs.length) };
};
const rows = alphas.map(() => ({ sim: [], net: [], srf: 0, rf: 0, gap: [], rfSim: [] }));
const start = Date.now();
for (let seed = first; seed < first + seeds; seed++) {
  const answer = await theory({ kind: 'error', config: { ...config, seed }, alphaReadout: alphas });
  for (const [i, alphaReadout] of alphas.entries()) {
    const r = await run({ ...config, alphaReadout, seed });
    const p = answer.points[i];
    rows[i].sim.push(r.testError);
    rows[i].rfSim.push(r.baselines.randomFeatures.testError);
    rows[i].net.push(p.testError);
    rows[i].gap.push(r.testError / p.testError - 1);
    rows[i].srf = p.spikedRandomFeaturesError;
    rows[i].rf = p.randomFeaturesError;
  }
  const at = (k) => rows.map((r) => r[k].at(-1));
  const line = { setting, d, seed, alphas, sim: at('sim'), net: at('net'), rfSim: at('rfSim'), s: (Date.now() - start) / 1000 };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}
const f = (s, k = 4) => `${s.mean.toFixed(k)} ± ${s.sem.toFixed(k)}`;
console.log(`${setting}, d = p = ${d}, seeds ${first}–${first + seeds - 1} (W₀ and step per seed), n_test = ${config.nTest}`);
console.log('| α | simulated | prediction (mean over seeds) | paired gap | sRF surrogate | sRF gap | random features: simulated | theory |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [i, a] of alphas.entries()) {
  const r = rows[i];
  const sim = stats(r.sim);
  const srfGap = stats(r.sim.map((x) => x / r.srf - 1));
  const g = stats(r.gap);
  console.log(
    `| ${a} | ${f(sim)} | ${stats(r.net).mean.toFixed(4)} | ${(100 * g.mean).toFixed(2)} ± ${(100 * g.sem).toFixed(2)}% | ${r.srf.toFixed(4)} | ${(100 * srfGap.mean).toFixed(2)} ± ${(100 * srfGap.sem).toFixed(2)}% | ${f(stats(r.rfSim))} | ${r.rf.toFixed(4)} |`,
  );
}
