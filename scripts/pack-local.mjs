#!/usr/bin/env node
// `npm run pack:local [-- --platform P[,P…]] [--no-build]`: the release flow on this machine. Builds the
// JS and the engines, lays out the platform packages with `napi create-npm-dirs` (as a release does), puts
// each binary in its package (what `napi artifacts` does for every target at once) and writes tarballs
// into artifacts/:
//   giantstep-<version>.tgz                  the main package: compiled JS, .d.ts, README, LICENSE
//   giantstep-<platform>-<version>.tgz       one per platform: its engine (one .node file)
// Install the main tarball and your platform's (`npm install ./artifacts/giantstep-0.2.0.tgz
// ./artifacts/giantstep-<platform>-0.2.0.tgz`) to get what `npm install giantstep` gives, without Rust.
// On Linux the default is every platform of scripts/portable-build.mjs (linux x64/arm64/musl, macOS
// arm64/x64, Windows x64; a few minutes each), cross-built with zig; elsewhere this machine's platform
// with the local release build. `--no-build` reuses the engines already built.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PORTABLE_TARGETS, portableBuild } from './portable-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npmCmd = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sh = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', shell: process.platform === 'win32' });
const step = (what) => process.stderr.write(`pack:local: ${what}\n`);
const npmRun = (script) => execFileSync(npmCmd, ['run', script], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });

const args = process.argv.slice(2);
const build = !args.includes('--no-build');
if (build) {
  step('building the JS (npm run build:ts)');
  npmRun('build:ts');
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const host = createRequire(import.meta.url)(join(root, 'dist', 'native.js')).platformName();
const requested = args.includes('--platform') ? args[args.indexOf('--platform') + 1]?.split(',') : undefined;
const platforms = requested ?? (process.platform === 'linux' ? Object.keys(PORTABLE_TARGETS) : [host]);
for (const p of platforms) {
  if (!(p in PORTABLE_TARGETS || p === host)) {
    throw new Error(`pack:local: --platform ${p} is neither this machine's (${host}) nor one of ${Object.keys(PORTABLE_TARGETS).join(', ')}`);
  }
}

/** The engine file for a platform: the zig cross-build where there is one, else the local release build. */
function engine(platform) {
  const binaryFile = `${pkg.napi.binaryName}.${platform}.node`;
  // zig cross-builds from Linux; a Mac or Windows machine builds its own engine with its own toolchain.
  const portable = platform in PORTABLE_TARGETS && (process.platform === 'linux' || platform !== host);
  const dir = portable ? join(root, 'target', 'portable') : root;
  if (build && portable) portableBuild(platform, dir);
  else if (build) {
    step('building the release engine (npm run build:native)');
    npmRun('build:native');
  }
  const binary = join(dir, binaryFile);
  if (!existsSync(binary)) throw new Error(`pack:local: ${relative(root, binary)} is missing: run npm run pack:local without --no-build`);
  return binary;
}
const binaries = Object.fromEntries(platforms.map((p) => [p, engine(p)]));

step('generating the platform packages (napi create-npm-dirs)');
sh(process.execPath, [join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js'), 'create-npm-dirs']);
const out = join(root, 'artifacts');
mkdirSync(out, { recursive: true });
const pack = (dir) => {
  const [info] = JSON.parse(sh(npmCmd, ['pack', '--json', '--pack-destination', out], dir));
  return join(out, info.filename);
};
const mb = (file) => `${(statSync(file).size / 1e6).toFixed(2)} MB`;
step('packing');
const mainTarball = pack(root);
const lines = [`${relative(root, mainTarball)}\t${mb(mainTarball)}\t${pkg.name}@${pkg.version}`];
for (const [platform, binary] of Object.entries(binaries)) {
  const platformDir = join(root, 'npm', platform);
  const platformPkg = JSON.parse(readFileSync(join(platformDir, 'package.json'), 'utf8'));
  const binaryFile = `${pkg.napi.binaryName}.${platform}.node`;
  if (platformPkg.main !== binaryFile) throw new Error(`pack:local: npm/${platform}/package.json has main ${platformPkg.main}, expected ${binaryFile}`);
  copyFileSync(binary, join(platformDir, binaryFile));
  const tarball = pack(platformDir);
  lines.push(`${relative(root, tarball)}\t${mb(tarball)}\t${platformPkg.name}@${platformPkg.version} (${binaryFile}: ${mb(binary)})`);
}
process.stdout.write(`${lines.join('\n')}\n`);
