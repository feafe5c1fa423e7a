#!/usr/bin/env node
// Whole studies: the levers of 0.2.0 on the runs that dominate the slow reproductions, each measured side by
// side with what 0.1 ran (alternating, median of N ratios), and the figures' engine time they imply.
//   width-sweep: the largest widths at α = 16 — four targets' runs as separate engine runs (0.1) and as one
//     group sharing their random-features baseline (runGroup, 0.2; results identical, checked here).
//   fig1-left/right: the largest run (κ = 2.25, 6 steps) with the full sampler (0.1) and the projected one.
//   phase-diagram: the κ = 3 run (n = 2.1 million at d = 128) with the full sampler and the projected one,
//     and what its expression activation costs over ReLU (0.1 walked the expression's tree per element).
// `npm run bench:studies [-- --runs N] [--quick]` writes bench/results/<date>-studies.{json,md}. A full
// reproduction's own time is in its summary.json (`wallSeconds`); docs/performance.md lists them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { run, version } = await import(join(root, 'dist', 'index.js'));
const { runGroup } = await import(join(root, 'dist', 'run.js'));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : quick ? 1 : 3);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const seconds = async (f) => {
  const t = process.hrtime.bigint();
  const out = await f();
  return { out, s: Number(process.hrtime.bigint() - t) / 1e9 };
};

// The runs are the reproductions' own configs (their sweep bases, with the engine's pinned fields), at
// the grid point named here.
const { REPRODUCTIONS } = await import(join(root, 'dist', 'reproduce', 'index.js'));
const { PINNED } = await import(join(root, 'dist', 'reproduce', 'runner.js'));
const baseOf = (name, set = 0) => {
  const sets = REPRODUCTIONS.find((r) => r.name === name).runSets(quick);
  return { ...PINNED, ...sets[Math.min(set, sets.length - 1)].spec.base };
};
// width-sweep's α = 16 run set (α = 4 with --quick).
const widthPoint = { ...baseOf('width-sweep', 2), p: quick ? 800 : 3000, steps: 2, readoutEveryStep: true, seed: 0 };
const fig1Run = { ...baseOf('fig1-right'), kappa: quick ? 2 : 2.25, steps: 6, readoutEveryStep: true, seed: 3 };
const phaseRun = { ...baseOf('phase-diagram'), target: 'T-E', kappa: 3, preprocess: 'hermite', seed: 1 };

const targets = ['T-D', 'T-E', 'T-F', 'T-G'];
const cases = [
  {
    name: `width-sweep point: 4 targets, d = ${widthPoint.d}, α = ${widthPoint.alpha}, p = ${widthPoint.p}, 2 steps, n_test = ${widthPoint.nTest}`,
    lever: 'one shared baseline pass (runGroup)',
    before: async () => {
      const out = [];
      for (const target of targets) out.push(await run({ ...widthPoint, target }));
      return out;
    },
    after: () => runGroup(targets.map((target) => ({ ...widthPoint, target }))),
    same: (a, b) => a.every((r, i) => r.testError === b[i].testError && r.baselines.randomFeatures.testError === b[i].baselines.randomFeatures.testError),
  },
  {
    name: `fig1-right's largest run: d = ${fig1Run.d}, p = ${fig1Run.p}, κ = ${fig1Run.kappa}, 6 steps`,
    lever: 'projected sampler',
    before: () => run({ ...fig1Run, sampler: 'full' }),
    after: () => run({ ...fig1Run, sampler: 'projected' }),
  },
  {
    name: `phase-diagram's κ = 3 run: d = ${phaseRun.d}, p = ${phaseRun.p}, n = ${Math.round(phaseRun.d ** 3)}`,
    lever: 'projected sampler',
    before: () => run({ ...phaseRun, sampler: 'full' }),
    after: () => run({ ...phaseRun, sampler: 'projected' }),
  },
];

// Not a 0.1-against-0.2 pair (0.1's per-element walk of an expression's tree is gone): what the phase
// diagram's expression activation costs over ReLU on the same run, with the projected sampler. 0.1 measured
// about 6× (3.4 s against 0.55 s at κ = 2.75, docs/performance.md).
cases.push({
  name: `phase-diagram's κ = 3 run, projected: σ = ReLU, then σ = ${phaseRun.activation}`,
  lever: "expressions evaluated by blocks (the ratio is the expression's overhead over ReLU)",
  before: () => run({ ...phaseRun, sampler: 'projected', activation: 'relu' }),
  after: () => run({ ...phaseRun, sampler: 'projected' }),
});

const rows = [];
const started = Date.now();
for (const c of cases) {
  const pairs = [];
  let identical = true;
  for (let i = 0; i < runs; i++) {
    const before = await seconds(c.before);
    const after = await seconds(c.after);
    if (c.same) identical &&= c.same(before.out, after.out);
    pairs.push({ before: before.s, after: after.s, ratio: after.s / before.s });
    console.error(`${c.name}: 0.1 ${before.s.toFixed(2)} s, 0.2 ${after.s.toFixed(2)} s`);
  }
  rows.push({ ...c, pairs, identical: c.same ? identical : undefined });
}

const date = new Date().toISOString().slice(0, 10);
const md = [
  `# Whole studies: the levers of 0.2.0, ${date}`,
  '',
  `giantstep ${version}; median of ${runs} pair(s) per case, 0.1's way and 0.2's alternating; ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
  '',
  '| case | lever | 0.1 s (median) | 0.2 s (median) | ratios | median ratio |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.lever}${r.identical === undefined ? '' : r.identical ? ' (results identical)' : ' (RESULTS DIFFER)'} | ${median(r.pairs.map((p) => p.before)).toFixed(2)} | ${median(r.pairs.map((p) => p.after)).toFixed(2)} | ${r.pairs.map((p) => p.ratio.toFixed(3)).join(', ')} | ${median(r.pairs.map((p) => p.ratio)).toFixed(3)} |`,
  ),
  '',
].join('\n');
const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const stem = join(outDir, `${date}-studies${quick ? '-quick' : ''}`);
writeFileSync(`${stem}.md`, md);
writeFileSync(`${stem}.json`, `${JSON.stringify({ date, version, runs, cases: rows.map(({ before: _b, after: _a, same: _s, ...r }) => r) }, null, 2)}\n`);
console.log(md);
