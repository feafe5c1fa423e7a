#!/usr/bin/env node
// How a run's time and peak memory grow with the batch n, the width p and the dimension d, with fitted
// exponents (least squares on log–log, over the points whose runs take at least MIN_FIT_SECONDS, where
// fixed costs no longer dominate). `npm run bench:scaling [-- --runs N] [--quick]` writes
// bench/results/<date>-scaling.{json,md}. Each point is the median of N runs of the CLI under GNU time.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : quick ? 1 : 3);
const MIN_FIT_SECONDS = quick ? 0 : 0.5;

// One step, readout on the step's batch, a fixed small test set and no baseline: the work is n·d·p-shaped.
const common = ['--steps', '1', '--target', 'T-B', '--n-test', '10000', '--baselines', 'false', '--preprocess', 'none', '--sampler', 'full'];
const axes = quick
  ? [
      {
        name: 'n',
        fixed: 'd = 128, p = 64',
        values: [1, 1.5, 2],
        args: (k) => ['--d', '128', '--p', '64', '--kappa', String(k)],
        x: (k) => Math.round(128 ** k),
      },
      { name: 'p', fixed: 'd = 128, n = 4096', values: [32, 64, 128], args: (p) => ['--d', '128', '--n', '4096', '--p', String(p)], x: (p) => p },
      { name: 'd', fixed: 'p = 64, n = 4096', values: [64, 128, 256], args: (d) => ['--d', String(d), '--n', '4096', '--p', '64'], x: (d) => d },
    ]
  : [
      {
        name: 'n',
        fixed: 'd = 512, p = 256 (κ = 1 … 2.5)',
        values: [1, 1.25, 1.5, 1.75, 2, 2.25, 2.5],
        args: (k) => ['--d', '512', '--p', '256', '--kappa', String(k)],
        x: (k) => Math.round(512 ** k),
      },
      {
        name: 'p',
        fixed: 'd = 512, n = 65536',
        values: [64, 128, 256, 512, 1024, 2048],
        args: (p) => ['--d', '512', '--n', '65536', '--p', String(p)],
        x: (p) => p,
      },
      {
        name: 'd',
        fixed: 'p = 256, n = 65536',
        values: [128, 256, 512, 1024, 2048],
        args: (d) => ['--d', String(d), '--n', '65536', '--p', '256'],
        x: (d) => d,
      },
    ];

function timed(cliArgs) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, join(root, 'dist', 'cli', 'main.js'), 'run', ...cliArgs, '--quiet'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || !line) throw new Error(`giantstep run ${cliArgs.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  const [, wall, kb] = line.split(' ');
  const engine = JSON.parse(r.stdout).timing.seconds;
  return { wall: Number(wall), engine, peakRssMb: Number(kb) / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Slope of log y against log x by least squares. */
function exponent(points, key) {
  const xs = points.map((p) => Math.log(p.x));
  const ys = points.map((p) => Math.log(p[key]));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return sxx > 0 ? sxy / sxx : NaN;
}

function main() {
  if (!existsSync('/usr/bin/time')) execFileSync('apt-get', ['install', '-y', 'time'], { stdio: 'inherit' });
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  const results = axes.map((axis) => {
    const points = axis.values.map((v) => {
      const samples = Array.from({ length: runs }, () => timed([...axis.args(v), ...common]));
      const point = {
        x: axis.x(v),
        engineSeconds: median(samples.map((s) => s.engine)),
        wallSeconds: median(samples.map((s) => s.wall)),
        peakRssMb: median(samples.map((s) => s.peakRssMb)),
      };
      process.stderr.write(`${axis.name} = ${point.x}: ${point.engineSeconds.toFixed(3)} s engine, ${point.peakRssMb.toFixed(0)} MB\n`);
      return point;
    });
    const fit = points.filter((p) => p.engineSeconds >= MIN_FIT_SECONDS);
    return {
      axis: axis.name,
      fixed: axis.fixed,
      points,
      fittedOver: fit.map((p) => p.x),
      timeExponent: exponent(fit, 'engineSeconds'),
      memoryExponent: exponent(fit, 'peakRssMb'),
    };
  });
  const date = new Date().toISOString().slice(0, 10);
  const report = { date, runs, cpus: spawnSync('nproc', { encoding: 'utf8' }).stdout.trim(), results };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const base = join(root, 'bench', 'results', `${date}-scaling${quick ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(`${base}.md`, markdown(report));
  process.stdout.write(markdown(report));
}

function markdown(r) {
  const lines = [
    `Scaling ${r.date} on ${r.cpus} cores; median of ${r.runs} run(s) per point. One step (T-B), readout on the step's batch, n_test = 10⁴, no baseline, full sampler.`,
    `Engine seconds are the run's own timing; peak RSS is the whole process (Node + engine, GNU time). Exponents: least squares on log–log over the points of at least ${MIN_FIT_SECONDS} s.`,
    '',
  ];
  for (const a of r.results) {
    lines.push(
      `**${a.axis}** (${a.fixed}): time ∝ ${a.axis}^${a.timeExponent.toFixed(2)}, peak memory ∝ ${a.axis}^${a.memoryExponent.toFixed(2)} (fitted over ${a.axis} = ${a.fittedOver.join(', ')})`,
      '',
    );
    lines.push(`| ${a.axis} | engine s | wall s | peak RSS MB |`, '|---|---|---|---|');
    for (const p of a.points) lines.push(`| ${p.x} | ${p.engineSeconds.toFixed(3)} | ${p.wallSeconds.toFixed(2)} | ${p.peakRssMb.toFixed(0)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

main();
