#!/usr/bin/env node
// `npm run pack:local`: the release flow for this machine only. Builds the release engine and the JS, lays
// out the platform package with `napi create-npm-dirs` (as a release does), puts this machine's binary in
// it (what `napi artifacts` does for every target at once; it refuses to run with only one) and writes two
// tarballs into artifacts/:
//   giantstep-<version>.tgz                  the main package: compiled JS, .d.ts, README, LICENSE
//   giantstep-<platform>-<version>.tgz       the engine for this platform (one .node file)
// Install both into any project (`npm install ./artifacts/*.tgz`) to get what `npm install giantstep`
// gives on this platform, without a Rust toolchain. `--no-build` reuses the current build.
// On the Linux platforms of scripts/portable-build.mjs the engine is the portable build (zig as the
// linker: glibc 2.17, or musl), the one a release ships; elsewhere the local release build.
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

const build = !process.argv.includes('--no-build');
const npmRun = (script) => execFileSync(npmCmd, ['run', script], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (build) {
  step('building the JS (npm run build:ts)');
  npmRun('build:ts');
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { platformName } = createRequire(import.meta.url)(join(root, 'dist', 'native.js'));
const platform = platformName();
const binaryFile = `${pkg.napi.binaryName}.${platform}.node`;
const portable = platform in PORTABLE_TARGETS;
const binaryDir = portable ? join(root, 'target', 'portable') : root;
if (build && portable) portableBuild(platform, binaryDir);
else if (build) {
  step('building the release engine (npm run build:native)');
  npmRun('build:native');
}
const binary = join(binaryDir, binaryFile);
if (!existsSync(binary)) throw new Error(`pack:local: ${relative(root, binary)} is missing: run npm run pack:local without --no-build`);

step('generating the platform packages (napi create-npm-dirs)');
sh(process.execPath, [join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js'), 'create-npm-dirs']);
const platformDir = join(root, 'npm', platform);
const platformPkg = JSON.parse(readFileSync(join(platformDir, 'package.json'), 'utf8'));
if (platformPkg.main !== binaryFile) {
  throw new Error(`pack:local: npm/${platform}/package.json has main ${platformPkg.main}, expected ${binaryFile}`);
}
copyFileSync(binary, join(platformDir, binaryFile));

const out = join(root, 'artifacts');
mkdirSync(out, { recursive: true });
const pack = (dir) => {
  const [info] = JSON.parse(sh(npmCmd, ['pack', '--json', '--pack-destination', out], dir));
  return join(out, info.filename);
};
step('packing');
const mainTarball = pack(root);
const platformTarball = pack(platformDir);

const mb = (file) => `${(statSync(file).size / 1e6).toFixed(2)} MB`;
process.stdout.write(
  `${relative(root, mainTarball)}\t${mb(mainTarball)}\t${pkg.name}@${pkg.version}\n` +
    `${relative(root, platformTarball)}\t${mb(platformTarball)}\t${platformPkg.name}@${platformPkg.version} (${binaryFile}: ${mb(binary)})\n`,
);
