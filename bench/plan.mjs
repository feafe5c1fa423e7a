#!/usr/bin/env node
// Planning a sweep: the time `planSweep` takes for 100 grid points over one five-direction tanh/sin target
// (every point is resolved and checked; the target's moment check, a quadrature, runs once per distinct
// target and activation). Target: under 1 s. `npm run bench:plan [-- --runs N]` writes
// bench/results/<date>-plan.{json,md}; median of N runs (default 5), each in a fresh process so that no
// earlier plan's checks are reused.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 5);
const TARGET = 'tanh(u1+u2) + sin(u3*u4) + tanh(u5)';
const POINTS = 100;
const TARGET_SECONDS = 1;

const script = `
const { planSweep } = require(${JSON.stringify(join(root, 'dist', 'index.js'))});
const t = process.hrtime.bigint();
const plan = planSweep({ base: { d: 64, p: 32, target: ${JSON.stringify(TARGET)} }, grid: { kappa: { linspace: [1, 2, ${POINTS}] } }, seeds: 1 });
process.stdout.write(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t) / 1e9, points: plan.points.length }));
`;
const times = [];
for (let i = 0; i < runs; i++) {
  const { seconds, points } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  if (points !== POINTS) throw new Error(`planned ${points} points, not ${POINTS}`);
  times.push(seconds);
}
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
const report = {
  date: new Date().toISOString(),
  target: TARGET,
  points: POINTS,
  runs,
  seconds: times,
  medianSeconds: median,
  goalSeconds: TARGET_SECONDS,
  met: median < TARGET_SECONDS,
};
const base = join(root, 'bench', 'results', `${report.date.slice(0, 10)}-plan`);
mkdirSync(dirname(base), { recursive: true });
writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
const md = `# Planning a sweep (${report.date.slice(0, 10)})\n\n${POINTS} grid points over \`${TARGET}\`, d = 64, p = 32: median ${median.toFixed(3)} s over ${runs} fresh processes (${times.map((t) => t.toFixed(3)).join(', ')} s); goal under ${TARGET_SECONDS} s: ${report.met ? 'met' : 'not met'}.\n`;
writeFileSync(`${base}.md`, md);
process.stdout.write(md);
