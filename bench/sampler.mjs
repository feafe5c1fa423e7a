#!/usr/bin/env node
// The batch samplers' cost on this machine: the seconds of one step's pass with the full sampler (draw z ∈ R^d
// per sample) and the exact projected one (draw u ∈ R^r, r = p + k, then one O(d·r·p) correction per pass),
// over a grid of d and p at two batch sizes each, alternating the two samplers run by run. It fits
//   full:      seconds = n · (c_mm · 4dp + c_draw · d)
//   projected: seconds = n · (c_mm · (4pr + p²) + c_draw · r) + c_basis · d·r² + c_mm · 8dpr
// (c_mm: seconds per matrix-product flop, c_draw: per normal draw, c_basis: per Gram–Schmidt flop) by least
// squares on the measured seconds, and reports the constants relative to c_mm — the flop-equivalents the
// engine's `sampler: auto` compares (crates/core/src/config/mod.rs, sampler_costs, which takes r = p + 8: the
// config is resolved before its target's k is known). `npm run bench:sampler
// [-- --runs N] [--quick]` writes bench/results/<date>-sampler.{json,md}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { run, version } = await import(join(root, 'dist', 'index.js'));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : quick ? 1 : 3);
const K = 2; // T-B: k = 2 target directions

const grid = quick
  ? [
      [128, 16],
      [128, 64],
      [256, 64],
    ]
  : [
      [128, 16],
      [128, 64],
      [256, 16],
      [256, 86],
      [256, 128],
      [512, 64],
      [512, 256],
      [1024, 64],
      [1024, 256],
      [1024, 512],
      [2048, 256],
      [2048, 1024],
    ];
/** Rows of the smaller batch: about this many matrix-product flops in the full sampler's pass. */
const PASS_FLOPS = quick ? 2e8 : 4e9;

function config(d, p, n, sampler) {
  return {
    d,
    p,
    n,
    steps: 1,
    target: 'T-B',
    activation: 'relu',
    eta: 1,
    lambda: 1,
    nTest: 0,
    baselines: false,
    readoutBatch: 'fresh',
    alphaReadout: 1,
    batches: 'fresh',
    preprocess: 'none',
    sampler,
    seed: 1,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function stepSeconds(d, p, n, sampler) {
  const r = await run(config(d, p, n, sampler));
  return r.timing.stages.steps;
}

/** Least squares x minimizing Σ ((A x − b) / b)² (relative errors: the cells span three decades). */
function leastSquares(rows, b) {
  const m = rows[0].length;
  const ata = Array.from({ length: m }, () => new Array(m).fill(0));
  const atb = new Array(m).fill(0);
  rows.forEach((row, i) => {
    const w = 1 / (b[i] * b[i]);
    for (let j = 0; j < m; j++) {
      atb[j] += w * row[j] * b[i];
      for (let k = 0; k < m; k++) ata[j][k] += w * row[j] * row[k];
    }
  });
  // Gaussian elimination with partial pivoting (m ≤ 3).
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(ata[r][c]) > Math.abs(ata[piv][c])) piv = r;
    [ata[c], ata[piv]] = [ata[piv], ata[c]];
    [atb[c], atb[piv]] = [atb[piv], atb[c]];
    for (let r = c + 1; r < m; r++) {
      const f = ata[r][c] / ata[c][c];
      for (let k = c; k < m; k++) ata[r][k] -= f * ata[c][k];
      atb[r] -= f * atb[c];
    }
  }
  const x = new Array(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = atb[r];
    for (let k = r + 1; k < m; k++) s -= ata[r][k] * x[k];
    x[r] = s / ata[r][r];
  }
  return x;
}

const cells = [];
const started = Date.now();
for (const [d, p] of grid) {
  const n1 = Math.max(4096, Math.min(1 << 22, Math.round(PASS_FLOPS / (4 * d * p) / 1024) * 1024));
  for (const n of [n1, 4 * n1]) {
    const times = { full: [], projected: [] };
    for (let i = 0; i < runs; i++) {
      for (const sampler of ['full', 'projected']) times[sampler].push(await stepSeconds(d, p, n, sampler));
    }
    const cell = { d, p, n, r: p + K, full: median(times.full), projected: median(times.projected) };
    cells.push(cell);
    console.error(`d=${d} p=${p} n=${n}: full ${cell.full.toFixed(3)} s, projected ${cell.projected.toFixed(3)} s`);
  }
}

// Full: seconds = n (c_mm 4dp + c_draw d). Projected: n (c_mm (4pr + p²) + c_draw r) + c_basis d r² + c_mm 8dpr.
const full = leastSquares(
  cells.map(({ d, p, n }) => [n * 4 * d * p, n * d]),
  cells.map((c) => c.full),
);
const [cMm, cDraw] = full;
const [cBasis] = leastSquares(
  cells.map(({ d, r }) => [d * r * r]),
  cells.map(({ d, p, n, r, projected }) => Math.max(1e-6, projected - cMm * (n * (4 * p * r + p * p) + 8 * d * p * r) - cDraw * n * r)),
);
const model = {
  full: ({ d, p, n }) => n * (cMm * 4 * d * p + cDraw * d),
  projected: ({ d, p, n, r }) => n * (cMm * (4 * p * r + p * p) + cDraw * r) + cBasis * d * r * r + cMm * 8 * d * p * r,
};
const relative = { draw: cDraw / cMm, basis: cBasis / cMm };

const date = new Date().toISOString().slice(0, 10);
const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const rows = cells.map((c) => {
  const measured = c.projected / c.full;
  const predicted = model.projected(c) / model.full(c);
  return `| ${c.d} | ${c.p} | ${c.n} | ${c.full.toFixed(3)} | ${c.projected.toFixed(3)} | ${measured.toFixed(2)} | ${predicted.toFixed(2)} |`;
});
const md = [
  `# Sampler cost model, ${date}`,
  '',
  `giantstep ${version}; one step's pass (T-B, ReLU), median of ${runs} run(s) per cell, the samplers alternating; ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
  '',
  '| d | p | n | full s | projected s | projected / full | model |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
  `Fitted (seconds per unit): c_mm = ${cMm.toExponential(3)} (${(1e-9 / cMm).toFixed(1)} GFLOP/s in the step's products), c_draw = ${cDraw.toExponential(3)}, c_basis = ${cBasis.toExponential(3)}.`,
  `Relative to one matrix-product flop: a normal draw costs ${relative.draw.toFixed(1)}, a Gram–Schmidt flop ${relative.basis.toFixed(1)}.`,
  '',
].join('\n');
writeFileSync(join(outDir, `${date}-sampler${quick ? '-quick' : ''}.md`), md);
writeFileSync(
  join(outDir, `${date}-sampler${quick ? '-quick' : ''}.json`),
  `${JSON.stringify({ date, version, runs, cells, fit: { cMm, cDraw, cBasis, relative } }, null, 2)}\n`,
);
console.log(md);
