#!/usr/bin/env node
// The portable engine (zig-linked against glibc 2.17, scripts/portable-build.mjs) against the engine built
// with this machine's linker (npm run build:native), side by side: the κ = 2 notebook run alternately with
// each, `--runs N` pairs (default 5). Reports median wall times, the median of the per-pair ratios, peak
// RSS, and checks that both give the same test error to the last bit (same code, other linker).
// `npm run bench:portable [-- --runs N]` writes bench/results/<date>-portable.{json,md}.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxGlibcVersion } from '../scripts/portable-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 5);
const platform = createRequire(import.meta.url)(join(root, 'dist', 'native.js')).platformName();
const file = `giantstep.${platform}.node`;
const engines = { system: join(root, file), portable: join(root, 'target', 'portable', file) };
for (const [name, path] of Object.entries(engines)) {
  if (!existsSync(path)) throw new Error(`bench:portable: no ${name} engine at ${path}: run npm run build:native and npm run build:native:portable`);
}

/** A package folder per engine: the same compiled JS, its own engine at the root (the loader's local build). */
const work = mkdtempSync(join(tmpdir(), 'giantstep-portable-bench-'));
const installs = Object.fromEntries(
  Object.entries(engines).map(([name, engine]) => {
    const dir = join(work, name);
    cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    cpSync(engine, join(dir, file));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    return [name, dir];
  }),
);

function once(name) {
  const out = join(work, `${name}.json`);
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'TIME %e %M',
      process.execPath,
      join(installs[name], 'dist', 'cli', 'main.js'),
      'run',
      '--preset',
      'notebook-single-step',
      '--kappa',
      '2',
      '--out',
      out,
    ],
    { encoding: 'utf8' },
  );
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || !line) throw new Error(`bench:portable: the ${name} engine failed:\n${r.stderr.slice(-2000)}`);
  const [, wall, kb] = line.split(' ');
  return { seconds: Number(wall), peakRssMb: Number(kb) / 1024, testError: JSON.parse(readFileSync(out, 'utf8')).testError };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { system: [], portable: [] };
try {
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so drift on a shared machine falls on both.
    for (const name of i % 2 ? ['portable', 'system'] : ['system', 'portable']) {
      samples[name].push(once(name));
      process.stderr.write(`bench:portable: pair ${i + 1}/${runs} ${name} ${samples[name].at(-1).seconds.toFixed(2)} s\n`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const ratios = samples.system.map((s, i) => samples.portable[i].seconds / s.seconds);
const report = {
  case: 'notebook-single-step κ = 2 (d = 512, p = 1024, n = 262,144, f64, with the random-features baseline), the CLI end to end',
  runs,
  date: new Date().toISOString(),
  engines: Object.fromEntries(
    Object.entries(engines).map(([name, path]) => [
      name,
      {
        bytes: readFileSync(path).length,
        glibc: maxGlibcVersion(path),
        medianSeconds: median(samples[name].map((s) => s.seconds)),
        medianPeakRssMb: median(samples[name].map((s) => s.peakRssMb)),
        seconds: samples[name].map((s) => s.seconds),
      },
    ]),
  ),
  medianRatioPortableOverSystem: median(ratios),
  ratios,
  sameTestError: samples.system.every((s, i) => s.testError === samples.portable[i].testError),
  testError: samples.system[0].testError,
};
const e = report.engines;
const md = `# Portable engine against the system-linked one (${report.date.slice(0, 10)})

${report.case}; ${runs} pairs, alternating, on this machine (2 cores, shared).

| engine | needs | size | median wall | median peak RSS |
|---|---|---|---|---|
| system linker (npm run build:native) | GLIBC_${e.system.glibc} | ${(e.system.bytes / 1e6).toFixed(2)} MB | ${e.system.medianSeconds.toFixed(2)} s | ${e.system.medianPeakRssMb.toFixed(0)} MB |
| zig, glibc 2.17 (npm run build:native:portable) | GLIBC_${e.portable.glibc} | ${(e.portable.bytes / 1e6).toFixed(2)} MB | ${e.portable.medianSeconds.toFixed(2)} s | ${e.portable.medianPeakRssMb.toFixed(0)} MB |

Median of the per-pair ratios portable / system: **${report.medianRatioPortableOverSystem.toFixed(3)}** (pairs: ${ratios.map((r) => r.toFixed(3)).join(', ')}).
Same test error to the last bit in every pair: **${report.sameTestError}** (${report.testError}).
`;
const stem = join(root, 'bench', 'results', `${report.date.slice(0, 10)}-portable`);
mkdirSync(dirname(stem), { recursive: true });
writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${stem}.md`, md);
process.stdout.write(md);
