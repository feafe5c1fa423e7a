// The closing table of docs/targets-and-theory.md from measure.mjs's per-seed JSON lines (one setting and
// d; any seed ranges, pooled per seed): simulation mean ± s.e. over seeds, the prediction averaged over the
// same seeds and the paired relative gap (simulated − predicted)/predicted, the sRF surrogate's curve and
// the simulation's gap to it, random features simulated and in theory.
const stats = (xs) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
  return { mean: m, sem: sd / Math.sqrt(xs.length) };
};
const f = (s, k = 4) => `${s.mean.toFixed(k)} ± ${s.sem.toFixed(k)}`;
const pct = (s) => `${(100 * s.mean).toFixed(2)} ± ${(100 * s.sem).toFixed(2)}%`;

/** Markdown lines for seeds' JSON lines `{setting, d, seed, alphas, sim, net, rfSim, srf, rf}`. */
export function table(lines) {
  const seeds = [...new Set(lines.map((l) => l.seed))];
  if (seeds.length !== lines.length) throw new Error('a seed appears twice: pool disjoint seed ranges');
  const [{ setting, d, alphas, srf, rf }] = lines;
  const same = (l) => l.setting === setting && l.d === d && JSON.stringify(l.alphas) === JSON.stringify(alphas);
  if (!lines.every(same)) throw new Error('the lines differ in setting, d or alphas: pool runs of one table only');
  const out = [
    `${setting}, d = p = ${d}, ${lines.length} seeds (W₀ and step per seed), n_test = 20000`,
    '| α | simulated | prediction (mean over seeds) | paired gap | sRF surrogate | sRF gap | random features: simulated | theory |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [i, a] of alphas.entries()) {
    const col = (k) => lines.map((l) => l[k][i]);
    const sim = col('sim');
    const gap = stats(sim.map((x, j) => x / lines[j].net[i] - 1));
    const srfGap = stats(sim.map((x) => x / srf[i] - 1));
    out.push(
      `| ${a} | ${f(stats(sim))} | ${stats(col('net')).mean.toFixed(4)} | ${pct(gap)} | ${srf[i].toFixed(4)} | ${pct(srfGap)} | ${f(stats(col('rfSim')))} | ${rf[i].toFixed(4)} |`,
    );
  }
  return out;
}
